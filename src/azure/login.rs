//! Sign in with Azure: the user's own `az login`, run only on their click
//! (the window's Sign in with Azure, `escher azure login`), one at a time.
//!
//! az opens the browser by itself, or prints a device code when asked to
//! (or when it cannot open a browser); Escher reads its stderr for either,
//! never offers it a terminal (so az never waits on its "Select a
//! subscription" prompt), ends it and its children on Cancel, and gives
//! up after a limit. What az writes under `~/.azure` is az's own doing;
//! Escher writes nothing there.

use super::cloud;
use super::diagnose::{self, Diagnosis, Subject};
use super::env::{AzEnv, Limits};
use super::find;
use super::ids::Guid;
use super::run::{AzCommand, run};
use crate::shell::posix_join;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The clouds az ships with; a custom cloud is accepted only when it is
/// already the active one (so nothing is switched to a name az lacks).
pub const KNOWN_CLOUDS: [&str; 3] = ["AzureCloud", "AzureUSGovernment", "AzureChinaCloud"];

/// What the user asked for, checked: a GUID tenant, a known cloud.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LoginRequest {
    pub tenant: Option<Guid>,
    /// Selected first (`az cloud set`) when it is not the active cloud.
    pub cloud: Option<String>,
    pub device_code: bool,
}

impl LoginRequest {
    /// `None` when the tenant is not a GUID or the cloud is not one az
    /// knows; `active`: the cloud `az cloud show` reported, if known.
    pub fn new(
        tenant: &str,
        cloud: Option<&str>,
        active: Option<&str>,
        device_code: bool,
    ) -> Result<Self, String> {
        let tenant = match tenant.trim() {
            "" => None,
            t => Some(Guid::parse(t).ok_or_else(|| {
                format!("{t:?} is not a tenant id (a GUID such as 00000000-0000-0000-0000-000000000000).")
            })?),
        };
        if let Some(c) = cloud
            && !KNOWN_CLOUDS.contains(&c)
            && Some(c) != active
        {
            return Err(format!(
                "{c:?} is not an Azure cloud az knows ({}).",
                KNOWN_CLOUDS.join(", ")
            ));
        }
        Ok(LoginRequest {
            tenant,
            cloud: cloud.map(str::to_owned),
            device_code,
        })
    }

    /// The arguments after `az`: no output (the listing is Escher's to
    /// read), no colour codes in what is parsed.
    pub fn login_args(&self) -> Vec<String> {
        let mut args = vec!["login".to_owned()];
        if let Some(t) = &self.tenant {
            args.extend(["--tenant".to_owned(), t.to_string()]);
        }
        if self.device_code {
            args.push("--use-device-code".to_owned());
        }
        args.extend(["--output".to_owned(), "none".to_owned()]);
        args
    }

    /// The same sign-in as the user would type it.
    pub fn line(&self) -> String {
        let mut words = vec!["az".to_owned()];
        words.extend(self.login_args());
        posix_join(&words)
    }
}

/// What az asks of the user, read from its stderr.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Asked {
    /// az opened the browser at this page (or is about to).
    Browser { page: Option<String> },
    /// Enter `code` at `page`, on any device.
    DeviceCode { code: String, page: String },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ended {
    /// With the tenants az could not sign in to on the way (MFA,
    /// Conditional Access), each with its own `az login --tenant`.
    SignedIn {
        tenants_left: Vec<Diagnosis>,
    },
    Cancelled,
    Failed(Diagnosis),
}

/// Where az runs: in a process group of its own (the window: Cancel and
/// the give-up end az and everything it started), or in the caller's
/// (a terminal: Ctrl+C reaches az as it reaches Escher).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Group {
    Own,
    Caller,
}

/// Cancel from another thread: the sign-in ends az at its next look.
#[derive(Clone, Debug, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// Read one line az printed: the browser page or the device code.
pub fn parse_asked(line: &str) -> Option<Asked> {
    let line = line.trim().trim_start_matches("WARNING: ");
    let url = || {
        line.split_whitespace()
            .find(|w| w.starts_with("https://"))
            .map(|w| w.trim_end_matches(['.', ',']).to_owned())
    };
    if let Some(rest) = line.split("enter the code ").nth(1) {
        let code = rest.split_whitespace().next()?.to_owned();
        return Some(Asked::DeviceCode { code, page: url()? });
    }
    line.starts_with("A web browser has been opened")
        .then(|| Asked::Browser { page: url() })
}

/// Sign in, blocking until az ends, the user cancels or `limits.login`
/// passes: call it off the UI thread. `az`: the one Re-check found, else
/// it is looked for. `asked` hears what az asks of the user.
pub fn sign_in(
    env: &AzEnv,
    az: Option<&Path>,
    request: &LoginRequest,
    (limits, group): (Limits, Group),
    cancel: &Cancel,
    asked: &mut dyn FnMut(Asked),
) -> Ended {
    let Some(az) = az
        .map(Path::to_path_buf)
        .or_else(|| find::locate(&find::search_dirs(env)))
    else {
        return Ended::Failed(diagnose::az_missing());
    };
    if let Some(cloud) = &request.cloud
        && let Some(d) = select_cloud(&az, env, cloud, (limits, group))
    {
        return Ended::Failed(d);
    }
    if cancel.is_cancelled() {
        return Ended::Cancelled;
    }
    if !request.device_code {
        asked(Asked::Browser { page: None });
    }
    let run = Run {
        az: &az,
        args: request.login_args(),
        env,
        limit: limits.login,
        group,
    };
    match run.watch(cancel, asked) {
        Watched::Exited { ok: true, stderr } => Ended::SignedIn {
            tenants_left: tenants_left(&stderr),
        },
        Watched::Exited { stderr, .. } => Ended::Failed(failure(request, &stderr)),
        Watched::Cancelled => Ended::Cancelled,
        Watched::GaveUp => Ended::Failed(gave_up(request, limits.login)),
        Watched::Spawn(e) => Ended::Failed(diagnose::unknown(
            "The Azure CLI could not be started",
            format!("{}: {e}", az.display()),
            Some(login_argv(request)),
            "",
        )),
    }
}

fn login_argv(request: &LoginRequest) -> Vec<String> {
    let mut words = vec!["az".to_owned()];
    words.extend(request.login_args());
    words
}

/// `az cloud set --name CLOUD`, only when `az cloud show` says another
/// cloud is active; why it failed, if it did.
fn select_cloud(
    az: &Path,
    env: &AzEnv,
    cloud: &str,
    (limits, group): (Limits, Group),
) -> Option<Diagnosis> {
    let shown = run(az, &AzCommand::CloudShow, env, limits.az)
        .ok()
        .filter(|o| o.success())
        .and_then(|o| cloud::parse(&o.stdout).ok());
    if shown.is_some_and(|c| c.name == cloud) {
        return None;
    }
    let set = Run {
        az,
        args: ["cloud", "set", "--name", cloud]
            .map(str::to_owned)
            .to_vec(),
        env,
        limit: limits.az,
        group,
    };
    let argv = || {
        let mut w = vec!["az".to_owned()];
        w.extend(set.args.clone());
        w
    };
    match set.watch(&Cancel::default(), &mut |_| {}) {
        Watched::Exited { ok: true, .. } => None,
        Watched::Exited { stderr, .. } => {
            Some(diagnose::from_az(&Subject::default(), &argv(), &stderr))
        }
        _ => Some(diagnose::timeout("az cloud set", limits.az, Some(argv()))),
    }
}

/// How a failed `az login` reads to a person: the Azure diagnosis, plus
/// az login's own "no subscriptions".
fn failure(request: &LoginRequest, stderr: &str) -> Diagnosis {
    if stderr.contains("No subscriptions found for") {
        let mut d = diagnose::no_subscriptions(request.tenant.as_ref(), None);
        d.detail = stderr.trim().to_owned();
        return d;
    }
    let subject = Subject {
        tenant: request.tenant.as_ref(),
        ..Default::default()
    };
    diagnose::from_az(&subject, &login_argv(request), stderr)
}

/// az signs in to every tenant in turn and only warns about one that
/// refuses: "WARNING: Authentication failed against tenant ID 'Name': …".
fn tenants_left(stderr: &str) -> Vec<Diagnosis> {
    const LEAD: &str = "WARNING: Authentication failed against tenant ";
    stderr
        .lines()
        .filter_map(|l| l.strip_prefix(LEAD))
        .filter_map(|rest| {
            let tenant = Guid::parse(rest.split_whitespace().next()?.trim_end_matches(':'))?;
            let subject = Subject {
                tenant: Some(&tenant),
                ..Default::default()
            };
            let argv = diagnose::login_argv(Some(&tenant));
            Some(diagnose::from_az(&subject, &argv, rest))
        })
        .collect()
}

fn gave_up(request: &LoginRequest, limit: Duration) -> Diagnosis {
    let mut d = diagnose::timeout("The sign-in", limit, Some(login_argv(request)));
    d.title = "The sign-in was not finished".into();
    d.explanation = format!(
        "Nobody finished signing in within {} minutes, so Escher ended az login.",
        limit.as_secs() / 60
    );
    d.fix = "Click Sign in with Azure to start again; with no browser on this computer, use a code instead.".into();
    d
}

/// One `az` child in a process group of its own, so Cancel ends it and
/// the Python it starts (az.cmd, the az shell script). The browser az
/// opens is not in it: Python's webbrowser starts it in a new session.
struct Run<'a> {
    az: &'a Path,
    args: Vec<String>,
    env: &'a AzEnv,
    limit: Duration,
    group: Group,
}

enum Watched {
    Exited { ok: bool, stderr: String },
    Cancelled,
    GaveUp,
    Spawn(std::io::Error),
}

const POLL: Duration = Duration::from_millis(50);

impl Run<'_> {
    fn spawn(&self) -> std::io::Result<Child> {
        let mut command = Command::new(self.az);
        command
            .args(&self.args)
            .env_clear()
            .envs(self.env.vars())
            .env("AZURE_CORE_NO_COLOR", "true")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        if self.group == Group::Own {
            own_group(&mut command);
        }
        command.spawn()
    }

    fn end(&self, child: &mut Child) {
        match self.group {
            Group::Own => end_group(child),
            Group::Caller => {
                let _ = child.kill();
                let _ = child.wait();
            }
        }
    }

    fn watch(&self, cancel: &Cancel, asked: &mut dyn FnMut(Asked)) -> Watched {
        let mut child = match self.spawn() {
            Ok(c) => c,
            Err(e) => return Watched::Spawn(e),
        };
        let lines = read_lines(child.stderr.take());
        let mut stderr = String::new();
        let give_up = Instant::now() + self.limit;
        loop {
            for line in lines.try_iter() {
                if let Some(a) = parse_asked(&line) {
                    asked(a);
                }
                stderr.push_str(&line);
            }
            match child.try_wait() {
                Ok(Some(status)) => {
                    // What az printed last may still be in the pipe.
                    let grace = Instant::now() + Duration::from_secs(2);
                    while let Ok(line) =
                        lines.recv_timeout(grace.saturating_duration_since(Instant::now()))
                    {
                        stderr.push_str(&line);
                    }
                    return Watched::Exited {
                        ok: status.success(),
                        stderr,
                    };
                }
                Ok(None) if cancel.is_cancelled() => {
                    self.end(&mut child);
                    return Watched::Cancelled;
                }
                Ok(None) if Instant::now() >= give_up => {
                    self.end(&mut child);
                    return Watched::GaveUp;
                }
                Ok(None) => std::thread::sleep(POLL),
                Err(e) => {
                    self.end(&mut child);
                    return Watched::Spawn(e);
                }
            }
        }
    }
}

/// Each line of a pipe (with its newline), from a thread of its own.
fn read_lines(pipe: Option<impl std::io::Read + Send + 'static>) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let Some(pipe) = pipe else { return };
        let mut reader = BufReader::new(pipe);
        let mut line = String::new();
        while reader.read_line(&mut line).is_ok_and(|n| n > 0) {
            if tx.send(std::mem::take(&mut line)).is_err() {
                return;
            }
        }
    });
    rx
}

#[cfg(unix)]
fn own_group(command: &mut Command) {
    use std::os::unix::process::CommandExt;
    command.process_group(0);
}

#[cfg(windows)]
fn own_group(command: &mut Command) {
    use std::os::windows::process::CommandExt;
    // CREATE_NO_WINDOW: az.cmd would otherwise flash a console window.
    command.creation_flags(0x0800_0000);
}

/// End the child's whole group: politely, then for good.
#[cfg(unix)]
fn end_group(child: &mut Child) {
    let Ok(pid) = libc::pid_t::try_from(child.id()) else {
        let _ = child.kill();
        return;
    };
    // SAFETY: kill(2) with a negative pid signals the group the child
    // leads (process_group(0) above); it touches no memory.
    unsafe { libc::kill(-pid, libc::SIGTERM) };
    let until = Instant::now() + Duration::from_secs(1);
    while Instant::now() < until && matches!(child.try_wait(), Ok(None)) {
        std::thread::sleep(Duration::from_millis(20));
    }
    // SAFETY: as above; the group may already be gone (ESRCH is fine).
    unsafe { libc::kill(-pid, libc::SIGKILL) };
    let _ = child.wait();
}

/// End the child's whole tree: az.cmd runs python, which `kill` alone
/// would leave running.
#[cfg(windows)]
fn end_group(child: &mut Child) {
    use std::os::windows::process::CommandExt;
    let _ = Command::new("taskkill")
        .args(["/PID", &child.id().to_string(), "/T", "/F"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .creation_flags(0x0800_0000)
        .status();
    let _ = child.kill();
    let _ = child.wait();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_device_code_and_the_browser_page_are_read_from_what_az_prints() {
        let code = "To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code DMQ6BL7XK to authenticate.\n";
        assert_eq!(
            parse_asked(code),
            Some(Asked::DeviceCode {
                code: "DMQ6BL7XK".into(),
                page: "https://microsoft.com/devicelogin".into()
            })
        );
        let browser = "WARNING: A web browser has been opened at https://login.microsoftonline.com/organizations/oauth2/v2.0/authorize. Please continue the login in the web browser. If no web browser is available or if the web browser fails to open, use device code flow with `az login --use-device-code`.\n";
        assert_eq!(
            parse_asked(browser),
            Some(Asked::Browser {
                page: Some(
                    "https://login.microsoftonline.com/organizations/oauth2/v2.0/authorize".into()
                )
            })
        );
        assert_eq!(
            parse_asked("WARNING: Switched active cloud to 'AzureCloud'."),
            None
        );
    }

    #[test]
    fn only_a_guid_tenant_and_a_known_cloud_reach_the_command_line() {
        let t = "C0000000-0000-0000-0000-00000000000C";
        let r = LoginRequest::new(t, Some("AzureUSGovernment"), None, true).unwrap();
        assert_eq!(
            r.line(),
            "az login --tenant c0000000-0000-0000-0000-00000000000c --use-device-code --output none"
        );
        assert!(LoginRequest::new("contoso; rm -rf ~", None, None, false).is_err());
        assert!(LoginRequest::new("", Some("--debug"), None, false).is_err());
        assert!(LoginRequest::new("", Some("Local"), Some("Local"), false).is_ok());
        assert_eq!(
            LoginRequest::new(" ", None, None, false).unwrap().line(),
            "az login --output none"
        );
    }
}
