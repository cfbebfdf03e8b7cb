//! Re-check: STS `GetCallerIdentity` for exactly one named profile.
//!
//! The files are examined first (parse errors, unknown names, incomplete
//! profiles, missing SSO sign-in), so the network is asked only when they
//! are sound. The SDK then gets the filtered environment of [`AwsEnv`], so
//! the profile's own credentials are used whatever the process has set.

use super::ca_bundle;
use super::diagnose::{self, Case, Diagnosis, Failure, SdkFailure, Stage, Subject};
use super::env::AwsEnv;
use super::permissions::endpoints::is_valid_region;
use super::profiles::{self, Discovery, Kind};
use super::sso_cache::{self, TokenStatus};
use super::sso_portal;
use super::sts_clients::{self, StsClients};
use crate::aws::profile_name::ProfileName;
use aws_config::BehaviorVersion;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_sdk_sts::error::{ProvideErrorMetadata, SdkError};
use aws_smithy_runtime_api::client::connector_metadata::ConnectorMetadata;
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnectorSettings, SharedHttpClient, SharedHttpConnector,
};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_runtime_api::http::Response as HttpResponse;
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant, SystemTime};

pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(15);

/// What the checks run from one place share: HTTPS clients, one per set
/// of extra trusted certificates (none, or a CA bundle's). Building a
/// client sets up TLS and loads root certificates, which costs more than a
/// check itself when many run at once; sharing it also keeps connections
/// alive. Use one per runtime.
#[derive(Default)]
pub struct Connections {
    clients: std::sync::Mutex<HashMap<Vec<u8>, SharedHttpClient>>,
}

impl Connections {
    /// The client for every call made on `info`'s behalf: the system's
    /// roots plus the CA bundle the AWS CLI would trust for it.
    pub fn for_profile(
        &self,
        env: &AwsEnv,
        info: &profiles::ProfileInfo,
    ) -> Result<SharedHttpClient, ca_bundle::BundleProblem> {
        Ok(self.trusting(&ca_bundle::for_profile(env, info)?))
    }

    /// The client for calls made for no profile (a sign-in): the system's
    /// roots plus `AWS_CA_BUNDLE`, if set.
    pub fn for_environment(
        &self,
        env: &AwsEnv,
    ) -> Result<SharedHttpClient, ca_bundle::BundleProblem> {
        match env.get(super::env::CA_BUNDLE_VAR).filter(|v| !v.is_empty()) {
            Some(path) => {
                let bundle =
                    ca_bundle::load(env.expand_home(path), super::env::CA_BUNDLE_VAR.into())?;
                Ok(self.trusting(&bundle))
            }
            None => Ok(self.system_roots()),
        }
    }

    /// The client for calls made for no profile: the system's roots only.
    pub fn system_roots(&self) -> SharedHttpClient {
        self.trusting(&ca_bundle::Bundle::default())
    }

    fn trusting(&self, bundle: &ca_bundle::Bundle) -> SharedHttpClient {
        let mut clients = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        clients
            .entry(bundle.pem().to_vec())
            .or_insert_with(|| https_client(bundle))
            .clone()
    }
}

/// The HTTPS client aws-config would make (rustls with aws-lc, honouring
/// HTTPS_PROXY), plus the bundle's certificates, without its warm-up (see
/// [`NoWarmUp`]).
fn https_client(bundle: &ca_bundle::Bundle) -> SharedHttpClient {
    let trust = trust_context(bundle);
    let client = aws_smithy_http_client::Builder::new().build_with_connector_fn(
        move |settings, components| {
            let sleep = components.and_then(|c| c.sleep_impl());
            https_connector(settings.cloned(), sleep, trust.as_ref())
        },
    );
    SharedHttpClient::new(NoWarmUp(client))
}

/// The system's roots plus the bundle's certificates (`None`: roots only).
pub(crate) fn trust_context(
    bundle: &ca_bundle::Bundle,
) -> Option<aws_smithy_http_client::tls::TlsContext> {
    use aws_smithy_http_client::tls::{TlsContext, TrustStore};
    if bundle.pem().is_empty() {
        return None;
    }
    let trust = TrustStore::default().with_pem_certificate(bundle.pem().to_vec());
    TlsContext::builder().with_trust_store(trust).build().ok()
}

/// One connector of that client; also what Azure Resource Manager's GETs
/// use (src/azure/arm.rs), with their own timeouts.
pub fn https_connector(
    settings: Option<HttpConnectorSettings>,
    sleep: Option<aws_types::sdk_config::SharedAsyncSleep>,
    trust: Option<&aws_smithy_http_client::tls::TlsContext>,
) -> aws_smithy_http_client::Connector {
    use aws_smithy_http_client::{ConnectorBuilder, proxy::ProxyConfig, tls};
    let mut conn = ConnectorBuilder::default().tls_provider(tls::Provider::Rustls(
        tls::rustls_provider::CryptoMode::AwsLc,
    ));
    if let Some(ctx) = trust {
        conn = conn.tls_context(ctx.clone());
    }
    conn.set_connector_settings(settings);
    conn.set_sleep_impl(sleep);
    conn.set_proxy_config(Some(ProxyConfig::from_env()));
    conn.build()
}

/// STS needs a region to pick an endpoint; the CLI falls back to the
/// global endpoint in us-east-1 when a profile names none.
pub const FALLBACK_REGION: &str = "us-east-1";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Identity {
    pub account: String,
    pub arn: String,
    pub user_id: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Passed(Identity),
    Failed(Diagnosis),
}

#[derive(Clone, Debug)]
pub struct CheckReport {
    pub profile: String,
    pub kind: Option<Kind>,
    pub outcome: Outcome,
    pub warnings: Vec<Diagnosis>,
    pub elapsed: Duration,
    pub finished_at: SystemTime,
}

impl CheckReport {
    pub fn passed(&self) -> bool {
        matches!(self.outcome, Outcome::Passed(_))
    }
    pub fn identity(&self) -> Option<&Identity> {
        match &self.outcome {
            Outcome::Passed(id) => Some(id),
            Outcome::Failed(_) => None,
        }
    }
    pub fn diagnosis(&self) -> Option<&Diagnosis> {
        match &self.outcome {
            Outcome::Failed(d) => Some(d),
            Outcome::Passed(_) => None,
        }
    }
}

/// The SDK's HTTPS client, without its warm-up. The default client's
/// `validate_base_client_config` loads the system's root certificates each
/// time a service client is built (three times per check), uncached;
/// requests go through `http_connector`, which builds one connector per
/// setting and caches it. So the warm-up is skipped and the first request
/// loads the certificates once.
#[derive(Debug)]
struct NoWarmUp(SharedHttpClient);

impl HttpClient for NoWarmUp {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        self.0.http_connector(settings, components)
    }

    fn connector_metadata(&self) -> Option<ConnectorMetadata> {
        self.0.connector_metadata()
    }
}

/// Check one profile. Never returns without a verdict: the whole check,
/// file reading included, is bounded by `timeout`.
pub async fn check_profile(name: &ProfileName, env: &AwsEnv, timeout: Duration) -> CheckReport {
    let discovery = profiles::discover(env);
    let (conns, clients) = (Connections::default(), StsClients::default());
    check_with(name, env, timeout, &discovery, &conns, &clients).await
}

/// A check of a name that may not be one: an invalid name is its own
/// failed report, so a batch never stops at it.
pub async fn check_name(
    name: &str,
    env: &AwsEnv,
    timeout: Duration,
    discovery: &Discovery,
    conns: &Connections,
    clients: &StsClients,
) -> CheckReport {
    match ProfileName::parse(name) {
        Ok(n) => check_with(&n, env, timeout, discovery, conns, clients).await,
        Err(e) => failed_report(
            name,
            discovery.get(name).map(|p| p.kind),
            &Failure::InvalidName(e),
            timeout,
        ),
    }
}

/// A report for a check that could not run.
pub fn failed_report(
    name: &str,
    kind: Option<Kind>,
    failure: &Failure,
    timeout: Duration,
) -> CheckReport {
    let subject = Subject {
        profile: name,
        kind,
        timeout,
    };
    CheckReport {
        profile: name.to_owned(),
        kind,
        outcome: Outcome::Failed(diagnose::diagnose(&subject, failure)),
        warnings: Vec::new(),
        elapsed: Duration::ZERO,
        finished_at: SystemTime::now(),
    }
}

/// The same check with the files already read and connections and
/// clients shared, for callers that check many profiles.
pub async fn check_with(
    name: &ProfileName,
    env: &AwsEnv,
    timeout: Duration,
    discovery: &Discovery,
    conns: &Connections,
    clients: &StsClients,
) -> CheckReport {
    let started = Instant::now();
    let info = discovery.get(name.as_str());
    let kind = info.map(|p| p.kind);
    let subject = Subject {
        profile: name.as_str(),
        kind,
        timeout,
    };
    let outcome = match preflight(name, env, discovery, conns) {
        Err(failure) => Outcome::Failed(diagnose::diagnose(&subject, &failure)),
        Ok(http) => {
            let call = call_sts(name, env, timeout, discovery, http.clone(), clients);
            match tokio::time::timeout(timeout + Duration::from_secs(1), call).await {
                Ok(Ok(identity)) => Outcome::Passed(identity),
                Ok(Err(failure)) => {
                    let mut d = diagnose::diagnose(&subject, &Failure::Sdk(failure));
                    if d.case == Case::SsoNoAccess
                        && let Some(info) = info
                    {
                        // What is left of this check's limit, not a new one.
                        let left = timeout.saturating_sub(started.elapsed());
                        if let Some(reach) = sso_portal::reachable(env, info, left, http).await {
                            diagnose::add_reachable(&mut d, info, &reach);
                        }
                    }
                    Outcome::Failed(d)
                }
                Err(_) => Outcome::Failed(diagnose::diagnose(
                    &subject,
                    &Failure::Sdk(SdkFailure {
                        stage: Stage::Timeout,
                        message: "no answer".into(),
                        ..Default::default()
                    }),
                )),
            }
        }
    };
    CheckReport {
        profile: name.to_string(),
        kind,
        outcome,
        warnings: warnings(name, env, discovery),
        elapsed: started.elapsed(),
        finished_at: SystemTime::now(),
    }
}

/// The file-only part of a check: what can be told without the network.
/// When the files are sound, the HTTPS client to check with (trusting the
/// CA bundle the CLI would trust).
pub fn preflight(
    name: &ProfileName,
    env: &AwsEnv,
    discovery: &Discovery,
    conns: &Connections,
) -> Result<SharedHttpClient, Failure> {
    let Some(info) = discovery.get(name.as_str()) else {
        if let Some(problem) = discovery.problems.first() {
            return Err(Failure::ConfigParse {
                path: problem.path.clone(),
                message: problem.message.clone(),
            });
        }
        let names: Vec<&str> = discovery.names().collect();
        return Err(Failure::ProfileMissing {
            suggestions: closest_names(name.as_str(), &names, 3),
        });
    };
    if let Some(problem) = &info.problem {
        if info.missing_sso_region {
            return Err(Failure::MissingRegion {
                problem: problem.clone(),
            });
        }
        return Err(Failure::Unusable {
            problem: problem.clone(),
            sso: info.has_sso_settings(),
        });
    }
    if let (Some(key), Some(dir)) = (info.sso_cache_key(), env.sso_cache_dir()) {
        let now = SystemTime::now();
        let status = match discovery.sso_token(key) {
            Some(s) => s.clone(),
            None => sso_cache::token_status(&dir, key, now),
        };
        match status {
            TokenStatus::Valid { .. }
            | TokenStatus::Expired {
                refreshable: true, ..
            } => {}
            status => return Err(Failure::SsoToken { status, now }),
        }
    }
    if let Some(region) = info.region.as_ref().filter(|r| !is_valid_region(r)) {
        return Err(Failure::InvalidRegion(region.clone()));
    }
    conns.for_profile(env, info).map_err(Failure::CaBundle)
}

fn warnings(name: &ProfileName, env: &AwsEnv, discovery: &Discovery) -> Vec<Diagnosis> {
    let mut out = Vec::new();
    let vars = env.overriding_vars();
    if !vars.is_empty() {
        out.push(diagnose::env_override_warning(&vars, name.as_str()));
    }
    for (origin, url) in configured_endpoints(name, env, discovery) {
        if crate::url_host::is_plain_http_off_machine(&url) {
            out.push(diagnose::plain_http_warning(&origin, &url));
        }
    }
    let credentials = discovery.sources.credentials.as_ref();
    if let Some((path, mode)) = credentials.and_then(|f| Some((&f.path, f.mode?)))
        && mode & 0o077 != 0
    {
        out.push(diagnose::permissions_warning(path, mode));
    }
    out
}

/// The endpoints a check of `name` may send to, and who names each: the
/// `AWS_ENDPOINT_URL*` variables and the profile's `endpoint_url` (the
/// SDK ignores both when `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` is true).
fn configured_endpoints(
    name: &ProfileName,
    env: &AwsEnv,
    discovery: &Discovery,
) -> Vec<(String, String)> {
    let ignored = env
        .get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")
        .is_some_and(|v| v.eq_ignore_ascii_case("true"));
    if ignored {
        return Vec::new();
    }
    let mut out: Vec<(String, String)> = env
        .vars_starting_with("AWS_ENDPOINT_URL")
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    if let Some(url) = discovery
        .get(name.as_str())
        .and_then(|p| p.endpoint_url.clone())
    {
        out.push((format!("endpoint_url in profile {name}"), url));
    }
    out
}

async fn call_sts(
    name: &ProfileName,
    env: &AwsEnv,
    timeout: Duration,
    discovery: &Discovery,
    http: SharedHttpClient,
    clients: &StsClients,
) -> Result<Identity, SdkFailure> {
    let (files, keys) = own_inputs(name, discovery).await;
    let call = match keys {
        Some(keys) => {
            let key = sts_clients::settings_key(
                name.as_str(),
                &discovery.sources.own_sections(name.as_str()),
            );
            let first = keys.clone();
            let build = || async move {
                sts_client(&load_with(name, env, timeout, files, Some(first), http).await)
            };
            let own = aws_sdk_sts::Config::builder().credentials_provider(keys);
            let client = clients.get_or_build(key, build).await;
            client
                .get_caller_identity()
                .customize()
                .config_override(own)
        }
        None => {
            let sdk = load_with(name, env, timeout, files, None, http).await;
            sts_client(&sdk).get_caller_identity().customize()
        }
    };
    let out = call.send().await.map_err(sdk_failure)?;
    Ok(Identity {
        account: out.account.unwrap_or_default(),
        arn: out.arn.unwrap_or_default(),
        user_id: out.user_id.unwrap_or_default(),
    })
}

fn sts_client(sdk: &aws_types::SdkConfig) -> aws_sdk_sts::Client {
    let mut conf = aws_sdk_sts::config::Builder::from(sdk);
    if sdk.region().is_none() {
        conf = conf.region(aws_sdk_sts::config::Region::new(FALLBACK_REGION));
    }
    aws_sdk_sts::Client::from_conf(conf.build())
}

/// What the SDK resolves for this profile (credentials, region, endpoints,
/// FIPS and dual-stack), from the filtered environment and the profile's
/// own sections: what Re-check and the permission probes both start from.
pub async fn load_sdk_config(
    name: &ProfileName,
    env: &AwsEnv,
    timeout: Duration,
    discovery: &Discovery,
    http: SharedHttpClient,
) -> aws_types::SdkConfig {
    let (files, keys) = own_inputs(name, discovery).await;
    load_with(name, env, timeout, files, keys, http).await
}

/// The profile's own sections and, for an access-key profile, its keys.
async fn own_inputs(
    name: &ProfileName,
    discovery: &Discovery,
) -> (
    Option<aws_runtime::env_config::file::EnvConfigFiles>,
    Option<aws_credential_types::Credentials>,
) {
    let files = own_sections(name, discovery);
    let keys = match &files {
        Some(f) => super::static_keys::of(name.as_str(), f).await,
        None => None,
    };
    (files, keys)
}

/// The loader with the profile's own sections (`None`: the whole files)
/// and, for an access-key profile, its keys as its profile provider reads
/// them.
async fn load_with(
    name: &ProfileName,
    env: &AwsEnv,
    timeout: Duration,
    files: Option<aws_runtime::env_config::file::EnvConfigFiles>,
    keys: Option<aws_credential_types::Credentials>,
    http: SharedHttpClient,
) -> aws_types::SdkConfig {
    let timeouts = TimeoutConfig::builder()
        .operation_timeout(timeout)
        .operation_attempt_timeout(timeout)
        .connect_timeout(timeout.min(Duration::from_secs(5)))
        .build();
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .env(env.sdk_env())
        .profile_name(name.as_str())
        .timeout_config(timeouts)
        .retry_config(RetryConfig::standard().with_max_attempts(2));
    if let Some(keys) = keys {
        loader = loader.credentials_provider(keys);
    }
    if let Some(files) = files {
        loader = loader.profile_files(files);
    }
    loader.http_client(http).load().await
}

/// The sections of the files this profile's check reads: its own and its
/// `source_profile` chain's (see `sections`). `None` while the files have
/// problems: then the SDK reads them whole and says what is wrong.
fn own_sections(
    name: &ProfileName,
    discovery: &Discovery,
) -> Option<aws_runtime::env_config::file::EnvConfigFiles> {
    if !discovery.problems.is_empty() {
        return None;
    }
    let mut chain: HashSet<&str> = HashSet::new();
    let mut next = Some(name.as_str());
    while let Some(n) = next.filter(|n| chain.insert(n)) {
        next = discovery.get(n).and_then(|p| p.source_profile.as_deref());
    }
    discovery.sources.sections_for(&chain)
}

/// Each error in the chain once, outermost first: readable, and without the
/// `Debug` dump that `DisplayErrorContext` appends. (ARM's errors too.)
pub fn chain_text(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut e = Some(err);
    while let Some(cur) = e {
        let text = cur.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        e = cur.source();
    }
    parts.join(": ")
}

fn innermost(err: &(dyn std::error::Error + 'static)) -> String {
    let mut e = err;
    while let Some(next) = e.source() {
        e = next;
    }
    e.to_string()
}

type StsError =
    SdkError<aws_sdk_sts::operation::get_caller_identity::GetCallerIdentityError, HttpResponse>;

fn sdk_failure(err: StsError) -> SdkFailure {
    use aws_sdk_sts::operation::RequestId;
    let status = err.raw_response().map(|r| r.status().as_u16());
    let (stage, code) = match &err {
        SdkError::ConstructionFailure(_) => (Stage::Construction, None),
        SdkError::TimeoutError(_) => (Stage::Timeout, None),
        SdkError::DispatchFailure(f) => match f.as_connector_error() {
            Some(c) if c.is_timeout() => (Stage::Timeout, None),
            Some(c) if c.is_io() => (Stage::Io, None),
            _ => (Stage::Credentials, None),
        },
        SdkError::ResponseError(_) => (Stage::Response, None),
        SdkError::ServiceError(e) => (Stage::Service, e.err().code().map(str::to_owned)),
        _ => (Stage::Other, None),
    };
    let (message, detail) = match &err {
        // The service error's own text is a Debug dump of its metadata:
        // say the code, message, status and request id in words instead.
        SdkError::ServiceError(e) => {
            let message = e.err().message().unwrap_or_default().to_owned();
            let mut detail = match (&code, message.is_empty()) {
                (Some(c), false) => format!("{c}: {message}"),
                (Some(c), true) => c.clone(),
                (None, _) => "AWS answered with an error Escher could not read".to_owned(),
            };
            if let Some(s) = status {
                detail.push_str(&format!(" (HTTP {s}"));
                if let Some(id) = err.request_id() {
                    detail.push_str(&format!(", request id {id}"));
                }
                detail.push(')');
            }
            (message, detail)
        }
        _ => (innermost(&err), chain_text(&err)),
    };
    SdkFailure {
        stage,
        code,
        status,
        message,
        detail,
    }
}

/// Up to `max` names closest to `target` by edit distance, for "did you
/// mean". Only names within a few edits count as close.
pub fn closest_names(target: &str, names: &[&str], max: usize) -> Vec<String> {
    let limit = (target.chars().count() / 3).max(2);
    let mut scored: Vec<(usize, &str)> = names
        .iter()
        .map(|n| (edit_distance(&target.to_lowercase(), &n.to_lowercase()), *n))
        .filter(|(d, _)| *d <= limit)
        .collect();
    scored.sort();
    scored
        .into_iter()
        .take(max)
        .map(|(_, n)| n.to_owned())
        .collect()
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_near_names_only() {
        let names = ["prod-admin", "prod-audit", "staging", "dev"];
        assert_eq!(
            closest_names("prod-admn", &names, 3),
            vec!["prod-admin", "prod-audit"]
        );
        assert!(closest_names("zzzzzzzz", &names, 3).is_empty());
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
