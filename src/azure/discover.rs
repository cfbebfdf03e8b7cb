//! Re-check: what the Azure CLI's sign-in reaches, for the picker. Runs
//! only `az version`, `az cloud show` and `az account list --all`, at
//! once; blocks for up to one az limit, so call it off the UI thread.
#![allow(
    clippy::result_large_err,
    reason = "one diagnosis per Re-check, handed to the view by value; a Box would only add a deref"
)]

use super::cloud::{self, Cloud};
use super::diagnose::{self, Diagnosis, Subject};
use super::env::{AzEnv, Limits};
use super::find::{self, AzCli, AzStatus};
use super::run::{AzCommand, AzOutput, RunError, run};
use super::subscriptions::{self, Listing};

/// What Re-check found: the picker's data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    pub az: AzCli,
    pub cloud: Cloud,
    pub listing: Listing,
}

impl Found {
    /// Failures of the sign-in as a whole (the picker may still show
    /// tenants): no subscription anywhere, or only in another cloud.
    pub fn problems(&self) -> Vec<Diagnosis> {
        if self.listing.subscriptions().next().is_some() {
            return Vec::new();
        }
        let others = self.listing.other_clouds();
        if !others.is_empty() {
            return vec![diagnose::other_cloud(&self.cloud.name, &others, None)];
        }
        let only = match self.listing.tenants.as_slice() {
            [t] => Some(t),
            _ => None,
        };
        vec![diagnose::no_subscriptions(
            only.map(|t| &t.id),
            only.map(|t| t.title()).as_deref(),
        )]
    }
}

/// Re-check stopped early: az missing, too old, not signed in, …
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stopped {
    /// The az that was found, when one was.
    pub az: Option<AzCli>,
    pub diagnosis: Diagnosis,
}

/// Runs `az version`, `az cloud show` and `az account list --all` at
/// once (each is a Python start-up of a second or more), then reads their
/// answers in that order.
pub fn discover(env: &AzEnv, limits: Limits) -> Result<Found, Stopped> {
    let Some(path) = find::locate(&find::search_dirs(env)) else {
        return Err(Stopped {
            az: None,
            diagnosis: diagnose::az_missing(),
        });
    };
    let (version, cloud, list) = std::thread::scope(|s| {
        let go = |cmd: AzCommand| {
            let path = &path;
            s.spawn(move || run(path, &cmd, env, limits.az))
        };
        let version = go(AzCommand::Version);
        let cloud = go(AzCommand::CloudShow);
        let list = go(AzCommand::AccountListAll);
        (joined(version), joined(cloud), joined(list))
    });
    let az = usable(find::judge(&path, version))?;
    read_answers(&az, env, cloud, list).map_err(|diagnosis| Stopped {
        az: Some(az.clone()),
        diagnosis,
    })
}

/// The same with az already found and its version known (a Re-check
/// after the first): cloud and listing, at once.
pub fn discover_with(az: &AzCli, env: &AzEnv, limits: Limits) -> Result<Found, Diagnosis> {
    let (cloud, list) = std::thread::scope(|s| {
        let cloud = s.spawn(|| run(&az.path, &AzCommand::CloudShow, env, limits.az));
        let list = s.spawn(|| run(&az.path, &AzCommand::AccountListAll, env, limits.az));
        (joined(cloud), joined(list))
    });
    read_answers(az, env, cloud, list)
}

type Ran = Result<AzOutput, RunError>;

fn joined(h: std::thread::ScopedJoinHandle<'_, Ran>) -> Ran {
    h.join()
        .unwrap_or_else(|_| Err(RunError::Spawn("the thread running az stopped".into())))
}

/// A supported az, or why Re-check stops here.
fn usable(status: AzStatus) -> Result<AzCli, Stopped> {
    let (az, diagnosis) = match status {
        AzStatus::Found(cli) => return Ok(cli),
        AzStatus::Missing => (None, diagnose::az_missing()),
        AzStatus::TooOld(cli) => {
            let d = diagnose::az_too_old(&cli);
            (Some(cli), d)
        }
        AzStatus::TimedOut { limit, .. } => (
            None,
            diagnose::timeout("az version", limit, Some(argv(&AzCommand::Version))),
        ),
        AzStatus::Broken { path, detail } => (
            None,
            diagnose::unknown(
                "The Azure CLI does not work",
                format!("{} did not answer az version.", path.display()),
                Some(argv(&AzCommand::Version)),
                &detail,
            ),
        ),
    };
    Err(Stopped { az, diagnosis })
}

fn read_answers(az: &AzCli, env: &AzEnv, cloud: Ran, list: Ran) -> Result<Found, Diagnosis> {
    let out = az_ok(&AzCommand::CloudShow, env, cloud)?;
    let cloud = cloud::parse(&out.stdout).map_err(|e| {
        diagnose::unknown(
            "The active cloud cannot be read",
            e.clone(),
            Some(argv(&AzCommand::CloudShow)),
            &e,
        )
    })?;
    let out = az_ok(&AzCommand::AccountListAll, env, list)?;
    if subscriptions::says_not_signed_in(&out.stdout, &out.stderr) {
        return Err(diagnose::not_signed_in(&out.stderr));
    }
    let listing = subscriptions::parse(&out.stdout, &cloud.name).map_err(|e| {
        diagnose::unknown(
            "The sign-in's subscriptions cannot be read",
            e.clone(),
            Some(argv(&AzCommand::AccountListAll)),
            &e,
        )
    })?;
    if listing.is_empty() && listing.elsewhere.is_empty() {
        return Err(diagnose::not_signed_in(&out.stderr));
    }
    Ok(Found {
        az: az.clone(),
        cloud,
        listing,
    })
}

fn argv(cmd: &AzCommand) -> Vec<String> {
    let mut v = vec!["az".to_owned()];
    v.extend(cmd.args());
    v
}

/// A run's failure (exit ≠ 0, timeout) as its diagnosis.
fn az_ok(cmd: &AzCommand, env: &AzEnv, ran: Ran) -> Result<AzOutput, Diagnosis> {
    let config_dir = env.config_dir();
    let subject = Subject {
        config_dir: config_dir.as_deref(),
        ..Default::default()
    };
    match ran {
        Ok(out) if out.success() => Ok(out),
        Ok(out) => Err(diagnose::from_az(&subject, &argv(cmd), &out.stderr)),
        Err(RunError::TimedOut(limit)) => {
            Err(diagnose::timeout(&cmd_words(cmd), limit, Some(argv(cmd))))
        }
        Err(RunError::Spawn(e)) => Err(diagnose::unknown(
            "The Azure CLI could not be started",
            format!("Escher could not run az: {e}"),
            None,
            &e,
        )),
    }
}

/// "az account list --all"
fn cmd_words(cmd: &AzCommand) -> String {
    let args = cmd.args();
    let shown: Vec<&str> = args
        .iter()
        .map(String::as_str)
        .take_while(|a| *a != "-o")
        .collect();
    format!("az {}", shown.join(" "))
}
