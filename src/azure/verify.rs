//! Verify picked subscriptions: a token per tenant from the user's `az`,
//! then ARM's answer for the subscription and the caller's permissions
//! on it. Each subscription gets its own verdict, so one failing tenant
//! never hides the others.

use super::arm::{Arm, ArmError};
use super::cloud::Cloud;
use super::diagnose::{self, Diagnosis, Subject};
use super::env::{AzEnv, Limits};
use super::ids::Guid;
use super::permissions::{self, Permission};
use super::run::{AzCommand, RunError, run};
use super::subscriptions::{State, Subscription};
use super::token::{self, AccessToken};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::SystemTime;
use tokio::sync::{Mutex, Semaphore};

/// Subscriptions verified at once.
pub const PARALLEL: usize = 8;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// ARM showed the subscription. `can_write`: `None` when the
    /// permissions could not be read.
    Verified {
        can_write: Option<bool>,
        /// The granted actions beyond reading (`*`, `…/action`).
        write_actions: Vec<String>,
    },
    Failed(Diagnosis),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    pub subscription_id: Guid,
    pub name: String,
    pub tenant_id: Guid,
    pub user_name: String,
    /// As ARM reports it, else as az listed it.
    pub state: State,
    pub outcome: Outcome,
    pub checked_at: SystemTime,
}

impl Verdict {
    pub fn ok(&self) -> bool {
        matches!(self.outcome, Outcome::Verified { .. })
    }

    pub fn can_write(&self) -> Option<bool> {
        match self.outcome {
            Outcome::Verified { can_write, .. } => can_write,
            Outcome::Failed(_) => None,
        }
    }

    pub fn diagnosis(&self) -> Option<&Diagnosis> {
        match &self.outcome {
            Outcome::Failed(d) => Some(d),
            Outcome::Verified { .. } => None,
        }
    }

    /// For ⚠: the sign-in can also write, and how to get one that reads only.
    pub fn write_advice(&self) -> Option<WriteAdvice> {
        match &self.outcome {
            Outcome::Verified {
                can_write: Some(true),
                write_actions,
            } => Some(write_advice(&self.subscription_id, write_actions)),
            _ => None,
        }
    }
}

/// A warning, not a failure: Escher only reads, but needs no more than
/// Reader.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WriteAdvice {
    pub title: String,
    pub explanation: String,
    pub fix: String,
    pub command: String,
    pub argv: Vec<String>,
}

fn write_advice(sub: &Guid, actions: &[String]) -> WriteAdvice {
    let argv: Vec<String> = [
        "az",
        "ad",
        "sp",
        "create-for-rbac",
        "--name",
        "escher-reader",
        "--role",
        "Reader",
        "--scopes",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .chain([format!("/subscriptions/{sub}")])
    .collect();
    let shown: Vec<&str> = actions.iter().take(3).map(String::as_str).collect();
    WriteAdvice {
        title: "Read access — this sign-in can also write".into(),
        explanation: format!(
            "Escher only reads, and needs only the built-in Reader role; this sign-in also holds {}.",
            shown.join(", ")
        ),
        fix: "For a sign-in that can only read, sign in with an account or service principal that holds only Reader here, \
              e.g. one an administrator creates with this command (then az login --service-principal with its id and secret)."
            .into(),
        command: crate::shell::posix_join(&argv),
        argv,
    }
}

type TenantSlot = Arc<Mutex<Option<Result<AccessToken, Diagnosis>>>>;

struct Inner {
    az: PathBuf,
    env: AzEnv,
    limits: Limits,
    arm: Arm,
    tokens: Mutex<HashMap<Guid, TenantSlot>>,
    permits: Semaphore,
}

/// Verifies subscriptions of one cloud. Keep it for the session: tokens
/// are reused across calls until shortly before they expire. Cheap to
/// clone; clones share the tokens.
#[derive(Clone)]
pub struct Verifier {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Verifier({})", self.inner.az.display())
    }
}

impl Verifier {
    pub fn new(az: PathBuf, env: AzEnv, limits: Limits, cloud: &Cloud) -> Self {
        Verifier {
            inner: Arc::new(Inner {
                arm: Arm::new(&cloud.resource_manager, limits.arm),
                az,
                env,
                limits,
                tokens: Mutex::new(HashMap::new()),
                permits: Semaphore::new(PARALLEL),
            }),
        }
    }

    /// Verify each subscription (several at once); verdicts come back in
    /// the order given. A failed token is asked again on the next call.
    pub async fn verify_all(&self, subs: &[Subscription]) -> Vec<Verdict> {
        self.forget_failures().await;
        let tasks: Vec<_> = subs
            .iter()
            .cloned()
            .map(|s| {
                let me = self.clone();
                tokio::spawn(async move { me.verify_one(&s).await })
            })
            .collect();
        let mut out = Vec::with_capacity(tasks.len());
        for (t, s) in tasks.into_iter().zip(subs) {
            out.push(match t.await {
                Ok(v) => v,
                Err(e) => verdict(
                    s,
                    s.state.clone(),
                    Outcome::Failed(diagnose::unknown(
                        "The verification stopped",
                        "Escher's verification of this subscription ended unexpectedly.".into(),
                        None,
                        &e.to_string(),
                    )),
                ),
            });
        }
        out
    }

    /// Verify one subscription, sharing the tenant's token.
    pub async fn verify_one(&self, sub: &Subscription) -> Verdict {
        if !sub.state.pickable() {
            let d = diagnose::subscription_disabled(
                &sub.id,
                &sub.name,
                sub.state.label(),
                &sub.tenant_id,
            );
            return verdict(sub, sub.state.clone(), Outcome::Failed(d));
        }
        let _permit = self.inner.permits.acquire().await;
        let token = match self.token(sub).await {
            Ok(t) => t,
            Err(d) => return verdict(sub, sub.state.clone(), Outcome::Failed(d)),
        };
        self.against_arm(sub, &token).await
    }

    async fn against_arm(&self, sub: &Subscription, token: &AccessToken) -> Verdict {
        let arm = &self.inner.arm;
        let shown = match arm.subscription(&sub.id, token).await {
            Ok(s) => s,
            Err(e) => {
                if e.code().is_some_and(|c| c.contains("Authentication")) {
                    self.forget_token(&sub.tenant_id).await;
                }
                return verdict(sub, sub.state.clone(), Outcome::Failed(from_arm(sub, &e)));
            }
        };
        let state = if shown.state.is_empty() {
            sub.state.clone()
        } else {
            State::parse(&shown.state)
        };
        if !state.pickable() {
            let d =
                diagnose::subscription_disabled(&sub.id, &sub.name, state.label(), &sub.tenant_id);
            return verdict(sub, state, Outcome::Failed(d));
        }
        let perms = self.permissions(&sub.id, token).await;
        let write_actions = perms.as_deref().map(permissions::write_actions);
        let outcome = Outcome::Verified {
            can_write: write_actions.as_ref().map(|w| !w.is_empty()),
            write_actions: write_actions.unwrap_or_default(),
        };
        verdict(sub, state, outcome)
    }

    /// At the subscription, else at its first resource group, else unknown.
    async fn permissions(&self, id: &Guid, token: &AccessToken) -> Option<Vec<Permission>> {
        let arm = &self.inner.arm;
        if let Ok(p) = arm
            .permissions(&format!("/subscriptions/{id}"), token)
            .await
        {
            return Some(p);
        }
        let rg = arm.first_resource_group(id, token).await.ok()??;
        arm.permissions(&format!("/subscriptions/{id}/resourceGroups/{rg}"), token)
            .await
            .ok()
    }

    async fn slot(&self, tenant: &Guid) -> TenantSlot {
        self.inner
            .tokens
            .lock()
            .await
            .entry(tenant.clone())
            .or_default()
            .clone()
    }

    async fn token(&self, sub: &Subscription) -> Result<AccessToken, Diagnosis> {
        let slot = self.slot(&sub.tenant_id).await;
        let mut held = slot.lock().await;
        match &*held {
            Some(Ok(t)) if t.fresh_at(SystemTime::now()) => return Ok(t.clone()),
            Some(Err(d)) => return Err(d.clone()),
            _ => {}
        }
        let fetched = self.fetch_token(sub).await;
        *held = Some(fetched.clone());
        fetched
    }

    async fn fetch_token(&self, sub: &Subscription) -> Result<AccessToken, Diagnosis> {
        let cmd = AzCommand::GetAccessToken {
            subscription: sub.id.clone(),
        };
        let (az, env, limit) = (
            self.inner.az.clone(),
            self.inner.env.clone(),
            self.inner.limits.az,
        );
        let c = cmd.clone();
        let ran = tokio::task::spawn_blocking(move || run(&az, &c, &env, limit))
            .await
            .unwrap_or_else(|e| Err(RunError::Spawn(e.to_string())));
        let config_dir = self.inner.env.config_dir();
        let subject = Subject {
            tenant: Some(&sub.tenant_id),
            subscription: Some(&sub.id),
            user_name: Some(&sub.user_name),
            config_dir: config_dir.as_deref(),
        };
        let mut argv = vec!["az".to_owned()];
        argv.extend(cmd.args());
        match ran {
            Ok(out) if out.success() => token::parse(&out.stdout)
                .map_err(|e| diagnose::unknown("The Azure CLI gave no token", e, Some(argv), "")),
            Ok(out) => Err(diagnose::from_az(&subject, &argv, &out.stderr)),
            Err(RunError::TimedOut(limit)) => Err(diagnose::timeout(
                "az account get-access-token",
                limit,
                Some(argv),
            )),
            Err(RunError::Spawn(e)) => Err(diagnose::unknown(
                "The Azure CLI could not be started",
                format!("Escher could not run az: {e}"),
                None,
                &e,
            )),
        }
    }

    async fn forget_token(&self, tenant: &Guid) {
        *self.slot(tenant).await.lock().await = None;
    }

    async fn forget_failures(&self) {
        let slots: Vec<TenantSlot> = self.inner.tokens.lock().await.values().cloned().collect();
        for s in slots {
            let mut held = s.lock().await;
            if matches!(&*held, Some(Err(_))) {
                *held = None;
            }
        }
    }
}

fn verdict(sub: &Subscription, state: State, outcome: Outcome) -> Verdict {
    Verdict {
        subscription_id: sub.id.clone(),
        name: sub.name.clone(),
        tenant_id: sub.tenant_id.clone(),
        user_name: sub.user_name.clone(),
        state,
        outcome,
        checked_at: SystemTime::now(),
    }
}

/// An ARM refusal, as the user's case.
pub fn from_arm(sub: &Subscription, e: &ArmError) -> Diagnosis {
    let detail = e.detail();
    match e {
        ArmError::TimedOut(limit) => diagnose::timeout("Azure Resource Manager", *limit, None),
        ArmError::Network(_) => diagnose::network("Azure Resource Manager", &detail),
        ArmError::Status {
            status,
            code,
            message,
        } => match (*status, code.as_str()) {
            (401, "InvalidAuthenticationTokenTenant") => {
                let right = tenant_in(message).unwrap_or_else(|| sub.tenant_id.clone());
                diagnose::subscription_not_found(&sub.id, Some(&right), &detail)
            }
            (404, _) | (_, "SubscriptionNotFound") => {
                diagnose::subscription_not_found(&sub.id, Some(&sub.tenant_id), &detail)
            }
            (403, _) => diagnose::no_reader_role(
                &Subject {
                    tenant: Some(&sub.tenant_id),
                    subscription: Some(&sub.id),
                    user_name: Some(&sub.user_name),
                    config_dir: None,
                },
                &detail,
            ),
            (401, _) => diagnose::sign_in_expired(Some(&sub.tenant_id), "HTTP 401", None, &detail),
            _ => diagnose::unknown(
                "Azure Resource Manager refused the request",
                format!(
                    "Azure answered HTTP {status} {code} for the subscription {}.",
                    sub.id
                ),
                None,
                &detail,
            ),
        },
        ArmError::Body(_) => diagnose::unknown(
            "Azure Resource Manager's answer cannot be read",
            format!(
                "Escher could not read Azure's answer for the subscription {}.",
                sub.id
            ),
            None,
            &detail,
        ),
    }
}

/// "… It must match the tenant 'https://sts.windows.net/T/' …" → T.
fn tenant_in(message: &str) -> Option<Guid> {
    let rest = message.split("must match the tenant").nth(1)?;
    rest.split(['/', '\'', ' ']).find_map(Guid::parse)
}
