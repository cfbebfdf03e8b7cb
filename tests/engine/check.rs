use crate::common::{FakeAws, FakeIdentity, Home, StsMode, refused_url};
use escher::aws::check::{CheckReport, check_profile};
use escher::aws::diagnose::Case;
use escher::aws::profile_name::ProfileName;
use escher::background::{Background, Event};
use escher::terminal::LaunchEnv;
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

fn check(home: &Home, url: &str, name: &str, timeout: Duration) -> CheckReport {
    let env = home.env(url);
    rt().block_on(check_profile(
        &ProfileName::parse(name).unwrap(),
        &env,
        timeout,
    ))
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
    aws.identity("AKIADEV", FakeIdentity::user("111122223333", "dev"));
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
    aws.identity("AKIADEV", FakeIdentity::user("111122223333", "dev"));
    aws.identity("AKIAENV", FakeIdentity::user("999999999999", "env"));
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
    aws.sts_mode(StsMode::Error(
        "SignatureDoesNotMatch".into(),
        "The request signature we calculated does not match".into(),
    ));
    let r = check(&keys_home("dev", "AKIADEV"), &aws.url, "dev", T);
    assert_eq!(case(&r), Case::SignatureMismatch);
    assert_eq!(
        r.diagnosis().unwrap().command.as_deref(),
        Some("aws configure --profile dev")
    );
    aws.sts_mode(StsMode::Error(
        "ExpiredToken".into(),
        "The security token included in the request is expired".into(),
    ));
    let r = check(&keys_home("dev", "AKIADEV"), &aws.url, "dev", T);
    assert_eq!(case(&r), Case::ExpiredToken);
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
    aws.identity("AKIADEV", FakeIdentity::user("111122223333", "dev"));
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
    aws.sts_mode(StsMode::Error(
        "SignatureDoesNotMatch".into(),
        "Signature expired: 20260101T000000Z is now earlier than 20260101T001000Z (20260101T001500Z - 5 min.)".into(),
    ));
    let d = check(&keys_home("dev", "AKIADEV"), &aws.url, "dev", T)
        .diagnosis()
        .cloned()
        .unwrap();
    assert_eq!(d.case, Case::ClockSkew);
    assert!(d.fix.contains("automatic date and time"));
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
    aws.identity("AKIADEV", FakeIdentity::user("111122223333", "dev"));
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
        aws.identity(
            &format!("AKIA{i:04}"),
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
    let names: Vec<ProfileName> = (0..100)
        .map(|i| ProfileName::parse(&format!("p{i}")).unwrap())
        .collect();
    let discovery = std::sync::Arc::new(escher::aws::profiles::discover(&env));
    let reports = rt().block_on(escher::cli::check_many(names, &env, T, discovery));
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
    aws.listing_delay(Duration::from_secs(20));
    // The refusal itself takes time: the listing gets only what is left.
    aws.role_credentials_delay(Duration::from_millis(1500));
    let home = sso_home("AdministratorAccess");
    home.sso_token("corp", "tok-1", 3600);
    let started = std::time::Instant::now();
    let d = check(&home, &aws.url, "prod-admin", Duration::from_secs(2))
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
        started.elapsed() < Duration::from_millis(2900),
        "took {:?}",
        started.elapsed()
    );
}
