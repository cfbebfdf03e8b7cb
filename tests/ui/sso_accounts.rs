//! "Add more accounts from this sign-in", driven as a user would: from a
//! passing SSO profile to the list, the preview, Add, the new profiles
//! verified and in Settings, and Remove.

use super::wizard::{World, click, harness, settle, step_until, to_connect_aws, type_name};
use crate::common::FakeIdentity;
use egui::accesskit::{Role, Toggled};
use egui_kittest::kittest::{NodeT, Queryable};
use escher::ui::EscherApp;

const CONFIG: &str = "# mine\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n\n\
[profile me]\nsso_session = corp\nsso_account_id = 111111111111\nsso_role_name = ReadOnly\nregion = eu-west-1\n";

fn world() -> World {
    let w = World::new(CONFIG, "");
    for (account, role, key) in [
        ("111111111111", "Admin", "AKIAPRODADMIN"),
        ("111111111111", "ReadOnly", "AKIAPRODRO"),
        ("222222222222", "ReadOnly", "AKIADEVRO"),
        ("333333333333", "Audit", "AKIALAB"),
    ] {
        w.aws.sso_assignment("tok", account, role, key);
        w.aws.identity(key, FakeIdentity::user(account, role));
    }
    w.aws
        .account_name("111111111111", "Prod (EU)")
        .account_name("222222222222", "Dev")
        .account_name("333333333333", "Lab [test] $(id); 'q'")
        .page_size(2)
        .throttle_every(4);
    w.home.sso_token("corp", "tok", 3600);
    w
}

/// Connect AWS with the profile `me`, checked and verified.
fn verify_me(h: &mut egui_kittest::Harness<'static, EscherApp>) {
    to_connect_aws(h);
    type_name(h, "me");
    click(h, "Re-check");
    step_until(h, "the verdict", |h| {
        h.query_by_label_contains("is verified").is_some()
    });
}

fn config(w: &World) -> String {
    std::fs::read_to_string(w.home.path().join(".aws/config")).unwrap()
}

#[test]
fn add_every_account_of_a_sign_in_then_remove_them() {
    let w = world();
    let mut h = harness(w.app());
    verify_me(&mut h);

    click(&mut h, "Add more accounts from this sign-in");
    step_until(&mut h, "the list", |h| {
        h.query_by_label("Add Dev 222222222222 ReadOnly").is_some()
    });
    settle(&mut h);
    assert!(h.query_by_label("already in your files as me").is_some());
    assert!(
        h.query_by_label("Lab-test-id-q-Audit").is_some(),
        "the hostile name is not made safe"
    );
    assert!(h.query_by_label("3 of 4 chosen").is_some());
    // The list (the preview would show a time and a temporary path).
    h.remove_cursor();
    settle(&mut h);
    h.snapshot_options(
        "sso_accounts_list",
        &egui_kittest::SnapshotOptions::new()
            .threshold(1.0)
            .max_failed_pixels(400),
    );

    // Search narrows the list; Select none / all act on what shows.
    h.get_by_role_and_label(Role::TextInput, "Search").focus();
    settle(&mut h);
    h.get_by_role_and_label(Role::TextInput, "Search")
        .type_text("dev");
    settle(&mut h);
    assert!(
        h.query_by_label("Add Prod (EU) 111111111111 Admin")
            .is_none()
    );
    click(&mut h, "Select none");
    settle(&mut h);
    assert!(h.query_by_label("2 of 4 chosen").is_some());
    click(&mut h, "Select all");
    settle(&mut h);
    assert!(h.query_by_label("3 of 4 chosen").is_some());

    // The region defaults to the profile's own, not the SSO region.
    let region = h.get_by_role_and_label(Role::TextInput, "Region");
    assert_eq!(
        region.accesskit_node().value().as_deref(),
        Some("eu-west-1")
    );

    click(&mut h, "Preview");
    step_until(&mut h, "the preview", |h| {
        h.query_by_label_contains("3 profiles will be added to the end of")
            .is_some()
    });
    let preview = h.get_by_label_contains("[profile Prod-EU-Admin]");
    let node = preview.accesskit_node();
    let text = node.label().or(node.value()).unwrap_or_default();
    assert!(text.contains("sso_session = corp\nsso_account_id = 111111111111\nsso_role_name = Admin\nregion = eu-west-1"), "{text}");
    assert_eq!(config(&w), CONFIG, "the preview wrote");
    click(
        &mut h,
        "Copy the profiles and the aws configure set commands",
    );
    settle(&mut h);
    assert!(h.query_by_label("Copied").is_some());

    click(&mut h, "Add to the AWS config file");
    step_until(&mut h, "the write", |h| {
        h.query_by_label_contains("Added 3 profiles to").is_some()
    });
    assert!(config(&w).starts_with(CONFIG));
    // Verified in one batch and connected: Settings shows them switched on.
    step_until(&mut h, "the checks", |h| {
        let _ = h;
        w.aws.sts_calls() >= 4
    });
    click(&mut h, "Close the account list");
    settle(&mut h);
    click(&mut h, "Settings");
    step_until(&mut h, "the new profiles connected", |h| {
        h.query_by_role_and_label(Role::CheckBox, "Use Prod-EU-Admin")
            .is_some()
    });
    for name in ["Prod-EU-Admin", "Dev-ReadOnly", "Lab-test-id-q-Audit"] {
        let label = format!("Use {name}");
        let toggle = h.get_by_role_and_label(Role::CheckBox, &label);
        assert_eq!(
            toggle.accesskit_node().toggled(),
            Some(Toggled::True),
            "{name}"
        );
    }

    // Undo, from the SSO row in Settings.
    click(&mut h, "Add more accounts from the sign-in of me");
    step_until(&mut h, "the list again", |h| {
        h.query_by_label("already in your files as Dev-ReadOnly")
            .is_some()
    });
    settle(&mut h);
    click(&mut h, "Remove the profiles Escher added");
    step_until(&mut h, "the removal preview", |h| {
        h.query_by_label_contains("These 3 profiles Escher added will be removed")
            .is_some()
    });
    click(&mut h, "Remove them");
    step_until(&mut h, "the removal", |h| {
        h.query_by_label_contains("Removed 3 profiles Escher added")
            .is_some()
    });
    assert_eq!(config(&w), format!("{CONFIG}"));
}

#[test]
fn an_expired_sign_in_shows_the_case_and_its_command() {
    let w = world();
    let mut h = harness(w.app());
    verify_me(&mut h);
    w.home.sso_token("corp", "tok", -60);
    click(&mut h, "Add more accounts from this sign-in");
    // The window's own failure: the step behind it may say the same words
    // once the watch has checked the profile again by itself.
    step_until(&mut h, "the failure", |h| {
        h.query_by_label("List again").is_some()
            && h.query_by_label("Your SSO session has expired").is_some()
    });
    // The wizard shows the command too; the window's own copy of it:
    assert!(h.query_all_by_label("aws sso login --profile me").count() >= 2);
    assert!(h.query_by_label("Copy the sign-in command").is_some());
    assert!(h.query_by_label("List again").is_some());
}

#[test]
fn a_file_edited_after_the_preview_is_left_alone_and_previewed_again() {
    let w = world();
    let mut h = harness(w.app());
    verify_me(&mut h);
    click(&mut h, "Add more accounts from this sign-in");
    step_until(&mut h, "the list", |h| {
        h.query_by_label("Add Dev 222222222222 ReadOnly").is_some()
    });
    settle(&mut h);
    // Only Dev: the choice survives the listing that follows the refusal.
    click(&mut h, "Select none");
    settle(&mut h);
    h.get_by_label("Add Dev 222222222222 ReadOnly").click();
    settle(&mut h);
    click(&mut h, "Preview");
    step_until(&mut h, "the preview", |h| {
        h.query_by_label_contains("1 profiles will be added")
            .is_some()
    });
    let edited = format!("{CONFIG}[profile typed-meanwhile]\nregion = us-west-2\n");
    std::fs::write(w.home.path().join(".aws/config"), &edited).unwrap();
    click(&mut h, "Add to the AWS config file");
    step_until(&mut h, "the refusal", |h| {
        h.query_by_label_contains("changed after the preview was made, so nothing was written")
            .is_some()
    });
    step_until(&mut h, "a new preview", |h| {
        h.query_by_label_contains("1 profiles will be added")
            .is_some()
    });
    assert_eq!(config(&w), edited, "the edited file was written");
    click(&mut h, "Add to the AWS config file");
    step_until(&mut h, "the write", |h| {
        h.query_by_label_contains("Added 1 profiles to").is_some()
    });
    let text = config(&w);
    assert!(text.starts_with(&edited), "{text}");
    assert!(
        text.contains("[profile Dev-ReadOnly]") && !text.contains("Prod-EU-Admin"),
        "{text}"
    );
}

#[test]
fn a_bad_template_says_why_and_nothing_can_be_previewed() {
    let w = world();
    let mut h = harness(w.app());
    verify_me(&mut h);
    click(&mut h, "Add more accounts from this sign-in");
    step_until(&mut h, "the list", |h| {
        h.query_by_label("Add Dev 222222222222 ReadOnly").is_some()
    });
    settle(&mut h);
    h.get_by_role_and_label(Role::TextInput, "Name template")
        .focus();
    settle(&mut h);
    h.get_by_role_and_label(Role::TextInput, "Name template")
        .type_text("-{acount_id}");
    settle(&mut h);
    assert!(
        h.query_by_label_contains("{acount_id} is not a placeholder")
            .is_some()
    );
    assert!(super::wizard::disabled(&h.get_by_label("Preview")));
    assert!(
        h.query_by_label("Dev-ReadOnly").is_none(),
        "names were proposed from a bad template"
    );
}

#[test]
fn remove_names_the_profiles_that_would_lose_their_source_and_asks() {
    let added = "\n# Added by Escher on 2026-12-01T21:30:00Z from sso-session corp\n[profile Prod-EU-Admin]\n\
        sso_session = corp\nsso_account_id = 111111111111\nsso_role_name = Admin\n";
    let deploy = "\n[profile deploy]\nrole_arn = arn:aws:iam::111111111111:role/Deploy\nsource_profile = Prod-EU-Admin\n";
    let w = World::new(&format!("{CONFIG}{added}{deploy}"), "");
    w.aws
        .sso_assignment("tok", "111111111111", "Admin", "AKIAPRODADMIN");
    w.aws
        .sso_assignment("tok", "111111111111", "ReadOnly", "AKIAPRODRO");
    w.aws
        .identity("AKIAPRODRO", FakeIdentity::user("111111111111", "ReadOnly"));
    w.home.sso_token("corp", "tok", 3600);
    let mut h = harness(w.app());
    verify_me(&mut h);
    click(&mut h, "Add more accounts from this sign-in");
    step_until(&mut h, "the list", |h| {
        h.query_by_label("already in your files as Prod-EU-Admin")
            .is_some()
    });
    settle(&mut h);
    click(&mut h, "Remove the profiles Escher added");
    step_until(&mut h, "the question", |h| {
        h.query_by_label_contains("would stop working").is_some()
    });
    let question = h.get_by_label_contains("would stop working");
    let node = question.accesskit_node();
    let text = node.label().or(node.value()).unwrap_or_default();
    assert!(
        text.contains("deploy (its source_profile is Prod-EU-Admin). Remove anyway?"),
        "{text}"
    );
    assert!(
        h.query_by_label("Remove them").is_none(),
        "Remove is offered without the question"
    );
    let before = config(&w);
    click(&mut h, "Back to the list");
    settle(&mut h);
    assert_eq!(config(&w), before, "going back removed something");
    click(&mut h, "Remove the profiles Escher added");
    step_until(&mut h, "the question again", |h| {
        h.query_by_label("Remove them anyway").is_some()
    });
    click(&mut h, "Remove them anyway");
    step_until(&mut h, "the removal", |h| {
        h.query_by_label_contains("Removed 1 profiles Escher added")
            .is_some()
    });
    assert_eq!(config(&w), format!("{CONFIG}{deploy}"));
}
