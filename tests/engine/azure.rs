//! Connect Azure's engine against real components: a stand-in `az` that
//! replays the real Azure CLI's recorded output (tests/fixtures/az), and a
//! local Azure Resource Manager on 127.0.0.1. One test per failure case of
//! issue 9, named after its case id.

#[path = "azure_fakes.rs"]
pub(crate) mod fakes;

use escher::azure::diagnose::{Case, Diagnosis};
use escher::azure::discover::{Found, Stopped, discover};
use escher::azure::env::AzEnv;
use escher::azure::ids::Guid;
use escher::azure::run::{AzCommand, RunError, run};
use escher::azure::search::SearchIndex;
use escher::azure::subscriptions::{State, Subscription};
use escher::azure::verify::{Verdict, Verifier};
use fakes::*;
use std::process::{Command, Output};
use std::time::Duration;

fn g(s: &str) -> Guid {
    Guid::parse(s).unwrap()
}

fn found(standin: &StandIn) -> Found {
    discover(&standin.env(), quick()).unwrap_or_else(|s| panic!("{:?}", s.diagnosis))
}

fn stopped(standin: &StandIn) -> Stopped {
    match discover(&standin.env(), quick()) {
        Ok(f) => panic!("expected a stop, found {f:?}"),
        Err(s) => s,
    }
}

fn sub(found: &Found, id: &str) -> Subscription {
    found.listing.find(&g(id)).cloned().unwrap()
}

fn rt() -> tokio::runtime::Runtime {
    escher::background::new_runtime().unwrap()
}

/// A stand-in whose cloud is the local ARM, with Contoso's and Fabrikam's
/// tokens accepted there.
fn world() -> (StandIn, FakeArm) {
    let arm = FakeArm::start();
    arm.tenant(CONTOSO).tenant(FABRIKAM);
    let s = StandIn::new();
    s.local_cloud(&arm);
    s.recorded("account-list", "listing-local");
    (s, arm)
}

fn verify(s: &StandIn, ids: &[&str]) -> Vec<Verdict> {
    let f = found(s);
    let subs: Vec<Subscription> = ids.iter().map(|id| sub(&f, id)).collect();
    let v = Verifier::new(f.az.path.clone(), s.env(), quick(), &f.cloud);
    rt().block_on(v.verify_all(&subs))
}

fn failed(v: &Verdict) -> &Diagnosis {
    v.diagnosis()
        .unwrap_or_else(|| panic!("{} passed: {:?}", v.name, v.outcome))
}

// ---- the runner ----

#[test]
fn runner_passes_azure_config_dir_colour_off_and_only_allow_listed_commands() {
    let s = StandIn::new();
    let f = found(&s);
    assert_eq!(f.az.version, "2.91.0");
    let calls = s.calls();
    let mut argv: Vec<&str> = calls.iter().map(|c| c.0.as_str()).collect();
    argv.sort();
    assert_eq!(
        argv,
        [
            "account list --all -o json",
            "cloud show -o json",
            "version -o json"
        ]
    );

    // A later Re-check with az known asks only for the cloud and the listing.
    let again = escher::azure::discover::discover_with(&f.az, &s.env(), quick()).unwrap();
    assert_eq!(again.listing, f.listing);
    assert_eq!(s.calls().len(), 5);
    for (_, config_dir, no_color, _) in &calls {
        assert_eq!(config_dir, &s.config_dir().display().to_string());
        assert_eq!(no_color, "true");
    }
}

#[test]
fn output_larger_than_a_pipe_is_read_whole() {
    let s = StandIn::new();
    let big = format!("[{}]", vec!["{\"x\": 1}"; 40_000].join(","));
    s.reply("account-list", &big, &"WARNING: noise\n".repeat(10_000), 0);
    let out = run(&s.az(), &AzCommand::AccountListAll, &s.env(), quick().az).unwrap();
    assert_eq!(out.stdout, big);
    assert_eq!(out.stderr.len(), "WARNING: noise\n".len() * 10_000);
}

#[test]
fn timeout_a_hanging_az_is_killed_at_its_limit() {
    let s = StandIn::new();
    s.hang("account-list");
    let started = std::time::Instant::now();
    let r = run(&s.az(), &AzCommand::AccountListAll, &s.env(), quick().az);
    assert_eq!(r, Err(RunError::TimedOut(quick().az)));
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "waited for the grandchild"
    );
    let pid = s.calls().last().unwrap().3;
    assert!(
        !std::path::Path::new(&format!("/proc/{pid}")).exists(),
        "az {pid} still runs"
    );

    let stop = stopped(&s);
    assert_eq!(stop.diagnosis.case, Case::Timeout);
    assert_eq!(
        stop.diagnosis.command.as_deref(),
        Some("az account list --all -o json")
    );
    assert!(
        stop.diagnosis.explanation.contains("within 3 s"),
        "{}",
        stop.diagnosis.explanation
    );
}

// ---- finding az ----

#[test]
fn az_missing_gives_the_install_command() {
    let empty = tempfile::tempdir().unwrap();
    let env = AzEnv::from_vars([("PATH", empty.path())]).with_az_dirs(vec![empty.path().into()]);
    let stop = discover(&env, quick()).unwrap_err();
    assert_eq!(stop.diagnosis.case, Case::AzMissing);
    assert!(stop.diagnosis.title.contains("not installed"));
    if cfg!(target_os = "linux") {
        assert!(
            stop.diagnosis.fix.contains("install-azure-cli-linux"),
            "{}",
            stop.diagnosis.fix
        );
    }
}

#[test]
fn az_is_found_first_on_path() {
    let s = StandIn::new();
    let env = AzEnv::from_vars(s.vars());
    let f = discover(&env, quick()).unwrap();
    assert_eq!(f.az.path, s.az());
}

#[test]
fn az_too_old_asks_for_az_upgrade() {
    let s = StandIn::new();
    let recorded = std::fs::read_to_string(fixtures().join("version/stdout")).unwrap();
    s.reply("version", &recorded.replace("2.91.0", "2.53.1"), "", 0);
    let stop = stopped(&s);
    assert_eq!(stop.diagnosis.case, Case::AzTooOld);
    assert_eq!(stop.diagnosis.command.as_deref(), Some("az upgrade"));
    assert!(stop.diagnosis.explanation.contains("2.53.1"));
    assert_eq!(stop.az.unwrap().version, "2.53.1");
}

// ---- the listing ----

#[test]
fn listing_groups_the_active_clouds_subscriptions_by_tenant() {
    let s = StandIn::new();
    let f = found(&s);
    assert_eq!(f.cloud.name, "AzureCloud");
    assert_eq!(f.cloud.resource_manager, "https://management.azure.com/");
    let titles: Vec<String> = f.listing.tenants.iter().map(|t| t.title()).collect();
    assert_eq!(
        titles,
        [
            "Contoso (contoso.onmicrosoft.com)",
            "Empty Org (empty.onmicrosoft.com)",
            "Fabrikam (fabrikam.onmicrosoft.com)"
        ]
    );
    let contoso = &f.listing.tenants[0];
    let rows: Vec<(&str, &State, bool)> = contoso
        .subscriptions
        .iter()
        .map(|s| (s.name.as_str(), &s.state, s.state.pickable()))
        .collect();
    assert_eq!(
        rows,
        [
            ("Contoso Billing", &State::PastDue, true),
            ("Contoso Dev", &State::Enabled, true),
            ("Contoso Legacy", &State::Disabled, false),
            ("Contoso Old", &State::Deleted, false),
            ("Contoso Production", &State::Enabled, true),
            ("Contoso Trial", &State::Warned, true),
        ]
    );
    assert_eq!(contoso.subscriptions[1].user_name, "alice@contoso.com");
    assert!(f.listing.tenants[1].has_no_subscriptions());
    assert!(
        f.listing.find(&g(GOV)).is_none(),
        "another cloud's entry was listed"
    );
    assert_eq!(
        f.listing.other_clouds(),
        [("AzureUSGovernment".to_owned(), 1)]
    );
    assert_eq!(f.listing.preselected(), [g(DEV), g(PROD), g(ANALYTICS)]);
    assert!(f.problems().is_empty());
}

#[test]
fn search_matches_names_ids_and_tenants() {
    let s = StandIn::new();
    let f = found(&s);
    let index = SearchIndex::new(&f.listing);
    let all = index.search("");
    assert_eq!(all.count(), 7);
    assert_eq!(all.tenants.len(), 3, "the empty tenant is shown too");
    let names = |q: &str| -> Vec<String> {
        SearchIndex::ids(&f.listing, &index.search(q))
            .iter()
            .map(|id| f.listing.find(id).unwrap().name.clone())
            .collect()
    };
    assert_eq!(names("PROD"), ["Contoso Production"]);
    assert_eq!(names("fabrikam"), ["Fabrikam Analytics"]);
    assert_eq!(names("bbbbbbbb"), ["Fabrikam Analytics"]);
    assert_eq!(names("contoso dev"), ["Contoso Dev"]);
    assert_eq!(names("disabled"), ["Contoso Legacy"]);
    assert!(index.search("nothing-like-this").tenants.is_empty());
}

#[test]
fn not_signed_in_is_an_empty_list_with_a_warning_and_exit_0() {
    let s = StandIn::new();
    s.recorded("account-list", "not-signed-in-list");
    let stop = stopped(&s);
    assert_eq!(stop.diagnosis.case, Case::NotSignedIn);
    assert_eq!(stop.diagnosis.command.as_deref(), Some("az login"));
    assert!(stop.diagnosis.detail.contains("Please run \"az login\""));
}

#[test]
fn no_subscriptions_when_the_tenant_has_none() {
    let s = StandIn::new();
    s.recorded("account-list", "tenant-level-only-list");
    let f = found(&s);
    assert_eq!(f.listing.tenants.len(), 1);
    assert!(f.listing.tenants[0].has_no_subscriptions());
    let p = f.problems();
    assert_eq!(p.len(), 1);
    assert_eq!(p[0].case, Case::NoSubscriptions);
    assert!(
        p[0].explanation.contains("Empty Org"),
        "{}",
        p[0].explanation
    );
    assert_eq!(
        p[0].command.as_deref(),
        Some(format!("az login --tenant {EMPTY_ORG}").as_str())
    );
}

#[test]
fn other_cloud_when_the_sign_in_is_in_another_cloud() {
    let s = StandIn::new();
    s.recorded("account-list", "gov-only-list");
    let f = found(&s);
    assert!(f.listing.is_empty());
    let p = f.problems();
    assert_eq!(p[0].case, Case::OtherCloud);
    assert_eq!(
        p[0].command.as_deref(),
        Some("az cloud set --name AzureUSGovernment")
    );
    assert!(p[0].explanation.contains("AzureCloud"));

    // The government cloud active: its entry is the listing.
    let s = StandIn::new();
    s.recorded("cloud-show", "cloud-show-gov");
    s.recorded("account-list", "listing-gov-active");
    let f = found(&s);
    assert_eq!(
        f.cloud.resource_manager,
        "https://management.usgovcloudapi.net/"
    );
    let ids: Vec<&Guid> = f.listing.subscriptions().map(|s| &s.id).collect();
    assert_eq!(ids, [&g(GOV)]);
}

#[test]
fn a_plain_http_resource_manager_is_refused_unless_loopback() {
    let arm = FakeArm::start();
    let s = StandIn::new();
    s.local_cloud(&arm);
    let f = found(&s);
    assert_eq!(f.cloud.name, "Local");
    assert_eq!(f.cloud.resource_manager, arm.url);

    let recorded = std::fs::read_to_string(fixtures().join("cloud-show-local/stdout")).unwrap();
    s.reply(
        "cloud-show",
        &recorded.replace("127.0.0.1:8765", "management.example.com"),
        "",
        0,
    );
    let stop = stopped(&s);
    assert_eq!(stop.diagnosis.case, Case::Unknown);
    assert!(
        stop.diagnosis.explanation.contains("plain http"),
        "{}",
        stop.diagnosis.explanation
    );
}

// ---- tokens and verification ----

#[test]
fn verified_reader_contributor_and_owner() {
    let (s, arm) = world();
    arm.sub(
        PROD,
        FakeSub::new(CONTOSO, "Contoso Production", Role::Reader),
    )
    .sub(DEV, FakeSub::new(CONTOSO, "Contoso Dev", Role::Contributor))
    .sub(
        ANALYTICS,
        FakeSub::new(FABRIKAM, "Fabrikam Analytics", Role::Owner),
    );
    s.token_for(PROD, CONTOSO, 3600)
        .token_for(DEV, CONTOSO, 3600)
        .token_for(ANALYTICS, FABRIKAM, 3600);
    let v = verify(&s, &[PROD, DEV, ANALYTICS]);
    assert!(v.iter().all(Verdict::ok), "{v:?}");
    assert_eq!(v[0].can_write(), Some(false));
    assert!(v[0].write_advice().is_none());
    assert_eq!(v[1].can_write(), Some(true));
    let advice = v[1].write_advice().unwrap();
    assert!(advice.explanation.contains("Reader"));
    assert_eq!(
        advice.command,
        format!(
            "az ad sp create-for-rbac --name escher-reader --role Reader --scopes /subscriptions/{DEV}"
        )
    );
    assert_eq!(v[2].can_write(), Some(true));
    assert!(arm.requests().iter().all(|(_, bearer)| *bearer));
}

#[test]
fn one_token_per_tenant_reused_until_shortly_before_expiry() {
    let (s, arm) = world();
    for (id, name) in [
        (PROD, "Contoso Production"),
        (DEV, "Contoso Dev"),
        (BILLING, "Contoso Billing"),
    ] {
        arm.sub(id, FakeSub::new(CONTOSO, name, Role::Reader));
    }
    s.token_for(PROD, CONTOSO, 3600)
        .token_for(DEV, CONTOSO, 3600)
        .token_for(BILLING, CONTOSO, 3600);
    let f = found(&s);
    let subs: Vec<Subscription> = [PROD, DEV, BILLING].iter().map(|id| sub(&f, id)).collect();
    let verifier = Verifier::new(f.az.path.clone(), s.env(), quick(), &f.cloud);
    let rt = rt();
    assert!(
        rt.block_on(verifier.verify_all(&subs))
            .iter()
            .all(Verdict::ok)
    );
    assert_eq!(s.token_calls(), 1);
    assert!(
        rt.block_on(verifier.verify_all(&subs))
            .iter()
            .all(Verdict::ok)
    );
    assert_eq!(s.token_calls(), 1, "a fresh token was not reused");

    // A token with two minutes left is not reused.
    let (s, arm) = world();
    arm.sub(
        PROD,
        FakeSub::new(CONTOSO, "Contoso Production", Role::Reader),
    );
    s.token_for(PROD, CONTOSO, 120);
    let f = found(&s);
    let verifier = Verifier::new(f.az.path.clone(), s.env(), quick(), &f.cloud);
    let subs = [sub(&f, PROD)];
    assert!(rt.block_on(verifier.verify_all(&subs))[0].ok());
    assert!(rt.block_on(verifier.verify_all(&subs))[0].ok());
    assert_eq!(s.token_calls(), 2);
}

#[test]
fn permissions_fall_back_to_a_resource_group_else_unknown_and_follow_pages() {
    let (s, arm) = world();
    let mut fallback = FakeSub::new(CONTOSO, "Contoso Production", Role::Contributor);
    fallback.no_subscription_scope = true;
    let mut unknown = FakeSub::new(CONTOSO, "Contoso Dev", Role::Contributor);
    unknown.no_subscription_scope = true;
    unknown.no_groups = true;
    let mut paged = FakeSub::new(FABRIKAM, "Fabrikam Analytics", Role::Owner);
    paged.paged = true;
    arm.sub(PROD, fallback)
        .sub(DEV, unknown)
        .sub(ANALYTICS, paged);
    s.token_for(PROD, CONTOSO, 3600)
        .token_for(DEV, CONTOSO, 3600)
        .token_for(ANALYTICS, FABRIKAM, 3600);
    let v = verify(&s, &[PROD, DEV, ANALYTICS]);
    assert_eq!(v[0].can_write(), Some(true));
    assert!(
        arm.requests()
            .iter()
            .any(|(p, _)| p.contains("/resourceGroups/rg-app/providers/"))
    );
    assert!(v[1].ok());
    assert_eq!(v[1].can_write(), None);
    assert_eq!(v[2].can_write(), Some(true), "the second page was not read");
}

#[test]
fn one_failing_tenant_never_hides_the_others() {
    let (s, arm) = world();
    arm.sub(
        ANALYTICS,
        FakeSub::new(FABRIKAM, "Fabrikam Analytics", Role::Reader),
    );
    s.reply(
        "token",
        "",
        &aadsts_stderr(50076, "Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access 'https://management.core.windows.net/'.", CONTOSO),
        1,
    );
    s.token_for(ANALYTICS, FABRIKAM, 3600);
    let v = verify(&s, &[PROD, ANALYTICS, DEV]);
    assert_eq!(failed(&v[0]).case, Case::MfaRequired);
    assert!(v[1].ok(), "{:?}", v[1].outcome);
    assert_eq!(failed(&v[2]).case, Case::MfaRequired);
}

#[test]
fn mfa_required_asks_for_a_sign_in_to_that_tenant() {
    let (s, _arm) = world();
    s.reply(
        "token",
        "",
        &aadsts_stderr(50076, "you must use multi-factor authentication.", CONTOSO),
        1,
    );
    let d = failed(&verify(&s, &[PROD])[0]).clone();
    assert_eq!(d.case, Case::MfaRequired);
    assert_eq!(
        d.command.as_deref(),
        Some(format!("az login --tenant {CONTOSO}").as_str())
    );
    assert!(d.detail.contains("AADSTS50076"), "az's words are kept");
}

#[test]
fn sign_in_expired_shows_the_command_az_printed() {
    for (code, text) in [
        (700082, "The refresh token has expired due to inactivity."),
        (
            50173,
            "The provided grant has expired due to it being revoked, a fresh auth token is needed.",
        ),
    ] {
        let (s, _arm) = world();
        s.reply("token", "", &aadsts_stderr(code, text, CONTOSO), 1);
        let d = failed(&verify(&s, &[PROD])[0]).clone();
        assert_eq!(d.case, Case::SignInExpired, "AADSTS{code}");
        assert_eq!(
            d.command.as_deref(),
            Some(format!("az login --tenant {CONTOSO} --scope https://management.core.windows.net//.default").as_str())
        );
        assert!(d.detail.contains(text));
    }
}

#[test]
fn blocked_by_policy_says_only_an_admin_can_fix_it() {
    let (s, _arm) = world();
    s.reply(
        "token",
        "",
        &aadsts_stderr(53003, "Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.", CONTOSO),
        1,
    );
    let d = failed(&verify(&s, &[PROD])[0]).clone();
    assert_eq!(d.case, Case::BlockedByPolicy);
    assert!(
        d.fix
            .starts_with("Only your tenant's administrator can change this policy"),
        "{}",
        d.fix
    );
    assert_eq!(d.command, None);
}

#[test]
fn not_signed_in_when_asked_for_a_token() {
    let (s, _arm) = world();
    s.recorded("token", "not-signed-in-token");
    let d = failed(&verify(&s, &[PROD])[0]).clone();
    assert_eq!(d.case, Case::NotSignedIn);
    assert_eq!(
        d.command.as_deref(),
        Some(format!("az login --tenant {CONTOSO}").as_str())
    );
}

#[test]
fn network_from_az_and_from_arm() {
    let (s, _arm) = world();
    s.recorded("token", "network-token");
    let d = failed(&verify(&s, &[PROD])[0]).clone();
    assert_eq!(d.case, Case::Network);
    assert!(d.detail.contains("login.microsoftonline.com"));

    // ARM's port closed: the connection is refused.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/", closed.local_addr().unwrap());
    drop(closed);
    let s = StandIn::new();
    let recorded = std::fs::read_to_string(fixtures().join("cloud-show-local/stdout")).unwrap();
    s.reply(
        "cloud-show",
        &recorded.replace("http://127.0.0.1:8765/", &url),
        "",
        0,
    );
    s.recorded("account-list", "listing-local");
    s.token_for(PROD, CONTOSO, 3600);
    let d = failed(&verify(&s, &[PROD])[0]).clone();
    assert_eq!(d.case, Case::Network, "{d:?}");
}

#[test]
fn token_cache_unreadable_on_windows() {
    let (s, _arm) = world();
    s.reply(
        "token",
        "",
        "ERROR: Decryption failed: [WinError -2146893813] Key not valid for use in specified state.. App developer may consider this guidance: https://github.com/AzureAD/microsoft-authentication-extensions-for-python/wiki/PersistenceDecryptionError\n",
        1,
    );
    let d = failed(&verify(&s, &[PROD])[0]).clone();
    assert_eq!(d.case, Case::TokenCacheUnreadable);
    assert!(
        d.fix.contains(&s.config_dir().display().to_string()),
        "{}",
        d.fix
    );
    assert!(d.fix.contains("msal_token_cache.bin"));
}

#[test]
fn subscription_not_found_by_az_and_by_arm() {
    let (s, arm) = world();
    s.recorded("token", "subscription-not-found");
    let d = failed(&verify(&s, &[PROD])[0]).clone();
    assert_eq!(d.case, Case::SubscriptionNotFound);
    assert!(d.detail.contains("not found"));

    // A token of Contoso for a subscription that moved to Fabrikam.
    let (s, arm2) = world();
    drop(arm);
    arm2.sub(
        PROD,
        FakeSub::new(FABRIKAM, "Contoso Production", Role::Reader),
    );
    s.token_for(PROD, CONTOSO, 3600);
    let d = failed(&verify(&s, &[PROD])[0]).clone();
    assert_eq!(d.case, Case::SubscriptionNotFound);
    assert!(d.detail.contains("InvalidAuthenticationTokenTenant"));
    assert_eq!(
        d.command.as_deref(),
        Some(format!("az login --tenant {FABRIKAM}").as_str())
    );

    // ARM does not know it at all.
    let (s, _arm3) = world();
    s.token_for(PROD, CONTOSO, 3600);
    let d = failed(&verify(&s, &[PROD])[0]).clone();
    assert_eq!(d.case, Case::SubscriptionNotFound);
    assert!(d.detail.contains("SubscriptionNotFound"));
}

#[test]
fn subscription_disabled_deleted_past_due_and_warned() {
    let (s, arm) = world();
    arm.sub(
        BILLING,
        FakeSub::new(CONTOSO, "Contoso Billing", Role::Reader),
    );
    let mut trial = FakeSub::new(CONTOSO, "Contoso Trial", Role::Reader);
    trial.state = "Warned".into();
    let mut switched_off = FakeSub::new(CONTOSO, "Contoso Production", Role::Reader);
    switched_off.state = "Disabled".into();
    arm.sub(TRIAL, trial).sub(PROD, switched_off);
    s.reply("token", &token_json(BILLING, CONTOSO, 3600), "", 0);
    let v = verify(&s, &[LEGACY, OLD, BILLING, TRIAL, PROD]);
    assert_eq!(failed(&v[0]).case, Case::SubscriptionDisabled);
    assert!(failed(&v[0]).explanation.contains("Disabled"));
    assert_eq!(failed(&v[1]).case, Case::SubscriptionDisabled);
    assert!(failed(&v[1]).explanation.contains("Deleted"));
    assert!(v[2].ok());
    assert_eq!(
        v[2].state,
        State::Enabled,
        "ARM's state wins over the listing's"
    );
    assert!(v[3].ok());
    assert_eq!(v[3].state, State::Warned);
    assert_eq!(
        failed(&v[4]).case,
        Case::SubscriptionDisabled,
        "ARM says Disabled"
    );
    let asked: Vec<String> = s.calls().iter().map(|c| c.0.clone()).collect();
    assert!(
        !asked.iter().any(|a| a.contains(LEGACY) || a.contains(OLD)),
        "{asked:?}"
    );
}

#[test]
fn no_reader_role_gives_the_owners_command() {
    let (s, arm) = world();
    arm.sub(
        PROD,
        FakeSub::new(CONTOSO, "Contoso Production", Role::None),
    );
    s.token_for(PROD, CONTOSO, 3600);
    let d = failed(&verify(&s, &[PROD])[0]).clone();
    assert_eq!(d.case, Case::NoReaderRole);
    assert_eq!(
        d.command.as_deref(),
        Some(format!("az role assignment create --assignee 'alice@contoso.com' --role Reader --scope /subscriptions/{PROD}").as_str())
    );
    assert!(d.detail.contains("AuthorizationFailed"));
}

#[test]
fn timeout_of_arm_and_of_get_access_token() {
    let (s, arm) = world();
    let mut slow = FakeSub::new(CONTOSO, "Contoso Production", Role::Reader);
    slow.hang = true;
    arm.sub(PROD, slow);
    s.token_for(PROD, CONTOSO, 3600);
    // Fabrikam's token never comes (Contoso's is there already).
    s.hang(&format!("token-{ANALYTICS}"));
    let v = verify(&s, &[PROD, ANALYTICS]);
    let d = failed(&v[0]);
    assert_eq!(d.case, Case::Timeout);
    assert!(d.explanation.contains("Azure Resource Manager"));
    let d = failed(&v[1]);
    assert_eq!(d.case, Case::Timeout);
    assert!(
        d.command
            .as_deref()
            .unwrap()
            .starts_with("az account get-access-token --subscription")
    );
}

#[test]
fn unknown_keeps_azs_words() {
    let (s, _arm) = world();
    s.reply(
        "token",
        "",
        "ERROR: (SomethingNew) A reason no version of Escher knows.\n",
        1,
    );
    let d = failed(&verify(&s, &[PROD])[0]).clone();
    assert_eq!(d.case, Case::Unknown);
    assert!(
        d.explanation
            .contains("A reason no version of Escher knows")
    );
    assert_eq!(
        d.detail,
        "ERROR: (SomethingNew) A reason no version of Escher knows."
    );
}

#[test]
fn the_token_never_reaches_debug_or_diagnoses() {
    let (s, arm) = world();
    arm.sub(
        PROD,
        FakeSub::new(CONTOSO, "Contoso Production", Role::Contributor),
    );
    arm.sub(DEV, FakeSub::new(CONTOSO, "Contoso Dev", Role::None));
    s.token_for(PROD, CONTOSO, 3600)
        .token_for(DEV, CONTOSO, 3600);
    let v = verify(&s, &[PROD, DEV]);
    let shown = format!("{v:?}");
    assert!(!shown.contains(&format!("tok-{CONTOSO}")), "{shown}");
    let d = failed(&v[1]);
    assert!(!serde_json::to_string(d).unwrap().contains("tok-"));
}

#[test]
fn nothing_is_written_under_the_azure_config_dir() {
    let (s, arm) = world();
    arm.sub(
        PROD,
        FakeSub::new(CONTOSO, "Contoso Production", Role::Reader),
    );
    s.token_for(PROD, CONTOSO, 3600);
    let profile = fixtures().join("azureProfile.json.in");
    std::fs::copy(&profile, s.config_dir().join("azureProfile.json")).unwrap();
    let before = snapshot(&s.config_dir());
    assert!(verify(&s, &[PROD])[0].ok());
    assert_eq!(snapshot(&s.config_dir()), before);
}

fn snapshot(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap_or_default(),
            )
        })
        .collect();
    v.sort();
    v
}

// ---- `escher azure` through the real binary ----

fn escher(s: &StandIn, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_escher"))
        .arg("azure")
        .args(args)
        .env_clear()
        .envs(s.vars())
        .output()
        .expect("escher runs")
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stdout)))
}

#[test]
fn cli_exit_0_and_the_json_fields_when_all_are_verified() {
    let (s, arm) = world();
    arm.sub(
        PROD,
        FakeSub::new(CONTOSO, "Contoso Production", Role::Reader),
    )
    .sub(
        ANALYTICS,
        FakeSub::new(FABRIKAM, "Fabrikam Analytics", Role::Contributor),
    );
    s.token_for(PROD, CONTOSO, 3600)
        .token_for(ANALYTICS, FABRIKAM, 3600);
    let o = escher(&s, &["--json", ANALYTICS, PROD]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v = json(&o);
    assert_eq!(v["problems"], serde_json::json!([]));
    let subs = v["subscriptions"].as_array().unwrap();
    assert_eq!(subs[0]["subscription_id"], ANALYTICS, "in the order asked");
    assert_eq!(subs[0]["can_write"], true);
    assert_eq!(subs[1]["subscription_id"], PROD);
    assert_eq!(subs[1]["name"], "Contoso Production");
    assert_eq!(subs[1]["tenant_id"], CONTOSO);
    assert_eq!(subs[1]["state"], "Enabled");
    assert_eq!(subs[1]["ok"], true);
    assert_eq!(subs[1]["can_write"], false);
    assert!(subs[1].get("case").is_none());
    assert!(!String::from_utf8_lossy(&o.stdout).contains("tok-"));

    let o = escher(&s, &[PROD]);
    assert_eq!(o.status.code(), Some(0));
    let line = String::from_utf8_lossy(&o.stdout).into_owned();
    assert_eq!(
        line,
        format!("Contoso Production  {PROD}  pass  read only\n")
    );

    let o = escher(&s, &[ANALYTICS]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "writing is a warning, not a failure"
    );
    let text = String::from_utf8_lossy(&o.stdout).into_owned();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        format!("Fabrikam Analytics  {ANALYTICS}  warn  Read access — this sign-in can also write")
    );
    assert!(
        lines[2]
            .trim_start()
            .starts_with("$ az ad sp create-for-rbac --name escher-reader --role Reader"),
        "{text}"
    );
}

#[test]
fn cli_exit_1_with_each_failures_fields() {
    let (s, arm) = world();
    arm.sub(
        PROD,
        FakeSub::new(CONTOSO, "Contoso Production", Role::None),
    );
    s.token_for(PROD, CONTOSO, 3600);
    let unknown = "99999999-0000-0000-0000-000000000009";
    let o = escher(&s, &["--json", PROD, unknown, GOV]);
    assert_eq!(o.status.code(), Some(1));
    let v = json(&o);
    let subs = v["subscriptions"].as_array().unwrap();
    assert_eq!(subs[0]["case"], "no_reader_role");
    assert_eq!(subs[0]["ok"], false);
    assert_eq!(subs[0]["can_write"], serde_json::Value::Null);
    for key in ["title", "explanation", "fix", "command", "detail"] {
        assert!(subs[0][key].is_string(), "missing {key}: {}", subs[0]);
    }
    assert_eq!(subs[1]["subscription_id"], unknown);
    assert_eq!(subs[1]["case"], "subscription_not_found");
    assert_eq!(subs[2]["case"], "other_cloud");
    assert_eq!(subs[2]["command"], "az cloud set --name AzureUSGovernment");
}

#[test]
fn cli_exit_1_when_not_signed_in_with_the_problem_in_json_and_on_stderr() {
    let s = StandIn::new();
    s.recorded("account-list", "not-signed-in-list");
    let o = escher(&s, &["--json"]);
    assert_eq!(o.status.code(), Some(1));
    let v = json(&o);
    assert_eq!(v["subscriptions"], serde_json::json!([]));
    let p = &v["problems"][0];
    assert_eq!(p["case"], "not_signed_in");
    assert_eq!(p["command"], "az login");
    for key in ["title", "explanation", "fix"] {
        assert!(p[key].is_string());
    }
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("Not signed in to Azure") && err.contains("$ az login"),
        "{err}"
    );
}

#[test]
fn cli_exit_2_for_bad_ids_and_a_missing_az() {
    let s = StandIn::new();
    let o = escher(&s, &["not-a-subscription"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("is not a subscription id"));
    assert!(o.stdout.is_empty());

    if ["/usr/local/bin/az", "/opt/homebrew/bin/az"]
        .iter()
        .any(|p| std::path::Path::new(p).exists())
    {
        eprintln!(
            "skipped the missing-az half: this machine has az in a folder Escher always searches"
        );
        return;
    }
    let empty = tempfile::tempdir().unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_escher"))
        .args(["azure", "--json"])
        .env_clear()
        .env("PATH", empty.path())
        .env("HOME", empty.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(json(&o)["problems"][0]["case"], "az_missing");
}

#[test]
fn cli_timeout_flag_bounds_a_hanging_az() {
    let s = StandIn::new();
    s.hang("cloud-show");
    let o = escher(&s, &["--json", "--timeout", "2"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(json(&o)["problems"][0]["case"], "timeout");
}

#[test]
fn cli_exit_1_when_the_sign_in_reaches_no_subscription() {
    let s = StandIn::new();
    s.recorded("account-list", "tenant-level-only-list");
    let o = escher(&s, &["--json"]);
    assert_eq!(o.status.code(), Some(1));
    let v = json(&o);
    assert_eq!(v["cloud"], "AzureCloud");
    assert_eq!(v["problems"][0]["case"], "no_subscriptions");
    assert_eq!(
        v["problems"][0]["command"],
        format!("az login --tenant {EMPTY_ORG}")
    );
    assert_eq!(v["subscriptions"], serde_json::json!([]));
}
