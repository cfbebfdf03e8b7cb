//! Writing `~/.aws/config` when something else is in the way: the AWS
//! CLI's own config writer rewriting it meanwhile, a disk that refuses
//! bytes, a file its owner made read-only, one that belongs to another
//! user, and the backups each write leaves.

use super::sso_populate::{OLD_CONFIG, home, new_profile, portal, text, with_home};
use crate::common::Home;
use escher::aws::profiles::discover;
use escher::aws::sso_populate::write::{self, WriteError};
use escher::aws::sso_populate::{append, remove, sign_in_of};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::SystemTime;

fn config_path(home: &Home) -> PathBuf {
    home.path().join(".aws/config")
}

/// The sign-in of `me`, and a way to plan adding one profile from it.
fn planner(home: &Home) -> impl Fn(&str) -> Result<append::AppendPlan, WriteError> {
    let env = home.env("http://127.0.0.1:9");
    let sign_in = sign_in_of(&discover(&env), "me").unwrap();
    move |name| {
        append::plan(
            write::read(&env)?,
            &sign_in,
            vec![new_profile(name, "111111111111", "Admin")],
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
    // Until the race was seen both ways among ten writes, within bounds.
    let started = std::time::Instant::now();
    for round in 0..400 {
        let seen = added.len() + lost.len();
        if (seen >= 10 && !added.is_empty() && !lost.is_empty())
            || started.elapsed() > std::time::Duration::from_secs(40)
        {
            break;
        }
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
    assert!(rounds > 100, "the CLI's writer barely ran: {rounds} rounds");
}

/// `OLD_CONFIG` grown to 5.7 KB with the user's own notes, as in the report.
fn big_config() -> String {
    let mut text = format!("{OLD_CONFIG}\n");
    while text.len() < 5_700 {
        text.push_str("# a note of mine, kept through every write Escher makes\n");
    }
    text
}

#[test]
fn a_full_disk_leaves_nothing_behind_and_says_nothing_was_changed() {
    let aws = portal();
    let home = home();
    home.config(&big_config());
    let before = home.snapshot();
    // The kernel refuses every byte past 2 KB (dash counts 512-byte blocks,
    // bash 1 KB ones: 4 KB) with EFBIG, as a full disk does with ENOSPC;
    // SIGXFSZ ignored so the write returns the error instead of killing.
    let o = with_home(&mut Command::new("sh"), &home, &aws.url)
        .arg("-c")
        .arg(r#"trap '' XFSZ; ulimit -f 4; exec "$0" "$@""#)
        .arg(env!("CARGO_BIN_EXE_escher"))
        .args(["sso", "add", "me"])
        .output()
        .unwrap();
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("File too large"), "{err}");
    assert!(err.contains("Nothing was changed."), "{err}");
    let after = home.snapshot();
    assert_eq!(
        after.keys().collect::<Vec<_>>(),
        before.keys().collect::<Vec<_>>(),
        "a backup or a temporary file was left behind"
    );
    assert!(after == before, "the config changed");
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[cfg(unix)]
#[test]
fn a_config_its_owner_made_read_only_is_refused_even_for_root() {
    let home = home();
    set_mode(&config_path(&home), 0o444);
    let before = home.snapshot();
    let err = planner(&home)("Prod-Admin")
        .unwrap()
        .apply(SystemTime::now())
        .unwrap_err();
    assert!(matches!(err, WriteError::ReadOnly { .. }), "{err:?}");
    let msg = err.to_string();
    let path = config_path(&home).canonicalize().unwrap();
    assert!(
        msg.contains(&format!(
            "To let Escher write it, make it writable first: chmod u+w {}",
            path.display()
        )),
        "{msg}"
    );
    assert!(msg.contains("Nothing was changed."), "{msg}");
    assert_eq!(home.snapshot(), before);
    assert_eq!(mode(&config_path(&home)), 0o444);
}

/// Whether this process may give files away (root): the owner tests need it.
#[cfg(unix)]
fn can_chown(path: &Path) -> bool {
    match std::os::unix::fs::chown(path, Some(65534), Some(65534)) {
        Ok(()) => true,
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
            eprintln!("skipping: only root can make a file another user's");
            false
        }
        Err(e) => panic!("{e}"),
    }
}

#[cfg(unix)]
#[test]
fn root_keeps_the_owner_and_group_of_the_config_and_its_backup() {
    use std::os::unix::fs::MetadataExt;
    let home = home();
    let config = config_path(&home);
    if !can_chown(&config) {
        return;
    }
    set_mode(&config, 0o600);
    let w = planner(&home)("Prod-Admin")
        .unwrap()
        .apply(SystemTime::now())
        .unwrap();
    for file in [&config, &w.backup] {
        let m = std::fs::metadata(file).unwrap();
        assert_eq!(
            (m.uid(), m.gid(), mode(file)),
            (65534, 65534, 0o600),
            "{}",
            file.display()
        );
    }
    assert!(
        std::fs::read_to_string(&config)
            .unwrap()
            .contains("[profile Prod-Admin]")
    );
}

#[cfg(unix)]
#[test]
fn another_user_s_config_is_refused_when_its_owner_cannot_be_kept() {
    use std::os::unix::process::CommandExt;
    let home = home();
    // Escher's profiles to remove, in a file of root's anyone may write,
    // and Escher run as nobody (65534), who cannot give a file to root.
    let w = planner(&home)("Prod-Admin")
        .unwrap()
        .apply(SystemTime::now())
        .unwrap();
    std::fs::remove_file(&w.backup).unwrap();
    let config = config_path(&home);
    if !can_chown(&config) {
        return;
    }
    std::os::unix::fs::chown(&config, Some(0), Some(0)).unwrap();
    set_mode(&config, 0o666);
    set_mode(&home.path(), 0o755);
    set_mode(&home.path().join(".aws"), 0o777);
    // The binary where nobody may run it (the target folder may be under
    // root's own home): a hard link, or a copy on another file system.
    let bin_dir = tempfile::tempdir().unwrap();
    set_mode(bin_dir.path(), 0o755);
    let bin = bin_dir.path().join("escher");
    std::fs::hard_link(env!("CARGO_BIN_EXE_escher"), &bin)
        .or_else(|_| std::fs::copy(env!("CARGO_BIN_EXE_escher"), &bin).map(drop))
        .unwrap();
    let before = home.snapshot();
    let o = with_home(&mut Command::new(&bin), &home, "http://127.0.0.1:9")
        .args(["sso", "remove", "me"])
        .uid(65534)
        .gid(65534)
        .output()
        .unwrap();
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("belongs to user id 0, and Escher runs as another user"),
        "{err}"
    );
    assert!(err.contains("Nothing was changed."), "{err}");
    assert_eq!(
        home.snapshot(),
        before,
        "something was written or left behind"
    );
}

#[test]
fn only_writes_leave_backups_and_the_last_five_are_kept() {
    let home = home();
    let config = config_path(&home);
    let env = home.env("http://127.0.0.1:9");
    let sign_in = sign_in_of(&discover(&env), "me").unwrap();
    let mut last = None;
    for round in 0..4 {
        let w = planner(&home)(&format!("p{round}"))
            .unwrap()
            .apply(SystemTime::now())
            .unwrap();
        let before_removal = std::fs::read_to_string(&config).unwrap();
        let backup = remove::plan(write::read(&env).unwrap(), &sign_in, &discover(&env))
            .unwrap()
            .apply(SystemTime::now(), remove::Orphans::Refuse)
            .unwrap();
        assert_eq!(std::fs::read_to_string(&backup).unwrap(), before_removal);
        last = Some((w.backup, backup));
    }
    let kept = write::backups(&config);
    assert_eq!(kept.len(), write::BACKUPS_KEPT, "{kept:?}");
    let (add_backup, remove_backup) = last.unwrap();
    assert_eq!(
        kept[3..],
        [add_backup, remove_backup],
        "the newest are kept"
    );
    // A refused attempt (the file changed) and one with nothing to remove
    // make none.
    let plan = planner(&home)("late").unwrap();
    std::fs::write(&config, format!("{OLD_CONFIG}\n# edited\n")).unwrap();
    assert!(matches!(
        plan.apply(SystemTime::now()),
        Err(WriteError::Changed { .. })
    ));
    let nothing = remove::plan(write::read(&env).unwrap(), &sign_in, &discover(&env)).unwrap();
    assert!(matches!(
        nothing.apply(SystemTime::now(), remove::Orphans::Refuse),
        Err(WriteError::Nothing { .. })
    ));
    assert_eq!(write::backups(&config), kept);
}
