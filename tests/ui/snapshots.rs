//! Every screen and state, rendered at 1280×800 in the light and the dark
//! theme (`name.png` and `name_dark.png` in tests/snapshots), and one at
//! pixels-per-point 2. `UPDATE_SNAPSHOTS=1` writes new images.

use super::azure::{signed_in, to_azure};
use super::azure_fakes::StandIn;
use super::wizard::{
    PROD_CONFIG, PROD_KEYS, World, click, idle, settle, step_until, to_connect_aws, type_name,
};
use egui::Theme;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use escher::ui::EscherApp;
use std::any::Any;
use std::time::Duration;

type H = Harness<'static, EscherApp>;
/// What must outlive the harness: the fake services and the home folder.
type Keep = Vec<Box<dyn Any>>;

fn options() -> egui_kittest::SnapshotOptions {
    // Software renderers differ slightly by CPU; text changes move far more.
    egui_kittest::SnapshotOptions::new()
        .threshold(1.0)
        .max_failed_pixels(400)
}

/// The window at the size the issue names, in `theme`.
fn window(app: EscherApp, theme: Theme) -> H {
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .build_ui_state(|ui, app: &mut EscherApp| app.show(ui), app);
    settle(&mut h);
    h.ctx.set_theme(theme);
    settle(&mut h);
    // A scroll to a widget lands at once: animated, where it stands when
    // the picture is taken would depend on how many frames the background
    // work took.
    h.ctx
        .all_styles_mut(|s| s.scroll_animation = egui::style::ScrollAnimation::none());
    h
}

/// Render `scenario` in both themes and compare with the stored images.
fn both(name: &str, scenario: impl Fn(Theme) -> (Keep, H)) {
    both_with(name, &options(), scenario);
}

fn both_with(
    name: &str,
    options: &egui_kittest::SnapshotOptions,
    scenario: impl Fn(Theme) -> (Keep, H),
) {
    let mut results = egui_kittest::SnapshotResults::new();
    for (theme, suffix) in [(Theme::Light, ""), (Theme::Dark, "_dark")] {
        let (_keep, mut h) = scenario(theme);
        h.remove_cursor();
        if idle(&h) {
            settle(&mut h);
        } else {
            h.step();
        }
        h.snapshot_options(format!("{name}{suffix}"), options);
        results.extend_harness(&mut h);
    }
    results.unwrap();
}

fn world() -> World {
    World::new(PROD_CONFIG, PROD_KEYS)
}

/// Connect AWS with the CLI found and the files read.
fn at_connect_aws(w: &World, theme: Theme) -> H {
    let mut h = window(w.app(), theme);
    to_connect_aws(&mut h);
    step_until(&mut h, "CLI detection", |h| {
        h.query_by_label("AWS CLI 2.15.30 is installed.").is_some()
    });
    step_until(&mut h, "discovery", |h| {
        h.query_by_label("Pick an existing profile").is_some()
    });
    h
}

fn recheck_until(h: &mut H, what: &str) {
    click(h, "Re-check");
    step_until(h, "the verdict", |h| {
        h.query_by_label_contains(what).is_some()
    });
    in_view_from_the_top(h, what);
}

/// Scroll to the top, then just far enough to show `what`: the same place
/// however the scroll stood before (a verdict below the fold).
fn in_view_from_the_top(h: &mut H, what: &str) {
    settle(h);
    if let Some(title) = h.query_by_label("Connect AWS") {
        title.scroll_to_me();
    }
    settle(h);
    if let Some(target) = h.query_all_by_label_contains(what).next() {
        target.scroll_to_me();
    }
    settle(h);
}

fn keep(w: World) -> Keep {
    vec![Box::new(w)]
}

#[test]
fn welcome() {
    both("welcome", |theme| {
        let w = world();
        let h = window(w.app(), theme);
        (keep(w), h)
    });
}

#[test]
fn connect_aws_sso_idle() {
    both("connect_aws_sso", |theme| {
        let w = world();
        let mut h = at_connect_aws(&w, theme);
        type_name(&mut h, "audit-sso");
        assert!(
            h.query_by_label("aws configure sso --profile audit-sso")
                .is_some()
        );
        (keep(w), h)
    });
}

#[test]
fn connect_aws_access_keys_idle() {
    both("connect_aws_access_keys", |theme| {
        let w = world();
        let mut h = at_connect_aws(&w, theme);
        type_name(&mut h, "dev");
        click(&mut h, "Change method");
        settle(&mut h);
        (keep(w), h)
    });
}

#[test]
fn connect_aws_existing_profile() {
    both("connect_aws_existing_profile", |theme| {
        let w = world();
        let mut h = at_connect_aws(&w, theme);
        type_name(&mut h, "prod-admin");
        assert!(h.query_by_label("Use new name prod-admin-sso").is_some());
        (keep(w), h)
    });
}

/// A profile with no credentials, method SSO: one status, SSO's fix.
#[test]
fn connect_aws_incomplete_profile() {
    both("connect_aws_incomplete_profile", |theme| {
        let w = World::new("[profile dev]\nregion = eu-west-1\n", "");
        let mut h = at_connect_aws(&w, theme);
        type_name(&mut h, "dev");
        h.get_by_label("aws configure sso --profile dev")
            .scroll_to_me();
        settle(&mut h);
        (keep(w), h)
    });
}

#[test]
fn connect_aws_checking() {
    both("connect_aws_checking", |theme| {
        let w = world();
        w.aws.sts_delay(Duration::from_secs(20));
        let mut h = at_connect_aws(&w, theme);
        type_name(&mut h, "prod-admin");
        h.get_by_label("Re-check").click();
        step_until(&mut h, "the check to start", |h| {
            h.query_by_label_contains("Checking prod-admin").is_some()
        });
        (keep(w), h)
    });
}

#[test]
fn connect_aws_passed() {
    both("connect_aws_passed", |theme| {
        let w = world();
        let mut h = at_connect_aws(&w, theme);
        type_name(&mut h, "prod-admin");
        recheck_until(&mut h, "is verified");
        (keep(w), h)
    });
}

#[test]
fn connect_aws_passed_at_two_pixels_per_point() {
    let w = world();
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .with_pixels_per_point(2.0)
        .build_ui_state(|ui, app: &mut EscherApp| app.show(ui), w.app());
    settle(&mut h);
    h.ctx.set_theme(Theme::Light);
    to_connect_aws(&mut h);
    type_name(&mut h, "prod-admin");
    recheck_until(&mut h, "is verified");
    h.remove_cursor();
    settle(&mut h);
    h.snapshot_options("connect_aws_passed_2x", &options());
}

/// Keyboard focus on a command's Copy: the accent ring around it (a few
/// hundred pixels, so fewer may differ than elsewhere).
#[test]
fn connect_aws_keyboard_focus() {
    let strict = options().max_failed_pixels(100);
    both_with("connect_aws_focus", &strict, |theme| {
        let w = world();
        let mut h = at_connect_aws(&w, theme);
        type_name(&mut h, "audit-sso");
        h.get_by_label("Copy command 1").focus();
        settle(&mut h);
        (keep(w), h)
    });
}

/// The smallest window: the stepper keeps only the current title, and the
/// column and the action bar still fit.
#[test]
fn connect_aws_at_the_minimum_size() {
    let w = world();
    let mut h = Harness::builder()
        .with_size(egui::vec2(800.0, 600.0))
        .build_ui_state(|ui, app: &mut EscherApp| app.show(ui), w.app());
    settle(&mut h);
    h.ctx.set_theme(Theme::Light);
    to_connect_aws(&mut h);
    type_name(&mut h, "audit-sso");
    h.remove_cursor();
    settle(&mut h);
    h.snapshot_options("connect_aws_800x600", &options());
}

#[test]
fn connect_aws_rejected_keys() {
    both("connect_aws_rejected", |theme| {
        let w = World::new(
            PROD_CONFIG,
            "[prod-admin]\naws_access_key_id = AKIAOLD\naws_secret_access_key = x\n",
        );
        let mut h = at_connect_aws(&w, theme);
        type_name(&mut h, "prod-admin");
        recheck_until(&mut h, "AWS rejected the credentials");
        (keep(w), h)
    });
}

#[test]
fn connect_aws_unknown_profile() {
    both("connect_aws_unknown_profile", |theme| {
        let w = world();
        let mut h = at_connect_aws(&w, theme);
        click(&mut h, "Change method");
        settle(&mut h);
        type_name(&mut h, "prod-admn");
        recheck_until(&mut h, "No profile by that name");
        (keep(w), h)
    });
}

#[test]
fn connect_aws_sso_not_signed_in() {
    both("connect_aws_sso_signed_out", |theme| {
        let w = World::new(
            "[profile corp]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = ReadOnly\n\
             [sso-session corp]\nsso_start_url = https://c.awsapps.com/start\nsso_region = us-east-1\n",
            "",
        );
        let mut h = at_connect_aws(&w, theme);
        type_name(&mut h, "corp");
        click(&mut h, "Re-check");
        step_until(&mut h, "the verdict", |h| {
            h.query_by_label_contains("aws sso login --profile corp")
                .is_some()
                && idle(h)
        });
        in_view_from_the_top(&mut h, "You have not signed in with SSO yet");
        (keep(w), h)
    });
}

#[test]
fn connect_aws_cli_missing() {
    both("connect_aws_cli_missing", |theme| {
        let w = world();
        std::fs::remove_file(w.stand_ins.path().join("aws")).unwrap();
        let mut h = window(w.app(), theme);
        to_connect_aws(&mut h);
        step_until(&mut h, "detection", |h| {
            h.query_by_label("The AWS CLI is not installed").is_some()
        });
        (keep(w), h)
    });
}

#[test]
fn troubleshooting() {
    both("troubleshooting", |theme| {
        let w = World::new(
            PROD_CONFIG,
            "[prod-admin]\naws_access_key_id = AKIAOLD\naws_secret_access_key = x\n",
        );
        let mut h = at_connect_aws(&w, theme);
        type_name(&mut h, "prod-admin");
        recheck_until(&mut h, "AWS rejected the credentials");
        h.get_by_label("Troubleshooting").click();
        settle(&mut h);
        (keep(w), h)
    });
}

#[test]
fn what_escher_needs() {
    both("what_escher_needs", |theme| {
        let w = world();
        let mut h = at_connect_aws(&w, theme);
        type_name(&mut h, "prod-admin");
        click(&mut h, "What Escher needs");
        settle(&mut h);
        h.get_by_label("Copy policy").scroll_to_me();
        settle(&mut h);
        (keep(w), h)
    });
}

#[test]
fn settings_empty() {
    both("settings_empty", |theme| {
        let w = world();
        let mut h = window(w.app(), theme);
        click(&mut h, "Settings");
        step_until(&mut h, "the pane", |h| {
            h.query_by_label("Connect prod-admin").is_some()
        });
        (keep(w), h)
    });
}

#[test]
fn settings_profiles() {
    both("settings_profiles", |theme| {
        let w = World::new(
            "[profile prod-admin]\nregion = us-east-1\n[profile staging]\nregion = eu-west-1\n[profile audit]\nregion = us-east-1\n",
            "[prod-admin]\naws_access_key_id = AKIAPROD\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n\
             [staging]\naws_access_key_id = AKIASTAGE\naws_secret_access_key = stagingSECRETkey0000000000000000000000\n\
             [audit]\naws_access_key_id = AKIAAUDIT\naws_secret_access_key = z\n",
        );
        let mut h = window(w.app(), theme);
        to_connect_aws(&mut h);
        for name in ["prod-admin", "staging"] {
            type_name(&mut h, name);
            recheck_until(&mut h, "is verified");
            click(&mut h, "Add another profile");
            settle(&mut h);
        }
        click(&mut h, "Settings");
        step_until(&mut h, "the pane", |h| {
            h.query_by_label("Connect audit").is_some()
        });
        h.get_by_label("Use staging").click();
        h.get_by_label("Connect audit").click();
        step_until(&mut h, "the failed connect", |h| {
            h.query_by_label_contains("What to do:").is_some() && idle(h)
        });
        (keep(w), h)
    });
}

/// Connect AWS passed, then Connect Azure with subscriptions to pick.
fn at_connect_azure(theme: Theme) -> (Keep, H) {
    let (s, arm) = signed_in();
    let w = world();
    let mut h = window(w.app_with_azure(s.env()), theme);
    to_azure(&mut h);
    (vec![Box::new(w), Box::new(s), Box::new(arm)], h)
}

fn verify_all(h: &mut H) {
    click(h, "Re-check");
    step_until(h, "the picker", |h| {
        h.query_by_label("Search subscriptions").is_some()
    });
    click(h, "Verify selected");
    step_until(h, "the verdicts", |h| {
        h.query_by_label_contains("Fabrikam Analytics: ").is_some()
    });
}

#[test]
fn connect_azure_idle() {
    both("connect_azure", at_connect_azure);
}

#[test]
fn connect_azure_not_signed_in() {
    both("connect_azure_signed_out", |theme| {
        let s = StandIn::new();
        s.recorded("account-list", "not-signed-in-list");
        let w = world();
        let mut h = window(w.app_with_azure(s.env()), theme);
        to_azure(&mut h);
        recheck_until(&mut h, "✖ Not signed in to Azure");
        (vec![Box::new(w), Box::new(s)], h)
    });
}

#[test]
fn connect_azure_sign_in_with_a_code() {
    both("connect_azure_code", |theme| {
        let s = StandIn::new();
        s.recorded("account-list", "not-signed-in-list");
        s.login_with_code();
        let w = world();
        let mut h = window(w.app_with_azure(s.env()), theme);
        to_azure(&mut h);
        click(&mut h, "Sign in with Azure");
        step_until(&mut h, "the code", |h| {
            h.query_by_label("DMQ6BL7XK").is_some()
        });
        h.get_by_label("DMQ6BL7XK").scroll_to_me();
        settle(&mut h);
        (vec![Box::new(w), Box::new(s)], h)
    });
}

#[test]
fn connect_azure_picker() {
    both("connect_azure_picker", |theme| {
        let (keep, mut h) = at_connect_azure(theme);
        verify_all(&mut h);
        h.get_by_label("Search subscriptions").scroll_to_me();
        settle(&mut h);
        (keep, h)
    });
}

#[test]
fn done() {
    both("done", |theme| {
        let (keep, mut h) = at_connect_azure(theme);
        verify_all(&mut h);
        click(&mut h, "Continue");
        settle(&mut h);
        (keep, h)
    });
}

#[test]
fn settings_with_azure() {
    both("settings_with_azure", |theme| {
        let (keep, mut h) = at_connect_azure(theme);
        verify_all(&mut h);
        click(&mut h, "Continue");
        settle(&mut h);
        click(&mut h, "Open Settings");
        settle(&mut h);
        (keep, h)
    });
}

/// Settings → Azure: a row whose sign-in is gone, signing in from the row.
#[test]
fn settings_azure_sign_in() {
    both("settings_azure_sign_in", |theme| {
        let (s, arm) = signed_in();
        let w = world();
        let mut h = window(w.app_with_azure(s.env()), theme);
        to_azure(&mut h);
        super::azure::verify_and_continue(&mut h);
        drop(h);
        // Signed out since the last session.
        s.recorded("account-list", "not-signed-in-list");
        s.login_with_code().login_lists("listing-local");
        let mut h = window(w.app_with_azure(s.env()), theme);
        super::azure_sign_in::sign_in_from_the_row(&mut h);
        h.get_by_label("DMQ6BL7XK").scroll_to_me();
        settle(&mut h);
        (vec![Box::new(w), Box::new(s), Box::new(arm)], h)
    });
}
