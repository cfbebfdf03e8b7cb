//! From a failure to what the user reads: the case (a stable id), what
//! happened, what to do, and the exact command with the tenant and
//! subscription filled in and quoted for the shell. az's own words are
//! kept as `detail`, for "Details". Sign-in errors are classified on their
//! AADSTS code, since Microsoft rewords the texts.

use super::find::AzCli;
use super::ids::Guid;
use crate::shell::posix_join;
use serde::Serialize;
use std::path::Path;
use std::time::Duration;

/// Stable ids: the CLI's JSON and the UI both use them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Case {
    AzMissing,
    AzTooOld,
    NotSignedIn,
    Network,
    SignInExpired,
    MfaRequired,
    BlockedByPolicy,
    NoSubscriptions,
    SubscriptionNotFound,
    SubscriptionDisabled,
    NoReaderRole,
    OtherCloud,
    TokenCacheUnreadable,
    Timeout,
    Unknown,
}

impl Case {
    pub const ALL: [Case; 15] = [
        Case::AzMissing,
        Case::AzTooOld,
        Case::NotSignedIn,
        Case::Network,
        Case::SignInExpired,
        Case::MfaRequired,
        Case::BlockedByPolicy,
        Case::NoSubscriptions,
        Case::SubscriptionNotFound,
        Case::SubscriptionDisabled,
        Case::NoReaderRole,
        Case::OtherCloud,
        Case::TokenCacheUnreadable,
        Case::Timeout,
        Case::Unknown,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Case::AzMissing => "az_missing",
            Case::AzTooOld => "az_too_old",
            Case::NotSignedIn => "not_signed_in",
            Case::Network => "network",
            Case::SignInExpired => "sign_in_expired",
            Case::MfaRequired => "mfa_required",
            Case::BlockedByPolicy => "blocked_by_policy",
            Case::NoSubscriptions => "no_subscriptions",
            Case::SubscriptionNotFound => "subscription_not_found",
            Case::SubscriptionDisabled => "subscription_disabled",
            Case::NoReaderRole => "no_reader_role",
            Case::OtherCloud => "other_cloud",
            Case::TokenCacheUnreadable => "token_cache_unreadable",
            Case::Timeout => "timeout",
            Case::Unknown => "unknown",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnosis {
    pub case: Case,
    pub title: String,
    /// What happened, in words.
    pub explanation: String,
    /// What to do next, in words.
    pub fix: String,
    /// The exact command to run, ids filled in and quoted for `sh`.
    pub command: Option<String>,
    /// The same command one word per element, for Run in Terminal.
    #[serde(skip)]
    pub argv: Option<Vec<String>>,
    /// az's or ARM's own words, for "Details".
    pub detail: String,
}

impl Diagnosis {
    /// The tenant of a fix that is `az login --tenant T`, which Escher can
    /// run itself (Sign in to this tenant).
    pub fn login_tenant(&self) -> Option<&str> {
        match self.argv.as_deref() {
            Some([az, login, flag, tenant])
                if az == "az" && login == "login" && flag == "--tenant" =>
            {
                Some(tenant)
            }
            _ => None,
        }
    }
}

fn d(
    case: Case,
    title: &str,
    explanation: String,
    fix: String,
    argv: Option<Vec<String>>,
    detail: String,
) -> Diagnosis {
    Diagnosis {
        case,
        title: title.to_owned(),
        explanation,
        fix,
        command: argv.as_ref().map(|a| posix_join(a)),
        argv,
        detail,
    }
}

fn words(w: &[&str]) -> Vec<String> {
    w.iter().map(|s| (*s).to_owned()).collect()
}

/// `az login`, for one tenant when it is known.
pub fn login_argv(tenant: Option<&Guid>) -> Vec<String> {
    let mut argv = words(&["az", "login"]);
    if let Some(t) = tenant {
        argv.extend(["--tenant".to_owned(), t.to_string()]);
    }
    argv
}

/// Who and what a failure concerns, for the commands.
#[derive(Clone, Debug, Default)]
pub struct Subject<'a> {
    pub tenant: Option<&'a Guid>,
    pub subscription: Option<&'a Guid>,
    /// The user az lists for the subscription.
    pub user_name: Option<&'a str>,
    /// Where az keeps its sign-in (`AZURE_CONFIG_DIR` or `~/.azure`).
    pub config_dir: Option<&'a Path>,
}

pub fn az_missing() -> Diagnosis {
    let (how, argv) = if cfg!(target_os = "macos") {
        (
            "Install it with Homebrew",
            Some(words(&["brew", "install", "azure-cli"])),
        )
    } else if cfg!(windows) {
        (
            "Install it with winget",
            Some(words(&[
                "winget",
                "install",
                "-e",
                "--id",
                "Microsoft.AzureCLI",
            ])),
        )
    } else {
        (
            "Install it as described at https://learn.microsoft.com/cli/azure/install-azure-cli-linux",
            None,
        )
    };
    d(
        Case::AzMissing,
        "The Azure CLI is not installed",
        "Escher signs in to Azure through your own Azure CLI (az), and no az was found on your PATH or in the usual install folders.".into(),
        format!("{how}, then click \"I installed it — check again\"."),
        argv,
        String::new(),
    )
}

pub fn az_too_old(cli: &AzCli) -> Diagnosis {
    d(
        Case::AzTooOld,
        "The Azure CLI is too old",
        format!(
            "{} is version {}; Escher needs {}.{} or later (older versions do not say when a token expires).",
            cli.path.display(),
            cli.version,
            super::find::MIN_VERSION.0,
            super::find::MIN_VERSION.1
        ),
        "Upgrade it, then check again.".into(),
        Some(words(&["az", "upgrade"])),
        format!("az version: {}", cli.version),
    )
}

pub fn not_signed_in(detail: &str) -> Diagnosis {
    d(
        Case::NotSignedIn,
        "Not signed in to Azure",
        "The Azure CLI on this computer is not signed in (az asks you to run az login).".into(),
        "Run az login in the terminal; if it asks you to \"Select a subscription\", press Enter. Then click Re-check.".into(),
        Some(login_argv(None)),
        detail.trim().to_owned(),
    )
}

/// Signed in, but only tenant-level entries: no subscription to read.
pub fn no_subscriptions(tenant: Option<&Guid>, tenant_title: Option<&str>) -> Diagnosis {
    let whom =
        tenant_title.map_or_else(|| "this sign-in".to_owned(), |t| format!("the tenant {t}"));
    d(
        Case::NoSubscriptions,
        "No subscriptions in this sign-in",
        format!("You are signed in, but {whom} holds no Azure subscription you can see."),
        "Ask your Azure administrator for the Reader role on a subscription, or sign in to the tenant that holds it, then click Re-check.".into(),
        Some(login_argv(tenant)),
        String::new(),
    )
}

pub fn other_cloud(
    active: &str,
    others: &[(String, usize)],
    subscription: Option<&Guid>,
) -> Diagnosis {
    let names: Vec<&str> = others.iter().map(|(c, _)| c.as_str()).collect();
    let target = names.first().copied().unwrap_or("AzureCloud");
    let what = match subscription {
        Some(s) => format!("The subscription {s} belongs to"),
        None => "Your sign-in lists subscriptions only in".to_owned(),
    };
    d(
        Case::OtherCloud,
        "Another Azure cloud is active",
        format!(
            "{what} {}, but the active cloud of the Azure CLI is {active}.",
            names.join(", ")
        ),
        format!(
            "Switch the Azure CLI to {target} (and sign in there if asked), then click Re-check."
        ),
        Some(words(&["az", "cloud", "set", "--name", target])),
        String::new(),
    )
}

pub fn subscription_disabled(id: &Guid, name: &str, state: &str, tenant: &Guid) -> Diagnosis {
    d(
        Case::SubscriptionDisabled,
        "The subscription is not active",
        format!("{name} ({id}) is {state}: Azure allows no reading of a {state} subscription."),
        "Ask its owner or your billing administrator to re-enable it in the Azure portal, or leave it out. Then sign in again and click Re-check.".into(),
        Some(login_argv(Some(tenant))),
        format!("state: {state}"),
    )
}

/// The subscription is not in the sign-in's listing, or ARM says its token
/// is for another tenant.
pub fn subscription_not_found(id: &Guid, tenant: Option<&Guid>, detail: &str) -> Diagnosis {
    d(
        Case::SubscriptionNotFound,
        "Subscription not found",
        format!(
            "The subscription {id} is not one this sign-in reaches: it may be in a tenant you did not sign in to, or the id may be wrong."
        ),
        "Check the id (az account list --all --output table shows what you reach), or sign in to the tenant that holds it, then click Re-check.".into(),
        Some(login_argv(tenant)),
        detail.trim().to_owned(),
    )
}

pub fn no_reader_role(s: &Subject<'_>, detail: &str) -> Diagnosis {
    let assignee = s
        .user_name
        .filter(|u| !u.is_empty())
        .map(str::to_owned)
        .or_else(|| object_id(detail))
        .unwrap_or_else(|| "YOUR_USER".to_owned());
    let scope = s.subscription.map_or_else(
        || "/subscriptions/SUBSCRIPTION_ID".to_owned(),
        |id| format!("/subscriptions/{id}"),
    );
    d(
        Case::NoReaderRole,
        "No Reader role on this subscription",
        format!("Azure refused to show the subscription to {assignee}: the sign-in has no role on it."),
        "Ask an owner of the subscription to run this command, then sign in again (az login) and click Re-check.".into(),
        Some(vec![
            "az".into(),
            "role".into(),
            "assignment".into(),
            "create".into(),
            "--assignee".into(),
            assignee,
            "--role".into(),
            "Reader".into(),
            "--scope".into(),
            scope,
        ]),
        detail.trim().to_owned(),
    )
}

/// "… with object id 'abc' does not have authorization …" → "abc".
fn object_id(text: &str) -> Option<String> {
    let rest = text.split("object id '").nth(1)?;
    let id = rest.split('\'').next()?;
    Guid::parse(id).map(|g| g.to_string())
}

pub fn timeout(what: &str, limit: Duration, argv: Option<Vec<String>>) -> Diagnosis {
    d(
        Case::Timeout,
        "No answer in time",
        format!("{what} did not answer within {} s, so Escher stopped waiting.", limit.as_secs()),
        "Run the command yourself to see what it waits for (a proxy, a sign-in prompt, a slow network), then click Re-check.".into(),
        argv,
        format!("{what}: no answer within {} s", limit.as_secs()),
    )
}

pub fn network(what: &str, detail: &str) -> Diagnosis {
    d(
        Case::Network,
        "Azure cannot be reached",
        format!("{what} could not connect: the network, a proxy, DNS or a firewall stopped it."),
        "Check your connection; behind a proxy set HTTPS_PROXY (and REQUESTS_CA_BUNDLE for a TLS-inspecting proxy) where Escher and az run, then click Re-check.".into(),
        None,
        detail.trim().to_owned(),
    )
}

pub fn unknown(
    title: &str,
    explanation: String,
    argv: Option<Vec<String>>,
    detail: &str,
) -> Diagnosis {
    d(
        Case::Unknown,
        title,
        explanation,
        "Run the command yourself to see the whole message; Details shows what Escher saw.".into(),
        argv,
        detail.trim().to_owned(),
    )
}

/// The sign-in expired or was revoked (`why`: "AADSTS700082", "HTTP 401");
/// `printed`: the `az login` line az printed, if any.
pub fn sign_in_expired(
    tenant: Option<&Guid>,
    why: &str,
    printed: Option<Vec<String>>,
    detail: &str,
) -> Diagnosis {
    let tenant_words = tenant.map_or_else(String::new, |t| format!(" {t}"));
    let fix = if printed.is_some() {
        "Sign in again with the command az printed (below), then click Re-check."
    } else {
        "Sign in to this tenant again, then click Re-check."
    };
    d(
        Case::SignInExpired,
        "The Azure sign-in has expired",
        format!(
            "Azure no longer accepts this sign-in for the tenant{tenant_words} ({why}): it expired or was revoked."
        ),
        fix.into(),
        Some(printed.unwrap_or_else(|| login_argv(tenant))),
        detail.trim().to_owned(),
    )
}

/// AADSTS codes by case. Microsoft's list: https://learn.microsoft.com/entra/identity-platform/reference-error-codes
const SIGN_IN_EXPIRED: &[u32] = &[700082, 50173, 70043, 50133, 700084];
const MFA_REQUIRED: &[u32] = &[50076, 50079, 50078];
const BLOCKED_BY_POLICY: &[u32] = &[53000, 53001, 53002, 53003, 53004];

/// "… AADSTS700082: …" → 700082.
pub fn aadsts_code(text: &str) -> Option<u32> {
    let rest = text.split("AADSTS").nth(1)?;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

const TOKEN_CACHE_UNREADABLE: &[&str] = &[
    "Key not valid for use in specified state",
    "PersistenceDecryptionError",
    "Decryption failed",
];
const NOT_SIGNED_IN: &[&str] = &[
    "Please run 'az login'",
    "Please run \"az login\"",
    "does not exist in MSAL token cache",
];
const NETWORK: &[&str] = &[
    "HTTPSConnectionPool",
    "Max retries exceeded",
    "NameResolutionError",
    "Failed to establish a new connection",
    "ProxyError",
    "SSLError",
    "Connection refused",
    "Connection aborted",
];

/// Classify what a failed `az` call printed on stderr.
pub fn from_az(s: &Subject<'_>, rerun: &[String], stderr: &str) -> Diagnosis {
    let has = |needles: &[&str]| needles.iter().any(|n| stderr.contains(n));
    if has(TOKEN_CACHE_UNREADABLE) {
        return token_cache_unreadable(s, stderr);
    }
    if let Some(code) = aadsts_code(stderr) {
        return from_aadsts(s, code, stderr);
    }
    if has(NOT_SIGNED_IN) {
        let mut diag = not_signed_in(stderr);
        diag.argv = Some(login_argv(s.tenant));
        diag.command = diag.argv.as_ref().map(|a| posix_join(a));
        return diag;
    }
    if stderr.contains("Subscription '")
        && stderr.contains("not found")
        && let Some(id) = s.subscription
    {
        return subscription_not_found(id, s.tenant, stderr);
    }
    if has(NETWORK) {
        return network("The Azure CLI", stderr);
    }
    unknown(
        "The Azure CLI reported an error",
        format!("{} failed: {}", posix_join(rerun), first_error_line(stderr)),
        Some(rerun.to_vec()),
        stderr,
    )
}

fn first_error_line(stderr: &str) -> &str {
    stderr
        .lines()
        .find(|l| l.starts_with("ERROR:"))
        .or_else(|| stderr.lines().find(|l| !l.trim().is_empty()))
        .map_or("no message", str::trim)
}

fn from_aadsts(s: &Subject<'_>, code: u32, stderr: &str) -> Diagnosis {
    let tenant_words = s.tenant.map_or_else(String::new, |t| format!(" {t}"));
    if SIGN_IN_EXPIRED.contains(&code) {
        return sign_in_expired(
            s.tenant,
            &format!("AADSTS{code}"),
            printed_login(stderr),
            stderr,
        );
    }
    if MFA_REQUIRED.contains(&code) {
        return d(
            Case::MfaRequired,
            "This tenant asks for multi-factor sign-in",
            format!(
                "The tenant{tenant_words} requires multi-factor authentication (AADSTS{code}), which a sign-in to another tenant does not carry."
            ),
            "Sign in to this tenant on its own, completing the MFA prompt, then click Re-check."
                .into(),
            Some(login_argv(s.tenant)),
            stderr.trim().to_owned(),
        );
    }
    if BLOCKED_BY_POLICY.contains(&code) {
        return d(
            Case::BlockedByPolicy,
            "Blocked by your organisation's access policy",
            format!("A Conditional Access policy of the tenant{tenant_words} refused this sign-in (AADSTS{code}), for example because of the device, the location or the sign-in method."),
            "Only your tenant's administrator can change this policy: send them Details. Signing in from a device the policy allows may help; device-code sign-in is often blocked.".into(),
            None,
            stderr.trim().to_owned(),
        );
    }
    unknown(
        "Azure refused the sign-in",
        format!("Microsoft Entra ID answered AADSTS{code} for the tenant{tenant_words}."),
        Some(login_argv(s.tenant)),
        stderr,
    )
}

/// The `az login …` line az prints after "Run the command below", re-quoted
/// word by word for the shell.
fn printed_login(stderr: &str) -> Option<Vec<String>> {
    stderr
        .lines()
        .map(split_words)
        .find(|w| w.len() >= 2 && w[0] == "az" && w[1] == "login")
}

/// Split a line as az prints it: words, with "double quotes" grouping.
fn split_words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut any = false;
    for c in line.trim().chars() {
        match c {
            '"' => {
                quoted = !quoted;
                any = true;
            }
            c if c.is_whitespace() && !quoted => {
                if any {
                    out.push(std::mem::take(&mut cur));
                    any = false;
                }
            }
            c => {
                cur.push(c);
                any = true;
            }
        }
    }
    if any {
        out.push(cur);
    }
    out
}

fn token_cache_unreadable(s: &Subject<'_>, stderr: &str) -> Diagnosis {
    let dir = s.config_dir.map_or_else(
        || "your .azure folder".to_owned(),
        |p| p.display().to_string(),
    );
    d(
        Case::TokenCacheUnreadable,
        "The Azure CLI cannot read its sign-in",
        "The Azure CLI's token cache cannot be decrypted (on Windows this happens after a password reset or when the cache was written by another user, e.g. an elevated shell).".into(),
        format!(
            "Close other az sessions, delete msal_token_cache.bin and msal_http_cache.bin in {dir} (Escher never touches them), then sign in again and click Re-check."
        ),
        Some(login_argv(s.tenant)),
        stderr.trim().to_owned(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_stable() {
        let ids: Vec<&str> = Case::ALL.iter().map(|c| c.id()).collect();
        assert_eq!(
            ids,
            [
                "az_missing",
                "az_too_old",
                "not_signed_in",
                "network",
                "sign_in_expired",
                "mfa_required",
                "blocked_by_policy",
                "no_subscriptions",
                "subscription_not_found",
                "subscription_disabled",
                "no_reader_role",
                "other_cloud",
                "token_cache_unreadable",
                "timeout",
                "unknown"
            ]
        );
        for c in Case::ALL {
            assert_eq!(serde_json::to_value(c).unwrap(), c.id());
        }
    }

    #[test]
    fn az_printed_commands_are_requoted() {
        let w = split_words(
            r#"az login --tenant "c0000000-0000-0000-0000-00000000000c" --scope "https://management.core.windows.net//.default""#,
        );
        assert_eq!(
            posix_join(&w),
            "az login --tenant c0000000-0000-0000-0000-00000000000c --scope https://management.core.windows.net//.default"
        );
        assert_eq!(
            posix_join(&split_words(r#"az login --tenant "a b;c""#)),
            "az login --tenant 'a b;c'"
        );
        assert_eq!(aadsts_code("ERROR: AADSTS50076: Due to"), Some(50076));
        assert_eq!(aadsts_code("no code"), None);
    }
}
