use crate::common::{FakeAws, FakeIdentity, Home, StsMode, refused_url};
use escher::aws::check::CheckReport;
use escher::aws::diagnose::Case;
use escher::aws::profile_name::ProfileName;
use escher::background::{Background, Event};
use escher::terminal::LaunchEnv;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

const T: Duration = Duration::from_secs(5);

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// One profile checked the way the window and `escher check` check it:
/// through the batch.
fn check(home: &Home, url: &str, name: &str, timeout: Duration) -> CheckReport {
    let env = home.env(url);
    let names = vec![name.to_owned()];
    let mut reports = rt().block_on(escher::aws::batch::check_in_order(
        names, env, timeout, None,
    ));
    reports.pop().expect("one report per name")
}

fn keys_home(name: &str, key: &str) -> Home {
    let home = Home::new();
    home.config(&format!("[profile {name}]\nregion = eu-west-1\n"));
    home.credentials(&format!(
        "[{name}]\naws_access_key_id = {key}\naws_secret_access_key = s3cr3t\n"
    ));
    home
}

fn case(r: &CheckReport) -> Case {
    r.diagnosis()
        .unwrap_or_else(|| panic!("expected a failure, got {:?}", r.outcome))
        .case
}

#[test]
fn access_key_profile_passes_with_its_identity() {
    let aws = FakeAws::start();
    aws.user(
        "AKIADEV",
        "s3cr3t",
        FakeIdentity::user("111122223333", "dev"),
    );
    let home = keys_home("dev", "AKIADEV");
    let r = check(&home, &aws.url, "dev", T);
    let id = r.identity().expect("passed");
    assert_eq!(id.account, "111122223333");
    assert_eq!(id.arn, "arn:aws:iam::111122223333:user/dev");
    assert_eq!(id.user_id, "AIDADEV");
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
}

#[test]
fn the_named_profile_wins_over_credentials_in_the_environment() {
    let aws = FakeAws::start();
    aws.user(
        "AKIADEV",
        "s3cr3t",
        FakeIdentity::user("111122223333", "dev"),
    );
    aws.user("AKIAENV", "x", FakeIdentity::user("999999999999", "env"));
    let mut home = keys_home("dev", "AKIADEV");
    home.extra = vec![
        ("AWS_ACCESS_KEY_ID".into(), "AKIAENV".into()),
        ("AWS_SECRET_ACCESS_KEY".into(), "x".into()),
        ("AWS_PROFILE".into(), "other".into()),
    ];
    let r = check(&home, &aws.url, "dev", T);
    assert_eq!(r.identity().expect("passed").account, "111122223333");
    let w: Vec<Case> = r.warnings.iter().map(|w| w.case).collect();
    assert_eq!(w, vec![Case::EnvOverride]);
    assert!(r.warnings[0].explanation.contains("AWS_ACCESS_KEY_ID"));
}

#[test]
fn rotated_keys_are_invalid_client_token_with_the_configure_fix() {
    let aws = FakeAws::start();
    let home = keys_home("dev", "AKIAOLD");
    let r = check(&home, &aws.url, "dev", T);
    let d = r.diagnosis().unwrap();
    assert_eq!(d.case, Case::InvalidClientToken);
    assert_eq!(d.case.seed_row(), Some(2));
    assert_eq!(d.command.as_deref(), Some("aws configure --profile dev"));
    assert!(d.detail.contains("InvalidClientTokenId"), "{}", d.detail);
}

#[test]
fn unreadable_403_is_rejected_credentials() {
    let aws = FakeAws::start();
    aws.sts_mode(StsMode::Bare403);
    let r = check(&keys_home("dev", "AKIADEV"), &aws.url, "dev", T);
    assert_eq!(case(&r), Case::InvalidClientToken);
}

#[test]
fn wrong_secret_and_expired_session_are_told_apart() {
    let aws = FakeAws::start();
    // The files hold "s3cr3t"; STS knows the key with another secret.
    aws.user(
        "AKIADEV",
        "the-current-secret",
        FakeIdentity::user("1", "dev"),
    );
    let r = check(&keys_home("dev", "AKIADEV"), &aws.url, "dev", T);
    assert_eq!(case(&r), Case::SignatureMismatch);
    assert_eq!(
        r.diagnosis().unwrap().command.as_deref(),
        Some("aws configure --profile dev")
    );
    let home = Home::new();
    home.config("[profile temp]\nregion = eu-west-1\n");
    home.credentials(
        "[temp]\naws_access_key_id = ASIATEMP\naws_secret_access_key = t\naws_session_token = tok\n",
    );
    aws.session("ASIATEMP", "t", "tok", FakeIdentity::user("1", "temp"));
    assert!(
        check(&home, &aws.url, "temp", T).passed(),
        "a current session passes"
    );
    aws.expire("ASIATEMP");
    let r = check(&home, &aws.url, "temp", T);
    assert_eq!(case(&r), Case::ExpiredToken);
    assert!(
        r.diagnosis().unwrap().detail.contains("request id"),
        "{:?}",
        r.diagnosis()
    );
}

#[test]
fn unknown_profile_is_caught_before_the_network_with_suggestions() {
    let aws = FakeAws::start();
    let home = keys_home("prod-admin", "AKIA1");
    let r = check(&home, &aws.url, "prod-admn", T);
    let d = r.diagnosis().unwrap();
    assert_eq!(d.case, Case::ProfileNotFound);
    assert_eq!(d.case.seed_row(), Some(3));
    assert_eq!(d.suggestions, vec!["prod-admin"]);
    assert_eq!(d.command.as_deref(), Some("aws configure list-profiles"));
    assert_eq!(aws.sts_calls(), 0);
}

#[test]
fn a_hanging_endpoint_times_out_within_the_limit() {
    let aws = FakeAws::start();
    aws.sts_mode(StsMode::Hang);
    let started = std::time::Instant::now();
    let r = check(
        &keys_home("dev", "AKIADEV"),
        &aws.url,
        "dev",
        Duration::from_secs(1),
    );
    assert_eq!(case(&r), Case::Timeout);
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "took {:?}",
        started.elapsed()
    );
    assert!(r.diagnosis().unwrap().explanation.contains("within 1 s"));
}

#[test]
fn refused_connection_is_a_network_problem_in_words() {
    let r = check(&keys_home("dev", "AKIADEV"), &refused_url(), "dev", T);
    let d = r.diagnosis().unwrap();
    assert_eq!(d.case, Case::Network);
    assert!(d.explanation.contains("refused"), "{}", d.explanation);
    assert_eq!(
        d.command.as_deref(),
        Some("aws sts get-caller-identity --profile dev")
    );
}

fn sso_home(role: &str) -> Home {
    let home = Home::new();
    home.config(&format!(
        "[profile prod-admin]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = {role}\nregion = us-east-1\n\n\
         [sso-session corp]\nsso_start_url = https://example.awsapps.com/start\nsso_region = us-east-1\n"
    ));
    home
}

#[test]
fn sso_profile_passes_through_the_portal() {
    let aws = FakeAws::start();
    aws.sso_assignment("tok-1", "123456789012", "ReadOnly", "ASIASSO");
    aws.identity(
        "ASIASSO",
        FakeIdentity {
            account: "123456789012".into(),
            arn: "arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_ReadOnly/alice".into(),
            user_id: "AROA:alice".into(),
        },
    );
    let home = sso_home("ReadOnly");
    home.sso_token("corp", "tok-1", 3600);
    let r = check(&home, &aws.url, "prod-admin", T);
    assert_eq!(
        r.identity().expect("passed").arn,
        "arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_ReadOnly/alice"
    );
    assert_eq!(aws.sso_calls(), 1);
}

#[test]
fn sso_without_sign_in_says_run_sso_login() {
    let aws = FakeAws::start();
    let r = check(&sso_home("ReadOnly"), &aws.url, "prod-admin", T);
    let d = r.diagnosis().unwrap();
    assert_eq!(d.case, Case::SsoTokenMissing);
    assert_eq!(
        d.command.as_deref(),
        Some("aws sso login --profile prod-admin")
    );
    assert_eq!(aws.sso_calls() + aws.sts_calls(), 0);
}

#[test]
fn expired_sso_sign_in_says_when_and_how_to_renew() {
    let aws = FakeAws::start();
    let home = sso_home("ReadOnly");
    home.sso_token("corp", "tok-1", -7200);
    let d = check(&home, &aws.url, "prod-admin", T)
        .diagnosis()
        .cloned()
        .unwrap();
    assert_eq!(d.case, Case::SsoTokenExpired);
    assert!(d.explanation.contains("expired 2 h"), "{}", d.explanation);
    assert_eq!(
        d.command.as_deref(),
        Some("aws sso login --profile prod-admin")
    );
}

#[test]
fn sso_user_without_the_role_gets_no_access() {
    let aws = FakeAws::start();
    aws.sso_assignment("tok-1", "123456789012", "ReadOnly", "ASIASSO");
    let home = sso_home("AdministratorAccess");
    home.sso_token("corp", "tok-1", 3600);
    let d = check(&home, &aws.url, "prod-admin", T)
        .diagnosis()
        .cloned()
        .unwrap();
    assert_eq!(d.case, Case::SsoNoAccess, "{d:?}");
    assert_eq!(d.case.seed_row(), Some(1));
}

#[test]
fn sso_token_the_portal_rejects_is_expired_sign_in() {
    let aws = FakeAws::start();
    let home = sso_home("ReadOnly");
    home.sso_token("corp", "revoked", 3600);
    let d = check(&home, &aws.url, "prod-admin", T)
        .diagnosis()
        .cloned()
        .unwrap();
    assert_eq!(d.case, Case::SsoTokenExpired, "{d:?}");
}

#[test]
fn unfinished_configure_sso_is_an_unusable_profile() {
    let aws = FakeAws::start();
    let home = Home::new();
    home.config("[profile half]\nsso_session = corp\nsso_account_id = 1\nsso_role_name = R\n");
    let d = check(&home, &aws.url, "half", T)
        .diagnosis()
        .cloned()
        .unwrap();
    assert_eq!(d.case, Case::ProfileUnusable);
    assert_eq!(d.case.seed_row(), Some(0));
    assert!(
        d.explanation.contains("[sso-session corp]"),
        "{}",
        d.explanation
    );
    assert_eq!(
        d.command.as_deref(),
        Some("aws configure sso --profile half")
    );
}

#[test]
fn malformed_config_names_file_and_line() {
    let aws = FakeAws::start();
    let home = Home::new();
    home.config("[profile ok]\nregion = us-east-1\nthis line is not ini\n");
    let d = check(&home, &aws.url, "ok", T)
        .diagnosis()
        .cloned()
        .unwrap();
    assert_eq!(d.case, Case::ConfigParseError);
    assert!(d.explanation.contains("line 3"), "{}", d.explanation);
    assert!(d.explanation.contains(".aws/config"), "{}", d.explanation);
}

#[test]
fn failing_credential_process_is_named() {
    let aws = FakeAws::start();
    let home = Home::new();
    home.config("[profile proc]\ncredential_process = sh -c 'echo vault is sealed >&2; exit 3'\n");
    let d = check(&home, &aws.url, "proc", T)
        .diagnosis()
        .cloned()
        .unwrap();
    assert_eq!(d.case, Case::CredentialProcessFailed, "{d:?}");
}

#[test]
fn a_second_check_while_one_is_in_flight_starts_nothing() {
    let aws = FakeAws::start();
    aws.user(
        "AKIADEV",
        "s3cr3t",
        FakeIdentity::user("111122223333", "dev"),
    );
    let home = keys_home("dev", "AKIADEV");
    let runtime = rt();
    let mut bg = Background::new(
        runtime.handle().clone(),
        home.env(&aws.url),
        LaunchEnv::default(),
    );
    let name = ProfileName::parse("dev").unwrap();
    let wakes = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let w = wakes.clone();
    let wake: escher::background::Wake = Arc::new(move || {
        w.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    });
    assert!(bg.check(name.clone(), wake.clone()));
    assert!(
        !bg.check(name.clone(), wake.clone()),
        "second click started a check"
    );
    assert!(bg.is_checking("dev"));
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let report = loop {
        if let Some(Event::Checked(r)) = bg.poll().into_iter().next() {
            break *r;
        }
        assert!(std::time::Instant::now() < deadline, "no result");
        std::thread::sleep(Duration::from_millis(10));
    };
    assert!(report.passed());
    assert!(!bg.is_checking("dev"));
    assert_eq!(
        wakes.load(std::sync::atomic::Ordering::SeqCst),
        1,
        "the window was not woken"
    );
    assert_eq!(aws.sts_calls(), 1);
}

#[test]
fn a_clock_that_stays_wrong_is_named() {
    let aws = FakeAws::start();
    aws.user(
        "AKIADEV",
        "s3cr3t",
        FakeIdentity::user("111122223333", "dev"),
    );
    // STS's clock is 15 minutes ahead. It says so in its Date header, and
    // the SDK corrects for it and signs again, as the CLI does.
    aws.clock_offset(15 * 60);
    let home = keys_home("dev", "AKIADEV");
    assert!(
        check(&home, &aws.url, "dev", T).passed(),
        "the SDK corrects skew it can see"
    );
    // Where nothing tells the SDK the real time, the skew persists.
    aws.without_date_header();
    let d = check(&home, &aws.url, "dev", T)
        .diagnosis()
        .cloned()
        .unwrap();
    assert_eq!(d.case, Case::ClockSkew, "{d:?}");
    assert!(d.fix.contains("automatic date and time"));
    assert!(d.detail.contains("Signature expired"), "{}", d.detail);
}

#[test]
fn a_tls_failure_is_said_in_words() {
    let aws = FakeAws::start();
    // The fake speaks plain HTTP: a TLS handshake with it fails.
    let https = aws.url.replace("http://", "https://");
    let d = check(&keys_home("dev", "AKIADEV"), &https, "dev", T)
        .diagnosis()
        .cloned()
        .unwrap();
    assert_eq!(d.case, Case::Network, "{d:?}");
    assert!(
        d.explanation.contains("secure connection") || d.explanation.contains("failed"),
        "{}",
        d.explanation
    );
}

#[test]
fn a_credentials_file_others_can_read_gets_a_warning() {
    use std::os::unix::fs::PermissionsExt;
    let aws = FakeAws::start();
    aws.user(
        "AKIADEV",
        "s3cr3t",
        FakeIdentity::user("111122223333", "dev"),
    );
    let home = keys_home("dev", "AKIADEV");
    let path = home.path().join(".aws/credentials");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let r = check(&home, &aws.url, "dev", T);
    assert!(r.passed());
    let w = r
        .warnings
        .iter()
        .find(|w| w.case == Case::CredentialsFilePermissions)
        .expect("warning");
    assert_eq!(
        w.command.as_deref(),
        Some(format!("chmod 600 {}", path.display()).as_str())
    );
    assert!(w.explanation.contains("644"));
}

#[test]
fn an_sso_session_without_region_is_missing_region() {
    let aws = FakeAws::start();
    let home = Home::new();
    home.config("[profile p]\nsso_session = s\nsso_account_id = 1\nsso_role_name = R\n[sso-session s]\nsso_start_url = https://x.awsapps.com/start\n");
    let d = check(&home, &aws.url, "p", T).diagnosis().cloned().unwrap();
    assert_eq!(d.case, Case::MissingRegion);
    assert_eq!(d.command.as_deref(), Some("aws configure sso --profile p"));
}

#[test]
fn following_the_sso_login_fix_makes_the_next_recheck_pass() {
    let aws = FakeAws::start();
    aws.sso_assignment("tok-1", "123456789012", "ReadOnly", "ASIASSO");
    aws.identity("ASIASSO", FakeIdentity::user("123456789012", "alice"));
    let home = sso_home("ReadOnly");
    assert_eq!(
        case(&check(&home, &aws.url, "prod-admin", T)),
        Case::SsoTokenMissing
    );
    home.sso_token("corp", "tok-1", 3600); // what `aws sso login` leaves behind
    assert!(check(&home, &aws.url, "prod-admin", T).passed());
}

#[test]
fn a_hundred_concurrent_checks_all_complete() {
    let aws = FakeAws::start();
    let home = Home::new();
    let mut config = String::new();
    let mut creds = String::new();
    for i in 0..100 {
        aws.user(
            &format!("AKIA{i:04}"),
            "s",
            FakeIdentity::user("123456789012", &format!("u{i}")),
        );
        config.push_str(&format!("[profile p{i}]\nregion = us-east-1\n"));
        creds.push_str(&format!(
            "[p{i}]\naws_access_key_id = AKIA{i:04}\naws_secret_access_key = s\n"
        ));
    }
    home.config(&config);
    home.credentials(&creds);
    let env = home.env(&aws.url);
    let names: Vec<String> = (0..100).map(|i| format!("p{i}")).collect();
    let reports = rt().block_on(escher::aws::batch::check_in_order(names, env, T, None));
    assert_eq!(reports.len(), 100);
    for (i, r) in reports.iter().enumerate() {
        assert_eq!(r.profile, format!("p{i}"), "order asked");
        assert_eq!(
            r.identity().map(|id| id.arn.clone()),
            Some(format!("arn:aws:iam::123456789012:user/u{i}"))
        );
    }
    assert_eq!(aws.sts_calls(), 100);
}

#[test]
fn a_slow_portal_listing_never_stretches_the_check_past_its_limit() {
    let aws = FakeAws::start();
    aws.sso_assignment("tok-1", "123456789012", "ReadOnly", "ASIASSO");
    aws.listing_delay(Duration::from_secs(60));
    // The refusal itself takes most of the limit: the listing gets only
    // what is left (a new limit of its own would end past 14 s).
    aws.role_credentials_delay(Duration::from_secs(6));
    let home = sso_home("AdministratorAccess");
    home.sso_token("corp", "tok-1", 3600);
    let started = std::time::Instant::now();
    let d = check(&home, &aws.url, "prod-admin", Duration::from_secs(8))
        .diagnosis()
        .cloned()
        .unwrap();
    assert_eq!(
        d.case,
        Case::SsoNoAccess,
        "the verdict stands without the listing"
    );
    assert!(!d.explanation.contains("can reach"), "{}", d.explanation);
    assert!(
        started.elapsed() < Duration::from_secs(11),
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn a_company_ca_is_trusted_from_aws_ca_bundle_or_the_profile_as_by_the_cli() {
    let (ca_pem, tls) = crate::common::company_ca();
    let aws = FakeAws::start_tls(tls);
    aws.user(
        "AKIADEV",
        "s3cr3t",
        FakeIdentity::user("111122223333", "dev"),
    );
    let mut home = keys_home("dev", "AKIADEV");
    let bundle = home.path().join("company-ca.pem");
    std::fs::write(&bundle, &ca_pem).unwrap();

    let d = check(&home, &aws.url, "dev", T)
        .diagnosis()
        .cloned()
        .unwrap();
    assert_eq!(d.case, Case::Network, "{d:?}");
    assert!(d.explanation.contains("TLS"), "{}", d.explanation);
    assert!(
        d.fix.contains("AWS_CA_BUNDLE") && d.fix.contains("ca_bundle"),
        "{}",
        d.fix
    );

    home.extra = vec![("AWS_CA_BUNDLE".into(), bundle.display().to_string())];
    let r = check(&home, &aws.url, "dev", T);
    assert!(r.passed(), "{:?}", r.outcome);

    home.extra.clear();
    home.config(&format!(
        "[profile dev]\nregion = eu-west-1\nca_bundle = {}\n",
        bundle.display()
    ));
    assert!(
        check(&home, &aws.url, "dev", T).passed(),
        "the profile's ca_bundle"
    );

    // The variable wins over the profile, as for the CLI.
    let junk = home.path().join("junk.pem");
    std::fs::write(&junk, "not a certificate").unwrap();
    home.extra = vec![("AWS_CA_BUNDLE".into(), junk.display().to_string())];
    let d = check(&home, &aws.url, "dev", T)
        .diagnosis()
        .cloned()
        .unwrap();
    assert_eq!(d.case, Case::CaBundleInvalid, "{d:?}");
    assert!(
        d.explanation.starts_with("AWS_CA_BUNDLE names"),
        "{}",
        d.explanation
    );
    assert!(
        d.explanation.contains("holds no PEM certificate"),
        "{}",
        d.explanation
    );
}

#[test]
fn escher_writes_nothing_under_the_home_but_a_renewed_sso_sign_in() {
    let aws = FakeAws::start();
    aws.user(
        "AKIADEV",
        "s3cr3t",
        FakeIdentity::user("111122223333", "dev"),
    );
    aws.sso_assignment("tok-1", "123456789012", "ReadOnly", "ASIASSO");
    aws.sso_assignment("refresh-1-renewed", "123456789012", "ReadOnly", "ASIASSO");
    aws.identity("ASIASSO", FakeIdentity::user("123456789012", "alice"));
    let home = sso_home("ReadOnly");
    home.credentials("[dev]\naws_access_key_id = AKIADEV\naws_secret_access_key = s3cr3t\n");
    home.config(&format!(
        "{}[profile dev]\nregion = eu-west-1\n[profile gone]\nregion = eu-west-1\n",
        std::fs::read_to_string(home.path().join(".aws/config")).unwrap()
    ));
    let cache = home.sso_token("corp", "tok-1", 3600);
    let before = home.snapshot();
    let env = home.env(&aws.url);
    let names = ["dev", "prod-admin", "gone", "nope"]
        .map(String::from)
        .to_vec();
    let reports = rt().block_on(escher::aws::batch::check_in_order(
        names,
        env.clone(),
        T,
        None,
    ));
    assert!(reports[0].passed() && reports[1].passed(), "{reports:?}");
    assert_eq!(home.snapshot(), before, "checks wrote under the home");

    // A sign-in within five minutes of its end, with a refresh token: the
    // SDK renews it and rewrites its cache file, as the CLI would. That
    // file is the only one that changes.
    home.sso_token_refreshable("corp", "tok-1", "refresh-1", 120);
    let before = home.snapshot();
    let names = vec!["prod-admin".to_owned(), "dev".to_owned()];
    let reports = rt().block_on(escher::aws::batch::check_in_order(names, env, T, None));
    assert!(reports.iter().all(|r| r.passed()), "{reports:?}");
    assert_eq!(aws.oidc_calls(), 1);
    let after = home.snapshot();
    let changed: Vec<&PathBuf> = after
        .keys()
        .filter(|p| before.get(*p) != after.get(*p))
        .collect();
    assert_eq!(changed, vec![&cache], "only the SSO cache file may change");
    let renewed: serde_json::Value = serde_json::from_slice(&after[&cache]).unwrap();
    assert_eq!(renewed["accessToken"], "refresh-1-renewed");
}

#[test]
fn the_request_is_signed_for_the_profiles_own_region() {
    let aws = FakeAws::start();
    aws.user(
        "AKIADEV",
        "s3cr3t",
        FakeIdentity::user("111122223333", "dev"),
    );
    let home = keys_home("dev", "AKIADEV"); // region = eu-west-1
    home.config(
        "[profile dev]\nregion = eu-west-1\n[profile base]\nregion = ap-south-1\n\
         [profile plain]\n",
    );
    home.credentials(
        "[dev]\naws_access_key_id = AKIADEV\naws_secret_access_key = s3cr3t\n\
         [plain]\naws_access_key_id = AKIADEV\naws_secret_access_key = s3cr3t\n",
    );
    assert!(check(&home, &aws.url, "dev", T).passed());
    assert!(check(&home, &aws.url, "plain", T).passed());
    // A profile that names none gets the CLI's global endpoint region.
    assert_eq!(aws.signed_regions(), ["eu-west-1", "us-east-1"]);
}

/// Access-key profiles whose settings match but for their keys share one
/// STS client in a batch (src/aws/sts_clients.rs): each request must still
/// go where, signed for what and with which credentials the SDK itself
/// would send it for that profile, read from the files on its own.
#[test]
fn a_batch_asks_sts_exactly_as_the_sdk_does_for_each_profile_on_its_own() {
    let (a, b) = (FakeAws::start(), FakeAws::start());
    for aws in [&a, &b] {
        for i in 1..=9 {
            let id = FakeIdentity::user("111122223333", &format!("u{i}"));
            if i == 3 {
                aws.session("AKIA3", "s3", "tok3", id);
            } else {
                aws.user(&format!("AKIA{i}"), &format!("s{i}"), id);
            }
        }
    }
    let (ua, ub) = (&a.url, &b.url);
    let home = Home::new();
    home.config(&format!(
        "[profile k1]\nregion = us-west-2\nendpoint_url = {ua}\n\
         [profile k2]\nregion = eu-west-1\nendpoint_url = {ua}\n\
         [profile k3]\nregion = eu-west-1\nendpoint_url = {ua}\n\
         [profile k4]\nregion = eu-west-1\nendpoint_url = {ub}\n\
         [profile k5]\nregion = eu-west-1\nservices = via-b\n\
         [profile k6]\nregion = eu-west-1\nendpoint_url = {ua}\nsdk_ua_app_id = escher-test\n\
         [profile k7]\nendpoint_url = {ua}\n\
         [profile k8]\nregion = eu-west-1\nendpoint_url = {ua}\nuse_fips_endpoint = true\n\
         [profile k9]\nregion = eu-west-1\nendpoint_url = {ua}\naws_account_id = 111122223333\n\
         [services via-b]\nsts =\n  endpoint_url = {ub}\n"
    ));
    let mut creds = String::new();
    for i in 1..=9 {
        creds.push_str(&format!(
            "[k{i}]\naws_access_key_id = AKIA{i}\naws_secret_access_key = s{i}\n"
        ));
        if i == 3 {
            creds.push_str("aws_session_token = tok3\n");
        }
    }
    home.credentials(&creds);
    // Every endpoint comes from the files: none from the environment.
    let env = escher::aws::env::AwsEnv::from_vars([("HOME", home.path().display().to_string())]);
    let names: Vec<String> = (1..=9).map(|i| format!("k{i}")).collect();
    let seen = |n: &str| -> Vec<String> {
        let key = format!("AKIA{} ", &n[1..]);
        [("A", &a), ("B", &b)]
            .iter()
            .flat_map(|(which, aws)| {
                aws.sts_requests()
                    .into_iter()
                    .filter(|r| r.starts_with(&key))
                    .map(move |r| format!("{which}: {r}"))
            })
            .collect()
    };

    let reports = rt().block_on(escher::aws::batch::check_in_order(
        names.clone(),
        env.clone(),
        T,
        None,
    ));
    let batch: Vec<(bool, Vec<String>)> = reports
        .iter()
        .zip(&names)
        .map(|(r, n)| (r.passed(), seen(n)))
        .collect();

    let sdk_env = env.sdk_env();
    for (n, (passed, asked)) in names.iter().zip(&batch) {
        let before = (a.sts_requests().len(), b.sts_requests().len());
        let out = rt().block_on(async {
            let sdk = aws_config::defaults(aws_config::BehaviorVersion::latest())
                .env(sdk_env.clone())
                .profile_name(n)
                .load()
                .await;
            let mut conf = aws_sdk_sts::config::Builder::from(&sdk);
            if sdk.region().is_none() {
                conf = conf.region(aws_sdk_sts::config::Region::new("us-east-1"));
            }
            let client = aws_sdk_sts::Client::from_conf(conf.build());
            client.get_caller_identity().send().await
        });
        let after = (a.sts_requests().len(), b.sts_requests().len());
        let own: Vec<String> = seen(n).into_iter().skip(asked.len()).collect();
        assert_eq!(out.is_ok(), *passed, "{n}: {out:?}");
        assert_eq!(&own, asked, "{n} (requests {before:?} → {after:?})");
    }
    // The profiles that passed asked something, and not all of one place.
    assert!(batch.iter().filter(|(p, _)| *p).count() >= 7, "{batch:?}");
    assert!(!batch[7].0, "FIPS with a custom endpoint fails both ways");
}

#[test]
fn a_region_that_is_not_a_host_label_is_named_and_nothing_is_sent() {
    let (listener, connections) = crate::common::counting_listener();
    let home = keys_home("dev", "AKIADEV");
    home.config(&format!("[profile dev]\nregion = x@{listener}/\n"));
    let env = escher::aws::env::AwsEnv::from_vars([("HOME", home.path().display().to_string())]);
    let names = vec!["dev".to_owned()];
    let r = rt()
        .block_on(escher::aws::batch::check_in_order(names, env, T, None))
        .pop()
        .unwrap();
    let d = r.diagnosis().cloned().unwrap();
    assert_eq!(d.case, Case::InvalidRegion, "{d:?}");
    assert!(
        d.explanation.contains(&format!("x@{listener}/")),
        "{}",
        d.explanation
    );
    assert_eq!(
        d.command.as_deref(),
        Some("aws configure set region us-east-1 --profile dev")
    );
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(connections.load(std::sync::atomic::Ordering::SeqCst), 0);
}

#[test]
fn an_endpoint_over_plain_http_to_another_machine_is_warned_about() {
    let aws = FakeAws::start();
    aws.user(
        "AKIADEV",
        "s3cr3t",
        FakeIdentity::user("111122223333", "dev"),
    );
    let mut home = keys_home("dev", "AKIADEV");
    home.config(
        "[profile dev]\nregion = eu-west-1\nendpoint_url = http://aws-proxy.corp.example:8080\n",
    );
    // STS itself is at the loopback stand-in (the variable wins), so the
    // check passes; the other settings name another machine.
    home.extra = vec![("AWS_ENDPOINT_URL_IAM".into(), "http://10.1.2.3:4566".into())];
    let r = check(&home, &aws.url, "dev", T);
    assert!(r.passed(), "{:?}", r.outcome);
    let warned: Vec<&str> = r
        .warnings
        .iter()
        .filter(|w| w.case == Case::PlainHttpEndpoint)
        .map(|w| w.explanation.as_str())
        .collect();
    assert_eq!(warned.len(), 2, "{warned:?}");
    assert!(
        warned[0].starts_with("AWS_ENDPOINT_URL_IAM sends AWS requests to http://10.1.2.3:4566")
    );
    assert!(warned[1].starts_with("endpoint_url in profile dev sends"));
    assert!(warned[1].contains("session token"));

    // Loopback (a local stand-in) and https are fine.
    home.extra.clear();
    home.config(
        "[profile dev]\nregion = eu-west-1\nendpoint_url = https://aws-proxy.corp.example\n",
    );
    let r = check(&home, &aws.url, "dev", T);
    assert!(
        r.warnings.iter().all(|w| w.case != Case::PlainHttpEndpoint),
        "{:?}",
        r.warnings
    );
}
