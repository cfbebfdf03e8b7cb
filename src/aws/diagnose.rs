//! From a failed check to what the user reads: which case it is, in words,
//! and the one command that fixes it, with the profile's name filled in.
//! The raw error is kept as `detail` for the "Details" disclosure.

use super::profiles::Kind;
use super::sso_cache::TokenStatus;
use crate::shell::posix_join;
use crate::time_words::describe_expiry;
use serde::Serialize;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

/// Stable ids: the CLI's JSON and the UI both use them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Case {
    ConfigParseError,
    ProfileNotFound,
    ProfileUnusable,
    MissingRegion,
    SsoTokenMissing,
    SsoTokenExpired,
    SsoNoAccess,
    InvalidClientToken,
    SignatureMismatch,
    ExpiredToken,
    ClockSkew,
    EnvOverride,
    CredentialProcessFailed,
    Network,
    Timeout,
    AwsCliMissing,
    Unknown,
    CredentialsFilePermissions,
    InvalidProfileName,
    CaBundleInvalid,
    InvalidRegion,
    PlainHttpEndpoint,
}

impl Case {
    pub fn id(self) -> &'static str {
        match self {
            Case::ConfigParseError => "config_parse_error",
            Case::ProfileNotFound => "profile_not_found",
            Case::ProfileUnusable => "profile_unusable",
            Case::MissingRegion => "missing_region",
            Case::SsoTokenMissing => "sso_token_missing",
            Case::SsoTokenExpired => "sso_token_expired",
            Case::SsoNoAccess => "sso_no_access",
            Case::InvalidClientToken => "invalid_client_token",
            Case::SignatureMismatch => "signature_mismatch",
            Case::ExpiredToken => "expired_token",
            Case::ClockSkew => "clock_skew",
            Case::EnvOverride => "env_override",
            Case::CredentialProcessFailed => "credential_process_failed",
            Case::Network => "network",
            Case::Timeout => "timeout",
            Case::AwsCliMissing => "aws_cli_missing",
            Case::Unknown => "unknown",
            Case::CredentialsFilePermissions => "credentials_file_permissions",
            Case::InvalidProfileName => "invalid_profile_name",
            Case::CaBundleInvalid => "ca_bundle_invalid",
            Case::InvalidRegion => "invalid_region",
            Case::PlainHttpEndpoint => "plain_http_endpoint",
        }
    }

    /// The row of the product's troubleshooting table this case belongs to.
    pub fn seed_row(self) -> Option<usize> {
        match self {
            Case::ProfileUnusable => Some(0),
            Case::SsoNoAccess => Some(1),
            Case::InvalidClientToken | Case::SsoTokenExpired | Case::ExpiredToken => Some(2),
            Case::ProfileNotFound => Some(3),
            _ => None,
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
    /// The exact command to run, the profile's name filled in and quoted.
    pub command: Option<String>,
    /// The raw error, for "Details".
    pub detail: String,
    /// Closest existing profile names, for `profile_not_found`.
    pub suggestions: Vec<String>,
}

/// Where a check failed, in terms independent of the SDK's types, so each
/// case can be classified (and tested) in one place.
#[derive(Clone, Debug)]
pub enum Failure {
    ConfigParse {
        path: PathBuf,
        message: String,
    },
    ProfileMissing {
        suggestions: Vec<String>,
    },
    /// `sso`: the profile has SSO settings, so `aws configure sso` redoes it.
    Unusable {
        problem: String,
        sso: bool,
    },
    /// SSO settings without `sso_region`.
    MissingRegion {
        problem: String,
    },
    SsoToken {
        status: TokenStatus,
        now: SystemTime,
    },
    /// A name the SDK cannot read (or that a command line would misread).
    InvalidName(crate::aws::profile_name::NameError),
    CaBundle(crate::aws::ca_bundle::BundleProblem),
    /// The profile's `region` is not one the SDK would build a host from.
    InvalidRegion(String),
    /// The check itself stopped (a bug); what is known, in words.
    Crashed(String),
    Sdk(SdkFailure),
}

#[derive(Clone, Debug, Default)]
pub struct SdkFailure {
    pub stage: Stage,
    /// The service's error code (`InvalidClientTokenId`), when it had one.
    pub code: Option<String>,
    pub status: Option<u16>,
    /// The innermost error's message.
    pub message: String,
    /// The whole error chain.
    pub detail: String,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Stage {
    /// Building the request failed (e.g. no region).
    Construction,
    Timeout,
    /// The connection itself: DNS, refused, TLS, proxy.
    Io,
    /// Credentials could not be loaded (profile, SSO, process).
    Credentials,
    /// A response that could not be read.
    Response,
    /// AWS answered with an error.
    Service,
    #[default]
    Other,
}

/// What the diagnosis needs to know about the profile.
pub struct Subject<'a> {
    pub profile: &'a str,
    pub kind: Option<Kind>,
    pub timeout: Duration,
}

impl Subject<'_> {
    fn cmd(&self, words: &[&str]) -> String {
        let mut all: Vec<&str> = words.to_vec();
        all.extend(["--profile", self.profile]);
        posix_join(&all)
    }
    fn sso_login(&self) -> String {
        self.cmd(&["aws", "sso", "login"])
    }
    fn configure(&self) -> String {
        self.cmd(&["aws", "configure"])
    }
    fn get_caller_identity(&self) -> String {
        self.cmd(&["aws", "sts", "get-caller-identity"])
    }
}

fn d(
    case: Case,
    title: &str,
    explanation: String,
    fix: String,
    command: Option<String>,
    detail: String,
) -> Diagnosis {
    Diagnosis {
        case,
        title: title.to_owned(),
        explanation,
        fix,
        command,
        detail,
        suggestions: Vec::new(),
    }
}

/// Texts the SDK flattens into its credentials error, mapped to a case.
/// An SDK upgrade that rewords one fails the test that reproduces it.
pub const TEXT_MATCHES: &[(&str, Case)] = &[
    ("the SSO token has expired", Case::SsoTokenExpired),
    ("UnauthorizedException", Case::SsoTokenExpired),
    ("failed to load the cached SSO token", Case::SsoTokenMissing),
    ("ForbiddenException", Case::SsoNoAccess),
    ("No access", Case::SsoNoAccess),
    ("external process", Case::CredentialProcessFailed),
    ("credential_process", Case::CredentialProcessFailed),
    ("was not defined", Case::ProfileNotFound),
    ("profile formed an infinite loop", Case::ProfileUnusable),
    ("InvalidClientTokenId", Case::InvalidClientToken),
    ("ExpiredToken", Case::ExpiredToken),
    ("dispatch failure", Case::Network),
    ("timed out", Case::Timeout),
    ("dns error", Case::Network),
    ("Connection refused", Case::Network),
];

pub fn text_case(text: &str) -> Option<Case> {
    TEXT_MATCHES
        .iter()
        .find(|(needle, _)| text.contains(needle))
        .map(|(_, case)| *case)
}

pub fn diagnose(subject: &Subject<'_>, failure: &Failure) -> Diagnosis {
    let mut d = classify(subject, failure);
    d.explanation = redact(&d.explanation);
    d.detail = redact(&d.detail);
    d
}

fn classify(subject: &Subject<'_>, failure: &Failure) -> Diagnosis {
    let name = subject.profile;
    match failure {
        Failure::ConfigParse { path, message } => d(
            Case::ConfigParseError,
            "An AWS config file cannot be read",
            format!("{} is malformed: {message}", path.display()),
            format!(
                "Open {} in an editor and correct that line, then click Re-check.",
                path.display()
            ),
            None,
            message.clone(),
        ),
        Failure::ProfileMissing { suggestions } => {
            let did_you_mean = match suggestions.as_slice() {
                [] => String::new(),
                names => format!(" Did you mean {}?", names.join(", ")),
            };
            Diagnosis {
                suggestions: suggestions.clone(),
                ..d(
                    Case::ProfileNotFound,
                    "No profile by that name",
                    format!("There is no profile named {name} in your AWS config or credentials files.{did_you_mean}"),
                    "Confirm the profile name in Escher matches the one you used (aws configure list-profiles). \
                     If you have not created it yet, run the first command above."
                        .into(),
                    Some("aws configure list-profiles".into()),
                    format!("profile `{name}` was not defined"),
                )
            }
        }
        Failure::Unusable { problem, sso } => d(
            Case::ProfileUnusable,
            "The profile is incomplete",
            if *sso {
                format!(
                    "Profile {name} cannot be used: {problem}. This usually means aws configure sso did not finish."
                )
            } else {
                format!("Profile {name} cannot be used: {problem}.")
            },
            if *sso {
                "Run the setup again for this profile. If it fails at the start URL, confirm your SSO Start URL with \
                 your team's AWS admin (pattern: https://<your-org>.awsapps.com/start/)."
                    .into()
            } else {
                "Run the setup again for this profile, then click Re-check.".into()
            },
            Some(if *sso {
                subject.cmd(&["aws", "configure", "sso"])
            } else {
                subject.configure()
            }),
            problem.clone(),
        ),
        Failure::MissingRegion { problem } => d(
            Case::MissingRegion,
            "The profile's SSO settings have no region",
            format!("Profile {name} cannot reach IAM Identity Center: {problem}."),
            "Run the setup again and enter the SSO region your admin gave you (the region of your Identity Center \
             start URL, e.g. us-east-1), then click Re-check."
                .into(),
            Some(subject.cmd(&["aws", "configure", "sso"])),
            problem.clone(),
        ),
        Failure::SsoToken { status, now } => sso_token(subject, status, *now),
        Failure::InvalidName(e) => d(
            Case::InvalidProfileName,
            "This profile name cannot be checked",
            e.to_string(),
            "Use a profile name made of letters, digits and _-/.%@:+ (not starting with -), as \
             aws configure list-profiles prints it; rename the profile in your AWS config if needed."
                .into(),
            Some("aws configure list-profiles".into()),
            format!("profile name {name:?}"),
        ),
        Failure::CaBundle(p) => d(
            Case::CaBundleInvalid,
            "The CA bundle cannot be used",
            format!(
                "{} names {} as the certificates to trust, but {}.",
                p.origin,
                p.path.display(),
                p.reason
            ),
            format!(
                "Point {} at a PEM file of your company's CA certificates (the AWS CLI reads the same setting), \
                 then click Re-check.",
                p.origin
            ),
            None,
            p.reason.clone(),
        ),
        Failure::InvalidRegion(region) => d(
            Case::InvalidRegion,
            "The profile's region is not a region",
            format!(
                "Profile {name} names region {region:?}, which is not a region name: AWS tools refuse it \
                 (it must be a valid host label), and Escher sent nothing for this profile."
            ),
            "Set the profile's region to one such as us-east-1, then click Re-check.".into(),
            Some(subject.cmd(&["aws", "configure", "set", "region", "us-east-1"])),
            String::new(),
        ),
        Failure::Crashed(what) => d(
            Case::Unknown,
            "The check stopped unexpectedly",
            format!("Escher's check of {name} stopped before it had an answer ({what}). Nothing was changed."),
            "Click Re-check to try again. If it happens again, run the same call in a terminal to see what \
             the AWS CLI says."
                .into(),
            Some(subject.get_caller_identity()),
            what.clone(),
        ),
        Failure::Sdk(f) => sdk(subject, f),
    }
}

/// The longest Details text shown or printed.
pub const MAX_DETAIL: usize = 2000;

/// Text safe to show: no line that looks like it holds a credential (an
/// access key id, a secret or session token, or their names), and bounded.
pub fn redact(text: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    let mut dropped = false;
    for line in text.lines() {
        if holds_credential(line) {
            if !dropped {
                out.push("[a line that looked like it held a credential was left out]");
            }
            dropped = true;
        } else {
            out.push(line);
            dropped = false;
        }
    }
    let joined = out.join("\n");
    if joined.chars().count() > MAX_DETAIL {
        let cut: String = joined.chars().take(MAX_DETAIL).collect();
        format!("{cut}… [cut at {MAX_DETAIL} characters]")
    } else {
        joined
    }
}

fn holds_credential(line: &str) -> bool {
    let lower = line.to_ascii_lowercase();
    if [
        "secret",
        "session_token",
        "sessiontoken",
        "accesskeyid",
        "access_key_id",
    ]
    .iter()
    .any(|w| lower.contains(w))
    {
        return true;
    }
    // Access key ids (AKIA…, ASIA…) and long base64 runs (secrets, tokens).
    let bytes = line.as_bytes();
    let key_id = bytes.windows(20).any(|w| {
        (w.starts_with(b"AKIA") || w.starts_with(b"ASIA"))
            && w[4..]
                .iter()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    });
    let run = line
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '/' || c == '+' || c == '='))
        .any(|w| w.len() >= 40);
    key_id || run
}

fn sso_token(s: &Subject<'_>, status: &TokenStatus, now: SystemTime) -> Diagnosis {
    let login = s.sso_login();
    match status {
        TokenStatus::Expired { expires_at, .. } => d(
            Case::SsoTokenExpired,
            "Your SSO session has expired",
            format!("The SSO sign-in for {} {}.", s.profile, describe_expiry(*expires_at, now)),
            "Sign in again; a browser window opens for your identity provider. Then click Re-check.".into(),
            Some(login),
            format!("SSO token {}", describe_expiry(*expires_at, now)),
        ),
        TokenStatus::Missing { path } => d(
            Case::SsoTokenMissing,
            "You have not signed in with SSO yet",
            format!("There is no SSO sign-in for {} on this computer.", s.profile),
            "Run the sign-in command; a browser window opens for your identity provider. Then click Re-check.".into(),
            Some(login),
            format!("no cached token at {}", path.display()),
        ),
        TokenStatus::Unreadable { path, reason } => d(
            Case::SsoTokenMissing,
            "The SSO sign-in cannot be read",
            format!("The cached SSO token {} cannot be used: {reason}.", path.display()),
            "Sign in again to replace it, then click Re-check.".into(),
            Some(login),
            reason.clone(),
        ),
        TokenStatus::Valid { .. } => d(
            Case::Unknown,
            "The SSO sign-in was not accepted",
            "The cached SSO token looks valid but was not used.".into(),
            "Sign in again, then click Re-check.".into(),
            Some(login),
            String::new(),
        ),
    }
}

fn rejected_fix(s: &Subject<'_>) -> (String, Option<String>) {
    match s.kind {
        Some(k) if k.is_sso() => (
            "SSO sessions expire: sign in again, then click Re-check.".into(),
            Some(s.sso_login()),
        ),
        Some(Kind::AccessKeys) => (
            "The access keys may have been rotated or deleted: enter the current keys, then click Re-check.".into(),
            Some(s.configure()),
        ),
        _ => (
            format!(
                "Re-run {} (SSO sessions expire) or re-run {} (access keys may have been rotated).",
                s.sso_login(),
                s.configure()
            ),
            Some(s.configure()),
        ),
    }
}

fn sdk(s: &Subject<'_>, f: &SdkFailure) -> Diagnosis {
    let detail = if f.detail.is_empty() {
        &f.message
    } else {
        &f.detail
    };
    let case = sdk_case(f, detail);
    reach_or_keys(s, case, detail).unwrap_or_else(|| sign_in_or_setup(s, f, case, detail))
}

/// Which case an SDK failure is: by stage, AWS's error code and status,
/// then the words.
fn sdk_case(f: &SdkFailure, detail: &str) -> Case {
    match (f.stage, f.code.as_deref(), f.status) {
        (Stage::Timeout, _, _) => Case::Timeout,
        (Stage::Service, Some("InvalidClientTokenId"), _) => Case::InvalidClientToken,
        (Stage::Service, Some("SignatureDoesNotMatch"), _) if is_skew(&f.message) => {
            Case::ClockSkew
        }
        (Stage::Service, Some("SignatureDoesNotMatch"), _) => Case::SignatureMismatch,
        (Stage::Service, Some("RequestExpired" | "RequestTimeTooSkewed"), _) => Case::ClockSkew,
        (Stage::Service, Some("ExpiredToken" | "ExpiredTokenException"), _) => Case::ExpiredToken,
        // GetCallerIdentity needs no permission: a 403 means the
        // credentials themselves were refused.
        (Stage::Service | Stage::Response, None, Some(403)) => Case::InvalidClientToken,
        (Stage::Io, _, _) => text_case(detail)
            .filter(|c| *c == Case::Timeout)
            .unwrap_or(Case::Network),
        (Stage::Construction, _, _) if detail.contains("region") => Case::MissingRegion,
        _ => text_case(detail).unwrap_or(Case::Unknown),
    }
}

/// AWS could not be reached, or refused the keys or the clock.
fn reach_or_keys(s: &Subject<'_>, case: Case, detail: &str) -> Option<Diagnosis> {
    let command = |c: String| Some(c);
    Some(match case {
        Case::Timeout => d(
            case,
            "AWS did not answer in time",
            format!("No answer from AWS within {} s.", s.timeout.as_secs()),
            "Check your network, VPN or proxy (HTTPS_PROXY), then click Re-check. To try the same call outside Escher:".into(),
            command(s.get_caller_identity()),
            detail.to_owned(),
        ),
        Case::Network => d(
            case,
            "Escher could not reach AWS",
            network_words(detail),
            network_fix(detail),
            command(s.get_caller_identity()),
            detail.to_owned(),
        ),
        Case::InvalidClientToken => {
            let (fix, cmd) = rejected_fix(s);
            d(case, "AWS rejected the credentials (InvalidClientTokenId)",
              format!("AWS does not recognise the credentials of profile {}.", s.profile), fix, cmd, detail.to_owned())
        }
        Case::SignatureMismatch => d(
            case,
            "The secret access key is wrong (SignatureDoesNotMatch)",
            format!("AWS knows the access key of {}, but the secret key does not match it.", s.profile),
            "Enter the secret access key again, exactly as issued, then click Re-check.".into(),
            command(s.configure()),
            detail.to_owned(),
        ),
        Case::ClockSkew => d(
            case,
            "This computer's clock is wrong",
            "AWS refused the request because the computer's clock differs too much from the real time.".into(),
            "Turn on automatic date and time in your system settings, then click Re-check.".into(),
            None,
            detail.to_owned(),
        ),
        Case::ExpiredToken => {
            let (fix, cmd) = rejected_fix(s);
            d(case, "The temporary credentials have expired (ExpiredToken)",
              format!("The session credentials of {} are past their expiry time.", s.profile), fix, cmd, detail.to_owned())
        }
        _ => return None,
    })
}

/// The SSO sign-in, or the profile's own set-up, is what failed.
fn sign_in_or_setup(s: &Subject<'_>, f: &SdkFailure, case: Case, detail: &str) -> Diagnosis {
    let command = |c: String| Some(c);
    match case {
        Case::SsoTokenExpired => d(
            case,
            "Your SSO session has expired",
            format!("The SSO sign-in for {} has expired and cannot be refreshed.", s.profile),
            "Sign in again; a browser window opens for your identity provider. Then click Re-check.".into(),
            command(s.sso_login()),
            detail.to_owned(),
        ),
        Case::SsoTokenMissing => d(
            case,
            "You have not signed in with SSO yet",
            format!("There is no SSO sign-in for {} on this computer.", s.profile),
            "Run the sign-in command, then click Re-check.".into(),
            command(s.sso_login()),
            detail.to_owned(),
        ),
        Case::SsoNoAccess => d(
            case,
            "Your SSO user has no access to this account and role",
            format!("IAM Identity Center signed you in, but refused credentials for the account and role in {}.", s.profile),
            "Make sure you have access to at least one account/role in IAM Identity Center. If not, ask your admin to \
             assign you to an account and role. If you do have access, run the setup again and pick that role."
                .into(),
            command(s.cmd(&["aws", "configure", "sso"])),
            detail.to_owned(),
        ),
        Case::CredentialProcessFailed => d(
            case,
            "The profile's credential_process failed",
            process_words(s.profile, &f.message),
            "Run the program in a terminal to see its error, fix it, then click Re-check.".into(),
            command(s.get_caller_identity()),
            detail.to_owned(),
        ),
        Case::ProfileNotFound => d(
            case,
            "A profile this one depends on is missing",
            f.message.clone(),
            "Confirm the profile names with aws configure list-profiles.".into(),
            command("aws configure list-profiles".into()),
            detail.to_owned(),
        ),
        Case::ProfileUnusable => d(
            case,
            "The profile's role chain loops",
            f.message.clone(),
            "Edit the source_profile entries so the chain ends at a profile with credentials.".into(),
            command("aws configure list-profiles".into()),
            detail.to_owned(),
        ),
        Case::MissingRegion => d(
            case,
            "The profile has no region",
            format!("Profile {} names no region, and AWS needs one for this call.", s.profile),
            "Set a region for the profile (for example us-east-1), then click Re-check.".into(),
            command(s.cmd(&["aws", "configure", "set", "region", "us-east-1"])),
            detail.to_owned(),
        ),
        _ => d(
            Case::Unknown,
            "The check failed",
            if f.message.trim().is_empty() { detail.to_owned() } else { f.message.clone() },
            "Run the same call in a terminal to see what the AWS CLI says, then click Re-check.".into(),
            command(s.get_caller_identity()),
            detail.to_owned(),
        ),
    }
}

/// "exited with code 3: vault is sealed" from the SDK's
/// "…exited with code exit status: 3. Stderr: vault is sealed".
fn process_words(profile: &str, message: &str) -> String {
    let code = message
        .split("exit status: ")
        .nth(1)
        .and_then(|r| r.split(|c: char| !c.is_ascii_digit() && c != '-').next())
        .filter(|c| !c.is_empty());
    let stderr = message
        .split("Stderr: ")
        .nth(1)
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let stderr = stderr.map(|s| {
        if s.chars().count() > 300 {
            format!("{}…", s.chars().take(300).collect::<String>())
        } else {
            s.to_owned()
        }
    });
    match (code, stderr) {
        (Some(c), Some(e)) => format!(
            "The program that supplies credentials for {profile} (credential_process) exited with code {c}: {e}"
        ),
        (Some(c), None) => format!(
            "The program that supplies credentials for {profile} (credential_process) exited with code {c}."
        ),
        _ => format!(
            "The program that supplies credentials for {profile} (credential_process) failed: {}",
            message.trim()
        ),
    }
}

/// Tell an SSO user without access what their sign-in can reach.
pub fn add_reachable(
    d: &mut Diagnosis,
    info: &super::profiles::ProfileInfo,
    reach: &[super::sso_portal::Reachable],
) {
    if reach.is_empty() {
        d.explanation.push_str(" Your sign-in reaches no account at all: ask your admin to assign you to an account and role in IAM Identity Center.");
        return;
    }
    let wanted = info.sso_role_name.as_deref().unwrap_or("?");
    let account = info.sso_account_id.as_deref().unwrap_or("?");
    d.explanation.push_str(&format!(
        " It asks for role {wanted} in account {account}, but your sign-in can reach: {}.",
        super::sso_portal::describe(reach)
    ));
}

fn is_skew(message: &str) -> bool {
    message.contains("Signature expired") || message.contains("Signature not yet current")
}

fn is_tls(lower: &str) -> bool {
    lower.contains("certificate") || lower.contains("tls") || lower.contains("unknownissuer")
}

/// What to do about a connection that failed.
fn network_fix(detail: &str) -> String {
    if is_tls(&detail.to_lowercase()) {
        "If your company inspects TLS, set AWS_CA_BUNDLE (or ca_bundle in the profile) to its CA certificate \
         bundle, as for the AWS CLI, then click Re-check. To try the same call outside Escher:"
            .into()
    } else {
        "Check your internet connection, VPN or proxy (HTTPS_PROXY), then click Re-check. To try the same call \
         outside Escher:"
            .into()
    }
}

fn network_words(detail: &str) -> String {
    let lower = detail.to_lowercase();
    if lower.contains("tunnel") || lower.contains("proxy") {
        "The proxy in HTTPS_PROXY (or HTTP_PROXY) could not be reached or refused the connection."
            .into()
    } else if lower.contains("refused") {
        "The connection to AWS was refused: nothing is listening at the address this profile uses."
            .into()
    } else if lower.contains("dns") || lower.contains("lookup") || lower.contains("resolve") {
        "The AWS address could not be looked up (DNS). You may be offline.".into()
    } else if is_tls(&lower) {
        "A secure connection to AWS could not be made (TLS): the certificate AWS's address presented is not \
         trusted. A proxy or firewall may be intercepting the connection."
            .into()
    } else {
        "The connection to AWS failed.".into()
    }
}

/// The AWS CLI the commands need is missing, or too old for SSO.
pub fn aws_cli_problem(status: &crate::aws_cli::CliStatus) -> Option<Diagnosis> {
    use crate::aws_cli::{CliStatus, INSTALL_URL, installer_url};
    match status {
        CliStatus::Found(_) => None,
        CliStatus::Missing => Some(d(
            Case::AwsCliMissing,
            "The AWS CLI is not installed",
            "The commands on this page need the aws command, and it was not found on this computer.".into(),
            format!("Install AWS CLI version 2 ({}), then click Check again.", installer_url()),
            None,
            INSTALL_URL.to_owned(),
        )),
        CliStatus::Version1(cli) => Some(d(
            Case::AwsCliMissing,
            "AWS CLI version 1 has no SSO commands",
            format!(
                "{} is AWS CLI {}: it has no aws configure sso or aws sso login. Access keys still work with it.",
                cli.path.display(),
                cli.version
            ),
            format!("Upgrade to AWS CLI version 2 ({}), then click Check again.", installer_url()),
            None,
            INSTALL_URL.to_owned(),
        )),
    }
}

/// Warnings shown next to a pass or a fail.
pub fn env_override_warning(vars: &[&str], profile: &str) -> Diagnosis {
    d(
        Case::EnvOverride,
        "Environment variables override profiles in the AWS CLI",
        format!(
            "{} {} set. Escher checked profile {profile} itself, but the AWS CLI and other tools would use the variables instead.",
            vars.join(", "),
            if vars.len() == 1 { "is" } else { "are" }
        ),
        "Unset them in your shell before using the CLI with this profile.".into(),
        Some(format!("unset {}", vars.join(" "))),
        String::new(),
    )
}

/// `origin`: the variable or the profile setting that names `url`.
pub fn plain_http_warning(origin: &str, url: &str) -> Diagnosis {
    d(
        Case::PlainHttpEndpoint,
        "Requests to this endpoint travel unencrypted",
        format!(
            "{origin} sends AWS requests to {url} over plain http, to another machine: anyone on the way \
             can read them, session token included, and answer in AWS's place."
        ),
        "Use an https:// endpoint, or remove the setting to use AWS's own.".into(),
        None,
        String::new(),
    )
}

pub fn permissions_warning(path: &std::path::Path, mode: u32) -> Diagnosis {
    d(
        Case::CredentialsFilePermissions,
        "Your credentials file is readable by other users",
        format!(
            "{} has permissions {:o}: other accounts on this computer can read your keys.",
            path.display(),
            mode & 0o777
        ),
        "Make it readable by you only.".into(),
        Some(posix_join(&["chmod", "600", &path.display().to_string()])),
        String::new(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subject(kind: Option<Kind>) -> Subject<'static> {
        Subject {
            profile: "prod-admin",
            kind,
            timeout: Duration::from_secs(15),
        }
    }

    #[test]
    fn invalid_token_fix_follows_the_profile_kind() {
        let f = Failure::Sdk(SdkFailure {
            stage: Stage::Service,
            code: Some("InvalidClientTokenId".into()),
            status: Some(403),
            ..Default::default()
        });
        let sso = diagnose(&subject(Some(Kind::Sso)), &f);
        assert_eq!(sso.case, Case::InvalidClientToken);
        assert_eq!(
            sso.command.as_deref(),
            Some("aws sso login --profile prod-admin")
        );
        let keys = diagnose(&subject(Some(Kind::AccessKeys)), &f);
        assert_eq!(
            keys.command.as_deref(),
            Some("aws configure --profile prod-admin")
        );
    }

    #[test]
    fn bare_403_means_rejected_credentials() {
        let f = Failure::Sdk(SdkFailure {
            stage: Stage::Service,
            status: Some(403),
            message: "unhandled error".into(),
            ..Default::default()
        });
        assert_eq!(diagnose(&subject(None), &f).case, Case::InvalidClientToken);
    }

    #[test]
    fn credentials_never_reach_details() {
        let text = "vault says:\nAccessKeyId: AKIAIOSFODNN7EXAMPLE\n\
                    token=FwoGZXIvYXdzEBYaDHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4\nbye";
        let shown = redact(text);
        assert!(!shown.contains("AKIAIOSFODNN7EXAMPLE"), "{shown}");
        assert!(!shown.contains("FwoGZXIv"), "{shown}");
        assert!(shown.starts_with("vault says:\n[a line"), "{shown}");
        assert!(shown.ends_with("\nbye"), "{shown}");
        let long = redact(&"word ".repeat(1000));
        assert!(long.chars().count() < MAX_DETAIL + 40, "{}", long.len());
        assert!(long.ends_with("[cut at 2000 characters]"));
    }

    #[test]
    fn unknown_never_has_empty_text() {
        let f = Failure::Sdk(SdkFailure {
            detail: "something odd".into(),
            ..Default::default()
        });
        let dgn = diagnose(&subject(None), &f);
        assert_eq!(dgn.case, Case::Unknown);
        assert_eq!(dgn.explanation, "something odd");
    }
}
