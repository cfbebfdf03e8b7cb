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

#[test]
fn bundle_metadata_names_the_app_and_its_icons() {
    let manifest = read("Cargo.toml");
    assert!(manifest.contains(&format!("identifier = \"{}\"", escher::BUNDLE_ID)));
    assert!(manifest.contains(&format!("startup_wm_class = \"{}\"", escher::APP_ID)));
    assert!(manifest.contains("info_plist_exts = [\"assets/macos/Info.plist.ext\"]"));
    assert!(manifest.contains("apple_signing_entitlements = \"assets/macos/Escher.entitlements\""));
    // The 1024 px image is the 512 pt one at 2x: cargo-bundle takes the
    // density from "@2x" in the name, and .icns has no 1024 px at 1x.
    for (file, size) in [
        ("32", 32),
        ("64", 64),
        ("128", 128),
        ("256", 256),
        ("512", 512),
        ("512@2x", 1024),
    ] {
        let icon = format!("assets/icons/escher-{file}.png");
        assert!(
            manifest.contains(&format!("\"{icon}\"")),
            "{icon} not in the bundle's icons"
        );
        assert_eq!(png_size(&root().join(&icon)), (size, size));
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
    // The reference validator, where installed (.ci/run installs it).
    if let Ok(out) = std::process::Command::new("desktop-file-validate")
        .arg(&path)
        .output()
    {
        let said = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success() && said.trim().is_empty(),
            "desktop-file-validate: {said}"
        );
    }
}
