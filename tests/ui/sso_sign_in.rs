//! Connect AWS → SSO → Sign in here, as a user does it: start URL and
//! region typed, Sign in with your browser, the accounts listed, Add, the
//! profile verified and Continue unlocked, with no terminal.

use super::wizard::{World, click, disabled, harness, settle, step_until, to_connect_aws};
use crate::common::{FakeIdentity, browser_stand_in};
use egui::accesskit::Role;
use egui_kittest::kittest::{NodeT, Queryable};

fn type_into(
    h: &mut egui_kittest::Harness<'static, escher::ui::EscherApp>,
    field: &str,
    text: &str,
) {
    h.get_by_role_and_label(Role::TextInput, field).focus();
    settle(h);
    h.get_by_role_and_label(Role::TextInput, field)
        .type_text(text);
    settle(h);
}

#[test]
fn from_a_start_url_to_a_verified_profile_without_a_terminal() {
    let w = World::new("", "");
    w.aws
        .sign_in_reaches(&[("111111111111", "ReadOnly", "AKIASIGNIN")])
        .identity("AKIASIGNIN", FakeIdentity::user("111111111111", "alice"));
    let mut h = harness(w.app().with_browser(browser_stand_in));
    to_connect_aws(&mut h);
    assert!(
        disabled(&h.get_by_label("Sign in with your browser")),
        "nothing typed yet"
    );
    // Checked as typed: no host yet, then a whole URL.
    type_into(&mut h, "Start URL", "https://");
    assert!(h.query_by_label_contains("has no host").is_some());
    type_into(&mut h, "Start URL", "corp.awsapps.com/start");
    assert!(h.query_by_label_contains("has no host").is_none());
    type_into(&mut h, "SSO region", "eu-west-1");
    let session = h.get_by_role_and_label(Role::TextInput, "Session name");
    assert_eq!(
        session.accesskit_node().value().as_deref(),
        Some("corp"),
        "proposed from the URL"
    );

    click(&mut h, "Sign in with your browser");
    step_until(&mut h, "the sign-in", |h| {
        h.query_by_label_contains("Signed in to corp").is_some()
    });
    let config = std::fs::read_to_string(w.home.path().join(".aws/config")).unwrap();
    assert!(config.contains("[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n"), "{config}");

    // The accounts the sign-in reaches, in the add-accounts window.
    step_until(&mut h, "the list", |h| {
        h.query_by_label("Add acct-111111111111 111111111111 ReadOnly")
            .is_some()
    });
    assert!(disabled(&h.get_by_label("Continue to Azure")));
    click(&mut h, "Preview");
    step_until(&mut h, "the preview", |h| {
        h.query_by_label_contains("will be added to the end of")
            .is_some()
    });
    click(&mut h, "Add to the AWS config file");
    step_until(&mut h, "the write", |h| {
        h.query_by_label_contains("Added 1 profile").is_some()
    });
    step_until(&mut h, "verified", |h| {
        !disabled(&h.get_by_label("Continue to Azure"))
    });
}

#[test]
fn a_declined_sign_in_says_so_and_cancel_stops_a_waiting_one() {
    let w = World::new(
        "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n",
        "",
    );
    w.aws.sign_in_declined();
    let mut h = harness(w.app().with_browser(browser_stand_in));
    to_connect_aws(&mut h);
    click(&mut h, "Sign in to corp");
    click(&mut h, "Sign in with your browser");
    step_until(&mut h, "the refusal", |h| {
        h.query_by_label_contains("The sign-in was declined")
            .is_some()
    });
    assert!(h.query_by_label_contains("choose Allow").is_some());

    // A browser that never comes back: Cancel ends the wait.
    let mut h = harness(w.app().with_browser(|_| false));
    if h.query_by_label("Get started").is_some() {
        to_connect_aws(&mut h);
    }
    click(&mut h, "Sign in to corp");
    click(&mut h, "Sign in with your browser");
    step_until(&mut h, "the page to open", |h| {
        h.query_by_label_contains("Open this page in your browser")
            .is_some()
    });
    // (Not `click`: it waits for the spinner, which shows while waiting.)
    h.get_by_label("Cancel the sign-in").click();
    settle(&mut h);
    assert!(!disabled(&h.get_by_label("Sign in with your browser")));
    let token = ".aws/sso/cache/ee0bfd2552fbd840c02cc48b6e823320543c450f.json";
    assert!(!w.home.path().join(token).exists());
}
