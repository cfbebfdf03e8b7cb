use escher::aws::profile_name::ProfileName;
use escher::commands::{Method, steps};
use escher::terminal::{
    LaunchEnv, LaunchError, Patience, TerminalRequest, first_that_opens, macos_launch, open_with,
    typed_line, write_typed_script,
};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Every stand-in here exits soon after it starts, so a long look decides
/// each launch by its exit status, never by how fast the machine is.
fn patient() -> Patience {
    Patience {
        look: Duration::from_secs(120),
        answer: Duration::from_secs(120),
    }
}

/// How a terminal takes the command it runs, as its own CLI does.
#[derive(Clone, Copy)]
enum Takes {
    /// `-e`, `-x`, `--`: the rest of the line is the command and its words.
    RestAfter(&'static str),
    /// `foot sh -c …`, `kitty sh -c …`
    Positional,
    /// `wezterm start -- sh -c …`
    WeztermStart,
    /// tilix `-e`, ptyxis `-x`: ONE string, split as a shell would.
    OneStringAfter(&'static str),
}

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
        for tool in ["sh", "true", "touch", "sleep"] {
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

    /// A stand-in terminal that takes its command the way `takes` says and
    /// refuses any other shape, as the real one would. It records its argv
    /// and that it started, then runs the command with no input.
    fn terminal(&self, name: &str, takes: Takes) {
        let check = match takes {
            Takes::RestAfter(flag) => format!("[ \"$1\" = '{flag}' ] || bad; shift"),
            Takes::Positional => "case \"$1\" in -*) bad ;; esac".to_owned(),
            Takes::WeztermStart => "[ \"$1\" = start ] && [ \"$2\" = -- ] || bad; shift 2".into(),
            Takes::OneStringAfter(flag) => {
                format!("[ \"$1\" = '{flag}' ] && [ $# -eq 2 ] || bad; eval \"set -- $2\"")
            }
        };
        self.script(
            name,
            &format!(
                "bad() {{ echo \"{name}: unexpected arguments\" >&2; exit 2; }}\n\
                 printf '%s\\0' \"$@\" > '{argv}'\n\
                 echo {name} >> '{started}'\n\
                 {check}\n\
                 SHELL=true exec \"$@\" < /dev/null > '{output}' 2>&1\n",
                argv = self.out(&format!("{name}-argv")).display(),
                started = self.out("started").display(),
                output = self.out(&format!("{name}-output")).display(),
            ),
        );
    }

    /// A stand-in terminal that cannot open a window.
    fn broken_terminal(&self, name: &str) {
        self.script(
            name,
            &format!(
                "echo {name} >> '{}'\necho 'cannot open display' >&2\nexit 1\n",
                self.out("started").display()
            ),
        );
    }

    fn started(&self) -> Vec<String> {
        std::fs::read_to_string(self.out("started"))
            .unwrap_or_default()
            .lines()
            .map(str::to_owned)
            .collect()
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
    let deadline = Instant::now() + Duration::from_secs(30);
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
    let deadline = Instant::now() + Duration::from_secs(30);
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
    bin.terminal("xterm", Takes::RestAfter("-e"));
    let opened = open_with(&bin.env(), &run_step(1), patient()).expect("opened");
    assert_eq!(opened, "xterm");
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
    bin.terminal("xterm", Takes::RestAfter("-e"));
    let name = ProfileName::parse("prod-admin").unwrap();
    let guide: Vec<String> = steps(Method::Sso, &name)
        .iter()
        .map(|s| format!("{}. {}", s.number, s.line()))
        .collect();
    open_with(&bin.env(), &TerminalRequest { guide, run: None }, patient()).expect("opened");
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
fn terminal_variable_comes_first_and_is_named_as_set() {
    let bin = Bin::new();
    bin.terminal("xterm", Takes::RestAfter("-e"));
    bin.terminal("my-term", Takes::RestAfter("-e"));
    let mut env = bin.env();
    env.terminal = Some("my-term".into());
    let opened = open_with(&env, &run_step(2), patient()).expect("opened");
    assert_eq!(opened, "my-term");
    assert_eq!(
        wait_for(&bin.out("aws-argv")),
        ["sts", "get-caller-identity", "--profile", "prod-admin"]
    );
    assert_eq!(bin.started(), ["my-term"]);

    // A known terminal named by full path gets its own way of taking the
    // command (kitty: positional) and its own name.
    let kitty = Bin::new();
    kitty.terminal("kitty", Takes::Positional);
    let mut env = kitty.env();
    env.terminal = Some(kitty.out("kitty").display().to_string());
    assert_eq!(open_with(&env, &run_step(1), patient()).unwrap(), "kitty");
    assert_eq!(
        wait_for(&kitty.out("aws-argv")),
        ["sso", "login", "--profile", "prod-admin"]
    );
}

/// Each terminal alone on PATH, taking the command as its CLI does.
#[test]
fn each_terminal_takes_the_command_its_own_way() {
    let cases = [
        ("gnome-terminal", Takes::RestAfter("--"), "GNOME Terminal"),
        ("kgx", Takes::RestAfter("--"), "GNOME Console"),
        ("ptyxis", Takes::OneStringAfter("-x"), "Ptyxis"),
        ("konsole", Takes::RestAfter("-e"), "Konsole"),
        ("xfce4-terminal", Takes::RestAfter("-x"), "Xfce Terminal"),
        ("tilix", Takes::OneStringAfter("-e"), "Tilix"),
        ("terminator", Takes::RestAfter("-x"), "Terminator"),
        ("kitty", Takes::Positional, "kitty"),
        ("alacritty", Takes::RestAfter("-e"), "Alacritty"),
        ("wezterm", Takes::WeztermStart, "WezTerm"),
        ("foot", Takes::Positional, "foot"),
        ("xterm", Takes::RestAfter("-e"), "xterm"),
    ];
    // A name that needs quoting, so one-string terminals are really tested.
    let req = TerminalRequest {
        guide: vec!["it's step 1".into()],
        run: Some(
            ["aws", "sso", "login", "--profile", "a'b c"]
                .map(String::from)
                .to_vec(),
        ),
    };
    for (program, takes, name) in cases {
        let bin = Bin::new();
        bin.terminal(program, takes);
        let opened =
            open_with(&bin.env(), &req, patient()).unwrap_or_else(|e| panic!("{program}: {e}"));
        assert_eq!(opened, name);
        assert_eq!(
            wait_for(&bin.out("aws-argv")),
            ["sso", "login", "--profile", "a'b c"],
            "{program}"
        );
        wait_for_text(&bin.out(&format!("{program}-output")), "it's step 1");
    }
}

/// Which terminals get started, in order, when every one on PATH fails.
fn tried(desktop: Option<&str>, terminal: Option<&str>) -> Vec<String> {
    let bin = Bin::new();
    for t in [
        "my-term",
        "x-terminal-emulator",
        "gnome-terminal",
        "ptyxis",
        "kgx",
        "konsole",
        "xfce4-terminal",
        "tilix",
        "terminator",
        "kitty",
        "alacritty",
        "wezterm",
        "foot",
        "xterm",
    ] {
        bin.broken_terminal(t);
    }
    let mut env = bin.env();
    env.desktop = desktop.map(str::to_owned);
    env.terminal = terminal.map(str::to_owned);
    let err = open_with(&env, &run_step(0), patient()).unwrap_err();
    assert!(err.to_string().contains("cannot open display"), "{err}");
    bin.started()
}

#[test]
fn terminals_are_tried_in_the_desktops_order() {
    let common = [
        "gnome-terminal",
        "ptyxis",
        "kgx",
        "konsole",
        "xfce4-terminal",
        "tilix",
        "terminator",
        "kitty",
        "alacritty",
        "wezterm",
        "foot",
        "xterm",
    ];
    let order = |first: &[&str]| -> Vec<String> {
        let mut v: Vec<String> = first.iter().map(|s| s.to_string()).collect();
        for c in common {
            if !first.contains(&c) {
                v.push(c.to_owned());
            }
        }
        v
    };
    assert_eq!(tried(None, None), order(&["x-terminal-emulator"]));
    assert_eq!(
        tried(Some("ubuntu:GNOME"), None),
        order(&["x-terminal-emulator", "ptyxis", "kgx", "gnome-terminal"])
    );
    assert_eq!(
        tried(Some("KDE"), Some("my-term")),
        order(&["my-term", "x-terminal-emulator", "konsole"])
    );
    assert_eq!(
        tried(Some("XFCE"), None),
        order(&["x-terminal-emulator", "xfce4-terminal"])
    );
}

#[test]
fn the_debian_alternative_is_named_after_the_terminal_it_points_to() {
    let bin = Bin::new();
    // Debian: x-terminal-emulator → /etc/alternatives → gnome-terminal.wrapper
    bin.terminal("gnome-terminal.wrapper", Takes::RestAfter("-e"));
    std::os::unix::fs::symlink(
        bin.out("gnome-terminal.wrapper"),
        bin.out("x-terminal-emulator"),
    )
    .unwrap();
    assert_eq!(
        open_with(&bin.env(), &run_step(1), patient()).unwrap(),
        "GNOME Terminal"
    );
    assert_eq!(
        wait_for(&bin.out("aws-argv")),
        ["sso", "login", "--profile", "prod-admin"]
    );
}

#[test]
fn a_terminal_that_fails_at_once_falls_through_to_the_next() {
    let bin = Bin::new();
    bin.broken_terminal("x-terminal-emulator");
    bin.terminal("xterm", Takes::RestAfter("-e"));
    let opened = open_with(&bin.env(), &run_step(1), patient()).expect("opened");
    assert_eq!(opened, "xterm");
    assert_eq!(bin.started(), ["x-terminal-emulator", "xterm"]);

    let broken = Bin::new();
    broken.broken_terminal("x-terminal-emulator");
    let err = open_with(&broken.env(), &run_step(1), patient()).unwrap_err();
    assert!(matches!(err, LaunchError::Failed { .. }));
    let msg = err.to_string();
    assert!(
        msg.starts_with("x-terminal-emulator could not be started: cannot open display.")
            && msg.contains("Copy"),
        "{msg}"
    );
}

#[test]
fn no_terminal_says_so_and_points_to_copy() {
    let bin = Bin::new();
    let err = open_with(&bin.env(), &run_step(0), patient()).unwrap_err();
    assert!(matches!(err, LaunchError::NoTerminal));
    assert!(err.to_string().contains("Copy buttons"));
}

/// A terminal window lives on after Escher's look and may log to stderr at
/// any time; that must never kill it (SIGPIPE) or block it (a full pipe).
#[test]
fn a_terminal_that_logs_later_keeps_running() {
    let bin = Bin::new();
    let go = bin.out("go");
    bin.script(
        "xterm",
        &format!(
            "while [ ! -e '{go}' ] && [ -d '{dir}' ]; do sleep 0.05; done\n\
             i=0; while [ $i -lt 2000 ]; do\n\
               echo 'Gtk-WARNING: a long line a terminal logs while it runs, again and again' >&2\n\
               i=$((i + 1))\n\
             done\n\
             touch '{survived}'\n",
            go = go.display(),
            dir = bin.out("").display(),
            survived = bin.out("survived").display(),
        ),
    );
    let quick = Patience {
        look: Duration::ZERO,
        answer: Duration::ZERO,
    };
    // Still running when the look ends: that is the open window.
    assert_eq!(open_with(&bin.env(), &run_step(0), quick).unwrap(), "xterm");
    std::fs::write(&go, "").unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while !bin.out("survived").exists() {
        assert!(
            Instant::now() < deadline,
            "the terminal died or blocked writing to stderr"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// `osascript` as macOS runs it: it records its argv, waits until the test
/// says go (the user answering the consent prompt), then exits as told.
fn stand_in_osascript(bin: &Bin, then: &str) -> escher::terminal::Launch {
    bin.script(
        "osascript",
        &format!(
            "printf '%s\\0' \"$@\" > '{argv}'\n\
             while [ ! -e '{go}' ] && [ -d '{dir}' ]; do sleep 0.05; done\n{then}\n",
            argv = bin.out("osascript-argv").display(),
            go = bin.out("go").display(),
            // A test that ends first removes the folder: stop then too.
            dir = bin.out("").display(),
        ),
    );
    let mut launch = macos_launch(" /bin/sh /tmp/escher-x/open.sh");
    launch.program = bin.out("osascript").display().to_string();
    launch
}

fn answer_after_start(bin: &Bin, launch: escher::terminal::Launch) -> Result<String, LaunchError> {
    let env = bin.env();
    // A look of zero: only waiting for osascript itself can see the answer.
    let patience = Patience {
        look: Duration::ZERO,
        answer: Duration::from_secs(120),
    };
    let opening = std::thread::spawn(move || first_that_opens(&env, &[launch], patience));
    let argv = wait_for(&bin.out("osascript-argv"));
    assert_eq!(argv.last().unwrap(), " /bin/sh /tmp/escher-x/open.sh");
    std::fs::write(bin.out("go"), "").unwrap();
    opening.join().unwrap()
}

#[test]
fn macos_refusal_after_the_consent_prompt_is_reported_in_words() {
    let bin = Bin::new();
    let launch = stand_in_osascript(
        &bin,
        "echo '36:120: execution error: Not authorized to send Apple events to Terminal. (-1743)' >&2\nexit 1",
    );
    let err = answer_after_start(&bin, launch).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.starts_with("Terminal could not be started: macOS did not allow Escher")
            && msg.contains("Privacy & Security → Automation"),
        "{msg}"
    );
}

#[test]
fn macos_consent_given_opens_terminal() {
    let bin = Bin::new();
    let launch = stand_in_osascript(&bin, "exit 0");
    assert_eq!(answer_after_start(&bin, launch).unwrap(), "Terminal");
}

#[test]
fn macos_prompt_left_unanswered_says_what_to_do() {
    let bin = Bin::new();
    let launch = stand_in_osascript(&bin, "exit 0");
    let patience = Patience {
        look: Duration::ZERO,
        answer: Duration::ZERO,
    };
    let err = first_that_opens(&bin.env(), &[launch], patience).unwrap_err();
    assert!(matches!(err, LaunchError::NoAnswer { .. }));
    let msg = err.to_string();
    assert!(
        msg.contains("If macOS is asking whether Escher may control Terminal, answer it"),
        "{msg}"
    );
    std::fs::write(bin.out("go"), "").unwrap();
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

fn hostile_request(h: &str) -> TerminalRequest {
    TerminalRequest {
        guide: vec![format!("profile {h}")],
        run: Some(vec![
            "aws".into(),
            "sso".into(),
            "login".into(),
            "--profile".into(),
            h.into(),
        ]),
    }
}

#[test]
fn hostile_names_are_refused_and_quoting_alone_would_hold() {
    for h in HOSTILE {
        assert!(ProfileName::parse(h).is_err(), "{h:?} was accepted");
    }
    // Bypass validation and hand each string straight to the launcher: the
    // quoting must deliver it to `aws` as one literal argument.
    let bin = Bin::new();
    bin.terminal("xterm", Takes::RestAfter("-e"));
    for h in HOSTILE {
        let _ = std::fs::remove_file(bin.out("aws-argv"));
        open_with(&bin.env(), &hostile_request(h), patient()).expect("opened");
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

/// The shells a user's terminal may start, with the flag that skips their
/// own start-up files. fish, bash and sh must be here in CI (scripts/test.sh
/// installs fish, and the macOS workflow Homebrew's); zsh is tried where it
/// is installed.
const SHELLS: &[(&str, &[&str], bool)] = &[
    ("sh", &[], true),
    ("bash", &["--norc", "--noprofile"], true),
    ("fish", &["--no-config"], true),
    ("zsh", &["-f"], false),
];

fn installed(shell: &str) -> Option<PathBuf> {
    ["/bin", "/usr/bin", "/opt/homebrew/bin", "/usr/local/bin"]
        .iter()
        .map(|d| Path::new(d).join(shell))
        .find(|p| p.exists())
}

/// macOS types one line into the user's login shell: it must run the same
/// script, with the same words reaching `aws`, in each of them.
#[test]
fn the_typed_line_runs_the_script_in_every_shell() {
    let in_ci = std::env::var("CI").is_ok_and(|v| v == "true");
    let bin = Bin::new();
    let mut ran = Vec::new();
    for (shell, flags, required) in SHELLS {
        let Some(path) = installed(shell) else {
            assert!(
                !(in_ci && *required),
                "{shell} is not installed; CI must install it (apt-get install {shell})"
            );
            eprintln!("{shell} is not installed here; its case was not run");
            continue;
        };
        for h in HOSTILE
            .iter()
            .chain(&["prod-admin", "team/prod:a@b+c%PATH%"])
        {
            let base = tempfile::tempdir().unwrap();
            let script = write_typed_script(base.path(), &hostile_request(h)).unwrap();
            let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&script), 0o600);
            assert_eq!(mode(script.parent().unwrap()), 0o700);
            let line = typed_line(&script).expect("a plain path");
            let _ = std::fs::remove_file(bin.out("aws-argv"));
            let out = std::process::Command::new(&path)
                .args(*flags)
                .arg("-c")
                .arg(&line)
                .env_clear()
                .env(
                    "PATH",
                    format!("{}:/usr/bin:/bin", bin.dir.path().display()),
                )
                .env("HOME", base.path())
                .current_dir(base.path())
                .output()
                .unwrap();
            let said = String::from_utf8_lossy(&out.stdout);
            assert!(
                out.status.success(),
                "{shell} -c {line:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(said.contains(&format!("profile {h}")), "{shell}: {said}");
            assert_eq!(
                wait_for(&bin.out("aws-argv")),
                ["sso", "login", "--profile", h],
                "{shell}"
            );
            assert!(
                !script.exists(),
                "{shell}: the script did not remove itself"
            );
            assert!(
                !script.parent().unwrap().exists(),
                "{shell}: its folder stayed"
            );
            assert!(
                !base.path().join("PWNED").exists(),
                "{shell}: {h:?} ran a command"
            );
        }
        ran.push(*shell);
    }
    assert!(ran.contains(&"sh"), "{ran:?}");
}
