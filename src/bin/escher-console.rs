//! The command-line entry on Windows, installed as `escher.com` beside
//! `escher.exe` (as `devenv.com` sits beside `devenv.exe`): cmd and
//! PowerShell try `.com` before `.exe` (`PATHEXT`), so `escher check`
//! runs this console program, which runs the GUI program `escher.exe` in
//! its console, waits, and returns its exit status. With no arguments it
//! opens the window and returns at once, as a double-click would.
//!
//! It is plain std, so on Linux and macOS it forwards to `escher` the same
//! way (and is tested there), although nothing installs it.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::{Command, Stdio};

fn main() {
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    let Some(exe) = sibling() else {
        eprintln!("escher: could not tell where escher.com is; run escher.exe instead.");
        std::process::exit(2);
    };
    let mut cmd = Command::new(&exe);
    cmd.args(&args);
    if args.is_empty() {
        cmd.stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        if let Err(e) = cmd.spawn() {
            fail(&exe, &e);
        }
        return;
    }
    ignore_ctrl_c();
    match cmd.status() {
        Ok(status) => std::process::exit(status.code().unwrap_or(1)),
        Err(e) => fail(&exe, &e),
    }
}

/// `escher.exe` in this program's folder.
fn sibling() -> Option<PathBuf> {
    let me = std::env::current_exe().ok()?;
    Some(me.with_file_name(format!("escher{}", std::env::consts::EXE_SUFFIX)))
}

fn fail(exe: &std::path::Path, e: &std::io::Error) -> ! {
    eprintln!(
        "escher: could not start {} ({e}); reinstall Escher, or run it from its folder.",
        exe.display()
    );
    std::process::exit(2);
}

/// Windows: Ctrl+C reaches every program in the console; escher.exe acts
/// on it, and this one keeps waiting so its exit status is the one cmd
/// sees. A handler (not `SetConsoleCtrlHandler(None, …)`, which children
/// inherit) keeps Ctrl+C working in escher.exe.
#[cfg(windows)]
fn ignore_ctrl_c() {
    unsafe extern "system" fn handled(_: u32) -> windows_sys::core::BOOL {
        1
    }
    // SAFETY: the handler is a plain function that lives as long as the program.
    unsafe {
        windows_sys::Win32::System::Console::SetConsoleCtrlHandler(Some(handled), 1);
    }
}

#[cfg(not(windows))]
fn ignore_ctrl_c() {}
