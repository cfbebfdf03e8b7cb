use crate::common::{FakeAws, FakeIdentity, Home};
use escher::settings::{LoadNotice, SavedProfile, Settings, Store};
use std::process::Command;

fn sample() -> Settings {
    Settings {
        profiles: vec![SavedProfile {
            name: "prod-admin".into(),
            enabled: false,
            kind: Some(escher::aws::profiles::Kind::Sso),
            region: Some("us-east-1".into()),
            identity: None,
            verified_at: Some(1_700_000_000),
            permissions: None,
        }],
        ..Settings::default()
    }
}

#[test]
fn settings_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::new(dir.path());
    store.save(&sample()).unwrap();
    let (loaded, notice) = Store::new(dir.path()).load();
    assert_eq!(notice, None);
    assert_eq!(loaded, sample());
    let text = std::fs::read_to_string(store.path()).unwrap();
    assert!(text.contains("\"schema_version\": 1"), "{text}");
}

#[test]
fn a_corrupt_file_is_kept_aside_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("settings.json"), "{ not json").unwrap();
    let mut store = Store::new(dir.path());
    let (settings, notice) = store.load();
    assert_eq!(settings, Settings::default());
    let Some(LoadNotice::Corrupt { kept_as, .. }) = notice.clone() else {
        panic!("{notice:?}")
    };
    assert_eq!(std::fs::read_to_string(&kept_as).unwrap(), "{ not json");
    assert!(
        kept_as
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("settings.json.corrupt-")
    );
    assert!(notice.unwrap().to_string().contains("kept as"));
    assert!(
        store.is_writable(),
        "a fresh file may be written after keeping the old one aside"
    );
}

#[test]
fn a_crash_between_write_and_rename_leaves_the_old_settings() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::new(dir.path());
    store.save(&Settings::default()).unwrap();
    let prepared = store.prepare(&sample()).unwrap(); // ...and the process dies here.
    assert!(prepared.temp_path().exists());
    let (loaded, notice) = Store::new(dir.path()).load();
    assert_eq!((loaded, notice), (Settings::default(), None));
    prepared.commit().unwrap();
    assert_eq!(Store::new(dir.path()).load().0, sample());
}

#[test]
fn a_file_from_a_newer_escher_is_not_overwritten_unasked() {
    let dir = tempfile::tempdir().unwrap();
    let newer = r#"{"schema_version": 7, "profiles": [], "future": true}"#;
    std::fs::write(dir.path().join("settings.json"), newer).unwrap();
    let mut store = Store::new(dir.path());
    let (_, notice) = store.load();
    assert_eq!(notice, Some(LoadNotice::Newer { version: 7 }));
    assert!(store.save(&sample()).is_err());
    assert_eq!(std::fs::read_to_string(store.path()).unwrap(), newer);
    store.allow_overwrite();
    store.save(&sample()).unwrap();
    assert_eq!(Store::new(dir.path()).load().0, sample());
}

/// The files in the settings folder, sorted.
fn listing(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn the_command_line_reads_a_corrupt_settings_file_and_leaves_it_alone() {
    let aws = FakeAws::start();
    aws.user("AKIAPROD", "x", FakeIdentity::user("123456789012", "alice"));
    let home = Home::new();
    home.config("[profile prod]\nregion = us-east-1\n");
    home.credentials("[prod]\naws_access_key_id = AKIAPROD\naws_secret_access_key = x\n");
    let config_dir = tempfile::tempdir().unwrap();
    let corrupt = "{\"schema_version\": 1, \"profiles\": [";
    std::fs::write(config_dir.path().join("settings.json"), corrupt).unwrap();
    for args in [
        &["profiles"][..],
        &["profiles", "--json"],
        &["check", "prod"],
    ] {
        let o = Command::new(env!("CARGO_BIN_EXE_escher"))
            .args(args)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", home.path())
            .env("ESCHER_CONFIG_DIR", config_dir.path())
            .env("AWS_ENDPOINT_URL", &aws.url)
            .output()
            .expect("escher runs");
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert!(o.status.success(), "{args:?}: {stderr}");
        assert!(
            String::from_utf8_lossy(&o.stdout).contains("prod"),
            "{args:?}"
        );
        assert!(
            stderr.contains("could not be read") && stderr.contains("left as it is"),
            "{args:?} says nothing of the settings: {stderr}"
        );
        assert_eq!(
            listing(config_dir.path()),
            ["settings.json"],
            "{args:?} moved the settings aside"
        );
        assert_eq!(
            std::fs::read_to_string(config_dir.path().join("settings.json")).unwrap(),
            corrupt
        );
    }
}

fn named(names: &[&str]) -> Settings {
    let mut s = sample();
    s.profiles = names
        .iter()
        .map(|n| SavedProfile {
            name: (*n).into(),
            ..sample().profiles[0].clone()
        })
        .collect();
    s
}

fn names_on_disk(store: &Store) -> Vec<String> {
    let (s, _) = store.read();
    s.profiles.into_iter().map(|p| p.name).collect()
}

#[test]
fn two_windows_keep_each_others_profiles_and_a_removal_stays_removed() {
    let dir = tempfile::tempdir().unwrap();
    Store::new(dir.path()).save(&named(&["shared"])).unwrap();
    let mut first = Store::new(dir.path());
    let mut second = Store::new(dir.path());
    first.load();
    second.load();
    second.save(&named(&["shared", "from-second"])).unwrap();
    // The first window saves what it knows: it never saw from-second.
    first.save(&named(&["shared", "from-first"])).unwrap();
    assert_eq!(
        names_on_disk(&first),
        ["shared", "from-first", "from-second"]
    );
    // A profile removed in the first window stays removed; the other's stays.
    first.save(&named(&["from-first"])).unwrap();
    assert_eq!(names_on_disk(&first), ["from-first", "from-second"]);
}
