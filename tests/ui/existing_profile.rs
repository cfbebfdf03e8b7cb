//! A name that is already a profile is checked as it is: the method's
//! set-up commands, which would change it, are offered for a new name only.

use super::wizard::{
    PROD_CONFIG, PROD_KEYS, World, click, harness, settle, step_until, to_connect_aws, type_name,
};
use egui_kittest::kittest::Queryable;

#[test]
fn an_access_key_profile_is_not_offered_sso_set_up() {
    let w = World::new(PROD_CONFIG, PROD_KEYS);
    let mut h = harness(w.app());
    to_connect_aws(&mut h);
    assert!(h.query_by_label("Method: SSO (recommended)").is_some());
    step_until(&mut h, "discovery", |h| {
        h.query_by_label("Pick an existing profile").is_some()
    });
    type_name(&mut h, "prod-admin");
    assert!(
        h.query_by_label("Found in your AWS config (Access keys, region us-east-1).")
            .is_some()
    );
    assert!(
        h.query_by_label_contains("the setup commands are not needed")
            .is_some()
    );
    for line in [
        "aws configure sso --profile prod-admin",
        "aws sso login --profile prod-admin",
    ] {
        assert!(h.query_by_label(line).is_none(), "{line} is offered");
    }
    assert!(h.query_by_label(">_ Open Terminal").is_none());
    // Re-check checks it as it is.
    click(&mut h, "Re-check");
    step_until(&mut h, "the verdict", |h| {
        h.query_by_label_contains("is verified").is_some()
    });
    // SSO set-up goes to a new name.
    click(&mut h, "Use new name prod-admin-sso");
    settle(&mut h);
    assert!(
        h.query_by_label("aws configure sso --profile prod-admin-sso")
            .is_some()
    );
    assert!(
        h.query_by_label_contains("Not in your AWS config yet")
            .is_some()
    );
}

#[test]
fn an_sso_profile_is_offered_sign_in_but_not_set_up_again() {
    let w = World::new(
        "[profile corp]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = ReadOnly\n\
         [sso-session corp]\nsso_start_url = https://c.awsapps.com/start\nsso_region = us-east-1\n",
        "",
    );
    let mut h = harness(w.app());
    to_connect_aws(&mut h);
    step_until(&mut h, "discovery", |h| {
        h.query_by_label("Pick an existing profile").is_some()
    });
    type_name(&mut h, "corp");
    assert!(
        h.query_by_label("Found in your AWS config (SSO). Not signed in with SSO yet.")
            .is_some()
    );
    assert!(
        h.query_by_label("aws configure sso --profile corp")
            .is_none()
    );
    assert!(h.query_by_label("aws sso login --profile corp").is_some());
    assert!(
        h.query_by_label("aws sts get-caller-identity --profile corp")
            .is_some()
    );
    assert!(h.query_by_label("Copy command 1").is_some());
    assert!(h.query_by_label("Copy command 3").is_none());
}

#[test]
fn an_unusable_profile_says_why() {
    let w = World::new("[profile broken]\nrole_arn = arn:aws:iam::1:role/R\n", "");
    let mut h = harness(w.app());
    to_connect_aws(&mut h);
    step_until(&mut h, "discovery", |h| {
        h.query_by_label("Pick an existing profile").is_some()
    });
    type_name(&mut h, "broken");
    assert!(
        h.query_by_label_contains("Found in your AWS config (Unusable), but it cannot work:")
            .is_some()
    );
    assert!(h.query_by_label("Use new name broken-sso").is_some());
}

/// A profile with no credentials, method SSO: one status with SSO's fix
/// (access keys' named), and after Re-check the card alone, with SSO's
/// command rather than the access-keys one.
#[test]
fn a_profile_that_cannot_work_says_so_once_with_the_chosen_methods_fix() {
    let w = World::new("[profile dev]\nregion = eu-west-1\n", "");
    let mut h = harness(w.app());
    to_connect_aws(&mut h);
    step_until(&mut h, "discovery", |h| {
        h.query_by_label("Pick an existing profile").is_some()
    });
    type_name(&mut h, "dev");
    assert!(h.query_by_label_contains("but it cannot work").is_some());
    assert!(h.query_by_label_contains("set up already").is_none());
    assert!(
        h.query_by_label("To complete it with IAM Identity Center (SSO):")
            .is_some()
    );
    assert!(
        h.query_by_label("aws configure sso --profile dev")
            .is_some()
    );
    assert!(
        h.query_by_label_contains("Or, with access keys: aws configure --profile dev")
            .is_some()
    );
    click(&mut h, "Re-check");
    step_until(&mut h, "the verdict", |h| {
        h.query_by_label_contains("✖").is_some()
    });
    assert!(
        h.query_by_label("Copy fix: aws configure sso --profile dev")
            .is_some()
    );
    assert!(
        h.query_by_label("Copy fix: aws configure --profile dev")
            .is_none(),
        "not the access-keys command while the method is SSO"
    );
    assert!(
        h.query_by_label_contains("but it cannot work").is_none(),
        "the card says it; the name's status does not say it again"
    );
}
