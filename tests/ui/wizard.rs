use crate::common::{FakeAws, FakeIdentity, Home};
use egui::accesskit::Role;
use egui_kittest::kittest::{NodeT, Queryable};
use egui_kittest::{Harness, Node};
use escher::azure::env::{AzEnv, Limits};
use escher::background::Background;
use escher::settings::Store;
use escher::terminal::LaunchEnv;
use escher::ui::EscherApp;
use std::time::{Duration, Instant};

pub struct World {
    rt: tokio::runtime::Runtime,
    pub home: Home,
    pub aws: FakeAws,
    pub stand_ins: tempfile::TempDir,
    pub config_dir: tempfile::TempDir,
}

impl World {
    pub fn new(config: &str, credentials: &str) -> Self {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let aws = FakeAws::start();
        aws.user(
            "AKIAPROD",
            PROD_SECRET,
            FakeIdentity::user("123456789012", "alice"),
        );
        aws.user(
            "AKIASTAGE",
            STAGE_SECRET,
            FakeIdentity::user("210987654321", "bob"),
        );
        let home = Home::new();
        home.config(config);
        home.credentials(credentials);
        let w = World {
            rt,
            home,
            aws,
            stand_ins: tempfile::tempdir().unwrap(),
            config_dir: tempfile::tempdir().unwrap(),
        };
        w.stand_in_aws("aws-cli/2.15.30 Python/3.11.8 Linux/6.1 exe/x86_64");
        w
    }

    /// A stand-in `aws` that prints this version line.
    pub fn stand_in_aws(&self, version_line: &str) {
        use std::os::unix::fs::PermissionsExt;
        let p = self.stand_ins.path().join("aws");
        std::fs::write(&p, format!("#!/bin/sh\necho '{version_line}'\n")).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    }

    /// A fresh start of the app on this machine: same files, same
    /// settings, and no Azure CLI.
    pub fn app(&self) -> EscherApp {
        let no_az = self.stand_ins.path().join("no-az");
        self.app_with_azure(AzEnv::from_vars([("PATH", &no_az)]).with_az_dirs(vec![no_az.clone()]))
    }

    /// The same with `az` running in this environment.
    pub fn app_with_azure(&self, azure_env: AzEnv) -> EscherApp {
        self.app_with_azure_limits(azure_env, Limits::default())
    }

    pub fn app_with_azure_limits(&self, azure_env: AzEnv, limits: Limits) -> EscherApp {
        let launch = LaunchEnv {
            path: Some(self.stand_ins.path().as_os_str().to_owned()),
            terminal: None,
            desktop: None,
            aws_cli_dirs: Some(vec![self.stand_ins.path().to_path_buf()]),
            prefers_iterm: false,
        };
        let mut bg = Background::new(
            self.rt.handle().clone(),
            self.home.env(&self.aws.url),
            launch,
        );
        bg.timeout = Duration::from_secs(5);
        bg.azure_env = azure_env;
        bg.azure_limits = limits;
        EscherApp::new(bg, Store::new(self.config_dir.path()))
    }
}

pub fn world(config: &str, credentials: &str) -> (World, EscherApp) {
    let w = World::new(config, credentials);
    let app = w.app();
    (w, app)
}

pub const PROD_CONFIG: &str = "[profile prod-admin]\nregion = us-east-1\n";
/// The secrets the local STS knows the test keys by.
pub const PROD_SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
pub const STAGE_SECRET: &str = "stagingSECRETkey0000000000000000000000";
pub const PROD_KEYS: &str = "[prod-admin]\naws_access_key_id = AKIAPROD\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n";

pub fn harness(app: EscherApp) -> Harness<'static, EscherApp> {
    let mut h = Harness::builder()
        .with_size(egui::vec2(960.0, 760.0))
        .build_ui_state(|ui, app: &mut EscherApp| app.show(ui), app);
    settle(&mut h);
    h
}

/// Bring the widget into view, as a user scrolls to it, then click it.
pub fn click(h: &mut Harness<'static, EscherApp>, label: &str) {
    h.get_by_label(label).scroll_to_me();
    settle(h);
    h.get_by_label(label).click();
}

pub fn disabled(node: &Node<'_>) -> bool {
    node.accesskit_node().is_disabled()
}

/// Step frames until `done` holds, with a deadline generous for a loaded
/// machine; then settle the frame unless something is still in progress
/// (a spinner never lets `run()` settle).
pub fn step_until(
    h: &mut Harness<'static, EscherApp>,
    what: &str,
    done: impl Fn(&Harness<'static, EscherApp>) -> bool,
) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !done(h) {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        h.step();
        std::thread::sleep(Duration::from_millis(10));
    }
    // Background events (the watch reading the files again, a check that
    // finishes) may wake a few more frames: settle once they stop coming.
    while idle(h) && h.try_run().is_err() {
        assert!(
            Instant::now() < deadline,
            "{what}: the window never settled"
        );
    }
}

/// No spinner shows: nothing is in progress.
pub fn idle(h: &Harness<'static, EscherApp>) -> bool {
    h.query_all_by_role(Role::ProgressIndicator)
        .next()
        .is_none()
}

/// Take in what was clicked or typed, wait until nothing is in progress,
/// then run until nothing changes. Used instead of `run()`, which fails
/// when a spinner turns for more than a few frames.
pub fn settle(h: &mut Harness<'static, EscherApp>) {
    h.step();
    step_until(h, "nothing in progress", idle);
}

pub fn to_connect_aws(h: &mut Harness<'static, EscherApp>) {
    click(h, "Get started");
    settle(h);
    assert!(h.query_by_label("Connect AWS").is_some());
}

pub fn type_name(h: &mut Harness<'static, EscherApp>, name: &str) {
    let field = h.get_by_role_and_label(Role::TextInput, "Profile name");
    field.focus();
    settle(h);
    h.get_by_role_and_label(Role::TextInput, "Profile name")
        .type_text(name);
    settle(h);
}

#[test]
fn welcome_says_what_escher_reads_and_that_it_never_writes_unasked() {
    let (_w, app) = world(PROD_CONFIG, PROD_KEYS);
    let h = harness(app);
    assert!(
        h.query_by_label_contains("EC2 instances, S3 buckets, IAM roles and policies")
            .is_some()
    );
    assert!(
        h.query_by_label_contains("requires explicit human approval per step")
            .is_some()
    );
    for step in ["1 Welcome", "2 Connect AWS", "3 Connect Azure", "4 Done"] {
        assert!(h.query_by_label(step).is_some(), "rail lacks {step}");
    }
}

#[test]
fn continue_is_disabled_until_a_profile_passes() {
    let (_w, app) = world(PROD_CONFIG, PROD_KEYS);
    let mut h = harness(app);
    to_connect_aws(&mut h);
    assert!(disabled(&h.get_by_label("Continue to Azure")));
    assert!(
        disabled(&h.get_by_label("Re-check")),
        "Re-check without a name"
    );
}

#[test]
fn an_invalid_name_disables_recheck_and_the_commands_and_names_the_character() {
    let (_w, app) = world(PROD_CONFIG, PROD_KEYS);
    let mut h = harness(app);
    to_connect_aws(&mut h);
    type_name(&mut h, "prod;rm");
    assert!(disabled(&h.get_by_label("Re-check")));
    assert!(disabled(&h.get_by_label("Copy command 1")));
    assert!(disabled(&h.get_by_label(">_ Open Terminal")));
    assert!(
        h.query_by_label_contains("“;” is not allowed in a profile name")
            .is_some()
    );
}

#[test]
fn change_method_swaps_the_commands_and_back() {
    let (_w, app) = world(PROD_CONFIG, PROD_KEYS);
    let mut h = harness(app);
    to_connect_aws(&mut h);
    type_name(&mut h, "dev");
    assert!(
        h.query_by_label("aws configure sso --profile dev")
            .is_some()
    );
    assert!(h.query_by_label("aws sso login --profile dev").is_some());
    assert!(
        h.query_by_label("aws sts get-caller-identity --profile dev")
            .is_some()
    );
    assert!(
        h.query_by_label_contains("The profile name is a label you choose")
            .is_some()
    );
    click(&mut h, "Change method");
    settle(&mut h);
    assert!(h.query_by_label("Method: Access keys").is_some());
    assert!(h.query_by_label("aws configure --profile dev").is_some());
    assert!(h.query_by_label("aws s3 ls --profile dev").is_some());
    assert!(
        h.query_by_label("aws configure sso --profile dev")
            .is_none()
    );
    assert!(
        h.query_by_label_contains("not AdministratorAccess")
            .is_some()
    );
    click(&mut h, "Change method");
    settle(&mut h);
    assert!(h.query_by_label("Method: SSO (recommended)").is_some());
    assert!(
        h.query_by_label("aws configure sso --profile dev")
            .is_some()
    );
}

#[test]
fn copy_puts_the_exact_command_on_the_clipboard_and_says_so() {
    let (_w, app) = world(PROD_CONFIG, PROD_KEYS);
    let mut h = harness(app);
    to_connect_aws(&mut h);
    type_name(&mut h, "new-sso");
    click(&mut h, "Copy command 2");
    h.step();
    let copied: Vec<String> = h
        .output()
        .platform_output
        .commands
        .iter()
        .filter_map(|c| match c {
            egui::OutputCommand::CopyText(t) => Some(t.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(copied, vec!["aws sso login --profile new-sso".to_owned()]);
    settle(&mut h);
    assert!(h.query_by_label("Copied").is_some());
}

#[test]
fn recheck_with_a_working_profile_shows_the_identity_and_unlocks_azure() {
    let (w, mut app) = world(PROD_CONFIG, PROD_KEYS);
    // An answer seconds away, so the check is still in flight below on
    // any machine.
    w.aws.sts_delay(Duration::from_secs(3));
    app.background.timeout = Duration::from_secs(60);
    let mut h = harness(app);
    to_connect_aws(&mut h);
    type_name(&mut h, "prod-admin");
    click(&mut h, "Re-check");
    step_until(&mut h, "progress shown", |h| {
        h.query_by_label_contains("Checking prod-admin").is_some()
    });
    assert!(
        disabled(&h.get_by_label("Re-check")),
        "a second click could start another check"
    );
    step_until(&mut h, "the verdict", |h| {
        h.query_by_label_contains("is verified").is_some()
    });
    assert_eq!(w.aws.sts_calls(), 1);
    assert!(h.query_by_label("123456789012").is_some());
    assert!(
        h.query_by_label("arn:aws:iam::123456789012:user/alice")
            .is_some()
    );
    assert!(h.query_by_label("AIDAALICE").is_some());
    let cont = h.get_by_label("Continue to Azure");
    assert!(!disabled(&cont));
    cont.click();
    settle(&mut h);
    assert!(h.query_by_label("Connect Azure").is_some());
    assert!(h.query_by_label("Skip Azure for now").is_some());
    click(&mut h, "Back to Connect AWS");
    settle(&mut h);
    assert!(h.query_by_label("Profile name").is_some());
}

#[test]
fn recheck_of_an_unknown_name_shows_the_profile_name_fix() {
    let (w, app) = world(PROD_CONFIG, PROD_KEYS);
    let mut h = harness(app);
    to_connect_aws(&mut h);
    type_name(&mut h, "prod-admn");
    click(&mut h, "Re-check");
    step_until(&mut h, "the verdict", |h| {
        h.query_by_label_contains("No profile by that name")
            .is_some()
    });
    assert_eq!(w.aws.sts_calls(), 0);
    assert!(
        h.query_by_label_contains("Confirm the profile name in Escher matches")
            .is_some()
    );
    assert!(h.query_by_label("aws configure list-profiles").is_some());
    assert!(disabled(&h.get_by_label("Continue to Azure")));
    click(&mut h, "Details");
    settle(&mut h);
    assert!(
        h.query_by_label_contains("profile `prod-admn` was not defined")
            .is_some()
    );
    // The suggestion fills in the right name.
    click(&mut h, "Use profile prod-admin");
    settle(&mut h);
    assert!(
        h.query_by_label("Found in your AWS config (Access keys, region us-east-1).")
            .is_some()
    );
}

#[test]
fn rejected_keys_show_the_seed_fix_with_the_name_filled_in() {
    let (_w, app) = world(
        PROD_CONFIG,
        "[prod-admin]\naws_access_key_id = AKIAOLD\naws_secret_access_key = x\n",
    );
    let mut h = harness(app);
    to_connect_aws(&mut h);
    type_name(&mut h, "prod-admin");
    click(&mut h, "Re-check");
    step_until(&mut h, "the verdict", |h| {
        h.query_by_label_contains("InvalidClientTokenId").is_some()
    });
    assert!(
        h.query_by_label("aws configure --profile prod-admin")
            .is_some()
    );
    click(&mut h, "Troubleshooting");
    settle(&mut h);
    assert!(
        h.query_by_label("▶ InvalidClientTokenId from aws sts get-caller-identity")
            .is_some()
    );
    assert!(
        h.query_by_label_contains(
            "Re-run aws sso login --profile prod-admin (SSO sessions expire)"
        )
        .is_some()
    );
}

#[test]
fn open_terminal_without_a_terminal_says_what_to_do() {
    let (_w, app) = world(PROD_CONFIG, PROD_KEYS);
    let mut h = harness(app);
    to_connect_aws(&mut h);
    type_name(&mut h, "new-sso");
    click(&mut h, ">_ Open Terminal");
    step_until(&mut h, "the launch result", |h| {
        h.query_by_label_contains("No terminal program was found")
            .is_some()
    });
    assert!(!disabled(&h.get_by_label("Copy command 1")));
}

#[test]
fn open_terminal_starts_the_terminal_with_the_guide() {
    let (w, app) = world(PROD_CONFIG, PROD_KEYS);
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
    std::os::unix::fs::PermissionsExt::set_mode(
        &mut std::fs::metadata(&term).unwrap().permissions(),
        0o755,
    );
    std::fs::set_permissions(&term, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let mut h = harness(app);
    to_connect_aws(&mut h);
    type_name(&mut h, "new-sso");
    click(&mut h, ">_ Open Terminal");
    step_until(&mut h, "the launch result", |h| {
        h.query_by_label_contains("Opened").is_some()
    });
    let argv = std::fs::read_to_string(&record).unwrap();
    assert!(
        argv.contains("1. aws configure sso --profile new-sso"),
        "{argv}"
    );
    assert!(
        argv.contains("Then return to Escher and click Re-check."),
        "{argv}"
    );
}

#[test]
fn what_escher_needs_offers_the_policy() {
    let (_w, app) = world(PROD_CONFIG, PROD_KEYS);
    let mut h = harness(app);
    to_connect_aws(&mut h);
    click(&mut h, "What Escher needs");
    settle(&mut h);
    assert!(
        h.query_by_label_contains("\"Sid\": \"EscherReadOnly\"")
            .is_some()
    );
    assert!(
        h.query_by_label("arn:aws:iam::aws:policy/ReadOnlyAccess")
            .is_some()
    );
    assert!(
        h.query_by_label_contains("24-hour activation lag")
            .is_some()
    );
    assert!(h.query_by_label("Save as…").is_some());
    h.get_by_label("Copy policy").scroll_to_me();
    settle(&mut h);
    click(&mut h, "Copy policy");
    h.step();
    let copied = h.output().platform_output.commands.iter().any(
        |c| matches!(c, egui::OutputCommand::CopyText(t) if t == escher::aws::policy::POLICY_JSON),
    );
    assert!(copied);
    settle(&mut h);
    h.get_by_label("Open Cost Explorer in the Billing console")
        .scroll_to_me();
    settle(&mut h);
    h.get_by_label("Open Cost Explorer in the Billing console")
        .click();
    h.step();
    let url = h
        .output()
        .platform_output
        .commands
        .iter()
        .find_map(|c| match c {
            egui::OutputCommand::OpenUrl(u) => Some(u.url.clone()),
            _ => None,
        });
    assert_eq!(url.as_deref(), Some(escher::aws::policy::COST_EXPLORER_URL));
}

#[test]
fn the_wizard_works_from_the_keyboard() {
    let (_w, app) = world(PROD_CONFIG, PROD_KEYS);
    let mut h = harness(app);
    // Tab to "Get started", Enter to press it.
    for _ in 0..10 {
        if h.get_by_label("Get started").is_focused() {
            break;
        }
        h.key_press(egui::Key::Tab);
        settle(&mut h);
    }
    assert!(
        h.get_by_label("Get started").is_focused(),
        "Tab never reached Get started"
    );
    h.key_press(egui::Key::Enter);
    settle(&mut h);
    assert!(
        h.get_by_role_and_label(Role::TextInput, "Profile name")
            .is_focused(),
        "the name field has the keyboard when Connect AWS opens"
    );
    // Type a name, Enter runs Re-check.
    type_name(&mut h, "prod-admin");
    h.key_press(egui::Key::Enter);
    step_until(&mut h, "the verdict", |h| {
        h.query_by_label_contains("is verified").is_some()
    });
}

#[test]
fn at_800_by_600_the_navigation_stays_on_screen() {
    let (_w, app) = world(PROD_CONFIG, PROD_KEYS);
    let mut h = Harness::builder()
        .with_size(egui::vec2(800.0, 600.0))
        .build_ui_state(|ui, app: &mut EscherApp| app.show(ui), app);
    settle(&mut h);
    to_connect_aws(&mut h);
    let screen = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(800.0, 600.0));
    for label in [
        "Back",
        "Change method",
        "Continue to Azure",
        "Settings",
        "Troubleshooting",
        "Profile name",
    ] {
        let r = h.get_by_label(label).rect();
        assert!(
            screen.contains_rect(r),
            "{label} at {r:?} is off a 800x600 window"
        );
    }
}
