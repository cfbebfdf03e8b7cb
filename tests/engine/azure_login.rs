//! Sign in with Azure's engine (`azure::login`) and `escher azure login`
//! against a stand-in `az` on PATH: its `login` prints what az 2.91 prints
//! (recorded offline where az can run here; the browser, device-code,
//! MFA and Conditional Access texts hand-written from azure-cli's source
//! and AZURE-NOTES.md), waits for the test to "approve" as the user would,
//! and writes azureProfile.json as az does.

use crate::azure::fakes::*;
use escher::azure::diagnose::Case;
use escher::azure::discover::discover;
use escher::azure::env::Limits;
use escher::azure::ids::Guid;
use escher::azure::login::{Asked, Cancel, Ended, Group, LoginRequest, sign_in};
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

fn limits(login: Duration) -> Limits {
    Limits { login, ..quick() }
}

fn request(tenant: &str, cloud: Option<&str>, device_code: bool) -> LoginRequest {
    LoginRequest::new(tenant, cloud, None, device_code).unwrap()
}

/// Sign in on a thread; what az asks arrives on the receiver.
fn start(
    s: &StandIn,
    req: LoginRequest,
    limit: Duration,
) -> (
    mpsc::Receiver<Asked>,
    Cancel,
    std::thread::JoinHandle<Ended>,
) {
    let (tx, rx) = mpsc::channel();
    let cancel = Cancel::default();
    let (env, c) = (s.env(), cancel.clone());
    let run = std::thread::spawn(move || {
        let mut asked = |a| tx.send(a).unwrap();
        sign_in(
            &env,
            None,
            &req,
            (limits(limit), Group::Own),
            &c,
            &mut asked,
        )
    });
    (rx, cancel, run)
}

fn next(rx: &mpsc::Receiver<Asked>) -> Asked {
    rx.recv_timeout(Duration::from_secs(10))
        .expect("az asks the user something")
}

fn login_calls(s: &StandIn) -> Vec<(String, String, String, u32)> {
    s.calls()
        .into_iter()
        .filter(|c| c.0.starts_with("login") || c.0.starts_with("cloud set"))
        .collect()
}

#[test]
fn signing_in_in_the_browser_writes_the_sign_in_az_then_lists() {
    let s = StandIn::new();
    s.recorded("account-list", "not-signed-in-list");
    s.login_in_browser();
    let (rx, _cancel, run) = start(&s, request("", None, false), Duration::from_secs(30));
    assert_eq!(next(&rx), Asked::Browser { page: None });
    let page = "https://login.microsoftonline.com/organizations/oauth2/v2.0/authorize";
    assert_eq!(
        next(&rx),
        Asked::Browser {
            page: Some(page.into())
        }
    );
    s.approve();
    let ended = run.join().unwrap();
    assert_eq!(
        ended,
        Ended::SignedIn {
            tenants_left: Vec::new()
        }
    );
    let calls = login_calls(&s);
    assert_eq!(calls.len(), 1, "{calls:?}");
    let (args, config_dir, no_color, _) = &calls[0];
    assert_eq!(args, "login --output none");
    assert_eq!(config_dir, &s.config_dir().display().to_string());
    assert_eq!(no_color, "true");
    let profile = std::fs::read(s.config_dir().join("azureProfile.json")).unwrap();
    assert!(profile.starts_with(b"\xef\xbb\xbf"), "az's BOM");
    let found = discover(&s.env(), quick()).unwrap();
    assert!(found.listing.find(&Guid::parse(PROD).unwrap()).is_some());
}

#[test]
fn a_device_code_is_shown_as_az_prints_it_and_a_tenant_goes_on_the_command_line() {
    let s = StandIn::new();
    s.login_with_code();
    let (rx, _cancel, run) = start(&s, request(CONTOSO, None, true), Duration::from_secs(30));
    assert_eq!(
        next(&rx),
        Asked::DeviceCode {
            code: "DMQ6BL7XK".into(),
            page: "https://microsoft.com/devicelogin".into()
        }
    );
    s.approve();
    assert!(matches!(run.join().unwrap(), Ended::SignedIn { .. }));
    assert_eq!(
        login_calls(&s)[0].0,
        format!("login --tenant {CONTOSO} --use-device-code --output none")
    );
}

/// az falls back to a code by itself when it cannot open a browser
/// (`can_launch_browser` in azure/cli/core/util.py): the code still shows.
#[test]
fn a_browser_sign_in_that_az_turns_into_a_code_shows_the_code() {
    let s = StandIn::new();
    s.login_with_code();
    let (rx, _cancel, run) = start(&s, request("", None, false), Duration::from_secs(30));
    assert_eq!(next(&rx), Asked::Browser { page: None });
    assert!(matches!(next(&rx), Asked::DeviceCode { code, .. } if code == "DMQ6BL7XK"));
    s.approve();
    assert!(matches!(run.join().unwrap(), Ended::SignedIn { .. }));
}

#[test]
fn cancel_ends_az_and_the_process_it_started() {
    let s = StandIn::new();
    s.login_never_finishes();
    let (rx, cancel, run) = start(&s, request("", None, false), Duration::from_secs(60));
    next(&rx);
    next(&rx);
    let pids = wait_for(|| (s.live_login_processes().len() == 2).then_some(()));
    assert!(
        pids.is_some(),
        "az and its child run: {:?}",
        s.live_login_processes()
    );
    let asked = Instant::now();
    cancel.cancel();
    assert_eq!(run.join().unwrap(), Ended::Cancelled);
    assert!(
        asked.elapsed() < Duration::from_secs(3),
        "{:?}",
        asked.elapsed()
    );
    let gone = wait_for(|| s.live_login_processes().is_empty().then_some(()));
    assert!(
        gone.is_some(),
        "left running: {:?}",
        s.live_login_processes()
    );
}

#[test]
fn a_user_who_never_finishes_is_given_up_on_and_az_is_ended() {
    let s = StandIn::new();
    s.login_never_finishes();
    let (_rx, _cancel, run) = start(&s, request("", None, false), Duration::from_secs(1));
    let Ended::Failed(d) = run.join().unwrap() else {
        panic!("a sign-in nobody finishes fails")
    };
    assert_eq!(d.case, Case::Timeout);
    assert_eq!(d.title, "The sign-in was not finished");
    assert_eq!(d.command.as_deref(), Some("az login --output none"));
    let gone = wait_for(|| s.live_login_processes().is_empty().then_some(()));
    assert!(
        gone.is_some(),
        "left running: {:?}",
        s.live_login_processes()
    );
}

const CA_BLOCKED: &str = "ERROR: AADSTS53003: Access has been blocked by Conditional Access policies. The access policy does not allow token issuance. Trace ID: 0b1c0c5e-5d6f-4e07-9a8b-8f8a2c3d4e00 Correlation ID: 6a1e2f3b-0000-4c5d-8e9f-0a1b2c3d4e5f Timestamp: 2026-12-07 15:00:00Z\n";

fn mfa_warning(tenant: &str) -> String {
    format!(
        "WARNING: Authentication failed against tenant {tenant} 'Fabrikam': AADSTS50076: Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '797f4846-ba00-4fd7-ba43-dac1f8f63013'. Trace ID: 1b1c0c5e-5d6f-4e07-9a8b-8f8a2c3d4e00 Correlation ID: 7a1e2f3b-0000-4c5d-8e9f-0a1b2c3d4e5f Timestamp: 2026-12-07 15:00:00Z\nWARNING: If you need to access subscriptions in the following tenants, please use `az login --tenant TENANT_ID`.\nWARNING: {tenant} 'Fabrikam'\n"
    )
}

fn ended_with(s: &StandIn, req: LoginRequest) -> Ended {
    let (_rx, _cancel, run) = start(s, req, Duration::from_secs(30));
    s.approve();
    run.join().unwrap()
}

#[test]
fn conditional_access_no_subscriptions_and_no_network_read_as_their_cases() {
    let s = StandIn::new();
    s.login_with_code().login_ends(CA_BLOCKED, 1);
    let Ended::Failed(d) = ended_with(&s, request("", None, true)) else {
        panic!("blocked")
    };
    assert_eq!(d.case, Case::BlockedByPolicy);
    assert!(d.detail.contains("AADSTS53003"), "az's words under Details");

    s.login_ends("ERROR: No subscriptions found for alice@contoso.com.\n", 1);
    let Ended::Failed(d) = ended_with(&s, request(CONTOSO, None, false)) else {
        panic!("no subscriptions")
    };
    assert_eq!(d.case, Case::NoSubscriptions);

    let offline = StandIn::new();
    offline.recorded("login", "login-offline");
    let Ended::Failed(d) = ended_with(&offline, request("", None, false)) else {
        panic!("offline")
    };
    assert_eq!(d.case, Case::Network, "{d:?}");
}

#[test]
fn a_tenant_that_asks_for_mfa_on_the_way_is_named_with_its_own_sign_in() {
    let s = StandIn::new();
    s.login_in_browser().login_ends(&mfa_warning(FABRIKAM), 0);
    let Ended::SignedIn { tenants_left } = ended_with(&s, request("", None, false)) else {
        panic!("the other tenants signed in")
    };
    assert_eq!(tenants_left.len(), 1, "{tenants_left:?}");
    assert_eq!(tenants_left[0].case, Case::MfaRequired);
    assert_eq!(
        tenants_left[0].command.as_deref(),
        Some(format!("az login --tenant {FABRIKAM}").as_str())
    );
}

#[test]
fn another_cloud_is_selected_first_and_only_when_it_is_not_the_active_one() {
    let s = StandIn::new();
    s.login_in_browser();
    s.recorded("cloud-set", "cloud-set-gov");
    assert!(matches!(
        ended_with(&s, request("", Some("AzureUSGovernment"), false)),
        Ended::SignedIn { .. }
    ));
    let args: Vec<String> = login_calls(&s).into_iter().map(|c| c.0).collect();
    assert_eq!(
        args,
        ["cloud set --name AzureUSGovernment", "login --output none"]
    );

    let active = StandIn::new();
    active.login_in_browser();
    assert!(matches!(
        ended_with(&active, request("", Some("AzureCloud"), false)),
        Ended::SignedIn { .. }
    ));
    let args: Vec<String> = login_calls(&active).into_iter().map(|c| c.0).collect();
    assert_eq!(
        args,
        ["login --output none"],
        "the active cloud is not set again"
    );
}

fn wait_for<T>(mut f: impl FnMut() -> Option<T>) -> Option<T> {
    let until = Instant::now() + Duration::from_secs(5);
    loop {
        if let Some(v) = f() {
            return Some(v);
        }
        if Instant::now() > until {
            return None;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

// ---- `escher azure login` through the real binary ----

fn escher_login(s: &StandIn, args: &[&str]) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_escher"))
        .args(["azure", "login"])
        .args(args)
        .env_clear()
        .envs(s.vars())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("escher runs")
}

#[test]
fn cli_login_shows_the_code_then_lists_and_verifies_exit_0() {
    let arm = FakeArm::start();
    arm.tenant(CONTOSO);
    arm.sub(
        PROD,
        FakeSub::new(CONTOSO, "Contoso Production", Role::Reader),
    );
    let s = StandIn::new();
    s.local_cloud(&arm);
    s.recorded("account-list", "not-signed-in-list");
    s.login_with_code().login_lists("listing-local");
    // One token per tenant, asked for with any of its subscriptions.
    s.reply("token", &token_json(PROD, CONTOSO, 3600), "", 0);
    // No display in the test's environment: a code is the default.
    let child = escher_login(&s, &["--json"]);
    let started = wait_for(|| (!login_calls(&s).is_empty()).then_some(()));
    assert!(started.is_some(), "az login ran");
    s.approve();
    let o: Output = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        err.contains("open https://microsoft.com/devicelogin in a browser on any device and enter the code DMQ6BL7XK"),
        "{err}"
    );
    assert_eq!(
        login_calls(&s)[0].0,
        "login --use-device-code --output none"
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let prod = v["subscriptions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["subscription_id"] == PROD)
        .expect("the new sign-in's subscription is listed");
    assert_eq!(prod["ok"], true, "{prod}");
}

#[test]
fn cli_login_exit_1_with_the_case_and_exit_2_for_a_bad_tenant() {
    let s = StandIn::new();
    s.login_with_code().login_ends(CA_BLOCKED, 1);
    s.approve();
    let o = escher_login(&s, &[]).wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("Blocked by your organisation's access policy"),
        "{err}"
    );

    let o = escher_login(&s, &["--tenant", "contoso.com; rm -rf ~"])
        .wait_with_output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("is not a tenant id"));
    assert_eq!(login_calls(&s).len(), 1, "the bad tenant ran nothing");
}
