//! Connect Azure → Sign in with Azure, as a user does it: the user's own
//! `az login` (a stand-in on PATH that prints what az 2.91 prints and
//! waits for the test to approve) started from the window, the code shown
//! large with Copy and Open, the picker after, Verify and Done; Cancel
//! ends az; Settings → Azure signs an expired row in again. No terminal.

use super::azure::{signed_in, to_azure, verify_and_continue};
use super::azure_fakes::{CONTOSO, FABRIKAM, StandIn};
use super::wizard::{PROD_CONFIG, PROD_KEYS, World, click, harness, settle, step_until};
use egui_kittest::kittest::Queryable;

/// Signed out until the stand-in's `az login` is approved; then the
/// sign-in lists Contoso and Fabrikam in the tests' loopback cloud.
fn signed_out() -> (StandIn, super::azure_fakes::FakeArm) {
    let (s, arm) = signed_in();
    s.recorded("account-list", "not-signed-in-list");
    s.login_with_code().login_lists("listing-local");
    (s, arm)
}

fn login_args(s: &StandIn) -> Vec<String> {
    s.calls()
        .into_iter()
        .map(|c| c.0)
        .filter(|a| a.starts_with("login"))
        .collect()
}

#[test]
fn sign_in_with_a_code_then_the_picker_verify_and_done_with_no_terminal() {
    let (s, _arm) = signed_out();
    let w = World::new(PROD_CONFIG, PROD_KEYS);
    let mut h = harness(w.app_with_azure(s.env()));
    to_azure(&mut h);
    assert!(h.query_by_label("Use the terminal instead").is_some());
    assert!(
        h.query_by_label("Use a code instead").is_none(),
        "no display here: the code is the default"
    );
    assert!(
        h.query_by_label_contains("No browser can open here")
            .is_some()
    );
    click(&mut h, "Sign in with Azure");
    step_until(&mut h, "the code", |h| {
        h.query_by_label("DMQ6BL7XK").is_some()
    });
    assert!(
        h.query_by_label_contains("Open https://microsoft.com/devicelogin")
            .is_some()
    );
    click(&mut h, "Copy the code");
    h.step();
    let copied = h
        .output()
        .platform_output
        .commands
        .iter()
        .any(|c| matches!(c, egui::OutputCommand::CopyText(t) if t == "DMQ6BL7XK"));
    assert!(copied, "the code is on the clipboard");
    assert!(h.query_by_label("Open the sign-in page").is_some());
    assert!(h.query_by_label("Cancel the Azure sign-in").is_some());
    assert_eq!(login_args(&s), ["login --use-device-code --output none"]);

    s.approve();
    step_until(&mut h, "the picker, by itself", |h| {
        h.query_by_label("Search subscriptions").is_some()
    });
    assert!(h.query_by_label("DMQ6BL7XK").is_none());
    assert!(
        h.query_by_label("Sign in with Azure").is_none(),
        "signed in: the picker replaces the sign-in"
    );
    assert!(
        h.query_by_label_contains("Signed in as alice@contoso.com")
            .is_some()
    );
    assert!(h.query_by_label("Change the Azure sign-in").is_some());
    let picker = h.get_by_label("Search subscriptions").rect().top();
    let terminal = h.get_by_label("Use the terminal instead").rect().top();
    assert!(picker < terminal, "the picker comes before the commands");
    click(&mut h, "Verify selected");
    step_until(&mut h, "the verdicts", |h| {
        h.query_by_label("Contoso Production: ✔ read access")
            .is_some()
    });
    click(&mut h, "Continue");
    settle(&mut h);
    assert!(h.query_by_label("Done").is_some());
}

#[test]
fn on_a_desktop_sign_in_opens_the_browser_and_cancel_ends_az() {
    let s = StandIn::new();
    s.recorded("account-list", "not-signed-in-list");
    s.login_never_finishes();
    let w = World::new(PROD_CONFIG, PROD_KEYS);
    let mut h = harness(w.app_with_azure(s.env_with_display()));
    to_azure(&mut h);
    assert!(h.query_by_label("Use a code instead").is_some());
    click(&mut h, "Sign in with Azure");
    step_until(&mut h, "the browser wait", |h| {
        h.query_by_label("Finish signing in in your browser")
            .is_some()
            && h.query_by_label_contains("oauth2/v2.0/authorize").is_some()
    });
    assert_eq!(login_args(&s), ["login --output none"]);
    step_until(&mut h, "az and its child running", |_| {
        s.live_login_processes().len() == 2
    });
    // A spinner turns while az waits: click without waiting for it to stop.
    h.get_by_label("Cancel the Azure sign-in").click();
    step_until(&mut h, "the cancel", |h| {
        h.query_by_label_contains("Sign-in cancelled").is_some()
    });
    step_until(&mut h, "no az left", |_| {
        s.live_login_processes().is_empty()
    });
    assert!(
        h.query_by_label("Sign in with Azure").is_some(),
        "ready to try again"
    );
}

#[test]
fn a_failed_sign_in_reads_as_its_case_and_a_tenant_needing_mfa_is_one_click() {
    let (s, _arm) = signed_out();
    s.login_ends(
        &format!(
            "WARNING: Authentication failed against tenant {FABRIKAM} 'Fabrikam': AADSTS50076: Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '797f4846-ba00-4fd7-ba43-dac1f8f63013'.\n"
        ),
        0,
    );
    s.login_lists("listing-local");
    s.approve();
    let w = World::new(PROD_CONFIG, PROD_KEYS);
    let mut h = harness(w.app_with_azure(s.env()));
    to_azure(&mut h);
    click(&mut h, "Sign in with Azure");
    step_until(&mut h, "the picker", |h| {
        h.query_by_label("Search subscriptions").is_some()
    });
    assert!(
        h.query_by_label("⚠ This tenant asks for multi-factor sign-in")
            .is_some()
    );
    click(&mut h, &format!("Sign in to tenant {FABRIKAM}"));
    step_until(&mut h, "the second sign-in", |_| login_args(&s).len() == 2);
    assert_eq!(
        login_args(&s)[1],
        format!("login --tenant {FABRIKAM} --use-device-code --output none")
    );

    // Blocked by Conditional Access: the card says who can fix it.
    s.login_ends(
        "ERROR: AADSTS53003: Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.\n",
        1,
    );
    settle(&mut h);
    click(&mut h, "Change the Azure sign-in");
    settle(&mut h);
    click(&mut h, "Sign in with Azure");
    step_until(&mut h, "the refusal", |h| {
        h.query_by_label("✖ Blocked by your organisation's access policy")
            .is_some()
    });
}

#[test]
fn settings_signs_an_expired_subscription_in_again_from_its_row() {
    let (s, _arm) = signed_in();
    let w = World::new(PROD_CONFIG, PROD_KEYS);
    let mut h = harness(w.app_with_azure(s.env()));
    to_azure(&mut h);
    verify_and_continue(&mut h);
    drop(h);

    // Signed out since: the row offers Sign in, for its own tenant.
    s.recorded("account-list", "not-signed-in-list");
    s.login_with_code().login_lists("listing-local");
    let mut h = harness(w.app_with_azure(s.env()));
    sign_in_from_the_row(&mut h);
    assert_eq!(
        login_args(&s),
        [format!(
            "login --tenant {CONTOSO} --use-device-code --output none"
        )]
    );
    s.approve();
    step_until(&mut h, "the row verified again", |h| {
        h.query_by_label("⚠ read access, can also write").is_some()
    });
    assert!(h.query_by_label("✖ Not signed in to Azure").is_none());
}

/// Settings → Azure, signed out since the subscriptions were connected:
/// Re-check Contoso Dev's row, then its Sign in, until the code shows.
pub fn sign_in_from_the_row(h: &mut egui_kittest::Harness<'static, escher::ui::EscherApp>) {
    click(h, "Open Settings");
    settle(h);
    click(h, "Re-check Azure subscription Contoso Dev");
    step_until(h, "the sign-in problem", |h| {
        h.query_by_label("✖ Not signed in to Azure").is_some()
    });
    click(h, "Sign in to Azure for Contoso Dev");
    step_until(h, "the code on the row", |h| {
        h.query_by_label("DMQ6BL7XK").is_some()
    });
}
