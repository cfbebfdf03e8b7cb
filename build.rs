//! Windows with mingw: Escher's icon and version become the programs' own
//! resources (assets/windows/escher.rc, compiled by windres and linked into
//! each program). Other targets: nothing. Without windres the programs
//! build with no icon, and the build says so.

use std::path::PathBuf;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=assets/windows/escher.rc");
    println!("cargo:rerun-if-changed=assets/icons/escher.ico");
    let target = std::env::var("TARGET").unwrap_or_default();
    let Some(arch) = target.strip_suffix("-pc-windows-gnu") else {
        return;
    };
    let version = std::env::var("CARGO_PKG_VERSION").unwrap_or_default();
    let commas = format!("{},0", version.replace('.', ","));
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default()).join("escher-rc.o");
    let windres = format!("{arch}-w64-mingw32-windres");
    let ran = Command::new(&windres)
        .args([
            "--input",
            "assets/windows/escher.rc",
            "--output-format=coff",
        ])
        .args(["--include-dir", "assets/icons"])
        .arg(format!("-DESCHER_VERSION=\\\"{version}\\\""))
        .arg(format!("-DESCHER_VERSION_COMMAS={commas}"))
        .arg("--output")
        .arg(&out)
        .status();
    match ran {
        Ok(s) if s.success() => println!("cargo:rustc-link-arg-bins={}", out.display()),
        Ok(s) => println!("cargo:warning={windres} failed ({s}): the programs have no icon"),
        Err(e) => println!("cargo:warning={windres} not found ({e}): the programs have no icon"),
    }
}
