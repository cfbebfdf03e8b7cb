use super::wizard::{
    PROD_CONFIG, PROD_KEYS, World, click, disabled, harness, settle, step_until, to_connect_aws,
    type_name,
};
use egui::accesskit::{Role, Toggled};
use egui_kittest::kittest::{NodeT, Queryable};
use egui_kittest::{Harness, Node};
use escher::ui::EscherApp;

const TWO_CONFIG: &str =
    "[profile prod-admin]\nregion = us-east-1\n[profile staging]\nregion = eu-west-1\n";
const TWO_KEYS: &str = "[prod-admin]\naws_access_key_id = AKIAPROD\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n\
                        [staging]\naws_access_key_id = AKIASTAGE\naws_secret_access_key = stagingSECRETkey0000000000000000000000\n";

fn is_on(node: &Node<'_>) -> bool {
    node.accesskit_node().toggled() == Some(Toggled::True)
}

fn connect(h: &mut Harness<'static, EscherApp>, name: &str) {
    type_name(h, name);
    click(h, "Re-check");
    step_until(h, "the verdict", |h| {
        h.query_by_label_contains("is verified").is_some()
    });
}

fn open_settings(h: &mut Harness<'static, EscherApp>) {
    click(h, "Settings");
    step_until(h, "the profiles pane", |h| {
        h.query_by_label("Settings → Profiles").is_some()
    });
}

#[test]
fn toggles_persist_across_a_restart() {
    let w = World::new(TWO_CONFIG, TWO_KEYS);
    let mut h = harness(w.app());
    to_connect_aws(&mut h);
    connect(&mut h, "prod-admin");
    click(&mut h, "Add another profile");
    settle(&mut h);
    connect(&mut h, "staging");
    open_settings(&mut h);
    assert!(is_on(
        &h.get_by_role_and_label(Role::CheckBox, "Use prod-admin")
    ));
    h.get_by_role_and_label(Role::CheckBox, "Use staging")
        .click();
    settle(&mut h);
    assert!(!is_on(
        &h.get_by_role_and_label(Role::CheckBox, "Use staging")
    ));
    drop(h);

    // The app starts again on the same machine.
    let mut h = harness(w.app());
    step_until(&mut h, "the wizard step", |h| {
        h.query_by_label("Profile name").is_some()
    });
    open_settings(&mut h);
    assert!(is_on(
        &h.get_by_role_and_label(Role::CheckBox, "Use prod-admin")
    ));
    assert!(!is_on(
        &h.get_by_role_and_label(Role::CheckBox, "Use staging")
    ));
    assert!(
        h.query_by_label_contains("123456789012 · verified")
            .is_some()
    );
    assert!(
        h.query_by_label("arn:aws:iam::210987654321:user/bob")
            .is_some()
    );
}

#[test]
fn add_profile_aws_round_trip_and_remove() {
    let w = World::new(TWO_CONFIG, TWO_KEYS);
    let mut h = harness(w.app());
    open_settings(&mut h);
    assert!(
        h.query_by_label_contains("No profiles connected yet")
            .is_some()
    );
    assert!(disabled(&h.get_by_label("Re-check all")));
    click(&mut h, "Add Profile");
    settle(&mut h);
    click(&mut h, "AWS");
    step_until(&mut h, "Connect AWS", |h| {
        h.query_by_label("Profile name").is_some()
    });
    connect(&mut h, "staging");
    click(&mut h, "Back to Settings → Profiles");
    step_until(&mut h, "the profiles pane", |h| {
        h.query_by_label("Settings → Profiles").is_some()
    });
    assert!(
        h.query_by_role_and_label(Role::CheckBox, "Use staging")
            .is_some()
    );
    click(&mut h, "Remove staging");
    settle(&mut h);
    assert!(
        h.query_by_role_and_label(Role::CheckBox, "Use staging")
            .is_none()
    );
    // Removed from Escher only: the AWS files still have it.
    let creds = std::fs::read_to_string(w.home.path().join(".aws/credentials")).unwrap();
    assert_eq!(creds, TWO_KEYS);
    assert!(
        h.query_by_label("Connect staging").is_some(),
        "offered again as found in the config"
    );
}

#[test]
fn found_profiles_connect_in_one_click_and_recheck_all_runs_them() {
    let w = World::new(TWO_CONFIG, TWO_KEYS);
    let mut h = harness(w.app());
    open_settings(&mut h);
    step_until(&mut h, "discovery", |h| {
        h.query_by_label("Found in your AWS config").is_some()
    });
    click(&mut h, "Connect prod-admin");
    step_until(&mut h, "the connection", |h| {
        h.query_by_role_and_label(Role::CheckBox, "Use prod-admin")
            .is_some()
    });
    assert_eq!(w.aws.sts_calls(), 1);
    click(&mut h, "Re-check all");
    step_until(&mut h, "the second check", |_| w.aws.sts_calls() == 2);
    assert!(h.query_by_label("Connect prod-admin").is_none());
}

#[test]
fn a_connected_profile_gone_from_the_files_is_shown_missing() {
    let w = World::new(TWO_CONFIG, TWO_KEYS);
    let mut h = harness(w.app());
    to_connect_aws(&mut h);
    connect(&mut h, "staging");
    drop(h);
    w.home.config("[profile prod-admin]\nregion = us-east-1\n");
    w.home.credentials(PROD_KEYS);
    let mut h = harness(w.app());
    open_settings(&mut h);
    step_until(&mut h, "discovery", |h| {
        h.query_by_label("Missing from your AWS files").is_some()
    });
    assert!(
        h.query_by_role_and_label(Role::CheckBox, "Use staging")
            .is_some(),
        "not silently dropped"
    );
}

#[test]
fn a_mistyped_name_gets_suggestions_before_any_network_call() {
    let w = World::new(TWO_CONFIG, TWO_KEYS);
    let mut h = harness(w.app());
    to_connect_aws(&mut h);
    step_until(&mut h, "discovery", |h| {
        h.query_by_label("Pick an existing profile").is_some()
    });
    type_name(&mut h, "stagign");
    assert!(
        h.query_by_label_contains("Not in your AWS config yet")
            .is_some()
    );
    click(&mut h, "Use profile staging");
    settle(&mut h);
    assert!(
        h.query_by_label("Found in your AWS config (Access keys, region eu-west-1).")
            .is_some()
    );
    assert!(
        h.query_by_label("aws configure sso --profile staging")
            .is_none(),
        "SSO set-up offered for an access-key profile"
    );
    assert_eq!(w.aws.sts_calls(), 0);
}

#[test]
fn settings_hold_no_secret_after_connecting_access_keys() {
    let w = World::new(PROD_CONFIG, PROD_KEYS);
    let mut h = harness(w.app());
    to_connect_aws(&mut h);
    connect(&mut h, "prod-admin");
    settle(&mut h);
    // Settings are written off the UI thread; quitting writes what waits.
    drop(h);
    let text = std::fs::read_to_string(w.config_dir.path().join("settings.json")).unwrap();
    assert!(
        text.contains("prod-admin") && text.contains("arn:aws:iam::123456789012:user/alice"),
        "{text}"
    );
    assert!(
        !text.contains("wJalrXUtnFEMI"),
        "the secret key reached the settings file"
    );
    assert!(
        !text.contains("AKIAPROD"),
        "the access key id reached the settings file"
    );
}

#[test]
fn a_corrupt_settings_file_is_kept_and_said_on_screen() {
    let w = World::new(PROD_CONFIG, PROD_KEYS);
    std::fs::write(
        w.config_dir.path().join("settings.json"),
        "{\"schema_version\": 1, \"profiles\": [",
    )
    .unwrap();
    let mut h = harness(w.app());
    settle(&mut h);
    assert!(
        h.query_by_label_contains("Your Escher settings could not be read")
            .is_some()
    );
    let kept: Vec<_> = std::fs::read_dir(w.config_dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("settings.json.corrupt-")
        })
        .collect();
    assert_eq!(kept.len(), 1);
    click(&mut h, "Dismiss");
    settle(&mut h);
    assert!(h.query_by_label_contains("could not be read").is_none());
}

#[test]
fn a_failed_connect_on_a_found_row_names_that_rows_button() {
    let w = World::new(
        "[profile odd]\nregion = x@127.0.0.1\n",
        "[odd]\naws_access_key_id = AKIAODD\naws_secret_access_key = s\n",
    );
    let mut h = harness(w.app());
    open_settings(&mut h);
    step_until(&mut h, "discovery", |h| {
        h.query_by_label("Connect odd").is_some()
    });
    click(&mut h, "Connect odd");
    step_until(&mut h, "the failed connect", |h| {
        h.query_by_label_contains("What to do:").is_some()
    });
    let fix = h.get_by_label_contains("What to do:");
    let node = fix.accesskit_node();
    let text = node.label().or(node.value()).unwrap_or_default().to_owned();
    assert!(text.contains("click Connect"), "{text}");
    assert!(!text.contains("Re-check"), "{text}");
}
