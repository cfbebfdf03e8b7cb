//! Work off the UI thread: checks run on the tokio runtime, terminals are
//! started on a blocking thread; both report back over a channel and wake
//! the window. A profile already being checked is not checked twice.

use crate::aws::batch;
use crate::aws::check::{CheckReport, Connections, DEFAULT_TIMEOUT};
use crate::aws::env::AwsEnv;
use crate::aws::profile_name::ProfileName;
use crate::terminal::{self, LaunchEnv, TerminalRequest};
use std::collections::HashSet;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::Duration;
use tokio::runtime::Handle;

/// The runtime checks run on: two workers, as many as the machines Escher
/// targets have cores to spare.
pub fn new_runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
}

/// Called after a result is sent, so an idle window repaints to show it.
pub type Wake = Arc<dyn Fn() + Send + Sync>;

pub enum Event {
    Checked(Box<CheckReport>),
    /// The program that opened, or what went wrong, in words.
    TerminalOpened(Result<String, String>),
    /// The AWS files as read by a discovery started at `started` (a later
    /// one may finish first).
    Discovered {
        started: std::time::Instant,
        discovery: crate::aws::profiles::Discovery,
    },
    AwsCli(crate::aws_cli::CliStatus),
    /// Where the policy was saved (None: the user cancelled), or why not.
    PolicySaved(Result<Option<std::path::PathBuf>, String>),
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
        }
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
            let discovery = crate::aws::profiles::discover(&env);
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
            if let Event::Checked(r) = e {
                self.in_flight.remove(&r.profile);
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
