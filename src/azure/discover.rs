//! Re-check: what the Azure CLI's sign-in reaches, for the picker. Runs
//! only `az version`, `az cloud show` and `az account list --all`; blocks
//! for up to three az calls, so call it off the UI thread.

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

pub fn discover(env: &AzEnv, limits: Limits) -> Result<Found, Stopped> {
    let stop = |az: Option<&AzCli>, diagnosis| Stopped {
        az: az.cloned(),
        diagnosis,
    };
    let az = match find::detect(env, limits) {
        AzStatus::Found(cli) => cli,
        AzStatus::Missing => return Err(stop(None, diagnose::az_missing())),
        AzStatus::TooOld(cli) => return Err(stop(Some(&cli), diagnose::az_too_old(&cli))),
        AzStatus::TimedOut { path, limit } => {
            let argv = vec![path.display().to_string(), "version".into()];
            return Err(stop(
                None,
                diagnose::timeout("az version", limit, Some(argv)),
            ));
        }
        AzStatus::Broken { path, detail } => {
            return Err(stop(
                None,
                diagnose::unknown(
                    "The Azure CLI does not work",
                    format!("{} did not answer az version.", path.display()),
                    Some(vec!["az".into(), "version".into()]),
                    &detail,
                ),
            ));
        }
    };
    discover_with(&az, env, limits).map_err(|diagnosis| stop(Some(&az), diagnosis))
}

/// The same with az already found.
pub fn discover_with(az: &AzCli, env: &AzEnv, limits: Limits) -> Result<Found, Diagnosis> {
    let out = az_ok(az, &AzCommand::CloudShow, env, limits)?;
    let cloud = cloud::parse(&out.stdout).map_err(|e| {
        diagnose::unknown(
            "The active cloud cannot be read",
            e.clone(),
            Some(argv(&AzCommand::CloudShow)),
            &e,
        )
    })?;
    let out = az_ok(az, &AzCommand::AccountListAll, env, limits)?;
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

/// Run and turn a failure (exit ≠ 0, timeout) into its diagnosis.
fn az_ok(az: &AzCli, cmd: &AzCommand, env: &AzEnv, limits: Limits) -> Result<AzOutput, Diagnosis> {
    let config_dir = env.config_dir();
    let subject = Subject {
        config_dir: config_dir.as_deref(),
        ..Default::default()
    };
    match run(&az.path, cmd, env, limits.az) {
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
