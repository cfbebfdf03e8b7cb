//! What `cargo bundle` reads, checked on any OS: the metadata, icons,
//! plist keys and entitlements for macOS, and the Linux desktop entry.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(p: &str) -> String {
    std::fs::read_to_string(root().join(p)).unwrap_or_else(|e| panic!("{p}: {e}"))
}

/// Width and height from a PNG's IHDR chunk.
fn png_size(path: &Path) -> (u32, u32) {
    let b = std::fs::read(path).unwrap();
    assert_eq!(
        &b[..8],
        b"\x89PNG\r\n\x1a\n",
        "{} is not a PNG",
        path.display()
    );
    let be = |i: usize| u32::from_be_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
    (be(16), be(20))
}

/// `[package.metadata.bundle]` as cargo reports it (`cargo metadata`), so
/// the test reads what cargo-bundle reads, not the manifest's spelling.
fn bundle_metadata() -> serde_json::Value {
    let out = std::process::Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .arg("--manifest-path")
        .arg(root().join("Cargo.toml"))
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "cargo metadata: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let package = meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "escher")
        .expect("the escher package")
        .clone();
    package["metadata"]["bundle"].clone()
}

fn text<'a>(v: &'a serde_json::Value, what: &str) -> &'a str {
    v.as_str()
        .unwrap_or_else(|| panic!("{what} is not a string: {v}"))
}

#[test]
fn bundle_metadata_names_the_app_and_its_icons() {
    let bundle = bundle_metadata();
    assert_eq!(text(&bundle["name"], "name"), "Escher");
    assert_eq!(text(&bundle["identifier"], "identifier"), escher::BUNDLE_ID);
    assert_eq!(
        text(&bundle["linux"]["startup_wm_class"], "startup_wm_class"),
        escher::APP_ID
    );
    // Every file the bundle names exists where cargo-bundle looks for it.
    let plist_exts = bundle["osx"]["info_plist_exts"].as_array().unwrap();
    assert_eq!(plist_exts.len(), 1);
    let plist_ext = text(&plist_exts[0], "info_plist_exts");
    assert!(read(plist_ext).contains("NSAppleEventsUsageDescription"));
    let entitlements = text(
        &bundle["apple_signing_entitlements"],
        "apple_signing_entitlements",
    );
    assert!(read(entitlements).contains("com.apple.security.automation.apple-events"));
    assert_eq!(bundle["apple_signing_hardened_runtime"], true);
    // Each icon is a square PNG of the size its name says; together they
    // cover what an .icns holds. The 1024 px image is the 512 pt one at 2x:
    // cargo-bundle takes the density from "@2x" in the name.
    let mut sizes: Vec<(u32, bool)> = Vec::new();
    for icon in bundle["icon"].as_array().unwrap() {
        let icon = text(icon, "icon");
        let (w, h) = png_size(&root().join(icon));
        assert_eq!(w, h, "{icon} is not square");
        let retina = icon.ends_with("@2x.png");
        let points = if retina { w / 2 } else { w };
        assert!(
            icon.ends_with(&format!("-{points}{}.png", if retina { "@2x" } else { "" })),
            "{icon} is {w} px"
        );
        sizes.push((points, retina));
    }
    for needed in [
        (32, false),
        (128, false),
        (256, false),
        (512, false),
        (512, true),
    ] {
        assert!(sizes.contains(&needed), "no {needed:?} icon in {sizes:?}");
    }
    assert_eq!(
        png_size(&root().join("assets/icons/escher-256.png")),
        (256, 256)
    );
    assert!(!escher::ICON_PNG.is_empty());
}

#[test]
fn info_plist_carries_the_apple_events_key() {
    // cargo-bundle writes NSHighResolutionCapable itself (scripts/bundle.sh
    // checks the final plist); the extension adds what it does not.
    let ext = read("assets/macos/Info.plist.ext");
    assert!(ext.contains("<key>NSAppleEventsUsageDescription</key>"));
    for bundler_key in [
        "NSHighResolutionCapable",
        "CFBundleIdentifier",
        "LSApplicationCategoryType",
    ] {
        assert!(
            !ext.contains(bundler_key),
            "{bundler_key} would be written twice"
        );
    }
    // A fragment spliced into the <dict>: each key is followed by a value.
    assert_eq!(ext.matches("<key>").count(), ext.matches("</key>").count());
    assert!(!ext.contains("<plist") && !ext.contains("<dict>"));
    let ent = read("assets/macos/Escher.entitlements");
    assert!(
        ent.contains("<key>com.apple.security.automation.apple-events</key>\n\t<true/>"),
        "{ent}"
    );
}

#[test]
fn the_desktop_entry_matches_the_app_id_and_validates() {
    let path = root().join(format!("assets/linux/{}.desktop", escher::APP_ID));
    let text = std::fs::read_to_string(&path).expect("desktop file named as the app id");
    for line in [
        "[Desktop Entry]",
        "Type=Application",
        "Name=Escher",
        "Exec=escher",
        "Terminal=false",
    ] {
        assert!(text.lines().any(|l| l == line), "missing {line}");
    }
    assert!(
        text.lines()
            .any(|l| l == format!("Icon={}", escher::APP_ID))
    );
    assert!(
        text.lines()
            .any(|l| l == format!("StartupWMClass={}", escher::APP_ID))
    );
    // The reference validator. CI (CI=true) must have it; elsewhere a
    // machine without it says so and skips only this part.
    match std::process::Command::new("desktop-file-validate")
        .arg(&path)
        .output()
    {
        Ok(out) => {
            let said = String::from_utf8_lossy(&out.stdout).into_owned()
                + &String::from_utf8_lossy(&out.stderr);
            assert!(
                out.status.success() && said.trim().is_empty(),
                "desktop-file-validate: {said}"
            );
        }
        Err(e) => {
            assert!(
                !std::env::var("CI").is_ok_and(|v| v == "true"),
                "desktop-file-validate could not run ({e}); CI must install desktop-file-utils"
            );
            eprintln!("desktop-file-validate is not installed ({e}); the entry was not validated");
        }
    }
}
