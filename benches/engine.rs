//! Discovery at 10/100/1,000 profiles, diagnosis, one check round trip
//! and a batch of 1 and of 100 against a local STS endpoint.
//! `cargo bench --bench engine`.

#[path = "../tests/common/mod.rs"]
mod common;

use common::{FakeAws, FakeIdentity, Home};
use criterion::{Criterion, criterion_group, criterion_main};
use escher::aws::check::check_profile;
use escher::aws::diagnose::{Failure, SdkFailure, Stage, Subject, diagnose};
use escher::aws::profile_name::ProfileName;
use escher::aws::profiles::{Kind, discover};
use std::hint::black_box;
use std::time::Duration;

/// A home with `n` profiles of mixed kinds, as a large organisation has.
pub fn home_with(n: usize) -> Home {
    let home = Home::new();
    let mut config = String::new();
    let mut creds = String::new();
    config.push_str("[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n");
    for i in 0..n {
        match i % 3 {
            0 => {
                config.push_str(&format!("[profile p{i}]\nregion = us-east-1\n"));
                creds.push_str(&format!("[p{i}]\naws_access_key_id = AKIA{i:016}\naws_secret_access_key = s{i}\n"));
            }
            1 => config.push_str(&format!(
                "[profile p{i}]\nsso_session = corp\nsso_account_id = {:012}\nsso_role_name = ReadOnly\nregion = eu-west-1\n",
                i
            )),
            _ => config.push_str(&format!("[profile p{i}]\nrole_arn = arn:aws:iam::{i:012}:role/Audit\nsource_profile = p0\n")),
        }
    }
    home.config(&config);
    home.credentials(&creds);
    home
}

fn discovery(c: &mut Criterion) {
    let mut g = c.benchmark_group("discovery");
    for n in [10, 100, 1000] {
        let home = home_with(n);
        let env = home.env("http://127.0.0.1:9");
        assert_eq!(discover(&env).profiles.len(), n);
        g.bench_function(n.to_string(), |b| b.iter(|| black_box(discover(&env))));
    }
    g.finish();
}

fn diagnosis(c: &mut Criterion) {
    let subject = Subject {
        profile: "prod-admin",
        kind: Some(Kind::Sso),
        timeout: Duration::from_secs(15),
    };
    let failures = [
        Failure::Sdk(SdkFailure { stage: Stage::Service, code: Some("InvalidClientTokenId".into()), status: Some(403), ..Default::default() }),
        Failure::Sdk(SdkFailure {
            stage: Stage::Credentials,
            detail: "dispatch failure: other: an error occurred while loading credentials: the SSO token has expired and cannot be refreshed".into(),
            ..Default::default()
        }),
        Failure::Sdk(SdkFailure { stage: Stage::Io, detail: "io error: Connection refused (os error 111)".into(), ..Default::default() }),
        Failure::ProfileMissing { suggestions: vec!["prod-admin".into()] },
    ];
    c.bench_function("diagnosis/4 cases", |b| {
        b.iter(|| {
            for f in &failures {
                black_box(diagnose(&subject, f));
            }
        })
    });
}

fn check_round_trip(c: &mut Criterion) {
    let aws = FakeAws::start();
    aws.user(
        "AKIA0000000000000000",
        "s0",
        FakeIdentity::user("123456789012", "bench"),
    );
    let home = home_with(3);
    let env = home.env(&aws.url);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let name = ProfileName::parse("p0").unwrap();
    assert!(
        rt.block_on(check_profile(&name, &env, Duration::from_secs(5)))
            .passed()
    );
    c.bench_function("check/round trip", |b| {
        b.iter(|| black_box(rt.block_on(check_profile(&name, &env, Duration::from_secs(5)))))
    });
}

/// The batch path `escher check` and Re-check all take: 1 profile, then
/// 100 access-key profiles from one pair of files.
fn batch(c: &mut Criterion) {
    let aws = FakeAws::start();
    let home = Home::new();
    let (mut config, mut creds) = (String::new(), String::new());
    for i in 0..100 {
        let key = format!("AKIA{i:016}");
        aws.user(
            &key,
            &format!("s{i}"),
            FakeIdentity::user("123456789012", &format!("u{i}")),
        );
        config.push_str(&format!("[profile p{i}]\nregion = us-east-1\n"));
        creds.push_str(&format!(
            "[p{i}]\naws_access_key_id = {key}\naws_secret_access_key = s{i}\n"
        ));
    }
    home.config(&config);
    home.credentials(&creds);
    let env = home.env(&aws.url);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let mut g = c.benchmark_group("batch");
    for n in [1, 100] {
        let names: Vec<String> = (0..n).map(|i| format!("p{i}")).collect();
        let run = || {
            let reports = rt.block_on(escher::aws::batch::check_in_order(
                names.clone(),
                env.clone(),
                Duration::from_secs(5),
                None,
            ));
            assert!(reports.iter().all(|r| r.passed()));
            reports
        };
        run();
        g.bench_function(n.to_string(), |b| b.iter(|| black_box(run())));
    }
    g.finish();
}

/// "Add more accounts from this sign-in", from opening the list to a
/// filled one: the files read, 300 accounts × 3 roles listed from the
/// local portal (ListAccounts in pages of 100, one ListAccountRoles each),
/// each row marked. `cargo bench --profile dev --bench engine -- sso`.
fn sso_accounts(c: &mut Criterion) {
    use escher::aws::sso_populate::{list, rows, sign_in_of};
    let aws = FakeAws::start();
    for a in 0..300 {
        for role in ["Admin", "ReadOnly", "Billing"] {
            aws.sso_assignment("tok", &format!("{a:012}"), role, "AKIAX");
        }
    }
    let home = Home::new();
    home.config("[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n\
        [profile me]\nsso_session = corp\nsso_account_id = 000000000001\nsso_role_name = ReadOnly\nregion = eu-west-1\n");
    home.sso_token("corp", "tok", 3600);
    let env = home.env(&aws.url);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let conns = escher::aws::check::Connections::default();
    let open = || {
        let files = discover(&env);
        let sign_in = sign_in_of(&files, "me").unwrap();
        let reach = rt
            .block_on(list::list(
                &env,
                &files,
                &sign_in,
                &conns,
                &list::Pace::default(),
            ))
            .unwrap();
        rows(&sign_in, reach, &files)
    };
    let filled = open();
    assert_eq!(filled.len(), 900);
    assert_eq!(filled.iter().filter(|r| r.existing.is_some()).count(), 1);
    let mut g = c.benchmark_group("sso accounts");
    g.sample_size(10);
    g.bench_function("300 x 3 listed", |b| b.iter(|| black_box(open())));
    g.finish();
}

/// When the bench's browser sent the callback (see `timed_browser`).
static CALLBACK_SENT: std::sync::Mutex<Option<std::time::Instant>> = std::sync::Mutex::new(None);

/// A browser that follows the authorize page's redirects and notes the
/// moment it asks for Escher's callback.
fn timed_browser(url: &str) -> bool {
    let url = url.to_owned();
    std::thread::spawn(move || {
        let mut next = Some(url);
        for _ in 0..5 {
            let Some(u) = next.take() else { break };
            if u.contains("/oauth/callback") {
                *CALLBACK_SENT.lock().unwrap() = Some(std::time::Instant::now());
            }
            next = common::http_get_location(&u);
        }
    });
    true
}

/// Sign in with the browser flow against the stand-in IAM Identity Center:
/// from the browser's callback to the token written on disk (issue 19's
/// budget: 100 ms). The client registration is cached after the first.
fn sso_sign_in(c: &mut Criterion) {
    use escher::aws::sso_login::{Flow, Session, sign_in};
    let aws = FakeAws::start();
    aws.sign_in_reaches(&[("111111111111", "ReadOnly", "AKIASIGNIN")]);
    let home = Home::new();
    let env = home.env(&aws.url);
    let conns = escher::aws::check::Connections::default();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let session = Session {
        name: "corp".into(),
        start_url: "https://corp.awsapps.com/start".into(),
        region: "eu-west-1".into(),
    };
    let once = || {
        let http = conns.system_roots();
        let signed = rt.block_on(sign_in(
            &env,
            http,
            &session,
            Flow::Browser,
            Some(timed_browser),
            |_| {},
        ));
        let done = std::time::Instant::now();
        let signed = signed.expect("the stand-in signs in");
        assert!(signed.token_file.exists());
        let sent = CALLBACK_SENT
            .lock()
            .unwrap()
            .take()
            .expect("the callback was sent");
        done - sent
    };
    once();
    c.bench_function("sso sign-in/callback to token on disk", |b| {
        b.iter_custom(|iters| (0..iters).map(|_| once()).sum())
    });
}

criterion_group!(
    benches,
    discovery,
    diagnosis,
    check_round_trip,
    batch,
    sso_accounts,
    sso_sign_in
);
criterion_main!(benches);
