//! Running `az`: only the read-only subcommands of [`AzCommand`], with JSON
//! output, colour off, stdin closed, both pipes drained while it runs, and
//! the child killed when it takes longer than its limit.
//!
//! There is no way to ask this module for another subcommand: `az account
//! set/clear`, `az logout` and `az configure` cannot be expressed.

use super::env::AzEnv;
use super::ids::Guid;
use std::fmt;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The allow-list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AzCommand {
    Version,
    CloudShow,
    AccountListAll,
    /// Prints a secret on stdout: parse it with [`super::token`] and drop it.
    GetAccessToken {
        subscription: Guid,
    },
}

impl AzCommand {
    /// The arguments after `az`, `-o json` included.
    pub fn args(&self) -> Vec<String> {
        let words: Vec<&str> = match self {
            AzCommand::Version => vec!["version"],
            AzCommand::CloudShow => vec!["cloud", "show"],
            AzCommand::AccountListAll => vec!["account", "list", "--all"],
            AzCommand::GetAccessToken { subscription } => {
                vec![
                    "account",
                    "get-access-token",
                    "--subscription",
                    subscription.as_str(),
                ]
            }
        };
        let mut args: Vec<String> = words.into_iter().map(str::to_owned).collect();
        args.extend(["-o".to_owned(), "json".to_owned()]);
        args
    }

    /// The command as the user would type it, to run it themselves.
    pub fn line(&self) -> String {
        let mut words = vec!["az".to_owned()];
        words.extend(self.args());
        crate::shell::posix_join(&words)
    }
}

/// What `az` printed and how it ended.
#[derive(Clone, PartialEq, Eq)]
pub struct AzOutput {
    pub stdout: String,
    pub stderr: String,
    /// `None`: ended by a signal.
    pub code: Option<i32>,
}

/// Prints sizes only: stdout may hold an access token.
impl fmt::Debug for AzOutput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AzOutput")
            .field("stdout_bytes", &self.stdout.len())
            .field("stderr", &self.stderr)
            .field("code", &self.code)
            .finish()
    }
}

impl AzOutput {
    pub fn success(&self) -> bool {
        self.code == Some(0)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RunError {
    /// The program could not be started.
    Spawn(String),
    /// No answer within the limit; the child was killed.
    TimedOut(Duration),
}

/// How long the pipes may stay open after the child was killed: a
/// grandchild (Windows' `az.cmd` runs python) can hold them.
const DRAIN_GRACE: Duration = Duration::from_secs(2);
const POLL: Duration = Duration::from_millis(20);

/// Run one allow-listed command. Blocks up to `limit` (plus a short
/// grace): call it off the UI thread.
pub fn run(az: &Path, cmd: &AzCommand, env: &AzEnv, limit: Duration) -> Result<AzOutput, RunError> {
    let mut command = Command::new(az);
    command
        .args(cmd.args())
        .env_clear()
        .envs(env.vars())
        .env("AZURE_CORE_NO_COLOR", "true")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    hide_console(&mut command);
    let mut child = command
        .spawn()
        .map_err(|e| RunError::Spawn(format!("{}: {e}", az.display())))?;
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let deadline = Instant::now() + limit;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < deadline => std::thread::sleep(POLL),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(RunError::TimedOut(limit));
            }
        }
    };
    let grace = Instant::now() + DRAIN_GRACE;
    let stdout = collect(&stdout, grace).ok_or(RunError::TimedOut(limit))?;
    let stderr = collect(&stderr, grace).ok_or(RunError::TimedOut(limit))?;
    Ok(AzOutput {
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
        code: status.code(),
    })
}

/// Read a pipe to its end on its own thread, so a child that fills one
/// pipe never blocks on it.
fn drain(pipe: Option<impl Read + Send + 'static>) -> mpsc::Receiver<Vec<u8>> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(mut p) = pipe {
            let _ = p.read_to_end(&mut buf);
        }
        let _ = tx.send(buf);
    });
    rx
}

fn collect(rx: &mpsc::Receiver<Vec<u8>>, until: Instant) -> Option<Vec<u8>> {
    rx.recv_timeout(until.saturating_duration_since(Instant::now()))
        .ok()
}

#[cfg(windows)]
fn hide_console(command: &mut Command) {
    use std::os::windows::process::CommandExt;
    // CREATE_NO_WINDOW: az.cmd would otherwise flash a console window.
    command.creation_flags(0x0800_0000);
}

#[cfg(not(windows))]
fn hide_console(_: &mut Command) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_asks_for_json_and_nothing_else() {
        let sub = Guid::parse("11111111-2222-3333-4444-555555555555").unwrap();
        assert_eq!(AzCommand::Version.args(), ["version", "-o", "json"]);
        assert_eq!(
            AzCommand::AccountListAll.line(),
            "az account list --all -o json"
        );
        assert_eq!(
            AzCommand::GetAccessToken { subscription: sub }.args(),
            [
                "account",
                "get-access-token",
                "--subscription",
                "11111111-2222-3333-4444-555555555555",
                "-o",
                "json"
            ]
        );
    }
}
