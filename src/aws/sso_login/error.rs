//! Why a sign-in did not finish, in words, with what to do next.

use crate::shell::posix_join;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoginError {
    /// The user chose Deny (AccessDenied).
    Declined,
    /// The page was not approved in time (ExpiredToken, or Escher's limit).
    TookTooLong {
        minutes: u64,
    },
    BadStartUrl(String),
    BadRegion(String),
    /// InvalidClient / InvalidGrant / UnauthorizedClient: the registration
    /// was revoked or has expired; registering again fixes it.
    RegistrationRefused(String),
    Network(String),
    Tls(String),
    /// The config or the cache files could not be read or written.
    Files(String),
    /// Anything else IAM Identity Center said.
    Service(String),
}

impl LoginError {
    pub fn case(&self) -> &'static str {
        match self {
            LoginError::Declined => "sign_in_declined",
            LoginError::TookTooLong { .. } => "sign_in_expired",
            LoginError::BadStartUrl(_) => "bad_start_url",
            LoginError::BadRegion(_) => "bad_sso_region",
            LoginError::RegistrationRefused(_) => "registration_refused",
            LoginError::Network(_) => "network",
            LoginError::Tls(_) => "tls",
            LoginError::Files(_) => "files",
            LoginError::Service(_) => "unknown",
        }
    }

    pub fn title(&self) -> &'static str {
        match self {
            LoginError::Declined => "The sign-in was declined",
            LoginError::TookTooLong { .. } => "The sign-in was not approved in time",
            LoginError::BadStartUrl(_) => "The start URL is not one",
            LoginError::BadRegion(_) => "The SSO region is wrong",
            LoginError::RegistrationRefused(_) => {
                "IAM Identity Center refused Escher's registration"
            }
            LoginError::Network(_) => "IAM Identity Center could not be reached",
            LoginError::Tls(_) => "The connection to IAM Identity Center is not trusted",
            LoginError::Files(_) => "The sign-in could not be saved",
            LoginError::Service(_) => "IAM Identity Center did not sign you in",
        }
    }

    /// What happened and what to do, with `session` filled in.
    pub fn words(&self, session: &str) -> String {
        let again = posix_join(&["escher", "sso", "login", "--session", session]);
        match self {
            LoginError::Declined => format!(
                "The browser page was answered with Deny, so nothing was signed in. Run {again} and choose Allow."
            ),
            LoginError::TookTooLong { minutes } => format!(
                "Nobody approved the sign-in within {minutes} minutes, so it was given up. Run {again} and approve it in the browser."
            ),
            LoginError::BadStartUrl(why) => format!(
                "{why} It is the AWS access portal URL your administrator gave you, such as https://<your-org>.awsapps.com/start."
            ),
            LoginError::BadRegion(why) => format!(
                "{why} The SSO region is where IAM Identity Center runs for your organization (its settings page shows it), not where your resources are."
            ),
            LoginError::RegistrationRefused(why) => format!(
                "{why}. Escher registers again on the next try: run {again}. If it fails again, your IAM Identity Center session has ended: sign in to the portal again."
            ),
            LoginError::Network(why) => {
                format!("{why}. Check your network (and HTTPS_PROXY), then run {again}.")
            }
            LoginError::Tls(why) => format!(
                "{why}. If your company inspects TLS, set AWS_CA_BUNDLE to its CA certificate, as for the AWS CLI, then run {again}."
            ),
            LoginError::Files(why) => format!("{why}. Nothing else was changed."),
            LoginError::Service(why) => format!("{why}. Run {again} to try again."),
        }
    }
}
