//! Settings → Profiles and the settings file under the conditions a user
//! meets: a failed Connect, a removal during a check, a slow read of the
//! AWS files, a settings folder that refuses writes, a damaged file.

use super::wizard::{PROD_CONFIG, PROD_KEYS, World, click, harness, idle, settle, step_until};
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use escher::ui::EscherApp;
use std::time::{Duration, Instant};

fn open_settings(h: &mut Harness<'static, EscherApp>) {
    click(h, "Settings");
    step_until(h, "the profiles pane", |h| {
        h.query_by_label("Settings → Profiles").is_some()
    });
}

fn spinning(h: &Harness<'static, EscherApp>) -> bool {
    !idle(h)
}

#[test]
fn a_failed_connect_shows_its_diagnosis_on_the_found_row() {
    let w = World::new(
        PROD_CONFIG,
        "[prod-admin]\naws_access_key_id = AKIAOLD\naws_secret_access_key = x\n",
    );
    let mut h = harness(w.app());
    open_settings(&mut h);
    step_until(&mut h, "discovery", |h| {
        h.query_by_label("Connect prod-admin").is_some()
    });
    click(&mut h, "Connect prod-admin");
    step_until(&mut h, "the diagnosis", |h| {
        h.query_by_label_contains("AWS rejected the credentials")
            .is_some()
    });
    settle(&mut h);
    let row = h.get_by_label("Connect prod-admin").rect();
    let title = h
        .get_by_label_contains("AWS rejected the credentials")
        .rect();
    assert!(
        title.top() >= row.bottom() - 1.0 && title.top() < row.bottom() + 40.0,
        "the diagnosis at {title:?} is not on the row at {row:?}"
    );
    assert!(h.query_by_label_contains("What to do:").is_some());
    assert!(
        h.query_by_label("aws configure --profile prod-admin")
            .is_some()
    );
    assert!(
        h.query_by_role_and_label(Role::CheckBox, "Use prod-admin")
            .is_none(),
        "a failed check connected the profile"
    );
}

#[test]
fn removing_a_profile_while_its_check_runs_does_not_bring_it_back() {
    let w = World::new(PROD_CONFIG, PROD_KEYS);
    let mut app = w.app();
    app.background.timeout = Duration::from_secs(60);
    let mut h = harness(app);
    open_settings(&mut h);
    step_until(&mut h, "discovery", |h| {
        h.query_by_label("Connect prod-admin").is_some()
    });
    click(&mut h, "Connect prod-admin");
    step_until(&mut h, "the connection", |h| {
        h.query_by_role_and_label(Role::CheckBox, "Use prod-admin")
            .is_some()
    });
    // The next answer takes seconds: Remove is pressed while it is awaited.
    w.aws.sts_delay(Duration::from_secs(3));
    click(&mut h, "Re-check prod-admin");
    step_until(&mut h, "the check in flight", spinning);
    // Clicked at once: `click` would first wait for the spinner to stop.
    h.get_by_label("Remove prod-admin").click();
    step_until(&mut h, "the removal", |h| {
        h.query_by_label("Connect prod-admin").is_some()
    });
    assert!(spinning(&h), "the check ended before Remove was pressed");
    step_until(&mut h, "the check's answer", idle);
    assert_eq!(w.aws.sts_calls(), 2, "the second check never finished");
    settle(&mut h);
    assert!(
        h.query_by_role_and_label(Role::CheckBox, "Use prod-admin")
            .is_none(),
        "the removed profile came back"
    );
    drop(h); // quitting writes what is waiting
    let text = std::fs::read_to_string(w.config_dir.path().join("settings.json")).unwrap();
    assert!(!text.contains("prod-admin"), "{text}");
}

/// Opens a FIFO for writing (blocking until a reader opens it), says so,
/// then writes `text` when told to.
fn fifo_writer(
    path: &std::path::Path,
    text: &'static str,
) -> (
    std::sync::mpsc::Receiver<()>,
    std::sync::mpsc::Sender<()>,
    std::thread::JoinHandle<()>,
) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(status.success());
    let (opened_tx, opened) = std::sync::mpsc::channel();
    let (release, release_rx) = std::sync::mpsc::channel::<()>();
    let path = path.to_path_buf();
    let t = std::thread::spawn(move || {
        let mut f = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
        opened_tx.send(()).unwrap();
        let _ = release_rx.recv();
        std::io::Write::write_all(&mut f, text.as_bytes()).unwrap();
    });
    (opened, release, t)
}

#[test]
fn a_reading_of_the_files_that_finishes_late_does_not_replace_a_newer_one() {
    let w = World::new("", "");
    let config = w.home.path().join(".aws/config");
    std::fs::remove_file(&config).unwrap();
    // The first reading blocks on the config file until released.
    let (opened, release, writer) = fifo_writer(&config, "[profile older]\nregion = us-east-1\n");
    let mut h = harness(w.app());
    click(&mut h, "Settings");
    let deadline = Instant::now() + Duration::from_secs(30);
    while opened.try_recv().is_err() {
        assert!(Instant::now() < deadline, "the first reading never started");
        h.step();
        std::thread::sleep(Duration::from_millis(10));
    }
    // Meanwhile the CLI writes the files, and the window reads them again.
    std::fs::remove_file(&config).unwrap();
    w.home.config("[profile newer]\nregion = eu-west-1\n");
    h.event(egui::Event::WindowFocused(true));
    step_until(&mut h, "the second reading", |h| {
        h.query_by_label("Connect newer").is_some()
    });
    settle(&mut h);
    // Now the first reading finishes, with what the files said before.
    release.send(()).unwrap();
    writer.join().unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while !h.ctx.has_requested_repaint_for(&egui::ViewportId::ROOT) {
        assert!(
            Instant::now() < deadline,
            "the first reading never reported"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    settle(&mut h);
    assert!(h.query_by_label("Connect newer").is_some());
    assert!(
        h.query_by_label("Connect older").is_none(),
        "the late reading replaced the newer one"
    );
}

#[test]
fn a_settings_file_that_cannot_be_written_is_said_on_screen() {
    let w = World::new(PROD_CONFIG, PROD_KEYS);
    let mut h = harness(w.app());
    super::wizard::to_connect_aws(&mut h);
    let file = w.config_dir.path().join("settings.json");
    let deadline = Instant::now() + Duration::from_secs(30);
    while !file.exists() {
        assert!(Instant::now() < deadline, "the step was never saved");
        std::thread::sleep(Duration::from_millis(10));
    }
    // Something else takes the file's place: the rename cannot replace it.
    std::fs::remove_file(&file).unwrap();
    std::fs::create_dir(&file).unwrap();
    std::fs::write(file.join("keep"), "").unwrap();
    click(&mut h, "Change method");
    step_until(&mut h, "the notice", |h| {
        h.query_by_label_contains("Escher could not save its settings to")
            .is_some()
    });
    assert!(
        h.query_by_label_contains("Your changes stay for this session")
            .is_some()
    );
    assert!(h.query_by_label("Method: Access keys").is_some());
}

#[test]
fn a_verification_time_beyond_any_clock_reads_as_unknown() {
    let w = World::new(PROD_CONFIG, PROD_KEYS);
    std::fs::write(
        w.config_dir.path().join("settings.json"),
        r#"{"schema_version": 1, "step": "connect_aws", "method": "Sso", "profiles": [
            {"name": "prod-admin", "enabled": true, "kind": "access_keys", "region": "us-east-1",
             "identity": {"account": "123456789012", "arn": "arn:aws:iam::123456789012:user/alice",
                          "user_id": "AIDAALICE"},
             "verified_at": 18446744073709551615}]}"#,
    )
    .unwrap();
    let mut h = harness(w.app());
    step_until(&mut h, "Connect AWS", |h| {
        h.query_by_label("Connected so far").is_some()
    });
    assert!(h.query_by_label("✔ verified at a time not known").is_some());
    open_settings(&mut h);
    assert!(
        h.query_by_label("✔ 123456789012 · verified at a time not known")
            .is_some()
    );
    assert!(
        h.get_by_role_and_label(Role::CheckBox, "Use prod-admin")
            .accesskit_node()
            .toggled()
            .is_some()
    );
}

#[test]
fn entries_a_newer_escher_wrote_and_the_largest_numbers_keep_every_setting() {
    let w = World::new(PROD_CONFIG, PROD_KEYS);
    let newer = r#"{"name":"future","enabled":true,"kind":"sso_token_provider_v2","region":null,"identity":null,"verified_at":null}"#;
    let newer_sub = r#"{"cloud":"AzureCloud","subscription_id":"not-a-guid","shape":"v2"}"#;
    let max = u64::MAX;
    std::fs::write(
        w.config_dir.path().join("settings.json"),
        format!(
            r#"{{"schema_version": 1, "step": "connect_aws", "method": "Sso", "appearance": "sepia", "profiles": [
            {{"name": "prod-admin", "enabled": true, "kind": "access_keys", "region": "us-east-1",
             "identity": {{"account": "123456789012", "arn": "arn:aws:iam::123456789012:user/alice", "user_id": "AIDAALICE"}},
             "verified_at": {max},
             "permissions": {{"allowed": ["ec2"], "can_write": false, "checked_at": {max}}}}},
            {newer}],
            "azure": [{{"cloud": "AzureCloud", "tenant_id": "c0000000-0000-0000-0000-00000000000c",
              "subscription_id": "aaaaaaaa-0000-0000-0000-000000000001", "name": "Contoso", "user_name": "a@contoso.com",
              "verified_at": {max}, "can_write": false, "enabled": true}}, {newer_sub}]}}"#
        ),
    )
    .unwrap();
    let mut h = harness(w.app());
    open_settings(&mut h);
    assert!(
        h.query_by_label_contains("future: written by a newer Escher")
            .is_some()
    );
    assert!(h.query_all_by_label_contains("Contoso").next().is_some());
    assert!(
        h.query_by_role_and_label(Role::CheckBox, "Use prod-admin")
            .is_some()
    );
    assert!(
        std::fs::read_dir(w.config_dir.path())
            .unwrap()
            .flatten()
            .all(|e| !e.file_name().to_string_lossy().contains("corrupt"))
    );
    // A change here saves; the entries this version cannot read go back as they were.
    h.get_by_role_and_label(Role::CheckBox, "Use prod-admin")
        .click();
    settle(&mut h);
    drop(h);
    let text = std::fs::read_to_string(w.config_dir.path().join("settings.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let kept: serde_json::Value = serde_json::from_str(newer).unwrap();
    assert!(v["profiles"].as_array().unwrap().contains(&kept), "{text}");
    let kept_sub: serde_json::Value = serde_json::from_str(newer_sub).unwrap();
    assert!(v["azure"].as_array().unwrap().contains(&kept_sub), "{text}");
    assert_eq!(v["profiles"][0]["enabled"], false);
}
