//! Re-check by itself: what the user does in the terminal (or an editor)
//! to the AWS files shows on screen without a click, in Connect AWS and in
//! Settings → Profiles. The files are written only once the screen shows
//! the state before, as a user would; nothing is timed.

use super::wizard::{
    PROD_CONFIG, PROD_KEYS, World, click, harness, settle, step_until, to_connect_aws, type_name,
};
use crate::common::FakeIdentity;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use escher::aws::check::Identity;
use escher::aws::profiles::Kind;
use escher::settings::{SavedProfile, Settings, Store};
use escher::ui::EscherApp;

const OLD_KEYS: &str = "[prod-admin]\naws_access_key_id = AKIAOLD\naws_secret_access_key = x\n";

fn shows(h: &Harness<'static, EscherApp>, text: &str) -> bool {
    h.query_all_by_label_contains(text).next().is_some()
}

/// Connect AWS with `name` checked once (by a click) and failed with `failure`.
fn failed_once(w: &World, name: &str, failure: &str) -> Harness<'static, EscherApp> {
    let mut h = harness(w.app());
    to_connect_aws(&mut h);
    type_name(&mut h, name);
    click(&mut h, "Re-check");
    step_until(&mut h, "the failure", |h| shows(h, failure));
    h
}

fn passes_by_itself(h: &mut Harness<'static, EscherApp>, name: &str) {
    step_until(h, "the pass, without a click", |h| {
        shows(h, &format!("Connected: {name} is verified"))
    });
    assert!(!super::wizard::disabled(
        &h.get_by_label("Continue to Azure")
    ));
}

#[test]
fn new_keys_in_the_credentials_file_pass_without_a_click() {
    let w = World::new(PROD_CONFIG, OLD_KEYS);
    let mut h = failed_once(&w, "prod-admin", "AWS rejected the credentials");
    assert_eq!(w.aws.sts_calls(), 1);
    w.home.credentials(PROD_KEYS);
    passes_by_itself(&mut h, "prod-admin");
    assert_eq!(w.aws.sts_calls(), 2, "one check for one change");
    // Re-check stays, for file systems that miss events.
    assert!(h.query_by_label("Re-check").is_some());
}

#[test]
fn a_credentials_file_replaced_by_rename_passes_without_a_click() {
    let w = World::new(PROD_CONFIG, OLD_KEYS);
    let mut h = failed_once(&w, "prod-admin", "AWS rejected the credentials");
    // As editors and botocore save: a new file renamed over the old one.
    let aws = w.home.path().join(".aws");
    std::fs::write(aws.join("credentials.tmp-1234"), PROD_KEYS).unwrap();
    std::fs::rename(aws.join("credentials.tmp-1234"), aws.join("credentials")).unwrap();
    passes_by_itself(&mut h, "prod-admin");
    // The watch survived the rename: a second replacement is seen too.
    std::fs::write(aws.join("credentials.tmp-5678"), OLD_KEYS).unwrap();
    std::fs::rename(aws.join("credentials.tmp-5678"), aws.join("credentials")).unwrap();
    step_until(&mut h, "the second replacement checked", |h| {
        shows(h, "AWS rejected the credentials")
    });
}

#[test]
fn an_aws_folder_made_after_start_is_picked_up() {
    let w = World::new("", "");
    let aws = w.home.path().join(".aws");
    std::fs::remove_dir_all(&aws).unwrap();
    let mut h = failed_once(&w, "prod-admin", "No profile by that name");
    assert_eq!(w.aws.sts_calls(), 0);
    std::fs::create_dir(&aws).unwrap();
    w.home.config(PROD_CONFIG);
    w.home.credentials(PROD_KEYS);
    passes_by_itself(&mut h, "prod-admin");
}

const SSO_CONFIG: &str = "[profile sso]\nsso_session = corp\nsso_account_id = 123456789012\n\
    sso_role_name = ReadOnly\nregion = us-east-1\n\n\
    [sso-session corp]\nsso_start_url = https://example.awsapps.com/start\nsso_region = us-east-1\n";

fn sso_world() -> World {
    let w = World::new(SSO_CONFIG, "");
    w.aws
        .sso_assignment("tok-1", "123456789012", "ReadOnly", "ASIASSO");
    w.aws.identity(
        "ASIASSO",
        FakeIdentity {
            account: "123456789012".into(),
            arn: "arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_ReadOnly/alice".into(),
            user_id: "AROA:alice".into(),
        },
    );
    w
}

#[test]
fn signing_in_with_sso_in_the_terminal_passes_without_a_click() {
    let w = sso_world();
    let mut h = failed_once(&w, "sso", "You have not signed in with SSO yet");
    // What `aws sso login` leaves behind.
    w.home.sso_token("corp", "tok-1", 3600);
    passes_by_itself(&mut h, "sso");
    assert_eq!(w.aws.sso_calls(), 1);
}

#[test]
fn configure_sso_writing_the_token_before_the_profile_passes_without_a_click() {
    let w = sso_world();
    w.home.config("");
    let mut h = failed_once(&w, "sso", "No profile by that name");
    // `aws configure sso`: the sign-in first, the profile's sections after.
    w.home.sso_token("corp", "tok-1", 3600);
    w.home.config(SSO_CONFIG);
    passes_by_itself(&mut h, "sso");
    assert_eq!(w.aws.sso_calls(), 1, "one check once the profile is there");
}

fn open_settings(h: &mut Harness<'static, EscherApp>) {
    click(h, "Settings");
    step_until(h, "the profiles pane", |h| {
        h.query_by_label("Settings → Profiles").is_some()
    });
}

#[test]
fn profiles_added_and_renamed_in_the_files_show_in_settings_at_once() {
    let w = World::new(PROD_CONFIG, PROD_KEYS);
    let mut h = harness(w.app());
    open_settings(&mut h);
    step_until(&mut h, "the files read", |h| {
        h.query_by_label("Connect prod-admin").is_some()
    });
    w.home.config(&format!(
        "{PROD_CONFIG}[profile added]\nregion = eu-west-1\n"
    ));
    step_until(&mut h, "the added profile", |h| {
        h.query_by_label("Connect added").is_some()
    });
    w.home.config(&format!(
        "{PROD_CONFIG}[profile renamed]\nregion = eu-west-1\n"
    ));
    step_until(&mut h, "the renamed profile", |h| {
        h.query_by_label("Connect renamed").is_some() && h.query_by_label("Connect added").is_none()
    });
    assert_eq!(w.aws.sts_calls(), 0, "nobody asked to connect them");
}

/// A stand-in terminal that records what it was asked to show.
fn recording_terminal(w: &World) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let record = w.stand_ins.path().join("argv");
    let term = w.stand_ins.path().join("x-terminal-emulator");
    let script = format!(
        "#!/bin/sh\nprintf '%s\\n' \"$@\" > '{}'\n",
        record.display()
    );
    std::fs::write(&term, script).unwrap();
    std::fs::set_permissions(&term, std::fs::Permissions::from_mode(0o755)).unwrap();
    record
}

#[test]
fn an_expired_sso_sign_in_offers_renew_and_the_new_sign_in_shows_by_itself() {
    let w = sso_world();
    let record = recording_terminal(&w);
    let connected = SavedProfile {
        name: "sso".into(),
        enabled: true,
        kind: Some(Kind::Sso),
        region: Some("us-east-1".into()),
        identity: Some(Identity {
            account: "123456789012".into(),
            arn: "arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_ReadOnly/alice".into(),
            user_id: "AROA:alice".into(),
        }),
        verified_at: Some(1),
        permissions: None,
    };
    let settings = Settings {
        profiles: vec![connected],
        ..Settings::default()
    };
    Store::new(w.config_dir.path()).save(&settings).unwrap();
    // A sign-in that runs out while Settings is open.
    w.home.sso_token("corp", "tok-old", 2);
    let mut h = harness(w.app());
    open_settings(&mut h);
    step_until(&mut h, "the sign-in expired", |h| {
        shows(h, "SSO sign-in expired")
    });
    assert_eq!(w.aws.sts_calls() + w.aws.sso_calls(), 0, "no check unasked");
    click(&mut h, "Renew sso in Terminal");
    step_until(&mut h, "the terminal", |_| record.exists());
    step_until(&mut h, "the launch noted", |h| shows(h, "Opened"));
    assert!(shows(&h, "the row turns by itself"), "no Re-check to click");
    let argv = std::fs::read_to_string(&record).unwrap();
    assert!(argv.contains("aws sso login --profile sso"), "{argv}");
    // The user signs in there: the row turns by itself.
    w.home.sso_token("corp", "tok-1", 3600);
    step_until(&mut h, "the new sign-in checked", |h| {
        shows(h, "SSO sign-in expires in") && shows(h, "verified just now")
    });
    assert!(h.query_by_label("Renew sso").is_none());
    assert!(h.query_by_label("Renew sso in Terminal").is_none());
    assert!(
        h.query_by_role_and_label(Role::CheckBox, "Use sso")
            .is_some()
    );
    settle(&mut h);
}

#[test]
fn where_events_cannot_be_had_polling_passes_it_without_a_click() {
    let w = World::new(PROD_CONFIG, OLD_KEYS);
    let mut app = w.app();
    app.background.watch_mode = escher::watch::Mode::Poll(std::time::Duration::from_millis(200));
    let mut h = harness(app);
    to_connect_aws(&mut h);
    type_name(&mut h, "prod-admin");
    click(&mut h, "Re-check");
    step_until(&mut h, "the failure", |h| {
        shows(h, "AWS rejected the credentials")
    });
    w.home.credentials(PROD_KEYS);
    passes_by_itself(&mut h, "prod-admin");
}

#[test]
fn the_sdk_renewing_the_sign_in_during_escher_s_check_checks_nothing_again() {
    let w = sso_world();
    w.aws
        .sso_assignment("refresh-1-renewed", "123456789012", "ReadOnly", "ASIASSO");
    // Minutes from its end, with a refresh token: the check's SDK renews
    // it and rewrites the cache file, which the watch sees.
    w.home
        .sso_token_refreshable("corp", "tok-old", "refresh-1", 120);
    let mut h = harness(w.app());
    to_connect_aws(&mut h);
    type_name(&mut h, "sso");
    click(&mut h, "Re-check");
    passes_by_itself(&mut h, "sso");
    assert_eq!(w.aws.oidc_calls(), 1, "the SDK renewed the sign-in");
    // A later change, taken in after the renewal's: by then an automatic
    // check for the renewal would have started.
    w.home.config(&format!(
        "{SSO_CONFIG}[profile later]\nregion = eu-west-1\n"
    ));
    step_until(&mut h, "the later change read", |h| {
        h.state().wizard.in_files("later").is_some()
    });
    assert!(!h.state().background.is_checking("sso"));
    assert_eq!(w.aws.sso_calls(), 1, "checked once, by the click");
}

#[test]
fn a_credential_process_that_caches_in_the_credentials_file_is_not_checked_forever() {
    let w = World::new("", "");
    w.aws.user(
        "AKIACP",
        "cpsecret",
        FakeIdentity::user("123456789012", "helper"),
    );
    // As saml2aws-style helpers do: each run caches what it fetched in
    // ~/.aws/credentials, under the profile's own name.
    let runs = w.home.path().join("helper-runs");
    let helper = w.home.path().join("helper.sh");
    std::fs::write(
        &helper,
        format!(
            "#!/bin/sh\necho run >> '{runs}'\nprintf '[cp]\\nx_security_token_expires = %s\\n' \"$(date +%s%N)\" > '{creds}'\n\
             printf '{{\"Version\":1,\"AccessKeyId\":\"AKIACP\",\"SecretAccessKey\":\"cpsecret\"}}'\n",
            runs = runs.display(),
            creds = w.home.path().join(".aws/credentials").display(),
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&helper, std::fs::Permissions::from_mode(0o755)).unwrap();
    w.home.config(&format!(
        "[profile cp]\nregion = us-east-1\ncredential_process = {}\n",
        helper.display()
    ));
    let mut h = harness(w.app());
    to_connect_aws(&mut h);
    type_name(&mut h, "cp");
    click(&mut h, "Re-check");
    step_until(&mut h, "the pass", |h| {
        shows(h, "Connected: cp is verified")
    });
    // Four seconds of the window running, its watch following the files.
    let until = std::time::Instant::now() + std::time::Duration::from_secs(4);
    while std::time::Instant::now() < until {
        h.step();
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let n = std::fs::read_to_string(&runs)
        .unwrap_or_default()
        .lines()
        .count();
    assert!(n <= 2, "the helper ran {n} times");
}

#[test]
fn renew_signs_an_expired_sso_profile_in_again_here_and_the_row_turns() {
    let w = sso_world();
    w.aws
        .sign_in_reaches(&[("123456789012", "ReadOnly", "ASIASSO")]);
    let connected = SavedProfile {
        name: "sso".into(),
        enabled: true,
        kind: Some(Kind::Sso),
        region: Some("us-east-1".into()),
        identity: None,
        verified_at: None,
        permissions: None,
    };
    let settings = Settings {
        profiles: vec![connected],
        ..Settings::default()
    };
    Store::new(w.config_dir.path()).save(&settings).unwrap();
    w.home.sso_token("corp", "tok-old", -60);
    let mut h = harness(w.app().with_browser(crate::common::browser_stand_in));
    open_settings(&mut h);
    step_until(&mut h, "the sign-in expired", |h| {
        shows(h, "SSO sign-in expired")
    });
    click(&mut h, "Renew sso");
    // No display in the tests' environment: a code, approved on its page.
    step_until(&mut h, "the code", |h| {
        h.query_by_label("Open the sign-in page").is_some()
    });
    assert!(shows(&h, "Renewing the SSO sign-in of sso"));
    h.get_by_label("Open the sign-in page").click();
    step_until(&mut h, "the new sign-in checked", |h| {
        shows(h, "SSO sign-in expires in") && shows(h, "verified just now")
    });
    assert!(shows(&h, "Signed in to corp"));
    assert!(h.query_by_label("Renew sso").is_none());
    assert!(
        h.query_by_label_contains("Add more accounts from the sign-in of sso")
            .is_some(),
        "the accounts window did not open by itself"
    );
    assert!(
        h.query_by_label_contains("Every account and role")
            .is_none()
    );
}
