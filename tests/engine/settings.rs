use escher::settings::{LoadNotice, SavedProfile, Settings, Store};

fn sample() -> Settings {
    Settings {
        profiles: vec![SavedProfile {
            name: "prod-admin".into(),
            enabled: false,
            kind: Some(escher::aws::profiles::Kind::Sso),
            region: Some("us-east-1".into()),
            identity: None,
            verified_at: Some(1_700_000_000),
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
    let tmp = store.write_temp(&sample()).unwrap(); // ...and the process dies here.
    assert!(tmp.exists());
    let (loaded, notice) = Store::new(dir.path()).load();
    assert_eq!((loaded, notice), (Settings::default(), None));
    store.commit(&tmp).unwrap();
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
