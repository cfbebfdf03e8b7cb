use escher::aws::profile_name::ProfileName;
use escher::commands::{Method, steps};
use escher::terminal::{LaunchEnv, LaunchError, TerminalRequest, linux_candidates, open};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// A directory of stand-in programs, first on PATH.
struct Bin {
    dir: tempfile::TempDir,
    sys: tempfile::TempDir,
}

impl Bin {
    fn new() -> Self {
        let bin = Bin {
            dir: tempfile::tempdir().unwrap(),
            sys: tempfile::tempdir().unwrap(),
        };
        // Only the system tools the stand-ins need: no real terminal can be
        // found, and `touch` is there so an injected command would leave a
        // trace. (`rm` is deliberately absent.)
        for tool in ["sh", "true", "touch"] {
            let real = ["/bin", "/usr/bin"]
                .iter()
                .map(|d| Path::new(d).join(tool))
                .find(|p| p.exists())
                .unwrap();
            std::os::unix::fs::symlink(real, bin.sys.path().join(tool)).unwrap();
        }
        // A stand-in `aws` that records its arguments, one per NUL.
        bin.script(
            "aws",
            &format!(
                "printf '%s\\0' \"$@\" > '{}'\n",
                bin.out("aws-argv").display()
            ),
        );
        bin
    }

    fn out(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn script(&self, name: &str, body: &str) {
        let p = self.dir.path().join(name);
        std::fs::write(&p, format!("#!/bin/sh\n{body}")).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    }

    /// A stand-in terminal: records its argv, drops `skip` leading
    /// arguments (its own flags), runs the rest with no input.
    fn terminal(&self, name: &str, skip: usize) {
        let argv = self.out(&format!("{name}-argv"));
        let output = self.out(&format!("{name}-output"));
        self.script(
            name,
            &format!(
                "printf '%s\\0' \"$@\" > '{}'\nshift {skip}\nSHELL=true exec \"$@\" < /dev/null > '{}' 2>&1\n",
                argv.display(),
                output.display()
            ),
        );
    }

    fn env(&self) -> LaunchEnv {
        LaunchEnv {
            path: Some(
                format!(
                    "{}:{}",
                    self.dir.path().display(),
                    self.sys.path().display()
                )
                .into(),
            ),
            terminal: None,
            desktop: None,
            aws_cli_dirs: None,
            prefers_iterm: false,
        }
    }
}

fn wait_for(path: &Path) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Ok(bytes) = std::fs::read(path)
            && !bytes.is_empty()
        {
            return String::from_utf8(bytes)
                .unwrap()
                .split_terminator('\0')
                .map(str::to_owned)
                .collect();
        }
        assert!(
            Instant::now() < deadline,
            "{} never appeared",
            path.display()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn wait_for_text(path: &Path, needle: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        if text.contains(needle) {
            return text;
        }
        assert!(
            Instant::now() < deadline,
            "{} never said {needle:?}; it has {text:?}",
            path.display()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn run_step(n: usize) -> TerminalRequest {
    let name = ProfileName::parse("prod-admin").unwrap();
    TerminalRequest {
        guide: vec![],
        run: Some(steps(Method::Sso, &name)[n].argv.clone()),
    }
}

#[test]
fn xterm_runs_the_command_with_one_argument_per_word() {
    let bin = Bin::new();
    bin.terminal("xterm", 1);
    let opened = open(&bin.env(), &run_step(1)).expect("opened");
    assert!(opened.ends_with("/xterm"), "{opened}");
    let argv = wait_for(&bin.out("xterm-argv"));
    assert_eq!(&argv[..3], ["-e", "sh", "-c"]);
    assert_eq!(
        wait_for(&bin.out("aws-argv")),
        ["sso", "login", "--profile", "prod-admin"]
    );
    wait_for_text(
        &bin.out("xterm-output"),
        "$ aws sso login --profile prod-admin",
    );
}

#[test]
fn open_terminal_prints_the_numbered_guide() {
    let bin = Bin::new();
    bin.terminal("xterm", 1);
    let name = ProfileName::parse("prod-admin").unwrap();
    let guide: Vec<String> = steps(Method::Sso, &name)
        .iter()
        .map(|s| format!("{}. {}", s.number, s.line()))
        .collect();
    open(&bin.env(), &TerminalRequest { guide, run: None }).expect("opened");
    let out = wait_for_text(
        &bin.out("xterm-output"),
        "3. aws sts get-caller-identity --profile prod-admin",
    );
    assert!(
        out.contains("1. aws configure sso --profile prod-admin"),
        "{out}"
    );
    assert!(
        !bin.out("aws-argv").exists(),
        "the guide must not run anything"
    );
}

#[test]
fn terminal_variable_comes_first() {
    let bin = Bin::new();
    bin.terminal("xterm", 1);
    bin.terminal("my-term", 1);
    let mut env = bin.env();
    env.terminal = Some("my-term".into());
    let opened = open(&env, &run_step(2)).expect("opened");
    assert!(opened.ends_with("/my-term"), "{opened}");
    assert_eq!(
        wait_for(&bin.out("aws-argv")),
        ["sts", "get-caller-identity", "--profile", "prod-admin"]
    );
}

#[test]
fn each_terminal_gets_its_own_convention() {
    let bin = Bin::new();
    for t in [
        "gnome-terminal",
        "konsole",
        "kitty",
        "alacritty",
        "wezterm",
        "xfce4-terminal",
        "xterm",
    ] {
        bin.terminal(t, 0);
    }
    let mut env = bin.env();
    env.desktop = Some("KDE".into());
    let c = linux_candidates(&env, &run_step(0));
    let shape: Vec<(String, Vec<String>)> = c
        .iter()
        .map(|l| {
            let prog = Path::new(&l.program)
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (prog, l.args[..l.args.len() - 3].to_vec())
        })
        .collect();
    let expect = |p: &str, a: &[&str]| {
        (
            p.to_owned(),
            a.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
        )
    };
    assert_eq!(
        shape,
        vec![
            expect("konsole", &["-e"]),
            expect("gnome-terminal", &["--"]),
            expect("kitty", &[]),
            expect("alacritty", &["-e"]),
            expect("wezterm", &["start", "--"]),
            expect("xfce4-terminal", &["-x"]),
            expect("xterm", &["-e"]),
        ]
    );
    // kitty takes the command positionally: run it for real.
    let kitty_only = Bin::new();
    kitty_only.terminal("kitty", 0);
    open(&kitty_only.env(), &run_step(1)).expect("opened");
    assert_eq!(
        wait_for(&kitty_only.out("aws-argv")),
        ["sso", "login", "--profile", "prod-admin"]
    );
}

#[test]
fn a_terminal_that_fails_at_once_falls_through_to_the_next() {
    let bin = Bin::new();
    bin.script(
        "x-terminal-emulator",
        "echo 'cannot open display' >&2\nexit 1\n",
    );
    bin.terminal("xterm", 1);
    let opened = open(&bin.env(), &run_step(1)).expect("opened");
    assert!(opened.ends_with("/xterm"), "{opened}");

    let broken = Bin::new();
    broken.script(
        "x-terminal-emulator",
        "echo 'cannot open display' >&2\nexit 1\n",
    );
    let err = open(&broken.env(), &run_step(1)).unwrap_err();
    assert!(matches!(err, LaunchError::Failed { .. }));
    let msg = err.to_string();
    assert!(
        msg.contains("cannot open display") && msg.contains("Copy"),
        "{msg}"
    );
}

#[test]
fn no_terminal_says_so_and_points_to_copy() {
    let bin = Bin::new();
    let err = open(&bin.env(), &run_step(0)).unwrap_err();
    assert!(matches!(err, LaunchError::NoTerminal));
    assert!(err.to_string().contains("Copy buttons"));
}

const HOSTILE: &[&str] = &[
    "a;rm -rf ~",
    "$(touch PWNED)",
    "`touch PWNED`",
    "x' ; touch PWNED ; '",
    "\"; touch PWNED; \"",
    "a\ntouch PWNED",
    "-rf",
    "prød",
    "a|touch PWNED",
    "a&&touch PWNED",
];

#[test]
fn hostile_names_are_refused_and_quoting_alone_would_hold() {
    for h in HOSTILE {
        assert!(ProfileName::parse(h).is_err(), "{h:?} was accepted");
    }
    // Bypass validation and hand each string straight to the launcher: the
    // quoting must deliver it to `aws` as one literal argument.
    let bin = Bin::new();
    bin.terminal("xterm", 1);
    for h in HOSTILE {
        let _ = std::fs::remove_file(bin.out("aws-argv"));
        let req = TerminalRequest {
            guide: vec![format!("profile {h}")],
            run: Some(vec![
                "aws".into(),
                "sso".into(),
                "login".into(),
                "--profile".into(),
                (*h).into(),
            ]),
        };
        open(&bin.env(), &req).expect("opened");
        assert_eq!(
            wait_for(&bin.out("aws-argv")),
            ["sso", "login", "--profile", h]
        );
    }
    for dir in [bin.dir.path(), bin.sys.path(), Path::new(".")] {
        assert!(
            !dir.join("PWNED").exists(),
            "a hostile name ran a command in {}",
            dir.display()
        );
    }
}
