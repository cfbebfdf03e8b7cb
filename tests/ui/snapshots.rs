use super::wizard::{
    PROD_CONFIG, PROD_KEYS, click, harness, settle, step_until, to_connect_aws, type_name, world,
};
use egui_kittest::kittest::Queryable;

fn options() -> egui_kittest::SnapshotOptions {
    // Software renderers differ slightly by CPU; text changes move far more.
    egui_kittest::SnapshotOptions::new()
        .threshold(1.0)
        .max_failed_pixels(400)
}

#[test]
fn connect_aws_sso_screen() {
    let (_w, app) = world(PROD_CONFIG, PROD_KEYS);
    let mut h = harness(app);
    to_connect_aws(&mut h);
    step_until(&mut h, "CLI detection", |h| {
        h.query_by_label("AWS CLI 2.15.30 is installed.").is_some()
    });
    // A new name: the set-up commands are for it.
    type_name(&mut h, "audit-sso");
    h.remove_cursor();
    settle(&mut h);
    assert!(
        h.query_by_label("aws configure sso --profile audit-sso")
            .is_some()
    );
    h.snapshot_options("connect_aws_sso", &options());
}

/// A name already in the files: what it is, and a new name for set-up.
fn existing_profile_snapshot(theme: egui::Theme, name: &str) {
    let (_w, app) = world(PROD_CONFIG, PROD_KEYS);
    let mut h = harness(app);
    h.ctx.set_theme(theme);
    to_connect_aws(&mut h);
    step_until(&mut h, "CLI detection", |h| {
        h.query_by_label("AWS CLI 2.15.30 is installed.").is_some()
    });
    step_until(&mut h, "discovery", |h| {
        h.query_by_label("Pick an existing profile").is_some()
    });
    type_name(&mut h, "prod-admin");
    h.remove_cursor();
    settle(&mut h);
    assert!(h.query_by_label("Use new name prod-admin-sso").is_some());
    h.snapshot_options(name, &options());
}

#[test]
fn connect_aws_existing_profile_screen() {
    existing_profile_snapshot(egui::Theme::Light, "connect_aws_existing_profile");
}

#[test]
fn connect_aws_existing_profile_screen_dark() {
    existing_profile_snapshot(egui::Theme::Dark, "connect_aws_existing_profile_dark");
}

#[test]
fn connect_aws_access_keys_screen() {
    let (_w, app) = world(PROD_CONFIG, PROD_KEYS);
    let mut h = harness(app);
    to_connect_aws(&mut h);
    step_until(&mut h, "CLI detection", |h| {
        h.query_by_label("AWS CLI 2.15.30 is installed.").is_some()
    });
    type_name(&mut h, "dev");
    click(&mut h, "Change method");
    settle(&mut h);
    h.remove_cursor();
    settle(&mut h);
    h.snapshot_options("connect_aws_access_keys", &options());
}

#[test]
fn settings_profiles_pane() {
    let w = super::wizard::World::new(
        "[profile prod-admin]\nregion = us-east-1\n[profile staging]\nregion = eu-west-1\n[profile audit]\nregion = us-east-1\n",
        "[prod-admin]\naws_access_key_id = AKIAPROD\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n\
         [staging]\naws_access_key_id = AKIASTAGE\naws_secret_access_key = stagingSECRETkey0000000000000000000000\n\
         [audit]\naws_access_key_id = AKIAAUDIT\naws_secret_access_key = z\n",
    );
    let mut h = harness(w.app());
    to_connect_aws(&mut h);
    for name in ["prod-admin", "staging"] {
        type_name(&mut h, name);
        click(&mut h, "Re-check");
        step_until(&mut h, "the verdict", |h| {
            h.query_by_label_contains("is verified").is_some()
        });
        click(&mut h, "Add another profile");
        settle(&mut h);
    }
    click(&mut h, "Settings");
    step_until(&mut h, "the pane", |h| {
        h.query_by_label("Connect audit").is_some()
    });
    h.get_by_label("Use staging").click();
    h.remove_cursor();
    settle(&mut h);
    h.snapshot_options("settings_profiles", &options());
}

#[test]
fn connect_azure_picker_screen() {
    use super::azure::{signed_in, to_azure};
    let (s, _arm) = signed_in();
    let w = super::wizard::World::new(PROD_CONFIG, PROD_KEYS);
    let mut h = harness(w.app_with_azure(s.env()));
    to_azure(&mut h);
    click(&mut h, "Re-check");
    step_until(&mut h, "the picker", |h| {
        h.query_by_label("Search subscriptions").is_some()
    });
    click(&mut h, "Verify selected");
    step_until(&mut h, "the verdicts", |h| {
        h.query_by_label_contains("Fabrikam Analytics: ").is_some()
    });
    h.get_by_label("Search subscriptions").scroll_to_me();
    h.remove_cursor();
    settle(&mut h);
    h.snapshot_options("connect_azure_picker", &options());
}

#[test]
fn done_screen() {
    use super::azure::{signed_in, to_azure};
    let (s, _arm) = signed_in();
    let w = super::wizard::World::new(PROD_CONFIG, PROD_KEYS);
    let mut h = harness(w.app_with_azure(s.env()));
    to_azure(&mut h);
    click(&mut h, "Re-check");
    step_until(&mut h, "the picker", |h| {
        h.query_by_label("Search subscriptions").is_some()
    });
    click(&mut h, "Verify selected");
    step_until(&mut h, "the verdicts", |h| {
        h.query_by_label_contains("Fabrikam Analytics: ").is_some()
    });
    click(&mut h, "Continue");
    h.remove_cursor();
    settle(&mut h);
    h.snapshot_options("done", &options());
}

#[test]
fn settings_with_azure_screen() {
    use super::azure::{signed_in, to_azure};
    let (s, _arm) = signed_in();
    let w = super::wizard::World::new(PROD_CONFIG, PROD_KEYS);
    let mut h = harness(w.app_with_azure(s.env()));
    to_azure(&mut h);
    click(&mut h, "Re-check");
    step_until(&mut h, "the picker", |h| {
        h.query_by_label("Search subscriptions").is_some()
    });
    click(&mut h, "Verify selected");
    step_until(&mut h, "the verdicts", |h| {
        h.query_by_label_contains("Fabrikam Analytics: ").is_some()
    });
    click(&mut h, "Continue");
    settle(&mut h);
    click(&mut h, "Open Settings");
    h.remove_cursor();
    settle(&mut h);
    h.snapshot_options("settings_with_azure", &options());
}
