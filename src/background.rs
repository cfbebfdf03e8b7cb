//! Work off the UI thread: checks run on the tokio runtime, terminals are
//! started on a blocking thread; both report back over a channel and wake
//! the window. A profile already being checked is not checked twice.

use crate::aws::batch;
use crate::aws::check::{CheckReport, Connections, DEFAULT_TIMEOUT};
use crate::aws::env::AwsEnv;
use crate::aws::profile_name::ProfileName;
use crate::azure::cloud::Cloud;
use crate::azure::discover::{self, Found, Stopped};
use crate::azure::env::{AzEnv, Limits};
use crate::azure::find::AzCli;
use crate::azure::subscriptions::Subscription;
use crate::azure::verify::{Verdict, Verifier};
use crate::terminal::{self, LaunchEnv, TerminalRequest};
use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::Duration;
use tokio::runtime::Handle;

mod permissions;

/// The runtime checks run on: two workers, as many as the machines Escher
/// targets have cores to spare.
pub fn new_runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
}

pub use crate::wake::Wake;

pub enum Event {
    Checked(Box<CheckReport>),
    /// The program that opened, or what went wrong, in words.
    TerminalOpened(Result<String, String>),
    /// The AWS files as read by a discovery started at `started` (a later
    /// one may finish first).
    Discovered {
        started: std::time::Instant,
        discovery: Box<crate::aws::profiles::Discovery>,
    },
    AwsCli(crate::aws_cli::CliStatus),
    /// Where the policy was saved (None: the user cancelled), or why not.
    PolicySaved(Result<Option<std::path::PathBuf>, String>),
    /// What an Azure Re-check found, or why it stopped.
    AzureFound(Result<Found, Stopped>),
    /// The verdicts of the picked subscriptions, for this cloud.
    AzureVerified {
        cloud: String,
        verdicts: Vec<Verdict>,
    },
    /// What the running `az login` asks of the user.
    AzureAsked(crate::azure::login::Asked),
    /// How `az login` ended.
    AzureSignedIn(crate::azure::login::Ended),
    /// What a profile can read and whether it can write.
    Permissions(Box<crate::aws::permissions::PermissionReport>),
}

pub struct Background {
    runtime: Handle,
    tx: Sender<Event>,
    rx: Receiver<Event>,
    in_flight: HashSet<String>,
    conns: Arc<Connections>,
    pub aws_env: AwsEnv,
    pub launch_env: LaunchEnv,
    pub timeout: Duration,
    /// How the AWS files are watched (tests ask for polling).
    pub watch_mode: crate::watch::Mode,
    /// The environment `az` runs in; tests hand in their stand-in's.
    pub azure_env: AzEnv,
    pub azure_limits: Limits,
    azure_discovering: bool,
    azure_verifying: bool,
    /// The running `az login`, to cancel; one at a time.
    azure_sign_in: Option<crate::azure::login::Cancel>,
    /// Kept for the session, so tokens are reused; rebuilt when az or the
    /// cloud changes.
    verifier: Option<(PathBuf, Cloud, Verifier)>,
}

impl Background {
    pub fn new(runtime: Handle, aws_env: AwsEnv, launch_env: LaunchEnv) -> Self {
        let (tx, rx) = channel();
        Background {
            runtime,
            tx,
            rx,
            in_flight: HashSet::new(),
            conns: Arc::new(Connections::default()),
            aws_env,
            launch_env,
            timeout: DEFAULT_TIMEOUT,
            watch_mode: crate::watch::Mode::Auto,
            azure_env: AzEnv::from_process(),
            azure_limits: Limits::default(),
            azure_discovering: false,
            azure_verifying: false,
            azure_sign_in: None,
            verifier: None,
        }
    }

    /// The runtime and HTTPS clients, for flows that run their own work
    /// (`wizard::sso_accounts`).
    pub fn runtime(&self) -> (Handle, Arc<Connections>) {
        (self.runtime.clone(), self.conns.clone())
    }

    pub fn is_checking(&self, name: &str) -> bool {
        self.in_flight.contains(name)
    }

    /// Start a check unless one for this profile is in flight. Returns
    /// whether a new check started.
    pub fn check(&mut self, name: ProfileName, wake: Wake) -> bool {
        self.check_batch(vec![name.to_string()], wake) == 1
    }

    /// Check the names not already in flight, as one batch (one reading of
    /// the files, a bounded number at a time). Returns how many started.
    pub fn check_batch(&mut self, names: Vec<String>, wake: Wake) -> usize {
        let names: Vec<String> = names
            .into_iter()
            .filter(|n| self.in_flight.insert(n.clone()))
            .collect();
        let started = names.len();
        if started == 0 {
            return 0;
        }
        let tx = self.tx.clone();
        let (env, timeout, conns) = (self.aws_env.clone(), self.timeout, self.conns.clone());
        self.runtime.spawn(batch::check_all(
            names,
            env,
            timeout,
            conns,
            None,
            move |_, report| {
                let _ = tx.send(Event::Checked(Box::new(report)));
                wake();
            },
        ));
        started
    }

    /// Read the AWS files again (they change whenever the CLI runs).
    pub fn discover(&self, wake: Wake) {
        let tx = self.tx.clone();
        let env = self.aws_env.clone();
        let started = std::time::Instant::now();
        self.runtime.spawn_blocking(move || {
            let discovery = Box::new(crate::aws::profiles::discover(&env));
            let _ = tx.send(Event::Discovered { started, discovery });
            wake();
        });
    }

    /// Find the `aws` command and its version.
    pub fn detect_aws_cli(&self, wake: Wake) {
        let tx = self.tx.clone();
        let dirs = self.launch_env.aws_cli_dirs.clone();
        self.runtime.spawn_blocking(move || {
            let dirs = dirs.unwrap_or_else(crate::aws_cli::dirs_for_this_machine);
            let _ = tx.send(Event::AwsCli(crate::aws_cli::detect(&dirs)));
            wake();
        });
    }

    pub fn open_terminal(&self, req: TerminalRequest, wake: Wake) {
        let tx = self.tx.clone();
        let env = self.launch_env.clone();
        self.runtime.spawn_blocking(move || {
            let result = terminal::open(&env, &req).map_err(|e| e.to_string());
            let _ = tx.send(Event::TerminalOpened(result));
            wake();
        });
    }

    /// Everything that finished since the last call.
    pub fn poll(&mut self) -> Vec<Event> {
        let events: Vec<Event> = self.rx.try_iter().collect();
        for e in &events {
            match e {
                Event::Checked(r) => {
                    self.in_flight.remove(&r.profile);
                }
                Event::AzureFound(_) => self.azure_discovering = false,
                Event::AzureVerified { .. } => self.azure_verifying = false,
                Event::AzureSignedIn(_) => self.azure_sign_in = None,
                _ => {}
            }
        }
        events
    }
}

impl Background {
    /// Save the policy through the platform's save dialog. When no dialog
    /// can be shown (no portal on a bare Linux desktop), it is saved to the
    /// Downloads folder instead and the message says where.
    pub fn save_policy(&self, wake: Wake) {
        use crate::aws::policy;
        let tx = self.tx.clone();
        self.runtime.spawn(async move {
            let asked = std::time::Instant::now();
            let mut dialog = rfd::AsyncFileDialog::new()
                .set_file_name(policy::FILE_NAME)
                .add_filter("JSON", &["json"]);
            if let Some(dir) = dirs::download_dir().or_else(dirs::home_dir) {
                dialog = dialog.set_directory(dir);
            }
            let chosen = dialog.save_file().await.map(|h| h.path().to_path_buf());
            // A user cannot cancel a dialog in a fifth of a second: an
            // instant "no file" means the dialog could not open.
            let fallback = || {
                dirs::download_dir()
                    .or_else(dirs::home_dir)
                    .map(|d| d.join(policy::FILE_NAME))
            };
            let target = match chosen {
                Some(path) => Some(path),
                None if asked.elapsed() < Duration::from_millis(200) => fallback(),
                None => None,
            };
            let result = match target {
                None => Ok(None),
                Some(path) => policy::save_to(&path)
                    .map(|()| Some(path.clone()))
                    .map_err(|e| {
                        format!(
                            "Could not save the policy to {}: {e}. Use Copy instead.",
                            path.display()
                        )
                    }),
            };
            let _ = tx.send(Event::PolicySaved(result));
            wake();
        });
    }
}

impl Background {
    pub fn is_azure_discovering(&self) -> bool {
        self.azure_discovering
    }

    pub fn is_azure_verifying(&self) -> bool {
        self.azure_verifying
    }

    /// Azure Re-check: what the sign-in reaches. With `az` known from an
    /// earlier one, `az version` is skipped. Returns false (and starts
    /// nothing) while one is running.
    pub fn azure_discover(&mut self, az: Option<AzCli>, wake: Wake) -> bool {
        if self.azure_discovering {
            return false;
        }
        self.azure_discovering = true;
        let tx = self.tx.clone();
        let (env, limits) = (self.azure_env.clone(), self.azure_limits);
        self.runtime.spawn_blocking(move || {
            let found = match az {
                Some(az) => {
                    discover::discover_with(&az, &env, limits).map_err(|diagnosis| Stopped {
                        az: Some(az),
                        diagnosis,
                    })
                }
                None => discover::discover(&env, limits),
            };
            let _ = tx.send(Event::AzureFound(found));
            wake();
        });
        true
    }

    /// Verify the subscriptions against ARM with az's tokens. Returns
    /// false (and starts nothing) while a verification is running.
    pub fn azure_verify(&mut self, found: &Found, subs: Vec<Subscription>, wake: Wake) -> bool {
        if self.azure_verifying || subs.is_empty() {
            return false;
        }
        self.azure_verifying = true;
        let reusable = self
            .verifier
            .as_ref()
            .is_some_and(|(az, cloud, _)| *az == found.az.path && *cloud == found.cloud);
        if !reusable {
            let v = Verifier::new(
                found.az.path.clone(),
                self.azure_env.clone(),
                self.azure_limits,
                &found.cloud,
            );
            self.verifier = Some((found.az.path.clone(), found.cloud.clone(), v));
        }
        let Some((_, _, verifier)) = self.verifier.clone() else {
            return false;
        };
        let tx = self.tx.clone();
        let cloud = found.cloud.name.clone();
        self.runtime.spawn(async move {
            let verdicts = verifier.verify_all(&subs).await;
            let _ = tx.send(Event::AzureVerified { cloud, verdicts });
            wake();
        });
        true
    }
}

impl Background {
    pub fn is_azure_signing_in(&self) -> bool {
        self.azure_sign_in.is_some()
    }

    /// Run the user's `az login` (on their click). Returns false (and
    /// starts nothing) while one is running.
    pub fn azure_sign_in(
        &mut self,
        az: Option<PathBuf>,
        request: crate::azure::login::LoginRequest,
        wake: Wake,
    ) -> bool {
        use crate::azure::login::{self, Cancel};
        if self.azure_sign_in.is_some() {
            return false;
        }
        let cancel = Cancel::default();
        self.azure_sign_in = Some(cancel.clone());
        let tx = self.tx.clone();
        let (env, limits) = (self.azure_env.clone(), self.azure_limits);
        self.runtime.spawn_blocking(move || {
            let mut asked = |a| {
                let _ = tx.send(Event::AzureAsked(a));
                wake();
            };
            let how = (limits, login::Group::Own);
            let ended = login::sign_in(&env, az.as_deref(), &request, how, &cancel, &mut asked);
            let _ = tx.send(Event::AzureSignedIn(ended));
            wake();
        });
        true
    }

    /// Cancel: az and its children are ended within a second or so.
    pub fn cancel_azure_sign_in(&self) {
        if let Some(c) = &self.azure_sign_in {
            c.cancel();
        }
    }
}

/// Closing the window ends a running `az login`: the runtime waits for
/// its thread, which would otherwise wait for the user up to 10 minutes.
impl Drop for Background {
    fn drop(&mut self) {
        self.cancel_azure_sign_in();
    }
}
