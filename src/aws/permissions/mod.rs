//! Check permissions: what a signed-in profile can read, and whether it
//! can write. One cheap read-only call per service of the minimum policy
//! (see `probes`), run concurrently with the profile's own credentials
//! (resolved exactly as Re-check resolves them), each bounded by the
//! check's timeout; plus the account's alias and organization. Nothing
//! called changes state: the one write is a dry run.

pub mod endpoints;
pub mod policy_match;
pub mod probes;
pub mod saved;
pub mod wire;
mod write;

pub use write::not_checked;

use super::check::{Connections, load_sdk_config, preflight};
use super::diagnose::Failure;
use super::env::AwsEnv;
use super::profile_name::ProfileName;
use super::profiles::Discovery;
use aws_credential_types::Credentials;
use aws_credential_types::provider::ProvideCredentials;
use probes::{Probe, Verdict};
use std::time::{Duration, SystemTime};
use wire::{NoReply, Reply};

/// A capability of the minimum policy: one row on screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Capability {
    Ec2,
    S3,
    Iam,
    Rds,
    CloudTrail,
    CloudWatch,
    Tag,
    CostExplorer,
}

impl Capability {
    /// Every capability probed without asking; Cost Explorer costs money.
    pub const FREE: [Capability; 7] = [
        Capability::Ec2,
        Capability::S3,
        Capability::Iam,
        Capability::Rds,
        Capability::CloudTrail,
        Capability::CloudWatch,
        Capability::Tag,
    ];

    /// The key in `--json` and in settings.
    pub fn key(self) -> &'static str {
        match self {
            Capability::Ec2 => "ec2",
            Capability::S3 => "s3",
            Capability::Iam => "iam",
            Capability::Rds => "rds",
            Capability::CloudTrail => "cloudtrail",
            Capability::CloudWatch => "cloudwatch",
            Capability::Tag => "tag",
            Capability::CostExplorer => "ce",
        }
    }

    pub fn from_key(key: &str) -> Option<Capability> {
        Self::FREE
            .into_iter()
            .chain([Capability::CostExplorer])
            .find(|c| c.key() == key)
    }

    pub fn title(self) -> &'static str {
        match self {
            Capability::Ec2 => "EC2",
            Capability::S3 => "S3",
            Capability::Iam => "IAM",
            Capability::Rds => "RDS",
            Capability::CloudTrail => "CloudTrail",
            Capability::CloudWatch => "CloudWatch",
            Capability::Tag => "Tags",
            Capability::CostExplorer => "Cost Explorer",
        }
    }
}

/// One row: allowed (`Some(true)`), denied with the actions missing, or
/// not known (`None`), with words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CapabilityCheck {
    pub capability: Capability,
    pub allowed: Option<bool>,
    pub missing: Vec<String>,
    pub explanation: String,
    /// The services' own words (codes, messages), for Details.
    pub detail: String,
}

/// Whether the sign-in can change resources.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WriteCheck {
    /// `Some(false)`: refused wherever checked (see `checked`).
    pub can_write: Option<bool>,
    /// The writes whose answers the verdict rests on, as IAM actions.
    pub checked: Vec<String>,
    pub explanation: String,
    pub detail: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PermissionReport {
    pub profile: String,
    pub rows: Vec<CapabilityCheck>,
    pub write: WriteCheck,
    pub account_alias: Option<String>,
    /// The organization's id (`o-…`), where readable.
    pub organization: Option<String>,
    pub checked_at: SystemTime,
}

impl PermissionReport {
    pub fn row(&self, c: Capability) -> Option<&CapabilityCheck> {
        self.rows.iter().find(|r| r.capability == c)
    }
}

/// What to probe beyond the free calls.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// Also call Cost Explorer (AWS charges $0.01 per request).
    pub cost_explorer: bool,
}

/// The words on the Cost Explorer button and beside `--cost-explorer`.
pub const COST_EXPLORER_PRICE: &str = "AWS charges $0.01 per request";

pub const READ_ONLY_ADVICE: &str = "Escher needs read-only access: give it a sign-in of its own with the \
     AWS-managed ReadOnlyAccess policy, or the minimum read-only policy (escher-readonly-policy.json, \
     under What Escher needs in the window) — not AdministratorAccess.";

/// The same, reading the files first (one profile, nothing shared).
pub async fn check_profile_permissions(
    name: &ProfileName,
    env: &AwsEnv,
    timeout: Duration,
    options: Options,
) -> PermissionReport {
    let discovery = super::profiles::discover(env);
    let conns = Connections::default();
    check_permissions(name, env, timeout, &discovery, &conns, options).await
}

/// Check what `name` may do. Never returns without a verdict: every
/// probe is bounded by `timeout`, and a profile that cannot sign in gets
/// rows that say so.
pub async fn check_permissions(
    name: &ProfileName,
    env: &AwsEnv,
    timeout: Duration,
    discovery: &Discovery,
    conns: &Connections,
    options: Options,
) -> PermissionReport {
    let capabilities: Vec<Capability> = Capability::FREE
        .into_iter()
        .chain(options.cost_explorer.then_some(Capability::CostExplorer))
        .collect();
    match sign_in(name, env, timeout, discovery, conns).await {
        Ok(ctx) => probe_all(name.as_str(), &ctx, &capabilities, timeout).await,
        Err(why) => unable(name.as_str(), &capabilities, &why),
    }
}

/// What every probe of one profile shares.
struct Context {
    creds: Credentials,
    settings: endpoints::Settings,
    connector: aws_smithy_http_client::Connector,
}

async fn sign_in(
    name: &ProfileName,
    env: &AwsEnv,
    timeout: Duration,
    discovery: &Discovery,
    conns: &Connections,
) -> Result<Context, String> {
    let http = preflight(name, env, discovery, conns).map_err(|f| failure_words(name, &f))?;
    let bundle = discovery
        .get(name.as_str())
        .map(|info| super::ca_bundle::for_profile(env, info))
        .transpose()
        .map_err(|e| failure_words(name, &Failure::CaBundle(e)))?
        .unwrap_or_default();
    let sdk = load_sdk_config(name, env, timeout, discovery, http).await;
    let provider = sdk
        .credentials_provider()
        .ok_or_else(|| "the AWS SDK found no credentials for this profile".to_owned())?;
    let creds = match tokio::time::timeout(timeout, provider.provide_credentials()).await {
        Ok(Ok(c)) => c,
        Ok(Err(e)) => return Err(super::check::chain_text(&e)),
        Err(_) => return Err(format!("no credentials within {} s", timeout.as_secs())),
    };
    let services = [
        endpoints::EC2,
        endpoints::S3,
        endpoints::IAM,
        endpoints::RDS,
        endpoints::CLOUDTRAIL,
        endpoints::CLOUDWATCH,
        endpoints::TAGGING,
        endpoints::COST_EXPLORER,
        endpoints::ORGANIZATIONS,
        endpoints::STS,
    ];
    Ok(Context {
        creds,
        settings: endpoints::Settings::from_sdk(&sdk, &services),
        connector: super::check::https_connector(
            None,
            None,
            super::check::trust_context(&bundle).as_ref(),
        ),
    })
}

fn failure_words(name: &ProfileName, f: &Failure) -> String {
    let subject = super::diagnose::Subject {
        profile: name.as_str(),
        kind: None,
        timeout: Duration::ZERO,
    };
    let d = super::diagnose::diagnose(&subject, f);
    match d.command {
        Some(command) => format!("{}. {} Run: {command}", d.title, d.fix),
        None => format!("{}. {}", d.title, d.fix),
    }
}

async fn send(ctx: &Context, probe: &Probe, timeout: Duration) -> Result<Reply, NoReply> {
    let endpoint = endpoints::resolve(&probe.service, &ctx.settings);
    wire::call(
        &ctx.connector,
        &probe.service,
        &endpoint,
        &ctx.creds,
        &probe.wire,
        timeout,
    )
    .await
}

async fn probe_all(
    profile: &str,
    ctx: &Context,
    capabilities: &[Capability],
    timeout: Duration,
) -> PermissionReport {
    let now = SystemTime::now();
    let rows = async {
        let each = capabilities
            .iter()
            .map(|c| probe_capability(ctx, *c, now, timeout));
        join_all(each).await
    };
    let (rows, write, alias, organization) = tokio::join!(
        rows,
        write::can_write(ctx, timeout),
        account_alias(ctx, timeout),
        organization(ctx, timeout)
    );
    PermissionReport {
        profile: profile.to_owned(),
        rows,
        write,
        account_alias: alias,
        organization,
        checked_at: SystemTime::now(),
    }
}

/// Run futures at once, results in their order (tokio has no join_all).
async fn join_all<F: std::future::Future>(futures: impl Iterator<Item = F>) -> Vec<F::Output> {
    let mut pinned: Vec<_> = futures.map(Box::pin).collect();
    let mut out: Vec<Option<F::Output>> = pinned.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (f, slot) in pinned.iter_mut().zip(out.iter_mut()) {
            if slot.is_none() {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => *slot = Some(v),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    out.into_iter().flatten().collect()
}

async fn probe_capability(
    ctx: &Context,
    capability: Capability,
    now: SystemTime,
    timeout: Duration,
) -> CapabilityCheck {
    let probes = probes::probes_for(capability, now);
    let answers = join_all(probes.iter().map(|p| send(ctx, p, timeout))).await;
    let verdicts: Vec<Verdict> = probes
        .iter()
        .zip(&answers)
        .map(|(p, a)| probes::verdict(p, a, &ctx.settings.region))
        .collect();
    let details: Vec<String> = probes
        .iter()
        .zip(&answers)
        .filter_map(|(p, a)| match a {
            Ok(r) if r.ok() => None,
            Ok(r) => Some(format!("{}: {}", p.action, r.detail())),
            Err(no) => Some(format!("{}: {}", p.action, no.words())),
        })
        .collect();
    probes::row(capability, &verdicts, &details)
}

async fn account_alias(ctx: &Context, timeout: Duration) -> Option<String> {
    let reply = send(ctx, &probes::alias_probe(), timeout).await.ok()?;
    if !reply.ok() {
        return None;
    }
    wire::xml_texts(&reply.body, "member").into_iter().next()
}

async fn organization(ctx: &Context, timeout: Duration) -> Option<String> {
    let reply = send(ctx, &probes::organization_probe(), timeout)
        .await
        .ok()?;
    if !reply.ok() {
        return None;
    }
    let v: serde_json::Value = serde_json::from_str(&reply.body).ok()?;
    v["Organization"]["Id"].as_str().map(str::to_owned)
}

/// A report for a check that could not run (it stopped unexpectedly).
pub fn stopped(profile: &str, options: Options, why: &str) -> PermissionReport {
    let capabilities: Vec<Capability> = Capability::FREE
        .into_iter()
        .chain(options.cost_explorer.then_some(Capability::CostExplorer))
        .collect();
    let mut r = unable(profile, &capabilities, why);
    for row in &mut r.rows {
        row.explanation =
            format!("The check stopped before an answer: {why}. Check permissions again.");
    }
    r.write.explanation = r
        .rows
        .first()
        .map(|r| r.explanation.clone())
        .unwrap_or_default();
    r
}

/// A report for a profile Escher could not sign in as.
fn unable(profile: &str, capabilities: &[Capability], why: &str) -> PermissionReport {
    let words = format!("Escher could not sign in as {profile} to ask: {why}");
    PermissionReport {
        profile: profile.to_owned(),
        rows: capabilities
            .iter()
            .map(|c| CapabilityCheck {
                capability: *c,
                allowed: None,
                missing: Vec::new(),
                explanation: words.clone(),
                detail: why.to_owned(),
            })
            .collect(),
        write: WriteCheck {
            can_write: None,
            checked: Vec::new(),
            explanation: words.clone(),
            detail: why.to_owned(),
        },
        account_alias: None,
        organization: None,
        checked_at: SystemTime::now(),
    }
}
