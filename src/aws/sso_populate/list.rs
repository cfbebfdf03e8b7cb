//! Everything the cached sign-in reaches: ListAccounts, then
//! ListAccountRoles for each account, every page, a few accounts at a time,
//! waiting longer after each "too many requests" as the portal asks.

use super::{Reach, SignIn};
use crate::aws::check::Connections;
use crate::aws::diagnose::{self, Diagnosis, Failure, Subject};
use crate::aws::env::AwsEnv;
use crate::aws::profiles::{Discovery, Kind};
use crate::aws::sso_cache::{self, TokenStatus};
use aws_config::BehaviorVersion;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_sdk_sso::error::{ProvideErrorMetadata, SdkError};
use aws_smithy_runtime_api::client::http::SharedHttpClient;
use aws_smithy_runtime_api::http::Response;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

/// How hard Escher may press the portal.
#[derive(Clone, Debug)]
pub struct Pace {
    /// Accounts whose roles are listed at once.
    pub parallel: usize,
    /// The wait after the first "too many requests"; doubled each time.
    pub first_wait: Duration,
    pub longest_wait: Duration,
    /// Tries per request before giving up.
    pub tries: u32,
    /// The whole listing's limit, and each request's.
    pub timeout: Duration,
    pub request_timeout: Duration,
}

impl Default for Pace {
    fn default() -> Self {
        Pace {
            parallel: 8,
            first_wait: Duration::from_millis(250),
            longest_wait: Duration::from_secs(8),
            tries: 8,
            timeout: Duration::from_secs(120),
            request_timeout: Duration::from_secs(15),
        }
    }
}

/// Why nothing could be listed, in the words a check would use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ListError {
    /// No sign-in, or it expired: the check's own case and fix.
    SignIn(Box<Diagnosis>),
    /// The portal refused or failed; what it said.
    Portal(String),
    TimedOut(Duration),
    /// The CA bundle the profile's Re-check would trust cannot be used.
    Trust(Box<Diagnosis>),
}

impl std::fmt::Display for ListError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ListError::SignIn(d) => write!(f, "{} {}", d.title, d.fix),
            ListError::Portal(why) => write!(
                f,
                "IAM Identity Center did not list the accounts: {why}. Try again in a minute."
            ),
            ListError::TimedOut(t) => write!(
                f,
                "IAM Identity Center did not finish listing the accounts within {} s. Check your network and try again.",
                t.as_secs()
            ),
            ListError::Trust(d) => write!(f, "{}: {} {}", d.title, d.explanation, d.fix),
        }
    }
}

fn sign_in_failure(sign_in: &SignIn, status: TokenStatus, now: SystemTime) -> ListError {
    let subject = Subject {
        profile: &sign_in.profile,
        kind: Some(if sign_in.session.is_some() {
            Kind::Sso
        } else {
            Kind::SsoLegacy
        }),
        timeout: Duration::ZERO,
    };
    ListError::SignIn(Box::new(diagnose::diagnose(
        &subject,
        &Failure::SsoToken { status, now },
    )))
}

fn client(
    env: &AwsEnv,
    files: &Discovery,
    sign_in: &SignIn,
    conns: &Connections,
) -> Result<SharedHttpClient, ListError> {
    let Some(info) = files.get(&sign_in.profile) else {
        return Ok(conns.system_roots());
    };
    conns.for_profile(env, info).map_err(|problem| {
        let subject = Subject {
            profile: &sign_in.profile,
            kind: Some(info.kind),
            timeout: Duration::ZERO,
        };
        ListError::Trust(Box::new(diagnose::diagnose(
            &subject,
            &Failure::CaBundle(problem),
        )))
    })
}

/// The cached access token of the sign-in, if it is current.
fn token(env: &AwsEnv, sign_in: &SignIn) -> Result<String, ListError> {
    let now = SystemTime::now();
    let key = sign_in.session.as_deref().unwrap_or(&sign_in.start_url);
    let missing = |path| TokenStatus::Missing { path };
    let Some(dir) = env.sso_cache_dir() else {
        return Err(sign_in_failure(
            sign_in,
            missing("~/.aws/sso/cache".into()),
            now,
        ));
    };
    match sso_cache::token_status(&dir, key, now) {
        TokenStatus::Valid { .. } => sso_cache::access_token(&dir, key).ok_or_else(|| {
            sign_in_failure(sign_in, missing(sso_cache::cache_file(&dir, key)), now)
        }),
        other => Err(sign_in_failure(sign_in, other, now)),
    }
}

/// Every account × role the sign-in reaches, sorted by account name, id
/// and role.
///
/// Every call trusts what the source profile's Re-check trusts (its CA
/// bundle, or `AWS_CA_BUNDLE`), through `conns`.
pub async fn list(
    env: &AwsEnv,
    files: &Discovery,
    sign_in: &SignIn,
    conns: &Connections,
    pace: &Pace,
) -> Result<Vec<Reach>, ListError> {
    let token = token(env, sign_in)?;
    let http = client(env, files, sign_in, conns)?;
    let sdk = aws_config::defaults(BehaviorVersion::latest())
        .env(env.sdk_env())
        .profile_name(&sign_in.profile)
        .region(aws_config::Region::new(sign_in.sso_region.clone()))
        .no_credentials()
        .http_client(http)
        // Escher waits itself, as long as the portal needs (see `Pace`).
        .retry_config(RetryConfig::disabled())
        .timeout_config(
            TimeoutConfig::builder()
                .operation_timeout(pace.request_timeout)
                .build(),
        )
        .load()
        .await;
    let client = aws_sdk_sso::Client::new(&sdk);
    let work = all(client, Arc::new(token), sign_in.clone(), pace.clone());
    match tokio::time::timeout(pace.timeout, work).await {
        Ok(r) => r,
        Err(_) => Err(ListError::TimedOut(pace.timeout)),
    }
}

async fn all(
    client: aws_sdk_sso::Client,
    token: Arc<String>,
    sign_in: SignIn,
    pace: Pace,
) -> Result<Vec<Reach>, ListError> {
    let accounts = accounts(&client, &token, &sign_in, &pace).await?;
    let gate = Arc::new(tokio::sync::Semaphore::new(pace.parallel.max(1)));
    let mut tasks = tokio::task::JoinSet::new();
    for (id, name) in accounts {
        let (client, token, sign_in, pace, gate) = (
            client.clone(),
            token.clone(),
            sign_in.clone(),
            pace.clone(),
            gate.clone(),
        );
        tasks.spawn(async move {
            let _permit = gate.acquire_owned().await;
            let roles = roles(&client, &token, &id, &sign_in, &pace).await?;
            Ok::<_, ListError>(
                roles
                    .into_iter()
                    .map(|role_name| Reach {
                        account_name: name.clone(),
                        account_id: id.clone(),
                        role_name,
                    })
                    .collect::<Vec<_>>(),
            )
        });
    }
    let mut out = Vec::new();
    while let Some(done) = tasks.join_next().await {
        match done {
            Ok(rows) => out.extend(rows?),
            Err(e) => return Err(ListError::Portal(format!("a listing stopped ({e})"))),
        }
    }
    out.sort_by(|a, b| {
        (a.account_name.to_lowercase(), &a.account_id, &a.role_name).cmp(&(
            b.account_name.to_lowercase(),
            &b.account_id,
            &b.role_name,
        ))
    });
    Ok(out)
}

async fn accounts(
    client: &aws_sdk_sso::Client,
    token: &str,
    sign_in: &SignIn,
    pace: &Pace,
) -> Result<Vec<(String, String)>, ListError> {
    let ask = |next| {
        client
            .list_accounts()
            .access_token(token)
            .max_results(100)
            .set_next_token(next)
            .send()
    };
    every_page(pace, sign_in, ask, |page, out| {
        for a in page.account_list() {
            if let Some(id) = a.account_id() {
                let name = a.account_name().unwrap_or_default();
                out.push((id.to_owned(), name.to_owned()));
            }
        }
        page.next_token().map(str::to_owned)
    })
    .await
}

async fn roles(
    client: &aws_sdk_sso::Client,
    token: &str,
    account: &str,
    sign_in: &SignIn,
    pace: &Pace,
) -> Result<Vec<String>, ListError> {
    let ask = |next| {
        client
            .list_account_roles()
            .access_token(token)
            .account_id(account)
            .max_results(100)
            .set_next_token(next)
            .send()
    };
    every_page(pace, sign_in, ask, |page, out| {
        let names = page.role_list().iter().filter_map(|r| r.role_name());
        out.extend(names.map(str::to_owned));
        page.next_token().map(str::to_owned)
    })
    .await
}

/// Every page of a listing, in order: `ask(token)` asks for the page after
/// `token` (the first for `None`); `take` keeps a page's items and gives
/// the next page's token (none, or an empty one, after the last).
async fn every_page<T, P, E, F, Fut>(
    pace: &Pace,
    sign_in: &SignIn,
    mut ask: F,
    mut take: impl FnMut(P, &mut Vec<T>) -> Option<String>,
) -> Result<Vec<T>, ListError>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<P, SdkError<E, Response>>>,
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let mut out = Vec::new();
    let mut next: Option<String> = None;
    loop {
        let page = patiently(pace, sign_in, || ask(next.clone())).await?;
        next = take(page, &mut out).filter(|t| !t.is_empty());
        if next.is_none() {
            return Ok(out);
        }
    }
}

/// One request, tried again after a growing wait while the portal says
/// "too many requests".
async fn patiently<T, E, F, Fut>(pace: &Pace, sign_in: &SignIn, mut call: F) -> Result<T, ListError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, SdkError<E, Response>>>,
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let mut wait = pace.first_wait;
    let mut tries = 1;
    loop {
        let err = match call().await {
            Ok(v) => return Ok(v),
            Err(e) => e,
        };
        let status = err.raw_response().map(|r| r.status().as_u16());
        let code = err.code().map(str::to_owned);
        if code.as_deref() == Some("TooManyRequestsException") || status == Some(429) {
            if tries >= pace.tries {
                return Err(ListError::Portal(format!(
                    "it kept answering “too many requests” ({tries} tries)"
                )));
            }
            tokio::time::sleep(wait).await;
            wait = (wait * 2).min(pace.longest_wait);
            tries += 1;
            continue;
        }
        if code.as_deref() == Some("UnauthorizedException") || status == Some(401) {
            let status = TokenStatus::Expired {
                expires_at: SystemTime::now(),
                refreshable: false,
            };
            return Err(sign_in_failure(sign_in, status, SystemTime::now()));
        }
        let words = match (code, err.message()) {
            (Some(c), Some(m)) => format!("{c}: {m}"),
            (Some(c), None) => c,
            _ => crate::aws::check::chain_text(&err),
        };
        return Err(ListError::Portal(words));
    }
}
