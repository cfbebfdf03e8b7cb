//! The look's behaviour: the appearance chosen in Settings (applied and
//! remembered), the stepper going back, Escape, the spinner inside
//! Re-check, and the empty Settings offering its one action.

use super::wizard::{
    PROD_CONFIG, PROD_KEYS, World, click, disabled, harness, idle, settle, step_until,
    to_connect_aws, type_name,
};
use egui::accesskit::{Role, Toggled};
use egui_kittest::kittest::{NodeT, Queryable};
use std::time::Duration;

fn open_settings(h: &mut egui_kittest::Harness<'static, escher::ui::EscherApp>) {
    click(h, "Settings");
    step_until(h, "the pane", |h| {
        h.query_by_label("Settings → Profiles").is_some()
    });
}

#[test]
fn the_appearance_chosen_in_settings_applies_and_is_remembered() {
    let w = World::new(PROD_CONFIG, PROD_KEYS);
    let mut h = harness(w.app());
    open_settings(&mut h);
    click(&mut h, "Appearance: Dark");
    settle(&mut h);
    assert_eq!(h.ctx.theme(), egui::Theme::Dark);
    click(&mut h, "Appearance: Light");
    settle(&mut h);
    assert_eq!(h.ctx.theme(), egui::Theme::Light);
    click(&mut h, "Appearance: Dark");
    settle(&mut h);
    drop(h); // quitting writes what is waiting
    let text = std::fs::read_to_string(w.config_dir.path().join("settings.json")).unwrap();
    assert!(text.contains(r#""appearance": "dark""#), "{text}");
    // The next start opens dark, whatever egui would pick.
    let h = harness(w.app());
    assert_eq!(h.ctx.theme(), egui::Theme::Dark);
}

#[test]
fn settings_files_from_before_the_appearance_follow_the_system() {
    let w = World::new(PROD_CONFIG, PROD_KEYS);
    std::fs::write(
        w.config_dir.path().join("settings.json"),
        r#"{"schema_version": 1, "step": "connect_aws", "method": "Sso", "profiles": []}"#,
    )
    .unwrap();
    let mut h = harness(w.app());
    assert!(h.query_by_label("Connect AWS").is_some());
    open_settings(&mut h);
    let system = h.get_by_label("Appearance: System");
    assert_eq!(
        system.accesskit_node().toggled(),
        Some(Toggled::True),
        "System is the one chosen"
    );
}

#[test]
fn a_done_step_in_the_stepper_goes_back_to_it() {
    let w = World::new(PROD_CONFIG, PROD_KEYS);
    let mut h = harness(w.app());
    // Upcoming steps are not buttons.
    assert!(
        h.query_by_role_and_label(Role::Button, "2 Connect AWS")
            .is_none()
    );
    to_connect_aws(&mut h);
    click(&mut h, "1 Welcome");
    settle(&mut h);
    assert!(h.query_by_label("Get started").is_some());
    assert!(h.query_by_label("Profile name").is_none());
}

#[test]
fn escape_closes_settings_and_troubleshooting() {
    let w = World::new(PROD_CONFIG, PROD_KEYS);
    let mut h = harness(w.app());
    to_connect_aws(&mut h);
    open_settings(&mut h);
    h.key_press(egui::Key::Escape);
    settle(&mut h);
    assert!(h.query_by_label("Settings → Profiles").is_none());
    assert!(h.query_by_label("Profile name").is_some());

    click(&mut h, "Troubleshooting");
    settle(&mut h);
    let row = "Escher's Re-check still fails after the CLI command succeeds";
    assert!(h.query_by_label(row).is_some());
    h.key_press(egui::Key::Escape);
    settle(&mut h);
    assert!(h.query_by_label(row).is_none());
}

#[test]
fn the_spinner_turns_inside_recheck_while_checking() {
    let w = World::new(PROD_CONFIG, PROD_KEYS);
    w.aws.sts_delay(Duration::from_secs(3));
    let mut h = harness(w.app());
    to_connect_aws(&mut h);
    step_until(&mut h, "CLI detection", |h| {
        h.query_by_label("AWS CLI 2.15.30 is installed.").is_some()
    });
    type_name(&mut h, "prod-admin");
    h.get_by_label("Re-check").click();
    step_until(&mut h, "the check to start", |h| !idle(h));
    let button = h.get_by_label("Re-check");
    assert!(disabled(&button));
    let inside = button.rect();
    let spinners: Vec<_> = h.query_all_by_role(Role::ProgressIndicator).collect();
    assert!(
        spinners.iter().any(|s| inside.contains_rect(s.rect())),
        "no spinner inside {inside:?}"
    );
    step_until(&mut h, "the verdict", |h| {
        h.query_by_label_contains("is verified").is_some()
    });
}

#[test]
fn settings_with_no_profiles_offers_to_connect_one() {
    let w = World::new(PROD_CONFIG, PROD_KEYS);
    let mut h = harness(w.app());
    open_settings(&mut h);
    assert!(
        h.query_by_label_contains("No profiles connected yet")
            .is_some()
    );
    click(&mut h, "Connect an AWS profile");
    settle(&mut h);
    assert!(h.query_by_label("Profile name").is_some());
}

#[test]
fn at_the_minimum_size_the_stepper_and_the_bar_buttons_do_not_overlap() {
    let w = World::new(PROD_CONFIG, PROD_KEYS);
    let mut h = egui_kittest::Harness::builder()
        .with_size(egui::vec2(800.0, 600.0))
        .build_ui_state(|ui, app: &mut escher::ui::EscherApp| app.show(ui), w.app());
    settle(&mut h);
    to_connect_aws(&mut h);
    assert_apart(&h);
    // Connect Azure: the longest current title.
    type_name(&mut h, "prod-admin");
    click(&mut h, "Re-check");
    step_until(&mut h, "the verdict", |h| {
        h.query_by_label_contains("is verified").is_some()
    });
    click(&mut h, "Continue to Azure");
    settle(&mut h);
    assert!(h.query_by_label("Connect Azure").is_some());
    assert_apart(&h);
}

fn assert_apart(h: &egui_kittest::Harness<'static, escher::ui::EscherApp>) {
    let names = [
        "1 Welcome",
        "2 Connect AWS",
        "3 Connect Azure",
        "4 Done",
        "Troubleshooting",
        "Settings",
    ];
    let rects: Vec<_> = names.iter().map(|n| h.get_by_label(n).rect()).collect();
    for (i, a) in rects.iter().enumerate() {
        for (j, b) in rects.iter().enumerate().skip(i + 1) {
            assert!(
                !a.intersects(*b),
                "{} {a:?} overlaps {} {b:?}",
                names[i],
                names[j]
            );
        }
    }
}
