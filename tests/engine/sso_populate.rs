//! Adding the accounts and roles an SSO sign-in reaches, against a local
//! portal (paged, throttled) and real files; the result read back by
//! aws-config and by botocore, the AWS CLI's own parser.

use crate::common::{FakeAws, FakeIdentity, Home};
use escher::aws::check::Connections;
use escher::aws::diagnose::Case;
use escher::aws::profile_name::ProfileName;
use escher::aws::profiles::discover;
use escher::aws::sso_populate::list::{ListError, Pace, list};
use escher::aws::sso_populate::naming::{DEFAULT_TEMPLATE, Template, propose};
use escher::aws::sso_populate::render::NewProfile;
use escher::aws::sso_populate::write::{self, WriteError};
use escher::aws::sso_populate::{Row, append, remove, rows, sign_in_of, taken_names, to_add};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, SystemTime};

pub const OLD_CONFIG: &str = "# my config: keep me\n\
[default]\nregion = us-east-2\n\n\
[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n\n\
; the profile I made by hand\n\
[profile me]\nsso_session = corp\nsso_account_id = 111111111111\nsso_role_name = ReadOnly\nregion = eu-west-1\n\n\
[profile Dev-ReadOnly]\nregion = ap-south-1";

pub const HOSTILE: &str = "Lab [test] $(touch /tmp/pwned); `id` 'q' \"dq\"\n[profile evil]";

/// The portal: three accounts (one with a hostile name), four roles.
pub fn portal() -> FakeAws {
    let aws = FakeAws::start();
    for (account, role, key) in [
        ("111111111111", "Admin", "AKIAPRODADMIN"),
        ("111111111111", "ReadOnly", "AKIAPRODRO"),
        ("222222222222", "ReadOnly", "AKIADEVRO"),
        ("333333333333", "Audit", "AKIALAB"),
    ] {
        aws.sso_assignment("tok", account, role, key);
        aws.identity(key, FakeIdentity::user(account, role));
    }
    aws.account_name("111111111111", "Prod (EU)")
        .account_name("222222222222", "Dev")
        .account_name("333333333333", HOSTILE);
    aws
}

pub fn home() -> Home {
    let home = Home::new();
    home.config(OLD_CONFIG);
    home.sso_token("corp", "tok", 3600);
    home
}

fn quick() -> Pace {
    Pace {
        first_wait: Duration::from_millis(1),
        longest_wait: Duration::from_millis(20),
        ..Pace::default()
    }
}

fn listed(home: &Home, aws: &FakeAws) -> Result<Vec<Row>, ListError> {
    let env = home.env(&aws.url);
    let files = discover(&env);
    let sign_in = sign_in_of(&files, "me").unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let conns = Connections::default();
    let reach = rt.block_on(list(&env, &files, &sign_in, &conns, &quick()))?;
    Ok(rows(&sign_in, reach, &files))
}

fn config_path(home: &Home) -> std::path::PathBuf {
    home.path().join(".aws/config")
}

/// botocore's reading of `config`: (profiles with their keys, resolved
/// regions). `None` when botocore is not installed outside CI.
fn botocore(config: &Path) -> Option<Value> {
    let python = std::env::var("ESCHER_TEST_PYTHON").unwrap_or_else(|_| "python3".into());
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/botocore/profiles.py"
    );
    let out = Command::new(&python)
        .arg(script)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", config.parent().unwrap())
        .env("AWS_CONFIG_FILE", config)
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .output();
    let in_ci = std::env::var("CI").is_ok_and(|v| v == "true");
    match out {
        Ok(o) if o.status.success() => Some(serde_json::from_slice(&o.stdout).unwrap()),
        other => {
            assert!(
                !in_ci,
                "botocore did not run ({other:?}); CI must have it (scripts/test.sh installs it)"
            );
            eprintln!("skipping the botocore half: {python} with botocore is not here");
            None
        }
    }
}

#[test]
fn every_account_and_role_is_listed_through_pages_and_throttling() {
    let aws = portal();
    aws.page_size(1).throttle_every(3);
    let home = home();
    let got = listed(&home, &aws).unwrap();
    let seen: Vec<(&str, &str, &str, Option<&str>)> = got
        .iter()
        .map(|r| {
            (
                r.reach.account_name.as_str(),
                r.reach.account_id.as_str(),
                r.reach.role_name.as_str(),
                r.existing.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("Dev", "222222222222", "ReadOnly", None),
            (HOSTILE, "333333333333", "Audit", None),
            ("Prod (EU)", "111111111111", "Admin", None),
            ("Prod (EU)", "111111111111", "ReadOnly", Some("me")),
        ]
    );
    assert!(aws.throttled_calls() > 0, "the portal never throttled");
    // One page per item: 3 account pages and 4 role pages, plus retries.
    assert_eq!(aws.listing_calls(), 7 + aws.throttled_calls());
}

#[test]
fn an_expired_sign_in_says_so_with_the_sign_in_command() {
    let aws = portal();
    let home = home();
    home.sso_token("corp", "tok", -60);
    let Err(ListError::SignIn(d)) = listed(&home, &aws) else {
        panic!("an expired sign-in was listed");
    };
    assert_eq!(d.case, Case::SsoTokenExpired);
    assert_eq!(d.command.as_deref(), Some("aws sso login --profile me"));
    // A token the portal no longer accepts: the same case.
    home.sso_token("corp", "revoked", 3600);
    let Err(ListError::SignIn(d)) = listed(&home, &aws) else {
        panic!("a revoked sign-in was listed");
    };
    assert_eq!(d.case, Case::SsoTokenExpired);
    assert_eq!(aws.sso_calls(), 0);
}

/// A profile to add, as the portal could offer it.
pub fn new_profile(name: &str, account: &str, role: &str) -> NewProfile {
    NewProfile {
        name: ProfileName::parse(name).unwrap(),
        account_id: account.into(),
        role_name: role.into(),
        region: None,
    }
}

/// The plan for adding `p` from the sign-in of `me`, from the file as it is.
fn plan_one(home: &Home, p: NewProfile) -> Result<append::AppendPlan, WriteError> {
    let env = home.env("http://127.0.0.1:9");
    let sign_in = sign_in_of(&discover(&env), "me").unwrap();
    append::plan(write::read(&env)?, &sign_in, vec![p], SystemTime::now())
}

/// The whole add: names, the plan, the write, read back.
fn add_all(home: &Home, aws: &FakeAws, region: &str) -> append::Written {
    let env = home.env(&aws.url);
    let files = discover(&env);
    let rows = listed(home, aws).unwrap();
    let names = propose(
        &rows,
        &Template::parse(DEFAULT_TEMPLATE).unwrap(),
        "",
        &taken_names(&files),
    );
    let profiles = to_add(&rows, &names, |_| true, region);
    let sign_in = sign_in_of(&files, "me").unwrap();
    let plan = append::plan(
        write::read(&env).unwrap(),
        &sign_in,
        profiles,
        SystemTime::now(),
    )
    .unwrap();
    plan.apply(SystemTime::now()).unwrap()
}

#[test]
fn added_profiles_read_back_as_chosen_and_old_ones_as_before() {
    let aws = portal();
    let home = home();
    let before_boto = botocore(&config_path(&home));
    let written = add_all(&home, &aws, "eu-west-1");
    assert_eq!(
        written.names,
        [
            "Dev-ReadOnly-2",
            "Lab-test-touch-/tmp/pwned-id-q-dq-profile-evil-Audit",
            "Prod-EU-Admin"
        ]
    );
    let text = std::fs::read_to_string(config_path(&home)).unwrap();
    assert!(
        text.starts_with(OLD_CONFIG),
        "the old bytes are not kept at the top"
    );
    assert_eq!(
        std::fs::read_to_string(&written.backup).unwrap(),
        OLD_CONFIG
    );
    assert!(
        written
            .backup
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("config.escher-backup-"),
        "{}",
        written.backup.display()
    );
    assert!(
        !text.contains("pwned)"),
        "the account name itself reached the file"
    );

    // aws-config: every new profile as chosen, every old one as before.
    let old = write::parse(OLD_CONFIG).unwrap();
    let new = write::parse(&text).unwrap();
    write::same_except(&old, &new, &[]).unwrap();
    let expect = [
        ("Dev-ReadOnly-2", "222222222222", "ReadOnly"),
        (
            "Lab-test-touch-/tmp/pwned-id-q-dq-profile-evil-Audit",
            "333333333333",
            "Audit",
        ),
        ("Prod-EU-Admin", "111111111111", "Admin"),
    ];
    for (name, account, role) in expect {
        let p = new
            .get_profile(name)
            .unwrap_or_else(|| panic!("{name} is not read"));
        assert_eq!(p.get("sso_account_id"), Some(account));
        assert_eq!(p.get("sso_role_name"), Some(role));
        assert_eq!(p.get("sso_session"), Some("corp"));
        assert_eq!(p.get("region"), Some("eu-west-1"));
    }
    let discovered = discover(&home.env(&aws.url));
    assert!(discovered.problems.is_empty(), "{:?}", discovered.problems);
    assert_eq!(discovered.profiles.len(), 2 + 1 + 3);

    // botocore: the same, and the old profiles exactly as botocore read them before.
    let (Some(before), Some(after)) = (before_boto, botocore(&config_path(&home))) else {
        return;
    };
    for (name, keys) in before["profiles"].as_object().unwrap() {
        assert_eq!(
            &after["profiles"][name], keys,
            "{name} reads differently for botocore"
        );
        assert_eq!(after["regions"][name], before["regions"][name]);
    }
    assert_eq!(after["sso_sessions"], before["sso_sessions"]);
    for (name, account, role) in expect {
        let p = &after["profiles"][name];
        assert_eq!(p["sso_account_id"], account, "{name}: {p}");
        assert_eq!(p["sso_role_name"], role);
        assert_eq!(p["sso_session"], "corp");
        assert_eq!(after["regions"][name], "eu-west-1");
    }
    let names: BTreeMap<&String, &Value> = after["profiles"].as_object().unwrap().iter().collect();
    assert_eq!(names.len(), 6, "{names:?}");
}

#[test]
fn the_written_file_keeps_its_permissions_and_a_symlink_stays_a_link() {
    use std::os::unix::fs::PermissionsExt;
    let aws = portal();
    let home = home();
    // The config kept in a dotfiles repository, linked from ~/.aws.
    let repo = home.path().join("dotfiles");
    std::fs::create_dir(&repo).unwrap();
    let real = repo.join("aws-config");
    std::fs::rename(config_path(&home), &real).unwrap();
    std::os::unix::fs::symlink(&real, config_path(&home)).unwrap();
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o600)).unwrap();
    let written = add_all(&home, &aws, "");
    assert!(
        std::fs::symlink_metadata(config_path(&home))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(written.path, real.canonicalize().unwrap());
    // The backup beside the link, never inside the repository.
    assert_eq!(
        written.backup.parent(),
        Some(home.path().join(".aws").as_path())
    );
    assert!(
        written
            .backup
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("config.escher-backup-"),
        "{}",
        written.backup.display()
    );
    let in_repo: Vec<_> = std::fs::read_dir(&repo)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(in_repo, ["aws-config"]);
    assert_eq!(
        std::fs::metadata(&real).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let text = std::fs::read_to_string(&real).unwrap();
    assert!(
        !text.contains("\nregion = \n"),
        "an empty region was written"
    );
}

#[test]
fn a_file_changed_after_the_preview_is_not_written() {
    let aws = portal();
    let home = home();
    let env = home.env(&aws.url);
    let files = discover(&env);
    let rows = listed(&home, &aws).unwrap();
    let names = propose(
        &rows,
        &Template::parse(DEFAULT_TEMPLATE).unwrap(),
        "",
        &taken_names(&files),
    );
    let sign_in = sign_in_of(&files, "me").unwrap();
    let plan = append::plan(
        write::read(&env).unwrap(),
        &sign_in,
        to_add(&rows, &names, |_| true, "eu-west-1"),
        SystemTime::now(),
    )
    .unwrap();
    // The user saves a change in their editor meanwhile.
    let edited = format!("{OLD_CONFIG}\n[profile typed-meanwhile]\nregion = us-west-2\n");
    std::fs::write(config_path(&home), &edited).unwrap();
    let before = home.snapshot();
    let err = plan.apply(SystemTime::now()).unwrap_err();
    assert!(matches!(err, WriteError::Changed { .. }), "{err:?}");
    assert!(
        err.to_string().contains("changed after the preview"),
        "{err}"
    );
    assert_eq!(
        home.snapshot(),
        before,
        "something was written (or backed up)"
    );
}

#[test]
fn remove_takes_out_only_what_escher_added_and_restores_the_file() {
    let aws = portal();
    let home = home();
    add_all(&home, &aws, "eu-west-1");
    // The user keeps editing around Escher's sections.
    let mut text = std::fs::read_to_string(config_path(&home)).unwrap();
    text.push_str("\n# a note of mine\n[profile later]\nregion = sa-east-1\n");
    std::fs::write(config_path(&home), &text).unwrap();
    let expected =
        format!("{OLD_CONFIG}\n\n# a note of mine\n[profile later]\nregion = sa-east-1\n");

    let env = home.env(&aws.url);
    let sign_in = sign_in_of(&discover(&env), "me").unwrap();
    let plan = remove::plan(write::read(&env).unwrap(), &sign_in, &discover(&env)).unwrap();
    assert_eq!(plan.names().len(), 3);
    assert!(plan.text().contains("[profile Prod-EU-Admin]"));
    let backup = plan
        .apply(SystemTime::now(), remove::Orphans::Refuse)
        .unwrap();
    let after = std::fs::read_to_string(config_path(&home)).unwrap();
    assert_eq!(after, expected);
    assert_eq!(std::fs::read_to_string(backup).unwrap(), text);
    let old = write::parse(&expected).unwrap();
    let now = write::parse(&after).unwrap();
    write::same_except(&old, &now, &[]).unwrap();
    assert_eq!(old.profiles().count(), now.profiles().count());
}

#[test]
fn a_second_add_proposes_only_what_is_new() {
    let aws = portal();
    let home = home();
    add_all(&home, &aws, "eu-west-1");
    let rows = listed(&home, &aws).unwrap();
    assert!(rows.iter().all(|r| r.existing.is_some()), "{rows:?}");
}

#[test]
fn hostile_names_reach_the_shell_only_quoted() {
    use escher::aws::sso_populate::render::configure_commands;
    let aws = portal();
    let home = home();
    let env = home.env(&aws.url);
    let files = discover(&env);
    let rows = listed(&home, &aws).unwrap();
    let t = Template::parse("{prefix}{account_name}/{role_name}").unwrap();
    let names = propose(&rows, &t, "o'rg $(x) ", &taken_names(&files));
    let profiles = to_add(&rows, &names, |_| true, "eu-west-1");
    let sign_in = sign_in_of(&files, "me").unwrap();
    for (cmd, p) in configure_commands(&sign_in, &profiles)
        .iter()
        .zip(profiles.iter().flat_map(|p| [p; 4]))
    {
        // A real shell, with `aws` a function printing each argument.
        let out = Command::new("sh")
            .arg("-c")
            .arg(format!("aws() {{ printf '%s\\n' \"$@\"; }}; {cmd}"))
            .current_dir(home.path())
            .output()
            .unwrap();
        let argv = String::from_utf8(out.stdout).unwrap();
        let words: Vec<&str> = argv.lines().collect();
        assert_eq!(words[0..2], ["configure", "set"], "{cmd}");
        assert_eq!(
            words[words.len() - 2..],
            ["--profile", p.name.as_str()],
            "{cmd}"
        );
        assert_eq!(words.len(), 6, "{cmd} split into {words:?}");
    }
    assert!(!home.path().join("tmp").exists() && !Path::new("/tmp/pwned").exists());
}

/// The real binary, with only this home and the local portal.
fn escher(home: &Home, aws: &FakeAws, args: &[&str]) -> std::process::Output {
    with_home(
        &mut Command::new(env!("CARGO_BIN_EXE_escher")),
        home,
        &aws.url,
    )
    .args(args)
    .output()
    .unwrap()
}

/// `cmd` with only this home and the local portal in its environment.
pub fn with_home<'a>(cmd: &'a mut Command, home: &Home, url: &str) -> &'a mut Command {
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home.path())
        .env("ESCHER_CONFIG_DIR", home.path().join("escher-settings"))
        .env("AWS_ENDPOINT_URL", url)
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn escher_sso_accounts_lists_what_the_sign_in_reaches() {
    let aws = portal();
    let home = home();
    let o = escher(&home, &aws, &["sso", "accounts", "me", "--json"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let rows: Value = serde_json::from_slice(&o.stdout).unwrap();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 4);
    assert_eq!(
        rows[3],
        serde_json::json!({"account_id": "111111111111", "account_name": "Prod (EU)", "role_name": "ReadOnly",
            "existing_profile": "me", "proposed_name": null})
    );
    assert_eq!(rows[0]["proposed_name"], "Dev-ReadOnly-2");
    assert_eq!(rows[1]["account_name"], HOSTILE);
    let o = escher(&home, &aws, &["sso", "accounts", "me"]);
    let out = text(&o.stdout);
    assert_eq!(
        out.lines().count(),
        4,
        "a line break from the portal reached the terminal: {out}"
    );
    assert!(
        out.contains("111111111111  ReadOnly  Prod (EU)  already me"),
        "{out}"
    );
}

#[test]
fn escher_sso_add_previews_appends_and_remove_undoes_it() {
    let aws = portal();
    let home = home();
    let o = escher(
        &home,
        &aws,
        &[
            "sso",
            "add",
            "me",
            "--dry-run",
            "--template",
            "org2-{account_id}-{role_name}",
        ],
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(
        out.starts_with("3 profiles would be added to the end of "),
        "{out}"
    );
    assert!(out.contains("[profile org2-222222222222-ReadOnly]\nsso_session = corp\nsso_account_id = 222222222222\nsso_role_name = ReadOnly\nregion = eu-west-1\n"), "{out}");
    assert_eq!(
        std::fs::read_to_string(config_path(&home)).unwrap(),
        OLD_CONFIG,
        "a dry run wrote"
    );

    let o = escher(
        &home,
        &aws,
        &["sso", "add", "me", "--region", "ap-northeast-1"],
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(out.starts_with("Added 3 profiles to "), "{out}");
    assert!(out.contains("config.escher-backup-"), "{out}");
    assert!(
        out.contains("(Escher keeps its last 5 backups of the file there)"),
        "{out}"
    );
    assert!(
        out.contains("  Prod-EU-Admin  111111111111  Admin\n"),
        "{out}"
    );
    let written = std::fs::read_to_string(config_path(&home)).unwrap();
    assert!(written.contains("[profile Prod-EU-Admin]\nsso_session = corp\nsso_account_id = 111111111111\nsso_role_name = Admin\nregion = ap-northeast-1\n"));

    let o = escher(&home, &aws, &["sso", "add", "me"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("nothing to add"),
        "{}",
        text(&o.stderr)
    );

    let o = escher(&home, &aws, &["sso", "remove", "me", "--dry-run"]);
    assert!(o.status.success());
    assert!(text(&o.stdout).starts_with("3 profiles Escher added would be removed from "));
    let o = escher(&home, &aws, &["sso", "remove", "me"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(
        std::fs::read_to_string(config_path(&home)).unwrap(),
        format!("{OLD_CONFIG}\n")
    );
    let o = escher(&home, &aws, &["sso", "remove", "me"]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn escher_sso_says_what_cannot_be_done() {
    let aws = portal();
    let home = home();
    let o = escher(&home, &aws, &["sso", "add", "me", "--template", "{acount}"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("{acount} is not a placeholder"),
        "{}",
        text(&o.stderr)
    );
    let o = escher(&home, &aws, &["sso", "add", "me", "--region", "eu west"]);
    assert_eq!(o.status.code(), Some(2));
    let o = escher(&home, &aws, &["sso", "accounts", "Dev-ReadOnly"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("Profile Dev-ReadOnly cannot be used: it has no credentials"),
        "{}",
        text(&o.stderr)
    );
    home.sso_token("corp", "tok", -60);
    let o = escher(&home, &aws, &["sso", "add", "me"]);
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(err.contains("Your SSO session has expired"), "{err}");
    assert!(err.contains("$ aws sso login --profile me"), "{err}");
    assert_eq!(
        std::fs::read_to_string(config_path(&home)).unwrap(),
        OLD_CONFIG
    );
}

#[test]
fn a_write_that_would_read_differently_is_refused() {
    use escher::aws::sso_populate::render::MARKER;
    let aws = portal();
    let home = home();
    let env = home.env(&aws.url);
    let sign_in = sign_in_of(&discover(&env), "me").unwrap();
    // A name already in the file: appending would merge into it.
    let err = plan_one(
        &home,
        new_profile("Dev-ReadOnly", "222222222222", "ReadOnly"),
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("profile Dev-ReadOnly would read differently"),
        "{err}"
    );
    // The user gave a section Escher added a second half of their own:
    // removing Escher's would change the profile, so nothing is removed.
    let text = format!(
        "{OLD_CONFIG}\n\n{MARKER}T from sso-session corp\n[profile p1]\nsso_session = corp\n\n[profile p1]\noutput = json\n"
    );
    std::fs::write(config_path(&home), &text).unwrap();
    let err = remove::plan(write::read(&env).unwrap(), &sign_in, &discover(&env)).unwrap_err();
    assert!(matches!(err, WriteError::WouldChange { .. }), "{err:?}");
    assert!(
        err.to_string()
            .contains("another section named profile p1 would remain"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(config_path(&home)).unwrap(), text);
}

#[test]
fn a_legacy_profile_s_accounts_get_the_legacy_keys() {
    let aws = portal();
    let home = Home::new();
    let legacy = "[profile old]\nsso_start_url = https://corp.awsapps.com/start/\nsso_region = us-east-1\n\
                  sso_account_id = 222222222222\nsso_role_name = ReadOnly\n";
    home.config(legacy);
    home.sso_token("https://corp.awsapps.com/start/", "tok", 3600);
    let env = home.env(&aws.url);
    let files = discover(&env);
    let sign_in = sign_in_of(&files, "old").unwrap();
    assert_eq!(sign_in.session, None);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let reach = rt
        .block_on(list(
            &env,
            &files,
            &sign_in,
            &Connections::default(),
            &quick(),
        ))
        .unwrap();
    let rows = rows(&sign_in, reach, &files);
    assert_eq!(
        rows.iter()
            .filter(|r| r.existing.as_deref() == Some("old"))
            .count(),
        1
    );
    let names = propose(&rows, &Template::default(), "", &taken_names(&files));
    let profiles = to_add(&rows, &names, |_| true, "");
    let plan = append::plan(
        write::read(&env).unwrap(),
        &sign_in,
        profiles,
        SystemTime::now(),
    )
    .unwrap();
    assert!(plan.text.contains("from sso_start_url https://corp.awsapps.com/start/\n[profile Prod-EU-Admin]\n\
        sso_start_url = https://corp.awsapps.com/start/\nsso_region = us-east-1\nsso_account_id = 111111111111\nsso_role_name = Admin\n"), "{}", plan.text);
    plan.apply(SystemTime::now()).unwrap();
    let after = discover(&env);
    let p = after.get("Prod-EU-Admin").unwrap();
    assert_eq!(p.kind, escher::aws::profiles::Kind::SsoLegacy);
    assert_eq!(
        (
            p.sso_account_id.as_deref(),
            p.sso_role_name.as_deref(),
            p.region.as_deref()
        ),
        (Some("111111111111"), Some("Admin"), None)
    );
    if let Some(boto) = botocore(&config_path(&home)) {
        let b = &boto["profiles"]["Prod-EU-Admin"];
        assert_eq!(b["sso_start_url"], "https://corp.awsapps.com/start/");
        assert_eq!(b["sso_region"], "us-east-1");
        assert_eq!(b["sso_role_name"], "Admin");
        assert_eq!(boto["regions"]["Prod-EU-Admin"], Value::Null);
    }
    let plan = remove::plan(write::read(&env).unwrap(), &sign_in, &discover(&env)).unwrap();
    assert_eq!(plan.names().len(), 3);
    plan.apply(SystemTime::now(), remove::Orphans::Refuse)
        .unwrap();
    assert_eq!(std::fs::read_to_string(config_path(&home)).unwrap(), legacy);
}

#[test]
fn the_listing_trusts_the_profiles_ca_bundle_as_its_recheck_does() {
    let (ca_pem, tls) = crate::common::company_ca();
    let aws = FakeAws::start_tls(tls);
    aws.sso_assignment("tok", "111111111111", "ReadOnly", "AKIAPRODRO");
    let home = home();
    let bundle = home.path().join("company-ca.pem");
    std::fs::write(&bundle, &ca_pem).unwrap();
    let with_bundle = |path: &Path| {
        OLD_CONFIG.replace(
            "role_name = ReadOnly\n",
            &format!("role_name = ReadOnly\nca_bundle = {}\n", path.display()),
        )
    };
    home.config(&with_bundle(&bundle));
    let rows = listed(&home, &aws).unwrap();
    assert_eq!(rows.len(), 1, "{rows:?}");

    home.config(&with_bundle(&home.path().join("gone.pem")));
    let Err(ListError::Trust(d)) = listed(&home, &aws) else {
        panic!("a missing bundle is the check's own case");
    };
    assert_eq!(d.case, Case::CaBundleInvalid);
    assert!(d.explanation.contains("gone.pem"), "{}", d.explanation);
}

#[test]
fn remove_refuses_while_another_profile_s_source_would_go() {
    let aws = portal();
    let home = home();
    let o = escher(&home, &aws, &["sso", "add", "me"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    // The user's own role profiles on top of what Escher added, in both files.
    let mut config = std::fs::read_to_string(config_path(&home)).unwrap();
    config.push_str(
        "\n[profile deploy]\nrole_arn = arn:aws:iam::111111111111:role/Deploy\nsource_profile = Prod-EU-Admin\n\
         \n[profile ci]\nrole_arn = arn:aws:iam::111111111111:role/Ci\nsource_profile = deploy\n\
         \n[profile fine]\nrole_arn = arn:aws:iam::111111111111:role/Fine\nsource_profile = me\n",
    );
    std::fs::write(config_path(&home), &config).unwrap();
    home.credentials(
        "[nightly]\nrole_arn = arn:aws:iam::222222222222:role/Nightly\nsource_profile = Dev-ReadOnly-2\n",
    );
    let before = home.snapshot();

    let o = escher(&home, &aws, &["sso", "remove", "me"]);
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(err.contains("escher: nothing was removed from "), "{err}");
    for named in [
        "  ci (through deploy to Prod-EU-Admin)\n",
        "  deploy (its source_profile is Prod-EU-Admin)\n",
        "  nightly (its source_profile is Dev-ReadOnly-2)\n",
    ] {
        assert!(err.contains(named), "{named:?} is not named: {err}");
    }
    assert!(!err.contains("fine"), "{err}");
    assert!(
        err.contains("then run `escher sso remove me` again"),
        "{err}"
    );
    assert_eq!(
        home.snapshot(),
        before,
        "something was removed or backed up"
    );

    // The engine refuses the same unless told to leave them (the window's
    // answer once it has named them).
    let env = home.env(&aws.url);
    let files = discover(&env);
    let sign_in = sign_in_of(&files, "me").unwrap();
    let plan = remove::plan(write::read(&env).unwrap(), &sign_in, &files).unwrap();
    let names: Vec<&str> = plan.orphans.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(names, ["ci", "deploy", "nightly"]);
    let err = plan
        .apply(SystemTime::now(), remove::Orphans::Refuse)
        .unwrap_err();
    assert!(matches!(err, WriteError::WouldOrphan { .. }), "{err:?}");
    assert_eq!(home.snapshot(), before);
    plan.apply(SystemTime::now(), remove::Orphans::Leave)
        .unwrap();
    assert!(
        !std::fs::read_to_string(config_path(&home))
            .unwrap()
            .contains("[profile Prod-EU-Admin]")
    );
}

#[test]
fn portal_text_reaches_the_terminal_printable_and_all_refused_is_said() {
    let aws = FakeAws::start();
    // Roles no config file can hold, with a terminal title and a clear
    // screen in them, and account names with the same.
    let evil_role = "Admin\u{1b}]0;pwned\u{7}\u{1b}[2J";
    aws.sso_assignment("tok", "111111111111", evil_role, "AKIAEVIL1");
    aws.sso_assignment("tok", "222222222222", "Read\u{1b}[31mOnly\r\n", "AKIAEVIL2");
    aws.account_name("111111111111", "Prod\u{1b}[8m hidden")
        .account_name("222222222222", "Dev\u{9b}31m");
    let home = home();
    let o = escher(&home, &aws, &["sso", "accounts", "me"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let (out, err) = (text(&o.stdout), text(&o.stderr));
    for (what, t) in [("stdout", &out), ("stderr", &err)] {
        assert!(
            !t.chars().any(|c| c.is_control() && c != '\n'),
            "a control character reached the terminal on {what}: {t:?}"
        );
    }
    assert_eq!(out.lines().count(), 2, "{out}");
    assert!(
        out.contains("cannot add: the portal gave a role name"),
        "{out}"
    );
    assert!(
        err.contains("nothing to add: every account and role the portal gave has a value a config file cannot hold safely"),
        "{err}"
    );

    let o = escher(&home, &aws, &["sso", "add", "me"]);
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(
        !err.chars().any(|c| c.is_control() && c != '\n'),
        "a control character reached the terminal: {err:?}"
    );
    assert!(err.contains("escher: 111111111111 Admin"), "{err}");
    assert!(
        err.contains(
            "every account and role the portal gave has a value a config file cannot hold safely"
        ),
        "{err}"
    );
    assert!(!err.contains("already a profile"), "{err}");
    assert_eq!(
        std::fs::read_to_string(config_path(&home)).unwrap(),
        OLD_CONFIG
    );
}

#[test]
fn default_is_never_written() {
    let aws = portal();
    let home = home();
    let o = escher(
        &home,
        &aws,
        &["sso", "add", "me", "--template", "default", "--dry-run"],
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(!out.contains("[profile default]"), "{out}");
    for n in 2..=4 {
        assert!(out.contains(&format!("[profile default-{n}]")), "{out}");
    }
    assert!(
        text(&o.stderr).contains(
            "“default” is the profile every aws command without --profile uses; named default-2 instead"
        ),
        "{}",
        text(&o.stderr)
    );
    // Nor can the engine be handed one.
    let err = plan_one(&home, new_profile("default", "111111111111", "Admin")).unwrap_err();
    assert!(
        err.to_string()
            .contains("a profile named default is never added"),
        "{err}"
    );
}
