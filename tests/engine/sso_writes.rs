//! Writing `~/.aws/config` when something else is in the way: the AWS
//! CLI's own config writer rewriting it meanwhile, a disk that refuses
//! bytes, a file its owner made read-only, one that belongs to another
//! user, and the backups each write leaves.

use super::sso_populate::{OLD_CONFIG, home};
use crate::common::Home;
use escher::aws::profile_name::ProfileName;
use escher::aws::profiles::discover;
use escher::aws::sso_populate::render::NewProfile;
use escher::aws::sso_populate::write::{self, WriteError};
use escher::aws::sso_populate::{append, sign_in_of};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::SystemTime;

fn config_path(home: &Home) -> PathBuf {
    home.path().join(".aws/config")
}

fn one_profile(name: &str) -> Vec<NewProfile> {
    vec![NewProfile {
        name: ProfileName::parse(name).unwrap(),
        account_id: "111111111111".into(),
        role_name: "Admin".into(),
        region: None,
    }]
}

/// The sign-in of `me`, and a way to plan adding one profile from it.
fn planner(home: &Home) -> impl Fn(&str) -> Result<append::AppendPlan, WriteError> {
    let env = home.env("http://127.0.0.1:9");
    let sign_in = sign_in_of(&discover(&env), "me").unwrap();
    move |name| {
        append::plan(
            write::read(&env)?,
            &sign_in,
            one_profile(name),
            SystemTime::now(),
        )
    }
}

/// The AWS CLI's own `ConfigFileWriter` rewriting `config` in a loop in a
/// child process (tests/fixtures/awscli/config_writer.py); `None` when
/// awscli is not installed outside CI.
struct CliWriter {
    child: Child,
    stop: PathBuf,
}

impl CliWriter {
    fn start(config: &Path) -> Option<Self> {
        let python = std::env::var("ESCHER_TEST_PYTHON").unwrap_or_else(|_| "python3".into());
        let script = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/awscli/config_writer.py"
        );
        let stop = config.with_file_name("stop-the-cli-writer");
        let mut child = Command::new(&python)
            .arg(script)
            .arg(config)
            .arg(&stop)
            .args(["1000000", "60", "0.001"])
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .ok()?;
        let mut first = String::new();
        let stdout = child.stdout.as_mut().unwrap();
        BufReader::new(stdout).read_line(&mut first).unwrap();
        if first.trim() != "ready" {
            let out = child.wait_with_output().unwrap();
            let in_ci = std::env::var("CI").is_ok_and(|v| v == "true");
            assert!(
                !in_ci,
                "awscli's writer did not run ({}); CI must have it (scripts/test.sh installs it)",
                String::from_utf8_lossy(&out.stderr)
            );
            eprintln!("skipping: {python} with awscli is not here");
            return None;
        }
        Some(CliWriter { child, stop })
    }

    /// Stop it between two rounds (never inside a write) and wait for it;
    /// the number of rounds it wrote.
    fn stop(mut self) -> u64 {
        std::fs::write(&self.stop, "").unwrap();
        let mut rest = String::new();
        BufReader::new(self.child.stdout.take().unwrap())
            .read_line(&mut rest)
            .unwrap();
        assert!(self.child.wait().unwrap().success());
        std::fs::remove_file(&self.stop).unwrap();
        rest.trim().parse().unwrap()
    }
}

#[test]
fn an_add_the_aws_cli_overwrote_is_said_and_never_claimed() {
    let home = home();
    // A config of an organisation's size (the CLI's writer takes longer
    // between its read and its write), ending as that writer writes, so
    // its rounds keep the bytes the same.
    let mut start = format!("{OLD_CONFIG}\n");
    for n in 0..300 {
        start.push_str(&format!(
            "\n[profile org-{n}]\nsso_session = corp\nsso_account_id = {:012}\nsso_role_name = ReadOnly\n",
            n + 1
        ));
    }
    start.push_str("\n[profile cli]\noutput = json\n");
    home.config(&start);
    let plan_one = planner(&home);
    let Some(writer) = CliWriter::start(&config_path(&home)) else {
        return;
    };
    let (mut added, mut lost, mut changed) = (Vec::new(), Vec::new(), 0);
    for round in 0..25 {
        let name = format!("race-{round}");
        let plan = match plan_one(&name) {
            Ok(plan) => plan,
            // Read while the CLI had truncated it, again and again: no
            // base for a plan, or one whose sso-session is gone.
            Err(e @ WriteError::Unreadable { .. }) => {
                assert!(e.to_string().contains("kept changing"), "{e}");
                continue;
            }
            Err(e @ WriteError::WouldChange { .. }) => {
                assert!(e.to_string().contains("[sso-session corp]"), "{e}");
                continue;
            }
            Err(e) => panic!("{e}"),
        };
        match plan.apply(SystemTime::now()) {
            Ok(w) => added.push(w.names[0].clone()),
            Err(e @ WriteError::Lost { .. }) => {
                let msg = e.to_string();
                assert!(
                    msg.contains("while Escher wrote it: nothing was added; try again"),
                    "{msg}"
                );
                lost.push(name);
            }
            Err(WriteError::Changed { .. }) => changed += 1,
            Err(e) => panic!("round {round}: {e}"),
        }
    }
    let rounds = writer.stop();
    let text = std::fs::read_to_string(config_path(&home)).unwrap();
    let now = write::parse(&text).unwrap();
    for name in &added {
        assert!(
            now.get_profile(name).is_some(),
            "Escher said {name} was added, and it is not in the file ({added:?} added, {lost:?} lost)"
        );
    }
    for name in &lost {
        assert!(
            now.get_profile(name).is_none(),
            "Escher said {name} was lost, and it is in the file"
        );
    }
    // Nothing the user had is gone, whoever won each round.
    write::same_except(&write::parse(&start).unwrap(), &now, &[]).unwrap();
    eprintln!(
        "{} added, {} lost, {changed} changed under the preview; the CLI wrote {rounds} times",
        added.len(),
        lost.len()
    );
    assert!(!added.is_empty(), "no add got through the writer");
    assert!(!lost.is_empty(), "the writer never overwrote an add");
    assert!(
        rounds > 1000,
        "the CLI's writer barely ran: {rounds} rounds"
    );
}
