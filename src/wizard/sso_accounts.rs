//! "Add more accounts from this sign-in" as plain state: the listing, the
//! rows the user picks, the name template, the preview, and the write or
//! the removal, each run off the UI thread and reported over a channel.
//! The window reads this and returns what was clicked (`ui::sso_accounts`).

use crate::aws::check::Connections;
use crate::aws::env::AwsEnv;
use crate::aws::profiles::{Discovery, discover};
use crate::aws::sso_populate::append::{self, AppendPlan, Written};
use crate::aws::sso_populate::list::{ListError, Pace, list};
use crate::aws::sso_populate::naming::{DEFAULT_TEMPLATE, Proposed, Template, propose};
use crate::aws::sso_populate::remove::{self, RemovePlan};
use crate::aws::sso_populate::render::{configure_commands, region_problem};
use crate::aws::sso_populate::write::{self, WriteError};
use crate::aws::sso_populate::{
    Row, SignIn, nothing_to_add, rows, sign_in_of, taken_names, to_add,
};
use crate::background::Wake;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::SystemTime;
use tokio::runtime::Handle;

/// What the listing found.
pub struct Listing {
    pub files: Discovery,
    pub sign_in: SignIn,
    pub rows: Vec<Row>,
}

enum Msg {
    Listed(Result<Box<Listing>, ListFailure>),
    Previewed(Result<AppendPlan, WriteError>),
    Wrote(Result<Written, WriteError>),
    RemovalPreviewed(Result<RemovePlan, WriteError>),
    Removed(Result<(PathBuf, Vec<String>), WriteError>),
}

/// Why nothing could be listed: a sign-in case with its command, or words.
#[derive(Clone, Debug)]
pub enum ListFailure {
    SignIn {
        title: String,
        fix: String,
        command: Option<String>,
    },
    Other(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Busy {
    Listing,
    Previewing,
    Writing,
    Removing,
}

pub struct Flow {
    pub source: String,
    env: AwsEnv,
    runtime: Handle,
    conns: Arc<Connections>,
    tx: Sender<Msg>,
    rx: Receiver<Msg>,
    pub busy: Option<Busy>,
    pub failure: Option<ListFailure>,
    pub listing: Option<Listing>,
    pub template: String,
    pub prefix: String,
    pub region: String,
    pub search: String,
    pub chosen: Vec<bool>,
    names: Vec<Option<Proposed>>,
    names_for: Option<(String, String)>,
    pub template_error: Option<String>,
    pub preview: Option<AppendPlan>,
    pub removal: Option<RemovePlan>,
    /// The last outcome in words: (success, text).
    pub outcome: Option<(bool, String)>,
    /// The file changed under a preview: preview again once relisted.
    repreview: bool,
}

impl Flow {
    /// Open the flow for the sign-in of `source` and start listing.
    pub fn open(
        source: &str,
        env: AwsEnv,
        runtime: Handle,
        conns: Arc<Connections>,
        wake: Wake,
    ) -> Self {
        let (tx, rx) = channel();
        let mut flow = Flow {
            source: source.to_owned(),
            env,
            runtime,
            conns,
            tx,
            rx,
            busy: None,
            failure: None,
            listing: None,
            template: DEFAULT_TEMPLATE.to_owned(),
            prefix: String::new(),
            region: String::new(),
            search: String::new(),
            chosen: Vec::new(),
            names: Vec::new(),
            names_for: None,
            template_error: None,
            preview: None,
            removal: None,
            outcome: None,
            repreview: false,
        };
        flow.relist(wake);
        flow
    }

    /// List again (after signing in again, or to refresh). Not while busy.
    pub fn relist(&mut self, wake: Wake) {
        if self.busy.is_some() {
            return;
        }
        self.busy = Some(Busy::Listing);
        self.failure = None;
        let (env, source, tx, conns) = (
            self.env.clone(),
            self.source.clone(),
            self.tx.clone(),
            self.conns.clone(),
        );
        self.runtime.spawn(async move {
            let read_env = env.clone();
            let files = tokio::task::spawn_blocking(move || discover(&read_env)).await;
            let result = match files {
                Err(e) => Err(ListFailure::Other(format!(
                    "reading the AWS files stopped: {e}"
                ))),
                Ok(files) => match sign_in_of(&files, &source) {
                    Err(why) => Err(ListFailure::Other(why)),
                    Ok(sign_in) => {
                        match list(&env, &files, &sign_in, &conns, &Pace::default()).await {
                            Ok(reach) => Ok(Box::new(Listing {
                                rows: rows(&sign_in, reach, &files),
                                files,
                                sign_in,
                            })),
                            Err(ListError::SignIn(d)) => Err(ListFailure::SignIn {
                                title: d.title,
                                fix: d.fix,
                                command: d.command,
                            }),
                            Err(other) => Err(ListFailure::Other(other.to_string())),
                        }
                    }
                },
            };
            let _ = tx.send(Msg::Listed(result));
            wake();
        });
    }

    /// Take in finished work. Returns the names of profiles just added,
    /// for the caller to connect and check in one batch.
    pub fn poll(&mut self, wake: &Wake) -> Vec<String> {
        let mut added = Vec::new();
        while let Ok(msg) = self.rx.try_recv() {
            self.busy = None;
            match msg {
                Msg::Listed(Ok(l)) => {
                    // A new listing keeps what the user picked.
                    let before: std::collections::HashMap<(&str, &str), bool> = self
                        .rows()
                        .iter()
                        .zip(&self.chosen)
                        .map(|(r, on)| {
                            (
                                (r.reach.account_id.as_str(), r.reach.role_name.as_str()),
                                *on,
                            )
                        })
                        .collect();
                    let chosen = l
                        .rows
                        .iter()
                        .map(|r| {
                            let key = (r.reach.account_id.as_str(), r.reach.role_name.as_str());
                            before
                                .get(&key)
                                .copied()
                                .unwrap_or(r.existing.is_none() && r.problem.is_none())
                        })
                        .collect();
                    self.chosen = chosen;
                    if self.region.is_empty() {
                        self.region = l.sign_in.region.clone().unwrap_or_default();
                    }
                    self.listing = Some(*l);
                    self.names_for = None;
                    if std::mem::take(&mut self.repreview) {
                        self.start_preview(wake.clone());
                    }
                }
                Msg::Listed(Err(f)) => self.failure = Some(f),
                Msg::Previewed(Ok(p)) => self.preview = Some(p),
                Msg::Previewed(Err(e)) => self.outcome = Some((false, e.to_string())),
                Msg::Wrote(Ok(w)) => {
                    self.outcome = Some((
                        true,
                        format!(
                            "Added {} profiles to {}; the file as it was is kept as {} (Escher keeps its last {} backups there). Escher is verifying them; they appear in Settings → Profiles.",
                            w.names.len(),
                            w.path.display(),
                            w.backup.display(),
                            write::BACKUPS_KEPT
                        ),
                    ));
                    self.preview = None;
                    added = w.names;
                    self.relist(wake.clone());
                }
                Msg::Wrote(Err(e)) => {
                    let changed = matches!(e, WriteError::Changed { .. });
                    self.outcome = Some((false, e.to_string()));
                    self.preview = None;
                    if changed {
                        // The file moved on: list and preview again from it.
                        self.repreview = true;
                        self.relist(wake.clone());
                    }
                }
                Msg::RemovalPreviewed(Ok(p)) => self.removal = Some(p),
                Msg::RemovalPreviewed(Err(e)) => self.outcome = Some((false, e.to_string())),
                Msg::Removed(Ok((backup, names))) => {
                    self.outcome = Some((
                        true,
                        format!(
                            "Removed {} profiles Escher added ({}); the file as it was is kept as {} (Escher keeps its last {} backups there).",
                            names.len(),
                            names.join(", "),
                            backup.display(),
                            write::BACKUPS_KEPT
                        ),
                    ));
                    self.removal = None;
                    self.relist(wake.clone());
                }
                Msg::Removed(Err(e)) => {
                    self.outcome = Some((false, e.to_string()));
                    self.removal = None;
                }
            }
        }
        added
    }

    /// The proposed name of each row, for the template and prefix as typed.
    pub fn names(&mut self) -> &[Option<Proposed>] {
        let key = (self.template.clone(), self.prefix.clone());
        if self.names_for.as_ref() != Some(&key) {
            self.names_for = Some(key);
            match (Template::parse(&self.template), &self.listing) {
                (Ok(t), Some(l)) => {
                    self.template_error = None;
                    self.names = propose(&l.rows, &t, &self.prefix, &taken_names(&l.files));
                }
                (Err(e), _) => {
                    self.template_error = Some(e.to_string());
                    self.names.clear();
                }
                (Ok(_), None) => self.names.clear(),
            }
        }
        &self.names
    }

    pub fn rows(&self) -> &[Row] {
        self.listing
            .as_ref()
            .map(|l| l.rows.as_slice())
            .unwrap_or_default()
    }

    /// Rows matching the search box (account name, id or role).
    pub fn visible(&self) -> Vec<usize> {
        let q = self.search.trim().to_lowercase();
        self.rows()
            .iter()
            .enumerate()
            .filter(|(_, r)| {
                q.is_empty()
                    || r.reach.account_name.to_lowercase().contains(&q)
                    || r.reach.account_id.contains(&q)
                    || r.reach.role_name.to_lowercase().contains(&q)
            })
            .map(|(i, _)| i)
            .collect()
    }

    pub fn can_add(&self, i: usize) -> bool {
        self.rows()
            .get(i)
            .is_some_and(|r| r.existing.is_none() && r.problem.is_none())
    }

    /// Select all or none of the rows in view.
    pub fn select_visible(&mut self, on: bool) {
        for i in self.visible() {
            if self.can_add(i) {
                self.chosen[i] = on;
            }
        }
    }

    pub fn chosen_count(&self) -> usize {
        (0..self.chosen.len())
            .filter(|i| self.chosen[*i] && self.can_add(*i))
            .count()
    }

    /// Why Preview cannot be made now, if it cannot.
    pub fn preview_blocker(&mut self) -> Option<String> {
        self.names();
        if let Some(e) = &self.template_error {
            return Some(e.clone());
        }
        if let Some(e) =
            region_problem(self.region.trim()).filter(|_| !self.region.trim().is_empty())
        {
            return Some(e);
        }
        if let Some(why) = nothing_to_add(self.rows()) {
            return Some(format!("Nothing to add: {why}."));
        }
        (self.chosen_count() == 0).then(|| "Pick at least one account and role to add.".into())
    }

    fn chosen_profiles(
        &mut self,
    ) -> Option<(SignIn, Vec<crate::aws::sso_populate::render::NewProfile>)> {
        self.names();
        let l = self.listing.as_ref()?;
        let chosen = self.chosen.clone();
        let profiles = to_add(
            &l.rows,
            &self.names,
            |i| chosen.get(i).copied().unwrap_or(false),
            &self.region,
        );
        Some((l.sign_in.clone(), profiles))
    }

    /// Build the preview from the file as it is now.
    pub fn start_preview(&mut self, wake: Wake) {
        if self.busy.is_some() || self.preview_blocker().is_some() {
            return;
        }
        let Some((sign_in, profiles)) = self.chosen_profiles() else {
            return;
        };
        self.busy = Some(Busy::Previewing);
        self.outcome = None;
        let (env, tx) = (self.env.clone(), self.tx.clone());
        self.runtime.spawn_blocking(move || {
            let plan = write::read(&env)
                .and_then(|s| append::plan(s, &sign_in, profiles, SystemTime::now()));
            let _ = tx.send(Msg::Previewed(plan));
            wake();
        });
    }

    /// Write the previewed text (only if the file is still as previewed).
    pub fn start_add(&mut self, wake: Wake) {
        let (Some(plan), None) = (self.preview.clone(), self.busy) else {
            return;
        };
        self.busy = Some(Busy::Writing);
        let tx = self.tx.clone();
        self.runtime.spawn_blocking(move || {
            let _ = tx.send(Msg::Wrote(plan.apply(SystemTime::now())));
            wake();
        });
    }

    /// What Copy puts on the clipboard: the text, then the same as
    /// `aws configure set` commands.
    pub fn copy_text(&self) -> Option<String> {
        let plan = self.preview.as_ref()?;
        let sign_in = &self.listing.as_ref()?.sign_in;
        let commands = configure_commands(sign_in, &plan.profiles).join("\n");
        Some(format!(
            "{}\n# Or, the same with the AWS CLI:\n{commands}\n",
            plan.text.trim_start_matches(['\r', '\n'])
        ))
    }

    pub fn start_removal_preview(&mut self, wake: Wake) {
        let (Some(l), None) = (&self.listing, self.busy) else {
            return;
        };
        let (env, tx, sign_in) = (self.env.clone(), self.tx.clone(), l.sign_in.clone());
        self.busy = Some(Busy::Previewing);
        self.outcome = None;
        self.runtime.spawn_blocking(move || {
            let files = discover(&env);
            let _ = tx.send(Msg::RemovalPreviewed(
                write::read(&env).and_then(|s| remove::plan(s, &sign_in, &files)),
            ));
            wake();
        });
    }

    pub fn start_removal(&mut self, wake: Wake) {
        let (Some(plan), None) = (self.removal.clone(), self.busy) else {
            return;
        };
        self.busy = Some(Busy::Removing);
        let tx = self.tx.clone();
        self.runtime.spawn_blocking(move || {
            // The window names every orphan and asks before this click.
            let result = plan
                .apply(SystemTime::now(), remove::Orphans::Leave)
                .map(|b| (b, plan.names()));
            let _ = tx.send(Msg::Removed(result));
            wake();
        });
    }
}
