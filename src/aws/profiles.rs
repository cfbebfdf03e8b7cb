//! Discovering the user's AWS profiles with aws-config's own parser, and
//! classifying each one the way the SDK decides which credentials to use.

use super::env::AwsEnv;
pub use super::sections::{FileProblem, ProfileSources, SourceFile};
use super::sso_cache::TokenStatus;
use crate::block_on::block_on;
use aws_config::profile::{Profile, ProfileSet};
use aws_runtime::env_config::file::{EnvConfigFileKind, EnvConfigFiles};
use aws_types::os_shim_internal::Fs;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// How a profile gets its credentials, in the SDK's order of precedence.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Sso,
    SsoLegacy,
    AccessKeys,
    AssumeRole,
    WebIdentity,
    CredentialProcess,
    Login,
    Unusable,
}

impl Kind {
    pub fn id(self) -> &'static str {
        match self {
            Kind::Sso => "sso",
            Kind::SsoLegacy => "sso_legacy",
            Kind::AccessKeys => "access_keys",
            Kind::AssumeRole => "assume_role",
            Kind::WebIdentity => "web_identity",
            Kind::CredentialProcess => "credential_process",
            Kind::Login => "login",
            Kind::Unusable => "unusable",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Kind::Sso => "SSO",
            Kind::SsoLegacy => "SSO (legacy)",
            Kind::AccessKeys => "Access keys",
            Kind::AssumeRole => "Assume role",
            Kind::WebIdentity => "Web identity",
            Kind::CredentialProcess => "Credential process",
            Kind::Login => "Console sign-in",
            Kind::Unusable => "Unusable",
        }
    }

    pub fn is_sso(self) -> bool {
        matches!(self, Kind::Sso | Kind::SsoLegacy)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ProfileInfo {
    pub name: String,
    pub kind: Kind,
    pub region: Option<String>,
    pub sso_session: Option<String>,
    pub sso_start_url: Option<String>,
    pub sso_region: Option<String>,
    pub sso_account_id: Option<String>,
    pub sso_role_name: Option<String>,
    /// The profile whose credentials an assume-role profile starts from.
    pub source_profile: Option<String>,
    /// The profile's `ca_bundle` (the AWS CLI's extra trusted certificates).
    pub ca_bundle: Option<String>,
    /// The profile's `endpoint_url`, for every service.
    #[serde(skip)]
    pub endpoint_url: Option<String>,
    /// Why an `Unusable` profile cannot work.
    pub problem: Option<String>,
    /// When the cached SSO sign-in expires (read from the SSO cache).
    #[serde(skip)]
    pub sso_token_expires_at: Option<std::time::SystemTime>,
    /// The SSO settings lack `sso_region`, without which the portal cannot be reached.
    #[serde(skip)]
    pub missing_sso_region: bool,
}

impl ProfileInfo {
    pub fn has_sso_settings(&self) -> bool {
        self.sso_session.is_some()
            || self.sso_start_url.is_some()
            || self.sso_account_id.is_some()
            || self.sso_role_name.is_some()
    }

    /// The key of this profile's token in `~/.aws/sso/cache`: the session
    /// name for `sso_session` profiles, the start URL for legacy ones.
    pub fn sso_cache_key(&self) -> Option<&str> {
        match self.kind {
            Kind::Sso => self.sso_session.as_deref(),
            Kind::SsoLegacy => self.sso_start_url.as_deref(),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct Discovery {
    /// Sorted by name, as `aws configure list-profiles` sorts them.
    pub profiles: Vec<ProfileInfo>,
    pub problems: Vec<FileProblem>,
    /// The files' text as read, for checks that follow (see `sections`).
    pub sources: ProfileSources,
    /// Each SSO cache key's token, read once.
    pub sso_tokens: HashMap<String, TokenStatus>,
    /// The `[sso-session …]` sections, sorted by name.
    pub sso_sessions: Vec<SsoSessionInfo>,
}

/// An `[sso-session NAME]` section as the SDK reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SsoSessionInfo {
    pub name: String,
    pub start_url: Option<String>,
    pub region: Option<String>,
}

fn sessions_of(set: &ProfileSet) -> Vec<SsoSessionInfo> {
    let mut out: Vec<SsoSessionInfo> = set
        .sso_sessions()
        .filter_map(|name| {
            let s = set.sso_session(name)?;
            let get = |k: &str| s.get(k).filter(|v| !v.is_empty()).map(str::to_owned);
            Some(SsoSessionInfo {
                name: name.to_owned(),
                start_url: get("sso_start_url"),
                region: get("sso_region"),
            })
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

impl Discovery {
    pub fn get(&self, name: &str) -> Option<&ProfileInfo> {
        self.profiles
            .binary_search_by(|p| p.name.as_str().cmp(name))
            .ok()
            .map(|i| &self.profiles[i])
    }

    pub fn sso_session(&self, name: &str) -> Option<&SsoSessionInfo> {
        self.sso_sessions.iter().find(|s| s.name == name)
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.profiles.iter().map(|p| p.name.as_str())
    }

    /// The token status of `key` as read by `discover`.
    pub fn sso_token(&self, key: &str) -> Option<&TokenStatus> {
        self.sso_tokens.get(key)
    }
}

/// Read both files as the CLI does, each once. When one is malformed, the
/// other's profiles still load and the malformed one is reported with its
/// line. Each SSO sign-in's cache file is read once too.
pub fn discover(env: &AwsEnv) -> Discovery {
    let sources = ProfileSources::read(env);
    let mut d = discover_parsed(env, &sources);
    d.problems.extend(sources.problems());
    d.sources = sources;
    if let Some(dir) = env.sso_cache_dir() {
        let now = std::time::SystemTime::now();
        for p in &mut d.profiles {
            let Some(key) = p.sso_cache_key().map(str::to_owned) else {
                continue;
            };
            let status = d
                .sso_tokens
                .entry(key)
                .or_insert_with_key(|key| super::sso_cache::token_status(&dir, key, now));
            p.sso_token_expires_at = match status {
                TokenStatus::Valid { expires_at } | TokenStatus::Expired { expires_at, .. } => {
                    Some(*expires_at)
                }
                _ => None,
            };
        }
    }
    d
}

fn discover_parsed(env: &AwsEnv, sources: &ProfileSources) -> Discovery {
    let (config, credentials) = (sources.config.as_ref(), sources.credentials.as_ref());
    if config.is_none() && credentials.is_none() {
        return Discovery::default();
    }
    let fs = sources.fs();
    match load(env, &fs, &files(config, credentials)) {
        Ok(set) => Discovery {
            profiles: classify_all(&set),
            sso_sessions: sessions_of(&set),
            ..Discovery::default()
        },
        Err(_) => {
            // Load each file alone to tell which one is malformed.
            let mut problems = Vec::new();
            let mut profiles = Vec::new();
            for (file, only) in [
                (config, config.map(|c| files(Some(c), None))),
                (credentials, credentials.map(|c| files(None, Some(c)))),
            ] {
                let (Some(file), Some(only)) = (file, only) else {
                    continue;
                };
                match load(env, &fs, &only) {
                    Ok(set) => profiles.extend(classify_all(&set)),
                    Err(message) => problems.push(FileProblem {
                        path: file.path.clone(),
                        message,
                    }),
                }
            }
            profiles.sort_by(|a, b| a.name.cmp(&b.name));
            profiles.dedup_by(|a, b| a.name == b.name);
            Discovery {
                profiles,
                problems,
                ..Discovery::default()
            }
        }
    }
}

/// Never empty: the caller has at least one file (the builder panics
/// on an empty set).
fn files(config: Option<&SourceFile>, credentials: Option<&SourceFile>) -> EnvConfigFiles {
    let mut b = EnvConfigFiles::builder()
        .include_default_config_file(false)
        .include_default_credentials_file(false);
    if let Some(c) = config {
        b = b.with_file(EnvConfigFileKind::Config, &c.path);
    }
    if let Some(c) = credentials {
        b = b.with_file(EnvConfigFileKind::Credentials, &c.path);
    }
    b.build()
}

fn load(env: &AwsEnv, fs: &Fs, files: &EnvConfigFiles) -> Result<ProfileSet, String> {
    block_on(aws_config::profile::load(fs, &env.sdk_env(), files, None)).map_err(|e| {
        use std::error::Error;
        // The outer error only says "failed to parse"; the source names the line.
        match e.source() {
            Some(inner) => inner.to_string(),
            None => e.to_string(),
        }
    })
}

fn classify_all(set: &ProfileSet) -> Vec<ProfileInfo> {
    let mut names: Vec<&str> = set.profiles().collect();
    names.sort_unstable();
    names
        .into_iter()
        .filter_map(|n| set.get_profile(n).map(|p| classify(set, p)))
        .collect()
}

fn get(p: &Profile, key: &str) -> Option<String> {
    p.get(key).filter(|v| !v.is_empty()).map(str::to_owned)
}

pub fn classify(set: &ProfileSet, p: &Profile) -> ProfileInfo {
    let mut info = ProfileInfo {
        name: p.name().to_owned(),
        kind: Kind::Unusable,
        region: get(p, "region"),
        sso_session: get(p, "sso_session"),
        sso_start_url: get(p, "sso_start_url"),
        sso_region: get(p, "sso_region"),
        sso_account_id: get(p, "sso_account_id"),
        sso_role_name: get(p, "sso_role_name"),
        source_profile: get(p, "source_profile"),
        ca_bundle: get(p, "ca_bundle"),
        endpoint_url: get(p, "endpoint_url"),
        problem: None,
        sso_token_expires_at: None,
        missing_sso_region: false,
    };
    let (kind, problem) = kind_of(set, p, &mut info);
    info.kind = kind;
    info.problem = problem;
    if kind == Kind::Unusable && info.problem.is_none() {
        info.problem = Some(
            "it has no credentials: no access keys, SSO settings, role or credential_process"
                .into(),
        );
    }
    info
}

fn kind_of(set: &ProfileSet, p: &Profile, info: &mut ProfileInfo) -> (Kind, Option<String>) {
    let has = |k: &str| p.get(k).is_some_and(|v| !v.is_empty());
    if has("role_arn") && !has("web_identity_token_file") {
        return assume_role(set, p);
    }
    if has("credential_source") {
        return (
            Kind::AssumeRole,
            Some("credential_source is set without role_arn".into()),
        );
    }
    if has("web_identity_token_file") {
        return if has("role_arn") {
            (Kind::WebIdentity, None)
        } else {
            (
                Kind::Unusable,
                Some("web_identity_token_file is set without role_arn".into()),
            )
        };
    }
    if let Some(session) = info.sso_session.clone() {
        return sso_session_profile(set, &session, info);
    }
    if [
        "sso_start_url",
        "sso_region",
        "sso_account_id",
        "sso_role_name",
    ]
    .iter()
    .any(|k| has(k))
    {
        // Only when the region is all that is missing; otherwise the
        // setup as a whole is incomplete.
        info.missing_sso_region = info.sso_region.is_none()
            && info.sso_start_url.is_some()
            && info.sso_account_id.is_some()
            && info.sso_role_name.is_some();
        return legacy_sso(info);
    }
    if has("login_session") {
        return (Kind::Login, None);
    }
    if has("credential_process") {
        return (Kind::CredentialProcess, None);
    }
    match (has("aws_access_key_id"), has("aws_secret_access_key")) {
        (true, true) => (Kind::AccessKeys, None),
        (true, false) => (
            Kind::Unusable,
            Some("aws_access_key_id is set but aws_secret_access_key is missing".into()),
        ),
        (false, true) => (
            Kind::Unusable,
            Some("aws_secret_access_key is set but aws_access_key_id is missing".into()),
        ),
        (false, false) => (Kind::Unusable, None),
    }
}

fn sso_session_profile(
    set: &ProfileSet,
    session: &str,
    info: &mut ProfileInfo,
) -> (Kind, Option<String>) {
    let Some(s) = set.sso_session(session) else {
        return (
            Kind::Unusable,
            Some(format!(
                "sso_session = {session} names a missing [sso-session {session}] section"
            )),
        );
    };
    if info.sso_start_url.is_none() {
        info.sso_start_url = s.get("sso_start_url").map(str::to_owned);
    }
    if info.sso_region.is_none() {
        info.sso_region = s.get("sso_region").map(str::to_owned);
    }
    if info.sso_start_url.is_none() {
        return (
            Kind::Unusable,
            Some(format!("[sso-session {session}] has no sso_start_url")),
        );
    }
    if info.sso_region.is_none() {
        info.missing_sso_region = true;
        return (
            Kind::Unusable,
            Some(format!("[sso-session {session}] has no sso_region")),
        );
    }
    match sso_role_problem(info) {
        Some(problem) => (Kind::Unusable, Some(problem)),
        None => (Kind::Sso, None),
    }
}

fn legacy_sso(info: &ProfileInfo) -> (Kind, Option<String>) {
    let missing: Vec<&str> = [
        ("sso_start_url", &info.sso_start_url),
        ("sso_region", &info.sso_region),
        ("sso_account_id", &info.sso_account_id),
        ("sso_role_name", &info.sso_role_name),
    ]
    .iter()
    .filter(|(_, v)| v.is_none())
    .map(|(k, _)| *k)
    .collect();
    if missing.is_empty() {
        (Kind::SsoLegacy, None)
    } else {
        (
            Kind::Unusable,
            Some(format!(
                "the SSO settings are incomplete: {} missing",
                missing.join(", ")
            )),
        )
    }
}

fn sso_role_problem(info: &ProfileInfo) -> Option<String> {
    match (&info.sso_account_id, &info.sso_role_name) {
        (Some(_), Some(_)) => None,
        (Some(_), None) => Some("sso_account_id is set but sso_role_name is missing".into()),
        (None, Some(_)) => Some("sso_role_name is set but sso_account_id is missing".into()),
        (None, None) => {
            Some("it names an SSO session but no sso_account_id and sso_role_name".into())
        }
    }
}

fn assume_role(set: &ProfileSet, p: &Profile) -> (Kind, Option<String>) {
    let source = get(p, "source_profile");
    let credential_source = get(p, "credential_source");
    match (source, credential_source) {
        (None, None) => (
            Kind::Unusable,
            Some("role_arn is set without source_profile or credential_source".into()),
        ),
        (Some(_), Some(_)) => (
            Kind::Unusable,
            Some("both source_profile and credential_source are set; use one".into()),
        ),
        (None, Some(_)) => (Kind::AssumeRole, None),
        (Some(first), None) => {
            let mut chain = vec![p.name().to_owned()];
            let mut current = first;
            loop {
                let Some(src) = set.get_profile(&current) else {
                    return (
                        Kind::Unusable,
                        Some(format!(
                            "source_profile = {current} names a profile that does not exist"
                        )),
                    );
                };
                // A profile may name itself as source when it holds the keys.
                if chain.last() == Some(&current) && get(src, "aws_access_key_id").is_some() {
                    return (Kind::AssumeRole, None);
                }
                let looped = chain.contains(&current);
                chain.push(current);
                if looped {
                    return (
                        Kind::Unusable,
                        Some(format!("source_profile loop: {}", chain.join(" → "))),
                    );
                }
                match (get(src, "role_arn"), get(src, "source_profile")) {
                    (Some(_), Some(next)) => current = next,
                    _ => return (Kind::AssumeRole, None),
                }
            }
        }
    }
}
