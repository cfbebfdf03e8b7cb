//! One frame of Settings → Profiles with 1,000 profiles in the AWS files and
//! 200 of them connected, drawn through egui_kittest as the window draws it,
//! beside a small case (10 and 2). Budget: 2 ms. `cargo bench --bench
//! ui_frame` (release settings). Without a release build of every
//! dependency, optimising only the crates a frame runs in gives comparable
//! numbers in minutes:
//! `cargo bench --profile dev --bench ui_frame $(for p in egui epaint emath
//! ecolor egui_kittest kittest accesskit accesskit_consumer escher; do printf
//! -- '--config profile.dev.package.%s.opt-level=3 ' $p; done)`

#[path = "../tests/common/mod.rs"]
mod common;

use common::Home;
use criterion::{Criterion, criterion_group, criterion_main};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use escher::aws::check::Identity;
use escher::aws::profiles::Kind;
use escher::background::Background;
use escher::settings::{SavedProfile, Settings, Store};
use escher::terminal::LaunchEnv;
use escher::ui::EscherApp;
use std::time::{Duration, Instant, SystemTime};

/// Access-key profiles p0…p(n-1) in the files.
fn home(in_files: usize) -> Home {
    let home = Home::new();
    let mut config = String::new();
    let mut creds = String::new();
    for i in 0..in_files {
        config.push_str(&format!("[profile p{i}]\nregion = us-east-1\n"));
        creds.push_str(&format!(
            "[p{i}]\naws_access_key_id = AKIA{i:016}\naws_secret_access_key = s{i}\n"
        ));
    }
    home.config(&config);
    home.credentials(&creds);
    home
}

/// The first `connected` connected and verified an hour ago.
fn settings(connected: usize) -> Settings {
    let hour_ago = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        - 3600;
    Settings {
        step: escher::settings::SavedStep::ConnectAws,
        profiles: (0..connected)
            .map(|i| SavedProfile {
                name: format!("p{i}"),
                enabled: i % 2 == 0,
                kind: Some(Kind::AccessKeys),
                region: Some("us-east-1".into()),
                identity: Some(Identity {
                    account: format!("{i:012}"),
                    arn: format!("arn:aws:iam::{i:012}:user/u{i}"),
                    user_id: format!("AIDA{i:016}"),
                }),
                verified_at: Some(hour_ago),
                permissions: None,
            })
            .collect(),
        ..Settings::default()
    }
}

/// The window on Settings → Profiles once the files are read.
fn settings_pane(
    rt: &tokio::runtime::Runtime,
    home: &Home,
    config_dir: &std::path::Path,
    in_files: usize,
    connected: usize,
) -> Harness<'static, EscherApp> {
    std::fs::write(
        config_dir.join("settings.json"),
        serde_json::to_vec(&settings(connected)).unwrap(),
    )
    .unwrap();
    // Nothing is checked: the endpoint is never called.
    let bg = Background::new(
        rt.handle().clone(),
        home.env("http://127.0.0.1:9"),
        LaunchEnv::default(),
    );
    let app = EscherApp::new(bg, Store::new(config_dir));
    let mut h = Harness::builder()
        .with_size(egui::vec2(960.0, 760.0))
        .build_ui_state(|ui, app: &mut EscherApp| app.show(ui), app);
    h.run_ok();
    h.get_by_label("Settings").click();
    let deadline = Instant::now() + Duration::from_secs(60);
    while h.state().wizard.found_count() != in_files - connected {
        assert!(Instant::now() < deadline, "the files were never read");
        h.step();
        std::thread::sleep(Duration::from_millis(10));
    }
    h.run_ok();
    h
}

fn settings_profiles_frame(c: &mut Criterion) {
    let rt = escher::background::new_runtime().unwrap();
    // The budget's case, and a small one: the two should cost alike.
    for (in_files, connected) in [(1000, 200), (10, 2)] {
        let home = home(in_files);
        let config_dir = tempfile::tempdir().unwrap();
        let mut h = settings_pane(&rt, &home, config_dir.path(), in_files, connected);
        c.bench_function(
            &format!("settings_profiles_frame_{in_files}_in_files_{connected}_connected"),
            |b| b.iter(|| h.step()),
        );
    }
}

criterion_group!(benches, settings_profiles_frame);
criterion_main!(benches);
