//! Opening the system terminal with Escher's commands ready.
//!
//! Each platform's way of starting a terminal is a plain data builder (the
//! program and its arguments), compiled and tested on every OS; only the
//! choice among them depends on the OS the app runs on.

pub mod programs;

use crate::shell::{cmd_join, posix_join, posix_quote};
use programs::{Drain, first_of_each, wait_within};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// What to show in the terminal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TerminalRequest {
    /// Printed first, one line each: the numbered guide.
    pub guide: Vec<String>,
    /// A command to run right away (one word per element), if any.
    pub run: Option<Vec<String>>,
}

impl TerminalRequest {
    /// What `>_ Open Terminal` prints: the title, the numbered command
    /// lines, any hints, and the way back to Re-check.
    pub fn guide(title: String, numbered: &[String], hints: &[&str]) -> Self {
        let mut guide = vec![title, String::new(), "Run these commands in order:".into()];
        guide.extend(numbered.iter().cloned());
        guide.push(String::new());
        guide.extend(hints.iter().map(|h| (*h).to_owned()));
        guide.push("Then return to Escher and click Re-check.".into());
        TerminalRequest { guide, run: None }
    }

    /// What a row's Run in Terminal does: the title, then the command.
    pub fn one(title: String, argv: Vec<String>) -> Self {
        TerminalRequest {
            guide: vec![title, String::new()],
            run: Some(argv),
        }
    }
}

/// A program and its arguments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Launch {
    /// What the user knows it as: "GNOME Terminal", "Terminal".
    pub name: String,
    pub program: String,
    pub args: Vec<String>,
    /// Windows only: the command line passed verbatim, since `cmd` does not
    /// parse its arguments the way other programs do.
    pub raw_tail: Option<String>,
    /// `osascript` exits once the terminal has the script, or with the
    /// reason it could not: wait for that rather than a short look.
    pub waits_for_exit: bool,
}

impl Launch {
    fn new(name: &str, program: &str, args: Vec<String>) -> Launch {
        Launch {
            name: name.to_owned(),
            program: program.to_owned(),
            args,
            raw_tail: None,
            waits_for_exit: false,
        }
    }
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

/// How long to watch a terminal before calling it open.
#[derive(Clone, Copy, Debug)]
pub struct Patience {
    /// A Linux or Windows terminal still running after this is the window.
    /// One that exits sooner decides by its exit status.
    pub look: Duration,
    /// `osascript` waits while macOS asks the user whether Escher may
    /// control the terminal (the first time only).
    pub answer: Duration,
}

impl Default for Patience {
    fn default() -> Self {
        Patience {
            look: Duration::from_secs(1),
            answer: Duration::from_secs(120),
        }
    }
}

/// The guide and the command, as `sh` lines.
fn posix_lines(req: &TerminalRequest) -> Vec<String> {
    let mut lines = Vec::new();
    if !req.guide.is_empty() {
        let words: Vec<String> = req.guide.iter().map(|l| posix_quote(l)).collect();
        lines.push(format!("printf '%s\\n' {}", words.join(" ")));
    }
    if let Some(cmd) = &req.run {
        lines.push(format!(
            "printf '%s\\n' {}",
            posix_quote(&format!("$ {}", posix_join(cmd)))
        ));
        lines.push(posix_join(cmd));
    }
    lines
}

/// The `sh -c` script a Linux terminal runs: print the guide, run the
/// command if any, then leave the user in their own shell so the window
/// stays open.
pub fn posix_script(req: &TerminalRequest) -> String {
    let mut lines = posix_lines(req);
    lines.push("exec \"${SHELL:-sh}\"".to_owned());
    lines.join("; ")
}

/// Characters that mean the same in fish, zsh, bash and sh: none of them
/// quotes, expands or separates.
fn plain_in_every_shell(s: &str) -> bool {
    s.chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-".contains(c))
}

/// The line typed into the user's own shell (macOS Terminal and iTerm2),
/// which may be fish, zsh, bash or sh: `sh` running the script file, in
/// words no shell reads differently. The leading space keeps it out of
/// the history of shells that honour that. `None` if the path has other
/// characters.
pub fn typed_line(script: &Path) -> Option<String> {
    let path = script.to_str()?;
    plain_in_every_shell(path).then(|| format!(" /bin/sh {path}"))
}

/// Where the typed script goes: the per-user temporary folder (macOS:
/// `/var/folders/…/T`), or `/tmp` if that path could not be typed plainly.
pub fn script_base(tmp: PathBuf) -> PathBuf {
    if tmp.to_str().is_some_and(plain_in_every_shell) {
        tmp
    } else {
        PathBuf::from("/tmp")
    }
}

/// Write the `sh` script for a typed launch into a new folder only the user
/// can open (0700, the file 0600), named so no one else can have made it
/// first. The script removes itself, then prints and runs as
/// `posix_script` does; the user's shell is still there afterwards.
pub fn write_typed_script(base: &Path, req: &TerminalRequest) -> std::io::Result<PathBuf> {
    let dir = private_dir(base)?;
    let file = dir.join("open.sh");
    let mut lines = vec![format!(
        "rm -f -- {}; rmdir -- {}",
        posix_quote(&file.to_string_lossy()),
        posix_quote(&dir.to_string_lossy())
    )];
    lines.extend(posix_lines(req));
    let text = lines.join("\n") + "\n";
    let written = new_private_file(&file).and_then(|mut f| {
        use std::io::Write;
        f.write_all(text.as_bytes())
    });
    if let Err(e) = written {
        let _ = std::fs::remove_dir_all(&dir);
        return Err(e);
    }
    Ok(file)
}

/// Remove a typed script that no terminal will run.
pub fn remove_typed_script(file: &Path) {
    if let Some(dir) = file.parent() {
        let _ = std::fs::remove_dir_all(dir);
    }
}

fn private_dir(base: &Path) -> std::io::Result<PathBuf> {
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let mut last = None;
    for attempt in 0..32u32 {
        let dir = base.join(format!("escher-{}-{stamp:x}-{attempt}", std::process::id()));
        match create_private_dir(&dir) {
            Ok(()) => return Ok(dir),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("no free name")))
}

#[cfg(unix)]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new().mode(0o700).create(dir)
}

#[cfg(not(unix))]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir(dir)
}

fn new_private_file(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

/// How one Linux terminal takes a command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Convention {
    /// `prog -e sh -c SCRIPT` (the rest of the line is the command)
    DashE,
    /// `prog -- sh -c SCRIPT`
    DoubleDash,
    /// `prog -x sh -c SCRIPT` (the rest of the line is the command)
    DashX,
    /// `prog sh -c SCRIPT`
    Positional,
    /// `wezterm start -- sh -c SCRIPT`
    WeztermStart,
    /// `prog FLAG "sh -c 'SCRIPT'"`: one string, split as a shell would.
    OneString(&'static str),
}

struct Known {
    program: &'static str,
    name: &'static str,
    takes: Convention,
}

const fn known(program: &'static str, name: &'static str, takes: Convention) -> Known {
    Known {
        program,
        name,
        takes,
    }
}

/// The terminals Escher knows, in the order tried after `$TERMINAL`, the
/// Debian alternative and the desktop's own.
const KNOWN: &[Known] = &[
    known("gnome-terminal", "GNOME Terminal", Convention::DoubleDash),
    known("ptyxis", "Ptyxis", Convention::OneString("-x")),
    known("kgx", "GNOME Console", Convention::DoubleDash),
    known("konsole", "Konsole", Convention::DashE),
    known("xfce4-terminal", "Xfce Terminal", Convention::DashX),
    known("tilix", "Tilix", Convention::OneString("-e")),
    known("terminator", "Terminator", Convention::DashX),
    known("kitty", "kitty", Convention::Positional),
    known("alacritty", "Alacritty", Convention::DashE),
    known("wezterm", "WezTerm", Convention::WeztermStart),
    known("foot", "foot", Convention::Positional),
    known("xterm", "xterm", Convention::DashE),
];

/// What the desktop ships, newest default first (GNOME 42 made Console its
/// terminal, Fedora 41 and Ubuntu 25.10 Ptyxis).
fn desktop_terminals(desktop: &str) -> &'static [&'static str] {
    let d = desktop.to_ascii_uppercase();
    if d.contains("GNOME") || d.contains("UNITY") {
        &["ptyxis", "kgx", "gnome-terminal"]
    } else if d.contains("KDE") {
        &["konsole"]
    } else if d.contains("XFCE") {
        &["xfce4-terminal"]
    } else {
        &[]
    }
}

fn basename(program: &str) -> &str {
    program.rsplit('/').next().unwrap_or(program)
}

fn lookup(program: &str) -> Option<&'static Known> {
    let base = basename(program);
    let base = base.strip_suffix(".wrapper").unwrap_or(base);
    KNOWN.iter().find(|k| k.program == base)
}

/// The name for a terminal found at `path`: the Debian alternative is a
/// link to the real one.
fn name_for(program: &str, path: &Path) -> String {
    if basename(program) == "x-terminal-emulator"
        && let Ok(real) = path.canonicalize()
    {
        let real = real.to_string_lossy();
        return match lookup(&real) {
            Some(k) => k.name.to_owned(),
            None => basename(&real).to_owned(),
        };
    }
    match lookup(program) {
        Some(k) => k.name.to_owned(),
        None => basename(program).to_owned(),
    }
}

fn linux_args(convention: Convention, script: &str) -> Vec<String> {
    let command = ["sh".to_owned(), "-c".to_owned(), script.to_owned()];
    let lead: &[&str] = match convention {
        Convention::DashE => &["-e"],
        Convention::DoubleDash => &["--"],
        Convention::DashX => &["-x"],
        Convention::Positional => &[],
        Convention::WeztermStart => &["start", "--"],
        Convention::OneString(flag) => return vec![flag.to_owned(), posix_join(&command)],
    };
    lead.iter()
        .map(|s| (*s).to_owned())
        .chain(command)
        .collect()
}

/// Every Linux terminal worth trying, in order: `$TERMINAL`, the Debian
/// alternative, the desktop's own, then common ones. Only those found on
/// `PATH` are returned.
pub fn linux_candidates(env: &LaunchEnv, req: &TerminalRequest) -> Vec<Launch> {
    let script = posix_script(req);
    let mut order: Vec<&str> = env.terminal.as_deref().into_iter().collect();
    order.push("x-terminal-emulator");
    order.extend(desktop_terminals(env.desktop.as_deref().unwrap_or("")));
    order.extend(KNOWN.iter().map(|k| k.program));
    first_of_each(order)
        .into_iter()
        .filter_map(|program| {
            let path = env.find(program)?;
            let takes = lookup(program).map_or(Convention::DashE, |k| k.takes);
            Some(Launch::new(
                &name_for(program, &path),
                &path.to_string_lossy(),
                linux_args(takes, &script),
            ))
        })
        .collect()
}

/// `osascript` running `source` with the typed line as its one argument:
/// the AppleScript reads it as `item 1 of argv`, so nothing the user typed
/// is ever spliced into AppleScript source.
fn osascript(name: &str, source: &[&str], typed: &str) -> Launch {
    let mut args = Vec::new();
    for line in source {
        args.extend(["-e".to_owned(), (*line).to_owned()]);
    }
    args.push(typed.to_owned());
    Launch {
        waits_for_exit: true,
        ..Launch::new(name, "osascript", args)
    }
}

/// macOS: a new Terminal window typing `typed` (see `typed_line`).
pub fn macos_launch(typed: &str) -> Launch {
    osascript(
        "Terminal",
        &[
            "on run argv",
            "tell application \"Terminal\"",
            "activate",
            "do script (item 1 of argv)",
            "end tell",
            "end run",
        ],
        typed,
    )
}

/// macOS, for iTerm2 users: a new iTerm2 window typing `typed`.
pub fn macos_iterm_launch(typed: &str) -> Launch {
    osascript(
        "iTerm2",
        &[
            "on run argv",
            "tell application \"iTerm\"",
            "activate",
            "set w to (create window with default profile)",
            "tell current session of w to write text (item 1 of argv)",
            "end tell",
            "end run",
        ],
        typed,
    )
}

/// Windows Terminal running the same `cmd` line. `wt` treats `;` as its
/// own command separator, so each one is escaped.
pub fn windows_terminal_launch(req: &TerminalRequest) -> Result<Launch, LaunchError> {
    let cmd = windows_launch(req)?;
    let tail = cmd.raw_tail.unwrap_or_default().replace(';', "\\;");
    Ok(Launch {
        raw_tail: Some(format!("new-tab cmd.exe {tail}")),
        ..Launch::new("Windows Terminal", "wt.exe", Vec::new())
    })
}

/// Windows: a new `cmd` console that echoes the guide and stays open.
/// `/V:OFF` keeps `!` literal whatever the registry says; `%` has no
/// escape that works both in `echo` and inside quotes, and `"` would
/// unbalance the line, so text with either is refused, in words.
pub fn windows_launch(req: &TerminalRequest) -> Result<Launch, LaunchError> {
    let mut words = req.guide.iter().chain(req.run.iter().flatten());
    if let Some(word) = words.find(|w| w.contains(cmd_cannot_carry)) {
        return Err(LaunchError::CannotCarry {
            terminal: "Command Prompt".into(),
            text: word.clone(),
        });
    }
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
    Ok(Launch {
        raw_tail: Some(format!("/V:OFF /K {}", parts.join(" & "))),
        ..Launch::new("Command Prompt", "cmd.exe", Vec::new())
    })
}

fn cmd_cannot_carry(c: char) -> bool {
    c == '%' || c == '"' || c.is_control()
}

fn cmd_echo(line: &str) -> String {
    let mut out = String::new();
    for c in line.chars() {
        if "&|<>^()!".contains(c) {
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
    Failed {
        program: String,
        reason: String,
    },
    /// `osascript` was still waiting (most likely on the consent prompt).
    NoAnswer {
        program: String,
        waited: Duration,
    },
    /// The text holds a character this terminal would not show as written.
    CannotCarry {
        terminal: String,
        text: String,
    },
}

const PASTE_INSTEAD: &str =
    "Open your terminal yourself and paste the commands with the Copy buttons.";

impl std::fmt::Display for LaunchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LaunchError::NoTerminal => {
                write!(f, "No terminal program was found. {PASTE_INSTEAD}")
            }
            LaunchError::Failed { program, reason } => {
                write!(
                    f,
                    "{program} could not be started: {reason}. {PASTE_INSTEAD}"
                )
            }
            LaunchError::NoAnswer { program, waited } => write!(
                f,
                "{program} did not open within {}. If macOS is asking whether Escher may \
                 control {program}, answer it: the window opens once you allow it. Or: {PASTE_INSTEAD}",
                crate::time_words::human_duration(*waited)
            ),
            LaunchError::CannotCarry { terminal, text } => write!(
                f,
                "Escher does not type “{text}” into {terminal}: it would read `%` as the start \
                 of a variable and `\"` as a quote, so the command would not be the one shown. \
                 {PASTE_INSTEAD}"
            ),
        }
    }
}

/// Start the first terminal that works and return its name ("Terminal",
/// "GNOME Terminal"). Blocks for a moment per candidate, and on macOS
/// until `osascript` is answered: call it off the UI thread.
pub fn open(env: &LaunchEnv, req: &TerminalRequest) -> Result<String, LaunchError> {
    open_with(env, req, Patience::default())
}

pub fn open_with(
    env: &LaunchEnv,
    req: &TerminalRequest,
    patience: Patience,
) -> Result<String, LaunchError> {
    if cfg!(target_os = "macos") {
        open_macos(env, req, patience)
    } else if cfg!(windows) {
        let mut candidates = Vec::new();
        if env.find("wt.exe").is_some() {
            candidates.push(windows_terminal_launch(req)?);
        }
        candidates.push(windows_launch(req)?);
        first_that_opens(env, &candidates, patience)
    } else {
        first_that_opens(env, &linux_candidates(env, req), patience)
    }
}

fn open_macos(
    env: &LaunchEnv,
    req: &TerminalRequest,
    patience: Patience,
) -> Result<String, LaunchError> {
    let cannot = |reason: String| LaunchError::Failed {
        program: "Terminal".into(),
        reason,
    };
    let script = write_typed_script(&script_base(std::env::temp_dir()), req).map_err(|e| {
        cannot(format!(
            "Escher could not write the script to type there ({e})"
        ))
    })?;
    let Some(typed) = typed_line(&script) else {
        remove_typed_script(&script);
        return Err(cannot(format!(
            "the script's path {} cannot be typed plainly",
            script.display()
        )));
    };
    let mut candidates = Vec::new();
    if env.prefers_iterm {
        candidates.push(macos_iterm_launch(&typed));
    }
    candidates.push(macos_launch(&typed));
    let result = first_that_opens(env, &candidates, patience);
    // A launch still waiting on the prompt may yet type the line.
    if matches!(result, Err(LaunchError::Failed { .. })) {
        remove_typed_script(&script);
    }
    result
}

/// Try each launch in turn; the name of the first that opens.
pub fn first_that_opens(
    env: &LaunchEnv,
    candidates: &[Launch],
    patience: Patience,
) -> Result<String, LaunchError> {
    let mut last = LaunchError::NoTerminal;
    for launch in candidates {
        match start(env, launch, patience) {
            Ok(()) => return Ok(launch.name.clone()),
            Err(e @ LaunchError::NoAnswer { .. }) => return Err(e),
            Err(e) => last = e,
        }
    }
    Err(last)
}

fn command(env: &LaunchEnv, launch: &Launch) -> Command {
    let mut cmd = Command::new(&launch.program);
    cmd.args(&launch.args);
    if let Some(path) = &env.path {
        cmd.env("PATH", path);
    }
    #[cfg(windows)]
    {
        // Inherited handles are null (main leaves its console before the
        // window opens), so the new console's own are used.
        use std::os::windows::process::CommandExt;
        const CREATE_NEW_CONSOLE: u32 = 0x0000_0010;
        cmd.creation_flags(CREATE_NEW_CONSOLE);
        if let Some(tail) = &launch.raw_tail {
            cmd.raw_arg(tail);
        }
    }
    #[cfg(not(windows))]
    {
        use std::process::Stdio;
        cmd.stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
    }
    cmd
}

fn start(env: &LaunchEnv, launch: &Launch, patience: Patience) -> Result<(), LaunchError> {
    let failed = |reason: String| LaunchError::Failed {
        program: launch.name.clone(),
        reason,
    };
    let mut child = command(env, launch)
        .spawn()
        .map_err(|e| failed(e.to_string()))?;
    // Read for as long as the terminal lives: it may log at any time.
    let stderr = child.stderr.take().map(|e| Drain::start(e, 4096));
    let limit = if launch.waits_for_exit {
        patience.answer
    } else {
        patience.look
    };
    let outcome = wait_within(&mut child, limit);
    if !matches!(outcome, Ok(Some(_))) {
        std::thread::spawn(move || child.wait());
    }
    match outcome {
        // Terminals such as gnome-terminal hand the window to a server and
        // exit 0 at once: that is success, as is osascript's exit 0.
        Ok(Some(status)) if status.success() => Ok(()),
        Ok(Some(status)) => {
            let said = stderr
                .map(|d| d.text(Duration::from_secs(5)))
                .unwrap_or_default();
            let said = said.trim();
            Err(failed(if said.is_empty() {
                format!("it stopped at once ({status})")
            } else {
                explain_failure(said)
            }))
        }
        Ok(None) if launch.waits_for_exit => Err(LaunchError::NoAnswer {
            program: launch.name.clone(),
            waited: limit,
        }),
        // Still running: it is the terminal window.
        Ok(None) => Ok(()),
        Err(e) => Err(failed(e.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(profile: &str) -> TerminalRequest {
        TerminalRequest {
            guide: vec![format!("1. aws sso login --profile {profile}")],
            run: Some(
                ["aws", "sso", "login", "--profile", profile]
                    .map(String::from)
                    .to_vec(),
            ),
        }
    }

    #[test]
    fn macos_passes_the_typed_line_as_an_argument() {
        let line = " /bin/sh /tmp/escher-1/open.sh";
        for l in [macos_launch(line), macos_iterm_launch(line)] {
            assert_eq!(l.program, "osascript");
            assert!(l.waits_for_exit);
            assert_eq!(l.args.last().map(String::as_str), Some(line));
            assert!(
                !l.args[..l.args.len() - 1]
                    .iter()
                    .any(|a| a.contains("escher-1"))
            );
        }
        assert!(
            macos_launch(line)
                .args
                .contains(&"do script (item 1 of argv)".to_owned())
        );
        assert!(
            macos_iterm_launch(line)
                .args
                .contains(&"tell current session of w to write text (item 1 of argv)".to_owned())
        );
        assert_eq!(macos_launch(line).name, "Terminal");
        assert_eq!(macos_iterm_launch(line).name, "iTerm2");
    }

    #[test]
    fn the_typed_line_is_plain_words() {
        let p = Path::new("/var/folders/6h/x_y-z/T/escher-1f-2/open.sh");
        assert_eq!(
            typed_line(p).as_deref(),
            Some(" /bin/sh /var/folders/6h/x_y-z/T/escher-1f-2/open.sh")
        );
        for odd in [
            "/tmp/a b/open.sh",
            "/tmp/$x/open.sh",
            "/tmp/a'b/open.sh",
            "/tmp/(x)/o.sh",
        ] {
            assert_eq!(typed_line(Path::new(odd)), None, "{odd}");
        }
        assert_eq!(script_base("/Users/a b/T".into()), PathBuf::from("/tmp"));
        assert_eq!(
            script_base("/var/folders/x/T".into()),
            PathBuf::from("/var/folders/x/T")
        );
    }

    #[test]
    fn windows_terminal_escapes_its_separator() {
        let l = windows_terminal_launch(&TerminalRequest {
            guide: vec!["a;b".into()],
            run: None,
        })
        .unwrap();
        assert_eq!(l.program, "wt.exe");
        assert_eq!(l.name, "Windows Terminal");
        assert_eq!(
            l.raw_tail.as_deref(),
            Some("new-tab cmd.exe /V:OFF /K echo a\\;b")
        );
    }

    #[test]
    fn an_unanswered_prompt_is_told_in_minutes() {
        let e = LaunchError::NoAnswer {
            program: "Terminal".into(),
            waited: Patience::default().answer,
        };
        assert!(
            e.to_string()
                .starts_with("Terminal did not open within 2 m. If macOS is asking"),
            "{e}"
        );
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
        })
        .unwrap();
        assert_eq!(l.program, "cmd.exe");
        assert_eq!(l.name, "Command Prompt");
        assert_eq!(
            l.raw_tail.as_deref(),
            Some("/V:OFF /K echo a ^& b & echo. & aws s3 ls")
        );
    }

    #[test]
    fn windows_carries_the_sdks_other_characters_literally() {
        // `/ : @ + . _ -` mean nothing to cmd; `!` is literal under /V:OFF.
        let l = windows_launch(&req("team/prod:a@b+c.d_e-f!x!")).unwrap();
        assert_eq!(
            l.raw_tail.as_deref(),
            Some(
                "/V:OFF /K echo 1. aws sso login --profile team/prod:a@b+c.d_e-f^!x^! & \
                 aws sso login --profile \"team/prod:a@b+c.d_e-f!x!\""
            )
        );
    }

    #[test]
    fn windows_refuses_what_cmd_would_expand() {
        for name in ["%PATH%", "a%b", "x%COMSPEC%"] {
            for r in [
                req(name),
                TerminalRequest {
                    guide: vec![format!("1. aws sso login --profile {name}")],
                    run: None,
                },
            ] {
                let err = windows_launch(&r).unwrap_err();
                let msg = err.to_string();
                assert!(
                    msg.contains(name) && msg.contains("variable") && msg.contains("Copy buttons"),
                    "{msg}"
                );
                assert!(windows_terminal_launch(&r).is_err());
            }
        }
        assert!(windows_launch(&req("a\"b")).is_err());
        assert!(windows_launch(&req("a\nb")).is_err());
    }

    #[test]
    fn linux_script_keeps_the_window_open_with_the_users_shell() {
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

    #[test]
    fn one_string_terminals_get_one_shell_quoted_string() {
        assert_eq!(
            linux_args(Convention::OneString("-e"), "echo 'hi'; exec sh"),
            ["-e", "sh -c 'echo '\\''hi'\\''; exec sh'"]
        );
    }
}
