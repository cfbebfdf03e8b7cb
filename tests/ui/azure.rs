//! Connect Azure and Done, driven through the window against the real
//! engine: a stand-in `az` first on PATH replaying recorded answers, and
//! a local Azure Resource Manager judging the tokens.

use super::azure_fakes::{
    ANALYTICS, CONTOSO, DEV, FABRIKAM, FakeArm, FakeSub, PROD, Role as ArmRole, StandIn,
};
use super::wizard::{
    PROD_CONFIG, PROD_KEYS, World, click, disabled, harness, idle, settle, step_until,
    to_connect_aws, type_name,
};
use egui::accesskit::{Role, Toggled};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use escher::ui::EscherApp;
use std::time::Duration;

type H = Harness<'static, EscherApp>;

fn is_on(h: &H, label: &str) -> bool {
    h.get_by_role_and_label(Role::CheckBox, label)
        .accesskit_node()
        .toggled()
        == Some(Toggled::True)
}

/// Connect prod-admin, then Continue to Azure.
pub fn to_azure(h: &mut H) {
    to_connect_aws(h);
    type_name(h, "prod-admin");
    click(h, "Re-check");
    step_until(h, "the AWS verdict", |h| {
        h.query_by_label_contains("is verified").is_some()
    });
    click(h, "Continue to Azure");
    settle(h);
    assert!(h.query_by_label("Connect Azure").is_some());
}

fn recheck(h: &mut H) {
    click(h, "Re-check");
    step_until(h, "the Azure Re-check", |h| {
        h.query_by_label("Search subscriptions").is_some()
            || h.query_by_label_contains("✖").is_some()
    });
}

/// A stand-in whose cloud is the local ARM: Contoso Production readable,
/// Contoso Dev writable too, Fabrikam Analytics unknown to ARM.
pub fn signed_in() -> (StandIn, FakeArm) {
    let arm = FakeArm::start();
    arm.tenant(CONTOSO).tenant(FABRIKAM);
    arm.sub(
        PROD,
        FakeSub::new(CONTOSO, "Contoso Production", ArmRole::Reader),
    )
    .sub(
        DEV,
        FakeSub::new(CONTOSO, "Contoso Dev", ArmRole::Contributor),
    );
    let s = StandIn::new();
    s.local_cloud(&arm);
    s.recorded("account-list", "listing-local");
    s.token_for(PROD, CONTOSO, 3600)
        .token_for(DEV, CONTOSO, 3600)
        .token_for(ANALYTICS, FABRIKAM, 3600);
    (s, arm)
}

#[test]
fn not_signed_in_shows_the_problem_with_the_login_command() {
    let s = StandIn::new();
    s.recorded("account-list", "not-signed-in-list");
    let w = World::new(PROD_CONFIG, PROD_KEYS);
    let mut h = harness(w.app_with_azure(s.env()));
    to_azure(&mut h);
    assert!(h.query_by_label("Sign in with Azure").is_some());
    assert!(
        h.query_by_label("Copy Azure command 1").is_none(),
        "under Use the terminal instead"
    );
    click(&mut h, "Use the terminal instead");
    settle(&mut h);
    assert!(h.query_by_label("az login").is_some());
    assert!(h.query_by_label("Copy Azure command 1").is_some());
    assert!(
        h.query_by_label("Run Azure command 1 in Terminal")
            .is_some()
    );
    assert!(h.query_by_label(">_ Open Terminal").is_some());
    assert!(
        h.query_by_label_contains("press Enter: Escher asks which ones next")
            .is_some()
    );
    assert!(h.query_by_label_contains("built-in Reader role").is_some());
    recheck(&mut h);
    assert!(h.query_by_label("✖ Not signed in to Azure").is_some());
    assert!(h.query_by_label("Copy fix: az login").is_some());
    assert!(h.query_by_label("Search subscriptions").is_none());
    assert!(disabled(&h.get_by_label("Continue")));
}

#[test]
fn recheck_spins_and_a_second_click_starts_nothing() {
    let s = StandIn::new();
    s.hang("account-list");
    let w = World::new(PROD_CONFIG, PROD_KEYS);
    let limits = escher::azure::env::Limits {
        az: Duration::from_secs(5),
        arm: Duration::from_secs(5),
        login: Duration::from_secs(5),
    };
    let mut h = harness(w.app_with_azure_limits(s.env(), limits));
    to_azure(&mut h);
    click(&mut h, "Re-check");
    step_until(&mut h, "the spinner", |h| !idle(h));
    assert!(disabled(&h.get_by_label("Re-check")));
    h.get_by_label("Re-check").click();
    step_until(&mut h, "the timeout", |h| {
        h.query_by_label("✖ No answer in time").is_some()
    });
    let lists = s
        .calls()
        .iter()
        .filter(|c| c.0 == "account list --all -o json")
        .count();
    assert_eq!(lists, 1, "the second click started a second Re-check");
    assert!(
        h.query_by_label("Copy fix: az account list --all -o json")
            .is_some()
    );
}

#[test]
fn a_missing_az_says_how_to_install_it_and_is_found_after_installing() {
    let s = StandIn::new();
    s.recorded("account-list", "not-signed-in-list");
    let away = s.home().join("az-not-installed");
    std::fs::rename(s.az(), &away).unwrap();
    let w = World::new(PROD_CONFIG, PROD_KEYS);
    let mut h = harness(w.app_with_azure(s.env()));
    to_azure(&mut h);
    recheck(&mut h);
    assert!(
        h.query_by_label("✖ The Azure CLI is not installed")
            .is_some()
    );
    let how = if cfg!(target_os = "macos") {
        "brew install azure-cli"
    } else {
        "install-azure-cli-linux"
    };
    assert!(h.query_by_label_contains(how).is_some(), "{how}");
    std::fs::rename(&away, s.az()).unwrap();
    click(&mut h, "I installed it — check again");
    step_until(&mut h, "the second Re-check", |h| {
        h.query_by_label("✖ Not signed in to Azure").is_some()
    });
    assert!(
        h.query_by_label("✖ The Azure CLI is not installed")
            .is_none()
    );
}

#[test]
fn the_picker_groups_by_tenant_searches_and_keeps_disabled_unpickable() {
    let (s, _arm) = signed_in();
    let w = World::new(PROD_CONFIG, PROD_KEYS);
    let mut h = harness(w.app_with_azure(s.env()));
    to_azure(&mut h);
    recheck(&mut h);
    for label in [
        "Contoso",
        "contoso.onmicrosoft.com",
        CONTOSO,
        "Fabrikam",
        "Empty Org",
    ] {
        assert!(h.query_by_label(label).is_some(), "no {label}");
    }
    assert!(
        h.query_by_label_contains("no subscriptions in this tenant")
            .is_some()
    );
    assert!(
        is_on(&h, "Pick Contoso Production"),
        "Enabled is preselected"
    );
    assert!(!is_on(&h, "Pick Contoso Billing"), "PastDue is not");
    let legacy = h.get_by_role_and_label(Role::CheckBox, "Pick Contoso Legacy");
    assert!(disabled(&legacy), "Disabled cannot be picked");
    assert!(disabled(
        &h.get_by_role_and_label(Role::CheckBox, "Pick Contoso Old")
    ));
    legacy.click();
    settle(&mut h);
    assert!(!is_on(&h, "Pick Contoso Legacy"));

    let field = h.get_by_role_and_label(Role::TextInput, "Search subscriptions");
    field.focus();
    settle(&mut h);
    h.get_by_role_and_label(Role::TextInput, "Search subscriptions")
        .type_text("fabrikam");
    settle(&mut h);
    assert!(h.query_by_label("Pick Fabrikam Analytics").is_some());
    assert!(h.query_by_label("Pick Contoso Production").is_none());
    assert!(h.query_by_label("Empty Org").is_none());
}

#[test]
fn verify_marks_each_row_and_unlocks_continue_then_done_lists_both_and_survives_a_restart() {
    let (s, _arm) = signed_in();
    let w = World::new(PROD_CONFIG, PROD_KEYS);
    let mut h = harness(w.app_with_azure(s.env()));
    to_azure(&mut h);
    recheck(&mut h);
    assert!(disabled(&h.get_by_label("Continue")));
    click(&mut h, "Verify selected");
    step_until(&mut h, "the verdicts", |h| {
        h.query_by_label_contains("Fabrikam Analytics: ").is_some()
            && h.query_by_label_contains("Contoso Dev: ").is_some()
    });
    assert!(
        h.query_by_label("Contoso Production: ✔ read access")
            .is_some()
    );
    assert!(
        h.query_by_label("Contoso Dev: ⚠ read access, can also write")
            .is_some()
    );
    assert!(
        h.query_by_label(&format!(
            "Copy fix: az ad sp create-for-rbac --name escher-reader --role Reader --scopes /subscriptions/{DEV}"
        ))
        .is_some(),
        "the write advice's command"
    );
    assert!(
        h.query_by_label("Fabrikam Analytics: ✖ not verified")
            .is_some()
    );
    assert!(!disabled(&h.get_by_label("Continue")));
    click(&mut h, "Continue");
    settle(&mut h);
    assert!(h.query_by_label("Done").is_some());
    assert_done_lists_both(&h, true);
    drop(h);

    // Started again: onboarding is finished, so it opens on Done.
    let mut h = harness(w.app_with_azure(s.env()));
    settle(&mut h);
    assert!(h.query_by_label("Done").is_some());
    assert!(h.query_by_label("Get started").is_none());
    assert_done_lists_both(&h, false);
}

fn assert_done_lists_both(h: &H, tenant_named: bool) {
    assert!(h.query_by_label("prod-admin").is_some());
    assert!(h.query_by_label("123456789012").is_some());
    assert!(h.query_by_label("Contoso Production").is_some());
    assert!(h.query_by_label("Contoso Dev").is_some());
    assert!(
        h.query_by_label("Fabrikam Analytics").is_none(),
        "it failed"
    );
    let tenant = if tenant_named {
        "tenant Contoso (contoso.onmicrosoft.com)".to_owned()
    } else {
        format!("tenant {CONTOSO}")
    };
    assert!(h.query_all_by_label(&tenant).count() == 2, "{tenant}");
    assert!(h.query_by_label("prod-admin: on, verified").is_some());
    // What each may do: Check permissions was not run; ARM's answers.
    assert!(h.query_by_label("access not checked yet").is_some());
    assert!(h.query_by_label("Reader, read only").is_some());
    assert!(h.query_by_label("Reader, can also write").is_some());
    assert!(h.query_by_label("Next").is_some());
    assert!(
        h.query_by_label("Contoso Production: on, verified")
            .is_some()
    );
    assert!(
        h.query_by_label("Contoso Dev: on, verified (can also write)")
            .is_some()
    );
    assert!(h.query_by_label_contains("Settings → Profiles").is_some());
}

#[test]
fn skip_goes_on_to_done_with_aws_only() {
    let w = World::new(PROD_CONFIG, PROD_KEYS);
    let mut h = harness(w.app());
    to_azure(&mut h);
    assert!(
        h.query_by_label_contains("Azure can be connected later from Settings")
            .is_some()
    );
    click(&mut h, "Skip Azure for now");
    settle(&mut h);
    assert!(h.query_by_label("Done").is_some());
    assert!(h.query_by_label("prod-admin").is_some());
    assert!(h.query_by_label("123456789012").is_some());
    assert!(
        h.query_by_label_contains("No Azure subscription is connected")
            .is_some()
    );
    click(&mut h, "Open Settings");
    settle(&mut h);
    assert!(h.query_by_label("Settings → Profiles").is_some());
}

#[test]
fn a_settings_file_from_before_azure_that_finished_opens_on_done() {
    let w = World::new(PROD_CONFIG, PROD_KEYS);
    // Written by an Escher that knew no Azure: no "azure" key.
    let old = r#"{
  "schema_version": 1,
  "step": "done",
  "method": "Sso",
  "profiles": [
    {
      "name": "prod-admin",
      "enabled": true,
      "kind": "access_keys",
      "region": "us-east-1",
      "identity": {
        "account": "123456789012",
        "arn": "arn:aws:iam::123456789012:user/alice",
        "user_id": "AIDAALICE"
      },
      "verified_at": 1700000000
    }
  ]
}"#;
    std::fs::write(w.config_dir.path().join("settings.json"), old).unwrap();
    let mut h = harness(w.app());
    settle(&mut h);
    assert!(h.query_by_label("Done").is_some());
    assert!(h.query_by_label("prod-admin: on, verified").is_some());
    assert!(h.query_by_label("123456789012").is_some());
    assert!(
        h.query_by_label_contains("No Azure subscription is connected")
            .is_some()
    );
    assert!(
        h.query_by_label("Dismiss").is_none(),
        "no notice about the file"
    );
}

pub fn verify_and_continue(h: &mut H) {
    recheck(h);
    click(h, "Verify selected");
    step_until(h, "the verdicts", |h| {
        h.query_by_label_contains("Fabrikam Analytics: ").is_some()
    });
    click(h, "Continue");
    settle(h);
}

#[test]
fn settings_lists_azure_subscriptions_with_toggle_and_remove_that_persist() {
    let (s, _arm) = signed_in();
    let w = World::new(PROD_CONFIG, PROD_KEYS);
    let mut h = harness(w.app_with_azure(s.env()));
    to_azure(&mut h);
    verify_and_continue(&mut h);
    click(&mut h, "Open Settings");
    settle(&mut h);
    assert!(h.query_by_label("Azure subscriptions").is_some());
    assert!(is_on(&h, "Use Azure subscription Contoso Production"));
    assert!(h.query_all_by_label("verified just now").count() >= 2);
    h.get_by_role_and_label(Role::CheckBox, "Use Azure subscription Contoso Dev")
        .click();
    settle(&mut h);
    click(&mut h, "Remove Contoso Production from Escher");
    settle(&mut h);
    assert!(
        h.query_by_label("Use Azure subscription Contoso Production")
            .is_none()
    );
    drop(h);

    let mut h = harness(w.app_with_azure(s.env()));
    settle(&mut h);
    assert!(
        h.query_by_label("Contoso Dev: off").is_some(),
        "the toggle was saved"
    );
    assert!(
        h.query_by_label("Contoso Production").is_none(),
        "removal was saved"
    );
    // The sign-in itself is untouched: Re-check still lists it.
    click(&mut h, "Settings");
    settle(&mut h);
    click(&mut h, "Add Profile");
    settle(&mut h);
    click(&mut h, "Azure");
    settle(&mut h);
    assert!(h.query_by_label("Connect Azure").is_some());
    recheck(&mut h);
    assert!(h.query_by_label("Pick Contoso Production").is_some());
    assert!(!is_on(&h, "Pick Contoso Legacy"));
    click(&mut h, "Back to Settings → Profiles");
    settle(&mut h);
    assert!(h.query_by_label("Settings → Profiles").is_some());
}

#[test]
fn recheck_in_settings_verifies_a_connected_subscription_again() {
    let (s, arm) = signed_in();
    let w = World::new(PROD_CONFIG, PROD_KEYS);
    let mut h = harness(w.app_with_azure(s.env()));
    to_azure(&mut h);
    verify_and_continue(&mut h);
    drop(h);

    // After a restart nothing was checked this session: Re-check lists
    // the sign-in first, then asks ARM.
    let mut h = harness(w.app_with_azure(s.env()));
    click(&mut h, "Open Settings");
    settle(&mut h);
    assert!(h.query_by_label("✔ read access").is_none());
    click(&mut h, "Re-check Azure subscription Contoso Production");
    step_until(&mut h, "the Re-check", |h| {
        h.query_by_label("✔ read access").is_some()
    });
    // The owner took the role away: the row says so, with the command.
    arm.sub(
        PROD,
        FakeSub::new(CONTOSO, "Contoso Production", ArmRole::None),
    );
    click(&mut h, "Re-check Azure subscription Contoso Production");
    step_until(&mut h, "the refusal", |h| {
        h.query_by_label("✖ No Reader role on this subscription")
            .is_some()
    });
    assert!(
        h.query_by_label_contains("az role assignment create")
            .is_some(),
        "the owner's command is on the row"
    );
    // Signed out since: the row says that, not a stale verdict.
    drop(h);
    s.recorded("account-list", "not-signed-in-list");
    let mut h = harness(w.app_with_azure(s.env()));
    click(&mut h, "Open Settings");
    settle(&mut h);
    click(&mut h, "Re-check Azure subscription Contoso Dev");
    step_until(&mut h, "the sign-in problem", |h| {
        h.query_by_label("✖ Not signed in to Azure").is_some()
    });
}

/// A stand-in terminal that records what it was asked to show.
fn recording_terminal(w: &World) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let record = w.stand_ins.path().join("argv");
    let term = w.stand_ins.path().join("x-terminal-emulator");
    std::fs::write(
        &term,
        format!(
            "#!/bin/sh\nprintf '%s\\n' \"$@\" > '{}'\n",
            record.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&term, std::fs::Permissions::from_mode(0o755)).unwrap();
    record
}

#[test]
fn the_commands_copy_and_open_in_a_terminal_with_the_guide() {
    let w = World::new(PROD_CONFIG, PROD_KEYS);
    let record = recording_terminal(&w);
    let mut h = harness(w.app());
    to_azure(&mut h);
    click(&mut h, "Use the terminal instead");
    settle(&mut h);
    click(&mut h, "Copy Azure command 2");
    h.step();
    let copied = h.output().platform_output.commands.iter().any(|c| {
        matches!(c, egui::OutputCommand::CopyText(t) if t == "az account list --all --output table")
    });
    assert!(copied, "the exact command is on the clipboard");
    click(&mut h, ">_ Open Terminal");
    step_until(&mut h, "the launch result", |h| {
        h.query_by_label_contains("Opened").is_some()
    });
    let argv = std::fs::read_to_string(&record).unwrap();
    assert!(argv.contains("1. az login"), "{argv}");
    assert!(
        argv.contains("2. az account list --all --output table"),
        "{argv}"
    );
    assert!(argv.contains("press Enter: Escher asks"), "{argv}");
    std::fs::remove_file(&record).unwrap();
    click(&mut h, "Run Azure command 1 in Terminal");
    step_until(&mut h, "the second launch", |_| record.exists());
    let argv = std::fs::read_to_string(&record).unwrap();
    assert!(argv.contains("az login"), "{argv}");
    assert!(
        !argv.contains("2. az account list"),
        "only the one command: {argv}"
    );
}

#[test]
fn another_active_cloud_and_an_old_az_are_cards_with_their_command() {
    let s = StandIn::new();
    s.recorded("account-list", "gov-only-list");
    let w = World::new(PROD_CONFIG, PROD_KEYS);
    let mut h = harness(w.app_with_azure(s.env()));
    to_azure(&mut h);
    recheck(&mut h);
    assert!(
        h.query_by_label("✖ Another Azure cloud is active")
            .is_some()
    );
    assert!(
        h.query_by_label("Copy fix: az cloud set --name AzureUSGovernment")
            .is_some()
    );
    assert!(disabled(&h.get_by_label("Continue")));

    // The government cloud made active: its commands select it first.
    s.recorded("cloud-show", "cloud-show-gov");
    s.recorded("account-list", "listing-gov-active");
    click(&mut h, "Re-check");
    step_until(&mut h, "the picker", |h| {
        h.query_by_label("Pick Gov Production").is_some()
    });
    click(&mut h, "Use the terminal instead");
    settle(&mut h);
    assert!(
        h.query_by_label("az cloud set --name AzureUSGovernment")
            .is_some()
    );
    assert!(
        h.query_by_label("✖ Another Azure cloud is active")
            .is_none()
    );

    // An old az: the next Re-check reads its version again.
    let recorded =
        std::fs::read_to_string(super::azure_fakes::fixtures().join("version/stdout")).unwrap();
    s.reply("version", &recorded.replace("2.91.0", "2.53.1"), "", 0);
    let w = World::new(PROD_CONFIG, PROD_KEYS);
    let mut h = harness(w.app_with_azure(s.env()));
    to_azure(&mut h);
    recheck(&mut h);
    assert!(h.query_by_label("✖ The Azure CLI is too old").is_some());
    assert!(h.query_by_label("Copy fix: az upgrade").is_some());
    let versions = || {
        s.calls()
            .iter()
            .filter(|c| c.0 == "version -o json")
            .count()
    };
    let before = versions();
    click(&mut h, "Re-check");
    // Started (az was asked) and its result taken in.
    step_until(&mut h, "the second Re-check", |h| {
        versions() > before && !h.state().background.is_azure_discovering()
    });
    assert_eq!(versions(), before + 1, "the version was read again");
    assert!(h.query_by_label("✖ The Azure CLI is too old").is_some());
    assert!(h.query_by_label("✖ The Azure CLI is too old").is_some());
    assert!(h.query_by_label("Pick Gov Production").is_none());
}

#[test]
fn a_tenant_without_subscriptions_is_said_and_its_id_fills_the_tenant_sign_in() {
    let s = StandIn::new();
    s.recorded("account-list", "tenant-level-only-list");
    let w = World::new(PROD_CONFIG, PROD_KEYS);
    let mut h = harness(w.app_with_azure(s.env()));
    to_azure(&mut h);
    click(&mut h, "Use the terminal instead");
    settle(&mut h);
    assert!(h.query_by_label("az login --tenant TENANT").is_some());
    recheck(&mut h);
    assert!(h.query_by_label("Empty Org").is_some());
    assert!(
        h.query_by_label_contains("no subscriptions in this tenant")
            .is_some()
    );
    assert!(
        h.query_by_label("✖ No subscriptions in this sign-in")
            .is_some(),
        "the no-subscriptions card"
    );
    // In the sign-in's alternatives and as the card's fix.
    assert_eq!(
        h.query_all_by_label("az login --tenant e0000000-0000-0000-0000-00000000000e")
            .count(),
        2
    );
    assert!(h.query_by_label("az login --tenant TENANT").is_none());
    assert!(disabled(&h.get_by_label("Verify selected")));
}
