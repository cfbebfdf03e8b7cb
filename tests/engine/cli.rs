use crate::common::{FakeAws, FakeIdentity, Home, StsMode};
use std::process::{Command, Output};

/// Run the real binary with only the environment given: this home, these
/// endpoints, this settings folder.
fn escher(home: &Home, endpoint: &str, config_dir: &std::path::Path, args: &[&str]) -> Output {
    escher_with(home, endpoint, config_dir, args, &[])
}

fn escher_with(
    home: &Home,
    endpoint: &str,
    config_dir: &std::path::Path,
    args: &[&str],
    extra: &[(&str, &str)],
) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_escher"));
    cmd.args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home.path())
        .env("ESCHER_CONFIG_DIR", config_dir)
        .envs(extra.iter().copied());
    // Empty: each profile names its own endpoint_url (the variable would win).
    if !endpoint.is_empty() {
        cmd.env("AWS_ENDPOINT_URL", endpoint);
    }
    cmd.output().expect("escher runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn setup() -> (FakeAws, Home, tempfile::TempDir) {
    let aws = FakeAws::start();
    aws.user("AKIAPROD", "x", FakeIdentity::user("123456789012", "alice"));
    aws.user("AKIADEV", "x", FakeIdentity::user("111122223333", "dev"));
    let home = Home::new();
    home.config(
        "[profile prod]\nregion = us-east-1\n[profile dev]\nregion = eu-west-1\n\
         [profile sso]\nsso_session = corp\nsso_account_id = 1\nsso_role_name = R\n\
         [sso-session corp]\nsso_start_url = https://c.awsapps.com/start\nsso_region = us-east-1\n",
    );
    home.credentials(
        "[prod]\naws_access_key_id = AKIAPROD\naws_secret_access_key = x\n\
         [dev]\naws_access_key_id = AKIADEV\naws_secret_access_key = x\n\
         [old]\naws_access_key_id = AKIAOLD\naws_secret_access_key = x\n",
    );
    (aws, home, tempfile::tempdir().unwrap())
}

#[test]
fn profiles_json_lists_every_profile_with_its_fields() {
    let (aws, home, cfg) = setup();
    home.sso_token("corp", "tok", 3600);
    let o = escher(&home, &aws.url, cfg.path(), &["profiles", "--json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let names: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["dev", "old", "prod", "sso"]);
    let sso = &v[3];
    assert_eq!(sso["kind"], "sso");
    assert_eq!(sso["sso_session"], "corp");
    assert_eq!(sso["sso_start_url"], "https://c.awsapps.com/start");
    assert!(sso["sso_token_expires_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(sso["connected"], false);
    assert_eq!(sso["problem"], serde_json::Value::Null);
    assert_eq!(v[2]["kind"], "access_keys");
    assert_eq!(v[2]["region"], "us-east-1");
    for key in [
        "name",
        "kind",
        "region",
        "sso_session",
        "sso_start_url",
        "sso_account_id",
        "sso_role_name",
        "sso_token_expires_at",
        "connected",
        "enabled",
        "problem",
    ] {
        assert!(v[0].get(key).is_some(), "missing field {key}");
    }
    let table = stdout(&escher(&home, &aws.url, cfg.path(), &["profiles"]));
    assert!(table.starts_with("PROFILE"), "{table}");
    assert!(table.contains("SSO sign-in expires in"), "{table}");
}

#[test]
fn profiles_exits_2_when_the_files_cannot_be_read() {
    let (aws, home, cfg) = setup();
    home.config("[profile broken\n");
    home.credentials("not ini at all\n");
    let o = escher(&home, &aws.url, cfg.path(), &["profiles"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("cannot be read"));
}

#[test]
fn check_prints_one_line_per_profile_in_the_order_asked() {
    let (aws, home, cfg) = setup();
    let o = escher(&home, &aws.url, cfg.path(), &["check", "prod", "dev"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines,
        [
            "prod  pass  123456789012  arn:aws:iam::123456789012:user/alice",
            "dev   pass  111122223333  arn:aws:iam::111122223333:user/dev",
        ]
    );
    let o = escher(&home, &aws.url, cfg.path(), &["check", "dev", "old"]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.starts_with("dev "), "{out}");
    assert!(
        out.contains("old  FAIL  AWS rejected the credentials (InvalidClientTokenId)"),
        "{out}"
    );
    assert!(out.contains("$ aws configure --profile old"), "{out}");
}

#[test]
fn check_json_has_the_documented_fields() {
    let (aws, home, cfg) = setup();
    let o = escher(
        &home,
        &aws.url,
        cfg.path(),
        &["check", "--json", "prod", "old", "nope", "sso"],
    );
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v[0]["profile"], "prod");
    assert_eq!(v[0]["ok"], true);
    assert_eq!(v[0]["account"], "123456789012");
    assert_eq!(v[0]["arn"], "arn:aws:iam::123456789012:user/alice");
    assert_eq!(v[0]["user_id"], "AIDAALICE");
    assert!(v[0]["elapsed_ms"].is_u64());
    assert_eq!(v[1]["ok"], false);
    assert_eq!(v[1]["case"], "invalid_client_token");
    assert!(
        v[1]["title"]
            .as_str()
            .unwrap()
            .contains("InvalidClientTokenId")
    );
    assert!(!v[1]["fix"].as_str().unwrap().is_empty());
    assert!(
        v[1]["detail"]
            .as_str()
            .unwrap()
            .contains("InvalidClientTokenId")
    );
    assert_eq!(v[2]["case"], "profile_not_found");
    assert_eq!(v[3]["case"], "sso_token_missing");
    assert_eq!(v[3]["command"], "aws sso login --profile sso");
    assert!(
        v.as_array()
            .unwrap()
            .iter()
            .all(|r| r["warnings"].is_array())
    );
}

#[test]
fn check_usage_errors_exit_2_with_stdout_left_clean() {
    let (aws, home, cfg) = setup();
    let o = escher(&home, &aws.url, cfg.path(), &["check"]);
    assert_eq!(o.status.code(), Some(2), "nothing enabled in Escher yet");
    assert!(o.stdout.is_empty());
    assert!(String::from_utf8_lossy(&o.stderr).contains("--all"));
    let o = escher(
        &home,
        &aws.url,
        cfg.path(),
        &["check", "--timeout", "0", "prod"],
    );
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn a_name_escher_cannot_check_is_its_own_failed_line() {
    let (aws, home, cfg) = setup();
    let o = escher(&home, &aws.url, cfg.path(), &["check", "a;b", "prod"]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "one failed line, not a usage error"
    );
    let out = stdout(&o);
    assert!(out.starts_with("a;b "), "{out}");
    assert!(
        out.contains("FAIL  This profile name cannot be checked"),
        "{out}"
    );
    assert!(out.contains("prod  pass"), "{out}");
    // Names the SDK reads are checked, `/`, `:` and `%` included; one the
    // CLI would misread (a leading dash) is a failed line of its own.
    aws.user("AKIAODD", "x", FakeIdentity::user("444455556666", "odd"));
    home.config(
        "[profile team/prod:50%]\nregion = us-east-1\n[profile -lead]\nregion = us-east-1\n",
    );
    home.credentials(
        "[team/prod:50%]\naws_access_key_id = AKIAODD\naws_secret_access_key = x\n\
         [-lead]\naws_access_key_id = AKIAODD\naws_secret_access_key = x\n",
    );
    let o = escher(&home, &aws.url, cfg.path(), &["check", "--all", "--json"]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v[0]["profile"], "-lead");
    assert_eq!(v[0]["case"], "invalid_profile_name");
    assert!(
        v[0]["explanation"]
            .as_str()
            .unwrap()
            .contains("read it as an option")
    );
    assert_eq!(v[1]["profile"], "team/prod:50%");
    assert_eq!(v[1]["ok"], true, "{}", v[1]);
}

#[test]
fn check_all_and_the_enabled_profiles_from_settings() {
    let (aws, home, cfg) = setup();
    let o = escher(&home, &aws.url, cfg.path(), &["check", "--all", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let names: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["profile"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["dev", "old", "prod", "sso"]);
    std::fs::write(
        cfg.path().join("settings.json"),
        r#"{"schema_version":1,"profiles":[
            {"name":"prod","enabled":true,"kind":"access_keys","region":null,"identity":null,"verified_at":null},
            {"name":"dev","enabled":false,"kind":"access_keys","region":null,"identity":null,"verified_at":null}]}"#,
    )
    .unwrap();
    let o = escher(&home, &aws.url, cfg.path(), &["check"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o).lines().count(), 1);
    assert!(stdout(&o).starts_with("prod  pass"));
}

#[test]
fn a_hanging_endpoint_never_holds_the_others_past_the_timeout() {
    let (aws, home, cfg) = setup();
    let hang = FakeAws::start();
    hang.sts_mode(StsMode::Hang);
    home.config(&format!(
        "[profile prod]\nregion = us-east-1\nendpoint_url = {}\n[profile dev]\nregion = eu-west-1\nendpoint_url = {}\n",
        aws.url, hang.url
    ));
    let started = std::time::Instant::now();
    let o = escher(
        &home,
        "",
        cfg.path(),
        &["check", "--timeout", "1", "--json", "dev", "prod"],
    );
    let took = started.elapsed();
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v[0]["case"], "timeout");
    assert_eq!(v[1]["ok"], true);
    assert!(took < std::time::Duration::from_secs(5), "took {took:?}");
}

#[test]
fn the_proxy_variables_are_honoured() {
    let (aws, home, cfg) = setup();
    // The endpoint's host does not resolve: the check can only pass through
    // the proxy (the fake answers GetCallerIdentity whatever the URL).
    let o = escher_with(
        &home,
        "http://sts.escher-test.invalid",
        cfg.path(),
        &["check", "prod"],
        &[("HTTP_PROXY", &aws.url)],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).starts_with("prod  pass"));
    // A proxy that refuses is named as the problem.
    let refused = crate::common::refused_url();
    let o = escher_with(
        &home,
        "https://sts.escher-test.invalid",
        cfg.path(),
        &["check", "--json", "--timeout", "5", "prod"],
        &[("HTTPS_PROXY", &refused)],
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v[0]["case"], "network");
    assert!(
        v[0]["detail"].as_str().unwrap().contains("tunnel"),
        "{}",
        v[0]["detail"]
    );
    assert!(
        v[0]["explanation"].as_str().unwrap().contains("proxy"),
        "{}",
        v[0]["explanation"]
    );
}

#[test]
fn escher_check_trusts_each_profiles_own_ca_bundle() {
    let (ca_pem, tls) = crate::common::company_ca();
    let aws = FakeAws::start_tls(tls);
    for key in ["AKIAPROD", "AKIADEV", "AKIAOLD"] {
        aws.user(key, "x", FakeIdentity::user("123456789012", "alice"));
    }
    let home = Home::new();
    let bundle = home.path().join("company-ca.pem");
    std::fs::write(&bundle, &ca_pem).unwrap();
    home.config(&format!(
        "[profile prod]\nregion = us-east-1\n\
         [profile dev]\nregion = us-east-1\nca_bundle = {}\n\
         [profile old]\nregion = us-east-1\nca_bundle = {}\n",
        bundle.display(),
        home.path().join("gone.pem").display(),
    ));
    home.credentials(
        "[prod]\naws_access_key_id = AKIAPROD\naws_secret_access_key = x\n\
         [dev]\naws_access_key_id = AKIADEV\naws_secret_access_key = x\n\
         [old]\naws_access_key_id = AKIAOLD\naws_secret_access_key = x\n",
    );
    let cfg = tempfile::tempdir().unwrap();
    let o = escher(&home, &aws.url, cfg.path(), &["check", "--all", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let by_name = |n: &str| {
        v.as_array()
            .unwrap()
            .iter()
            .find(|r| r["profile"] == n)
            .cloned()
            .unwrap()
    };
    assert_eq!(by_name("dev")["ok"], true, "{}", by_name("dev"));
    assert_eq!(
        by_name("old")["case"],
        "ca_bundle_invalid",
        "{}",
        by_name("old")
    );
    assert_eq!(by_name("prod")["case"], "network", "{}", by_name("prod"));
}

#[test]
fn the_console_twin_runs_escher_and_returns_its_exit_status() {
    let (aws, home, cfg) = setup();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_escher-console"))
            .args(args)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", home.path())
            .env("ESCHER_CONFIG_DIR", cfg.path())
            .env("AWS_ENDPOINT_URL", &aws.url)
            .output()
            .expect("escher-console runs")
    };
    let o = run(&["check", "prod"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(stdout(&o).starts_with("prod  pass"), "{}", stdout(&o));
    assert_eq!(run(&["check", "old"]).status.code(), Some(1));
    let o = run(&["check", "--timeout", "0"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--timeout"));
}
