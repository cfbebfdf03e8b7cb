//! Re-check by itself, end to end: from the credentials file being written
//! to the passed verdict on Connect AWS, through the file watch, a new
//! reading of the files and a check against the local STS; drawn through
//! egui_kittest as the window draws it. Budget: 2 s. Prints the median and
//! the slowest of 7 rounds, each from a failed state. The time is mostly
//! the watch's gathering of events (150 ms) and the check, so the dev
//! profile measures it fairly in a minute's build:
//! `cargo bench --profile dev --bench auto_recheck`.

#[path = "../tests/common/mod.rs"]
mod common;

use common::{FakeAws, FakeIdentity, Home};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use escher::background::Background;
use escher::settings::{SavedStep, Settings, Store};
use escher::terminal::LaunchEnv;
use escher::ui::EscherApp;
use std::time::{Duration, Instant};

const GOOD: &str =
    "[p0]\naws_access_key_id = AKIA0000000000000000\naws_secret_access_key = secret0\n";
const BAD: &str = "[p0]\naws_access_key_id = AKIAUNKNOWN\naws_secret_access_key = x\n";

fn step_until(
    h: &mut Harness<'static, EscherApp>,
    what: &str,
    done: impl Fn(&Harness<'static, EscherApp>) -> bool,
) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !done(h) {
        if Instant::now() > deadline {
            let state = &h.state().wizard;
            panic!(
                "timed out waiting for {what}: step {:?}, name {:?}, report {:?}",
                state.step,
                state.name_input,
                state.current_report().map(|r| r.passed())
            );
        }
        h.step();
        std::thread::sleep(Duration::from_millis(1));
    }
}

fn shows(h: &Harness<'static, EscherApp>, text: &str) -> bool {
    h.query_all_by_label_contains(text).next().is_some()
}

fn main() {
    // `cargo bench` passes `--bench`; nothing here takes arguments.
    let rt = escher::background::new_runtime().unwrap();
    let aws = FakeAws::start();
    aws.user(
        "AKIA0000000000000000",
        "secret0",
        FakeIdentity::user("123456789012", "u0"),
    );
    let home = Home::new();
    home.config("[profile p0]\nregion = us-east-1\n");
    home.credentials(BAD);
    let config_dir = tempfile::tempdir().unwrap();
    let settings = Settings {
        step: SavedStep::ConnectAws,
        ..Settings::default()
    };
    Store::new(config_dir.path()).save(&settings).unwrap();
    let bg = Background::new(
        rt.handle().clone(),
        home.env(&aws.url),
        LaunchEnv::default(),
    );
    let mut h = Harness::builder()
        .with_size(egui::vec2(960.0, 760.0))
        .build_ui_state(
            |ui, app: &mut EscherApp| app.show(ui),
            EscherApp::new(bg, Store::new(config_dir.path())),
        );
    h.step();
    h.state_mut().wizard.name_input = "p0".into();
    step_until(&mut h, "Re-check", |h| {
        h.query_by_label("Re-check").is_some()
    });
    h.get_by_label("Re-check").scroll_to_me();
    for _ in 0..5 {
        h.step();
    }
    h.get_by_label("Re-check").click();
    let mut took = Vec::new();
    for round in 0..7 {
        step_until(&mut h, "the failure", |h| {
            shows(h, "AWS rejected the credentials")
        });
        // Let the failed state settle: the reading after the check is in.
        for _ in 0..20 {
            h.step();
            std::thread::sleep(Duration::from_millis(5));
        }
        let written = Instant::now();
        home.credentials(GOOD);
        step_until(&mut h, "the pass", |h| {
            shows(h, "Connected: p0 is verified")
        });
        took.push(written.elapsed());
        eprintln!("round {round}: {} ms", written.elapsed().as_millis());
        home.credentials(BAD);
    }
    took.sort();
    println!(
        "credentials written -> passed on screen: median {} ms, slowest {} ms (budget 2000 ms)",
        took[took.len() / 2].as_millis(),
        took[took.len() - 1].as_millis()
    );
}
