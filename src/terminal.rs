//! Opening the system terminal with Escher's commands ready.
//!
//! Each platform's way of starting a terminal is a plain data builder (the
//! program and its arguments), compiled and tested on every OS; only the
//! choice among them depends on the OS the app runs on.

use crate::shell::{cmd_join, posix_join, posix_quote};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What to show in the terminal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TerminalRequest {
    /// Printed first, one line each: the numbered guide.
    pub guide: Vec<String>,
    /// A command to run right away (one word per element), if any.
    pub run: Option<Vec<String>>,
}

/// A program and its arguments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Launch {
    pub program: String,
    pub args: Vec<String>,
    /// Windows only: the command line passed verbatim, since `cmd` does not
    /// parse its arguments the way other programs do.
    pub raw_tail: Option<String>,
}

/// The parts of the environment the launcher depends on, explicit so that
/// tests can point it at stand-in terminals.
#[derive(Clone, Debug, Default)]
pub struct LaunchEnv {
    pub path: Option<OsString>,
    pub terminal: Option<String>,
    pub desktop: Option<String>,
    /// Where to look for the `aws` command; `None`: this machine's usual
    /// places (see `aws_cli::dirs_for_this_machine`).
    pub aws_cli_dirs: Option<Vec<PathBuf>>,
    /// macOS: the user works in iTerm2, so open that rather than Terminal.
    pub prefers_iterm: bool,
}

impl LaunchEnv {
    pub fn from_process() -> Self {
        LaunchEnv {
            path: std::env::var_os("PATH"),
            terminal: std::env::var("TERMINAL").ok().filter(|t| !t.is_empty()),
            desktop: std::env::var("XDG_CURRENT_DESKTOP").ok(),
            aws_cli_dirs: None,
            prefers_iterm: std::env::var("TERM_PROGRAM").is_ok_and(|t| t == "iTerm.app")
                || dirs::home_dir().is_some_and(|h| {
                    h.join("Library/Preferences/com.googlecode.iterm2.plist")
                        .exists()
                }),
        }
    }

    pub fn find(&self, program: &str) -> Option<PathBuf> {
        if program.contains('/') {
            let p = PathBuf::from(program);
            return is_executable(&p).then_some(p);
        }
        let path = self.path.as_ref()?;
        std::env::split_paths(path)
            .map(|dir| dir.join(program))
            .find(|p| is_executable(p))
    }
}

fn is_executable(p: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        p.metadata()
            .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    }
    #[cfg(not(unix))]
    {
        p.is_file()
    }
}

/// The `sh` script a terminal runs: print the guide, run the command if
/// any, then leave the user in their own shell so the window stays open.
pub fn posix_script(req: &TerminalRequest) -> String {
    let mut parts = Vec::new();
    if !req.guide.is_empty() {
        let lines: Vec<String> = req.guide.iter().map(|l| posix_quote(l)).collect();
        parts.push(format!("printf '%s\\n' {}", lines.join(" ")));
    }
    if let Some(cmd) = &req.run {
        parts.push(format!(
            "printf '%s\\n' {}",
            posix_quote(&format!("$ {}", posix_join(cmd)))
        ));
        parts.push(posix_join(cmd));
    }
    parts.push("exec \"${SHELL:-sh}\"".to_owned());
    parts.join("; ")
}

/// How one Linux terminal takes a command.
#[derive(Clone, Copy, Debug)]
enum Convention {
    /// `prog -e sh -c SCRIPT`
    DashE,
    /// `prog -- sh -c SCRIPT`
    DoubleDash,
    /// `prog -x sh -c SCRIPT`
    DashX,
    /// `prog sh -c SCRIPT`
    Positional,
    /// `wezterm start -- sh -c SCRIPT`
    WeztermStart,
}

fn linux_argv(program: &str, convention: Convention, script: &str) -> Launch {
    let mut args: Vec<String> = match convention {
        Convention::DashE => vec!["-e".into()],
        Convention::DoubleDash => vec!["--".into()],
        Convention::DashX => vec!["-x".into()],
        Convention::Positional => vec![],
        Convention::WeztermStart => vec!["start".into(), "--".into()],
    };
    args.extend(["sh".into(), "-c".into(), script.to_owned()]);
    Launch {
        program: program.to_owned(),
        args,
        raw_tail: None,
    }
}

const LINUX_TERMINALS: &[(&str, Convention)] = &[
    ("x-terminal-emulator", Convention::DashE),
    ("gnome-terminal", Convention::DoubleDash),
    ("konsole", Convention::DashE),
    ("kitty", Convention::Positional),
    ("alacritty", Convention::DashE),
    ("wezterm", Convention::WeztermStart),
    ("xfce4-terminal", Convention::DashX),
    ("xterm", Convention::DashE),
];

/// Every Linux terminal worth trying, in order: `$TERMINAL`, the Debian
/// alternative, the desktop's own, then common ones. Only those found on
/// `PATH` are returned.
pub fn linux_candidates(env: &LaunchEnv, req: &TerminalRequest) -> Vec<Launch> {
    let script = posix_script(req);
    let mut order: Vec<(String, Convention)> = Vec::new();
    if let Some(t) = &env.terminal {
        order.push((t.clone(), Convention::DashE));
    }
    order.push(("x-terminal-emulator".into(), Convention::DashE));
    let desktop = env.desktop.as_deref().unwrap_or("").to_ascii_uppercase();
    if desktop.contains("GNOME") || desktop.contains("UNITY") {
        order.push(("gnome-terminal".into(), Convention::DoubleDash));
    }
    if desktop.contains("KDE") {
        order.push(("konsole".into(), Convention::DashE));
    }
    if desktop.contains("XFCE") {
        order.push(("xfce4-terminal".into(), Convention::DashX));
    }
    order.extend(LINUX_TERMINALS.iter().map(|(p, c)| ((*p).to_owned(), *c)));
    let mut seen = Vec::new();
    order
        .into_iter()
        .filter(|(p, _)| {
            let new = !seen.contains(p);
            seen.push(p.clone());
            new
        })
        .filter_map(|(p, c)| {
            env.find(&p)
                .map(|path| linux_argv(&path.to_string_lossy(), c, &script))
        })
        .collect()
}

/// `osascript` running `source` with the script as its one argument: the
/// AppleScript reads it as `item 1 of argv`, so nothing the user typed is
/// ever spliced into AppleScript source.
fn osascript(source: &[&str], req: &TerminalRequest) -> Launch {
    let mut args = Vec::new();
    for line in source {
        args.extend(["-e".to_owned(), (*line).to_owned()]);
    }
    args.push(posix_script(req));
    Launch {
        program: "osascript".into(),
        args,
        raw_tail: None,
    }
}

/// macOS: a new Terminal window running the script.
pub fn macos_launch(req: &TerminalRequest) -> Launch {
    osascript(
        &[
            "on run argv",
            "tell application \"Terminal\"",
            "activate",
            "do script (item 1 of argv)",
            "end tell",
            "end run",
        ],
        req,
    )
}

/// macOS, for iTerm2 users: a new iTerm2 window typing the script.
pub fn macos_iterm_launch(req: &TerminalRequest) -> Launch {
    osascript(
        &[
            "on run argv",
            "tell application \"iTerm\"",
            "activate",
            "set w to (create window with default profile)",
            "tell current session of w to write text (item 1 of argv)",
            "end tell",
            "end run",
        ],
        req,
    )
}

/// Windows Terminal running the same `cmd` line. `wt` treats `;` as its
/// own command separator, so each one is escaped.
pub fn windows_terminal_launch(req: &TerminalRequest) -> Launch {
    let cmd = windows_launch(req);
    let tail = cmd.raw_tail.unwrap_or_default().replace(';', "\\;");
    Launch {
        program: "wt.exe".into(),
        args: Vec::new(),
        raw_tail: Some(format!("new-tab cmd.exe {tail}")),
    }
}

/// Windows: a new `cmd` console that echoes the guide and stays open.
pub fn windows_launch(req: &TerminalRequest) -> Launch {
    let mut parts: Vec<String> = req
        .guide
        .iter()
        .map(|l| {
            if l.is_empty() {
                "echo.".to_owned()
            } else {
                format!("echo {}", cmd_echo(l))
            }
        })
        .collect();
    if let Some(cmd) = &req.run {
        parts.push(cmd_join(cmd));
    }
    Launch {
        program: "cmd.exe".into(),
        args: Vec::new(),
        raw_tail: Some(format!("/K {}", parts.join(" & "))),
    }
}

fn cmd_echo(line: &str) -> String {
    let mut out = String::new();
    for c in line.chars() {
        if "&|<>^()%!".contains(c) {
            out.push('^');
        }
        out.push(c);
    }
    out
}

/// A launcher's error output, in words where it is a known case.
pub fn explain_failure(stderr: &str) -> String {
    if stderr.contains("-1743") || stderr.contains("Not authorized to send Apple events") {
        "macOS did not allow Escher to control the terminal (System Settings → Privacy & Security → \
         Automation → Escher: switch on Terminal)"
            .to_owned()
    } else if stderr.contains("-1728")
        || stderr.contains("-600")
        || stderr.contains("Can’t get application")
    {
        "the terminal application is not installed or could not be started".to_owned()
    } else {
        stderr.to_owned()
    }
}

#[derive(Debug)]
pub enum LaunchError {
    NoTerminal,
    Failed { program: String, reason: String },
}

impl std::fmt::Display for LaunchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LaunchError::NoTerminal => write!(
                f,
                "No terminal program was found. Open your terminal yourself and paste the commands with the Copy buttons."
            ),
            LaunchError::Failed { program, reason } => write!(
                f,
                "{program} could not be started: {reason}. Open your terminal yourself and paste the commands with the Copy buttons."
            ),
        }
    }
}

/// Start the first terminal that works. Returns the program that opened.
/// Blocks for up to half a second per candidate to catch one that fails
/// at once; call it off the UI thread.
pub fn open(env: &LaunchEnv, req: &TerminalRequest) -> Result<String, LaunchError> {
    let candidates = if cfg!(target_os = "macos") {
        if env.prefers_iterm {
            vec![macos_iterm_launch(req), macos_launch(req)]
        } else {
            vec![macos_launch(req)]
        }
    } else if cfg!(windows) {
        let mut c = Vec::new();
        if env.find("wt.exe").is_some() {
            c.push(windows_terminal_launch(req));
        }
        c.push(windows_launch(req));
        c
    } else {
        linux_candidates(env, req)
    };
    let mut last = LaunchError::NoTerminal;
    for launch in candidates {
        match spawn(env, &launch) {
            Ok(()) => return Ok(launch.program),
            Err(reason) => {
                last = LaunchError::Failed {
                    program: launch.program.clone(),
                    reason: explain_failure(&reason),
                }
            }
        }
    }
    Err(last)
}

fn spawn(env: &LaunchEnv, launch: &Launch) -> Result<(), String> {
    let mut cmd = Command::new(&launch.program);
    cmd.args(&launch.args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    if let Some(path) = &env.path {
        cmd.env("PATH", path);
    }
    #[cfg(windows)]
    {
        use std::os::windows::process::CommandExt;
        const CREATE_NEW_CONSOLE: u32 = 0x0000_0010;
        cmd.creation_flags(CREATE_NEW_CONSOLE);
        if let Some(tail) = &launch.raw_tail {
            cmd.raw_arg(tail);
        }
    }
    let mut child = cmd.spawn().map_err(|e| e.to_string())?;
    let deadline = Instant::now() + Duration::from_millis(500);
    while Instant::now() < deadline {
        match child.try_wait() {
            Ok(Some(status)) if !status.success() => {
                let mut err = String::new();
                if let Some(mut e) = child.stderr.take() {
                    use std::io::Read;
                    let _ = e.read_to_string(&mut err);
                }
                let err = err.trim();
                return Err(if err.is_empty() {
                    format!("it exited with {status}")
                } else {
                    err.to_owned()
                });
            }
            // Terminals such as gnome-terminal hand the window to a server
            // and exit 0 at once: that is success.
            Ok(Some(_)) => return Ok(()),
            Ok(None) => std::thread::sleep(Duration::from_millis(25)),
            Err(e) => return Err(e.to_string()),
        }
    }
    // Still running: it is the terminal window. Reap it when it closes.
    drop(child.stderr.take());
    std::thread::spawn(move || child.wait());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req() -> TerminalRequest {
        TerminalRequest {
            guide: vec!["1. aws sso login --profile prod".into()],
            run: None,
        }
    }

    #[test]
    fn macos_passes_the_script_as_an_argument() {
        let l = macos_launch(&req());
        assert_eq!(l.program, "osascript");
        assert!(l.args.contains(&"do script (item 1 of argv)".to_owned()));
        let script = l.args.last().unwrap();
        assert!(script.contains("'1. aws sso login --profile prod'"));
        assert!(
            !l.args[..l.args.len() - 1]
                .iter()
                .any(|a| a.contains("prod"))
        );
    }

    #[test]
    fn iterm_gets_the_script_as_an_argument_too() {
        let l = macos_iterm_launch(&req());
        assert!(
            l.args
                .contains(&"tell current session of w to write text (item 1 of argv)".to_owned())
        );
        assert!(
            !l.args[..l.args.len() - 1]
                .iter()
                .any(|a| a.contains("prod"))
        );
    }

    #[test]
    fn windows_terminal_escapes_its_separator() {
        let l = windows_terminal_launch(&TerminalRequest {
            guide: vec!["a;b".into()],
            run: None,
        });
        assert_eq!(l.program, "wt.exe");
        assert_eq!(l.raw_tail.as_deref(), Some("new-tab cmd.exe /K echo a\\;b"));
    }

    #[test]
    fn apple_events_refusal_is_explained() {
        let e = explain_failure(
            "execution error: Not authorized to send Apple events to Terminal. (-1743)",
        );
        assert!(e.contains("Privacy & Security"), "{e}");
        assert_eq!(explain_failure("boom"), "boom");
    }

    #[test]
    fn windows_uses_cmd_k_with_escaped_echo() {
        let l = windows_launch(&TerminalRequest {
            guide: vec!["a & b".into(), String::new()],
            run: Some(vec!["aws".into(), "s3".into(), "ls".into()]),
        });
        assert_eq!(l.program, "cmd.exe");
        assert_eq!(
            l.raw_tail.as_deref(),
            Some("/K echo a ^& b & echo. & aws s3 ls")
        );
    }

    #[test]
    fn script_keeps_the_window_open_with_the_users_shell() {
        let s = posix_script(&TerminalRequest {
            guide: vec![],
            run: Some(vec![
                "aws".into(),
                "sso".into(),
                "login".into(),
                "--profile".into(),
                "a;b".into(),
            ]),
        });
        assert_eq!(
            s,
            "printf '%s\\n' '$ aws sso login --profile '\\''a;b'\\'''; aws sso login --profile 'a;b'; exec \"${SHELL:-sh}\""
        );
    }
}
