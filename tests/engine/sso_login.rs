//! `escher sso login` as a user runs it: the real binary, a browser
//! stand-in on PATH (what the `open` crate starts), the stand-in IAM
//! Identity Center; what it leaves is read by aws-config (`escher check`)
//! and by botocore, which renews it.

use crate::common::{FakeAws, FakeIdentity, Home};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const START: &str = "https://d-1234567890.awsapps.com/start";
/// sha1("corp"): the CLI's token file name for the session.
const TOKEN_FILE: &str = ".aws/sso/cache/ee0bfd2552fbd840c02cc48b6e823320543c450f.json";

struct World {
    aws: FakeAws,
    home: Home,
    bin: tempfile::TempDir,
    log: PathBuf,
}

fn world() -> World {
    let aws = FakeAws::start();
    aws.sign_in_reaches(&[("111111111111", "ReadOnly", "AKIASIGNIN")])
        .identity("AKIASIGNIN", FakeIdentity::user("111111111111", "alice"));
    let bin = tempfile::tempdir().unwrap();
    let browser = bin.path().join("xdg-open");
    std::fs::copy(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/browser/xdg-open"
        ),
        &browser,
    )
    .unwrap();
    let home = Home::new();
    let log = home.path().join("browser.log");
    World {
        aws,
        home,
        bin,
        log,
    }
}

impl World {
    fn escher(&self, args: &[&str], extra: &[(&str, &str)]) -> Output {
        let path = format!(
            "{}:{}",
            self.bin.path().display(),
            std::env::var("PATH").unwrap_or_default()
        );
        Command::new(env!("CARGO_BIN_EXE_escher"))
            .args(args)
            .env_clear()
            .env("PATH", path)
            .env("HOME", self.home.path())
            .env("ESCHER_CONFIG_DIR", self.home.path().join("escher"))
            .env("AWS_ENDPOINT_URL", &self.aws.url)
            .env("ESCHER_TEST_BROWSER_LOG", &self.log)
            .envs(extra.iter().copied())
            .output()
            .expect("escher runs")
    }

    fn browser_saw(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    fn token(&self) -> serde_json::Value {
        let bytes = std::fs::read(self.home.path().join(TOKEN_FILE)).expect("the token file");
        serde_json::from_slice(&bytes).unwrap()
    }
}

fn login_new(w: &World, extra: &[(&str, &str)]) -> Output {
    w.escher(
        &[
            "sso",
            "login",
            "--session",
            "corp",
            "--start-url",
            START,
            "--region",
            "eu-west-1",
            "--json",
        ],
        extra,
    )
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// botocore's credentials for `profile`, or None where botocore is absent
/// outside CI (as in sso_populate).
fn botocore_access_key(home: &Path, endpoint: &str, profile: &str) -> Option<String> {
    let python = std::env::var("ESCHER_TEST_PYTHON").unwrap_or_else(|_| "python3".into());
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/botocore/sso_credentials.py"
    );
    let o = Command::new(&python)
        .arg(script)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("AWS_ENDPOINT_URL", endpoint)
        .env("PROFILE", profile)
        .output();
    let in_ci = std::env::var("CI").is_ok_and(|v| v == "true");
    match o {
        Ok(o) if o.status.success() => {
            let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
            Some(v["access_key"].as_str().unwrap().to_owned())
        }
        Ok(o)
            if String::from_utf8_lossy(&o.stderr).contains("No module named 'botocore'")
                && !in_ci =>
        {
            eprintln!("skipping the botocore half: no botocore here");
            None
        }
        other => panic!("botocore failed: {other:?}"),
    }
}

#[test]
fn a_browser_sign_in_leaves_the_clis_files_and_every_tool_uses_them() {
    let w = world();
    let o = login_new(&w, &[("DISPLAY", ":99")]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["session"], "corp");
    assert_eq!(v["renews"], true);
    assert_eq!(v["section_added"], true);
    assert!(stderr(&o).contains("opened your browser"), "{}", stderr(&o));
    assert!(
        w.browser_saw()
            .contains("Signed in — you can close this tab and return to Escher"),
        "{}",
        w.browser_saw()
    );
    // Registered as the CLI registers for the browser flow.
    let reg = &w.aws.registrations()[0];
    assert_eq!(reg["clientName"], "botocore-client-corp");
    assert_eq!(
        reg["grantTypes"],
        serde_json::json!(["authorization_code", "refresh_token"])
    );
    assert_eq!(
        reg["redirectUris"],
        serde_json::json!(["http://127.0.0.1/oauth/callback"])
    );
    assert_eq!(reg["scopes"], serde_json::json!(["sso:account:access"]));
    assert_eq!(reg["issuerUrl"], START);

    // The token file, as the CLI writes it.
    let t = w.token();
    let mut keys: Vec<&str> = t.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "accessToken",
            "clientId",
            "clientSecret",
            "expiresAt",
            "refreshToken",
            "region",
            "registrationExpiresAt",
            "startUrl"
        ]
    );
    for k in ["expiresAt", "registrationExpiresAt"] {
        let s = t[k].as_str().unwrap();
        assert!(s.len() == 20 && s.ends_with('Z'), "{k} = {s}");
    }
    assert_eq!(t["startUrl"], START);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(w.home.path().join(TOKEN_FILE))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // Never a token or secret on the terminal.
    for out in [String::from_utf8_lossy(&o.stdout).into_owned(), stderr(&o)] {
        for secret in ["accessToken", "refreshToken", "clientSecret"] {
            assert!(
                !out.contains(t[secret].as_str().unwrap()),
                "{secret} printed: {out}"
            );
        }
    }
    let config = std::fs::read_to_string(w.home.path().join(".aws/config")).unwrap();
    assert!(
        config.contains("[sso-session corp]\nsso_start_url = https://d-1234567890.awsapps.com/start\nsso_region = eu-west-1\nsso_registration_scopes = sso:account:access\n"),
        "{config}"
    );

    // A profile of that session: Escher's own check (aws-config) passes.
    std::fs::write(
        w.home.path().join(".aws/config"),
        format!("{config}[profile dev]\nsso_session = corp\nsso_account_id = 111111111111\nsso_role_name = ReadOnly\nregion = eu-west-1\n"),
    )
    .unwrap();
    let o = w.escher(&["check", "dev"], &[]);
    assert!(
        o.status.success(),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        stderr(&o)
    );

    // botocore reads the same sign-in, and renews it when it is near its end.
    if botocore_access_key(&w.home.path(), &w.aws.url, "dev").as_deref() == Some("AKIASIGNIN") {
        let mut t = w.token();
        let soon = std::time::SystemTime::now() + std::time::Duration::from_secs(300);
        t["expiresAt"] = escher::aws::sso_login::cache::time_text(soon).into();
        std::fs::write(w.home.path().join(TOKEN_FILE), t.to_string()).unwrap();
        let before = w.aws.oidc_calls();
        assert_eq!(
            botocore_access_key(&w.home.path(), &w.aws.url, "dev").as_deref(),
            Some("AKIASIGNIN")
        );
        assert_eq!(
            w.aws.oidc_calls(),
            before + 1,
            "botocore renewed the sign-in"
        );
        assert_eq!(w.token()["accessToken"], "idc-refresh-1-renewed");
        let o = w.escher(&["check", "dev"], &[]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
}

#[test]
fn a_callback_with_the_wrong_state_is_refused_and_its_code_never_used() {
    let w = world();
    let o = login_new(
        &w,
        &[("DISPLAY", ":99"), ("ESCHER_TEST_BROWSER", "wrong-state")],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let saw = w.browser_saw();
    assert!(saw.starts_with("400 "), "{saw}");
    assert!(saw.contains("not the one Escher opened"), "{saw}");
    assert_eq!(w.aws.tokens_issued(), 1, "only the real code was exchanged");
}

#[test]
fn a_code_sign_in_polls_until_approved_and_registers_for_the_device_flow() {
    let w = world();
    w.aws.device_interval(1);
    let o = w.escher(
        &[
            "sso",
            "login",
            "--session",
            "corp",
            "--start-url",
            START,
            "--region",
            "eu-west-1",
            "--use-device-code",
        ],
        &[],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("Enter the code ABCD-0001"),
        "{}",
        stderr(&o)
    );
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.starts_with("Signed in to corp (https://d-1234567890.awsapps.com/start) until "),
        "{out}"
    );
    let reg = &w.aws.registrations()[0];
    assert!(
        reg.get("grantTypes").is_none_or(serde_json::Value::is_null),
        "{reg}"
    );
    assert_eq!(w.aws.slow_downs(), 0, "polled at the interval");
    assert!(w.token()["refreshToken"].is_string());
}

#[test]
fn a_declined_sign_in_says_so_and_writes_nothing() {
    let w = world();
    w.aws.sign_in_declined();
    let o = login_new(&w, &[("DISPLAY", ":99")]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["case"], "sign_in_declined");
    assert!(
        stderr(&o).contains("escher: The sign-in was declined"),
        "{}",
        stderr(&o)
    );
    assert!(!w.home.path().join(TOKEN_FILE).exists());
    assert!(!w.home.path().join(".aws/config").exists());
}

#[test]
fn usage_mistakes_exit_2_with_the_command_to_run() {
    let w = world();
    let o = w.escher(&["sso", "login", "--session", "corp"], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--start-url https://<your-org>.awsapps.com/start"),
        "{}",
        stderr(&o)
    );
    let o = w.escher(
        &[
            "sso",
            "login",
            "--session",
            "corp",
            "--start-url",
            "http://corp.example/start",
            "--region",
            "eu-west-1",
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("must start with https://"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn accounts_and_add_start_from_a_session_no_profile_uses_yet() {
    let w = world();
    let o = login_new(&w, &[("DISPLAY", ":99")]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = w.escher(&["sso", "accounts", "--session", "corp", "--json"], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v[0]["account_id"], "111111111111", "{v}");
    assert_eq!(v[0]["role_name"], "ReadOnly");
    let o = w.escher(&["sso", "add", "--session", "corp", "--dry-run"], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("sso_session = corp"), "{text}");
    // One source only, and one is needed.
    let o = w.escher(&["sso", "accounts", "dev", "--session", "corp"], &[]);
    assert_eq!(o.status.code(), Some(2));
    let o = w.escher(&["sso", "accounts"], &[]);
    assert_eq!(o.status.code(), Some(2));
}
