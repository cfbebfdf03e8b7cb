//! Signing in to IAM Identity Center as `aws sso login` does, leaving the
//! files the AWS CLI v2 leaves (see `cache`): the authorization code flow
//! with PKCE through the system browser, or the device code flow where a
//! browser cannot come back to this machine. Progress is reported as it
//! happens, so a window never waits; dropping the future cancels it (the
//! listener closes with it).

pub mod cache;
pub mod callback;
pub mod config;
pub mod error;
pub mod oidc;
pub mod pkce;
pub mod secret;

use cache::{Registration, RegistrationKey, Token};
use error::LoginError;
use oidc::{Oidc, Poll, Tokens};
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

/// The longest a sign-in waits for the user, as the CLI.
pub const LIMIT: Duration = Duration::from_secs(10 * 60);
/// Each request to IAM Identity Center.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(15);

/// An `[sso-session]`: its name, start URL and SSO region.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    pub name: String,
    pub start_url: String,
    pub region: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flow {
    Browser,
    DeviceCode,
}

/// What the user is asked to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Progress {
    /// This page is open in the browser (`opened`), or is to be opened.
    Open { url: String, opened: bool },
    /// Enter `user_code` at `page` (or open `page_complete`, which holds it).
    UserCode {
        user_code: String,
        page: String,
        page_complete: String,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedIn {
    pub session: String,
    pub expires_at: SystemTime,
    pub token_file: PathBuf,
    /// A refresh token came with it: the CLI and SDKs renew it themselves.
    pub renews: bool,
    /// Another tool wrote a later sign-in while this one ran: kept.
    pub kept_newer: bool,
}

/// How the browser is opened (the system's, or a stand-in in tests).
pub type OpenBrowser = fn(&str) -> bool;

pub fn system_browser(url: &str) -> bool {
    open::that_detached(url).is_ok()
}

pub async fn sign_in(
    env: &crate::aws::env::AwsEnv,
    http: aws_smithy_runtime_api::client::http::SharedHttpClient,
    session: &Session,
    flow: Flow,
    browser: Option<OpenBrowser>,
    mut progress: impl FnMut(Progress) + Send,
) -> Result<SignedIn, LoginError> {
    check_start_url(&session.start_url)?;
    let began = SystemTime::now();
    let dir = env
        .sso_cache_dir()
        .ok_or_else(|| LoginError::Files("no home folder is set (HOME)".into()))?;
    let oidc = oidc::connect(env, &session.region, http, REQUEST_TIMEOUT).await?;
    let reg = registration(&oidc, &dir, session, flow == Flow::Browser).await?;
    let work = async {
        match flow {
            Flow::Browser => by_browser(&oidc, &reg, session, browser, &mut progress).await,
            Flow::DeviceCode => by_code(&oidc, &reg, session, browser, &mut progress).await,
        }
    };
    let tokens =
        tokio::time::timeout(LIMIT, work)
            .await
            .map_err(|_| LoginError::TookTooLong {
                minutes: LIMIT.as_secs() / 60,
            })??;
    let token_file = cache::token_file(&dir, &session.name);
    let renews = tokens.refresh_token.is_some();
    let expires_at = tokens.expires_at;
    let token = Token {
        start_url: session.start_url.clone(),
        region: session.region.clone(),
        access_token: tokens.access_token,
        expires_at,
        refresh_token: tokens.refresh_token,
        registration: reg,
    };
    let wrote = cache::write_token(&token_file, &token, began).map_err(LoginError::Files)?;
    Ok(SignedIn {
        session: session.name.clone(),
        expires_at,
        token_file,
        renews,
        kept_newer: !wrote,
    })
}

/// `https://` and a host; plain `http://` only to this machine (a stand-in).
pub fn check_start_url(url: &str) -> Result<(), LoginError> {
    let bad = |why: &str| Err(LoginError::BadStartUrl(format!("{url:?} {why}.")));
    if url.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return bad("has spaces or control characters in it");
    }
    let Some((scheme, rest)) = url.split_once("://") else {
        return bad("is not a URL");
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = crate::url_host::host_of(authority);
    if host.is_empty() || authority.contains('@') {
        return bad("has no host");
    }
    match scheme {
        "https" => Ok(()),
        "http" if crate::url_host::is_loopback(host) => Ok(()),
        _ => bad("must start with https://"),
    }
}

/// The cached registration when it may be reused, else a new one, cached.
async fn registration(
    oidc: &Oidc,
    dir: &std::path::Path,
    session: &Session,
    browser: bool,
) -> Result<Registration, LoginError> {
    let scopes = vec![oidc::SCOPE.to_owned()];
    let path = cache::registration_file(
        dir,
        &RegistrationKey {
            start_url: &session.start_url,
            region: &session.region,
            scopes: Some(&scopes),
            session_name: &session.name,
        },
    );
    if let Some(reg) = cache::reusable_registration(&path, browser, SystemTime::now()) {
        return Ok(reg);
    }
    let reg = oidc
        .register(&session.name, &session.start_url, browser)
        .await?;
    cache::write_registration(&path, &reg).map_err(LoginError::Files)?;
    Ok(reg)
}

async fn by_browser(
    oidc: &Oidc,
    reg: &Registration,
    session: &Session,
    browser: Option<OpenBrowser>,
    progress: &mut (impl FnMut(Progress) + Send),
) -> Result<Tokens, LoginError> {
    let pkce = pkce::Pkce::new().map_err(LoginError::Service)?;
    let listener = callback::bind().await?;
    let redirect = listener.redirect_uri();
    let url = authorize_url(&oidc.base, reg, &redirect, &pkce);
    let opened = browser.is_some_and(|open| open(&url));
    progress(Progress::Open { url, opened });
    let code = listener.code(&pkce.state).await?;
    oidc.exchange_code(
        reg,
        code.expose(),
        &redirect,
        &pkce.verifier,
        &session.start_url,
    )
    .await
}

/// The un-modeled `/authorize` page, with the CLI's parameters.
fn authorize_url(base: &str, reg: &Registration, redirect: &str, pkce: &pkce::Pkce) -> String {
    let q = |s: &str| {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                    char::from(b).to_string()
                }
                b => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    format!(
        "{base}/authorize?response_type=code&client_id={}&redirect_uri={}&state={}\
         &code_challenge_method=S256&scopes={}&code_challenge={}",
        q(&reg.client_id),
        q(redirect),
        q(&pkce.state),
        q(&reg.scopes.join(" ")),
        q(&pkce.challenge),
    )
}

async fn by_code(
    oidc: &Oidc,
    reg: &Registration,
    session: &Session,
    browser: Option<OpenBrowser>,
    progress: &mut (impl FnMut(Progress) + Send),
) -> Result<Tokens, LoginError> {
    let start = oidc.start_device(reg, &session.start_url).await?;
    if let Some(open) = browser {
        let opened = open(&start.verification_uri_complete);
        progress(Progress::Open {
            url: start.verification_uri_complete.clone(),
            opened,
        });
    }
    progress(Progress::UserCode {
        user_code: start.user_code.clone(),
        page: start.verification_uri.clone(),
        page_complete: start.verification_uri_complete.clone(),
    });
    let ends = tokio::time::Instant::now() + start.expires_in;
    let mut interval = start.interval;
    loop {
        tokio::time::sleep(interval).await;
        if tokio::time::Instant::now() >= ends {
            return Err(LoginError::TookTooLong {
                minutes: start.expires_in.as_secs().div_ceil(60),
            });
        }
        match oidc
            .poll_device(reg, &start.device_code, &session.start_url)
            .await?
        {
            Poll::Done(tokens) => return Ok(tokens),
            Poll::Pending => {}
            Poll::SlowDown => interval += Duration::from_secs(5),
        }
    }
}

/// Where a browser on this machine cannot reach a loopback callback:
/// SSH sessions, WSL, containers, a desktop with no display.
pub fn default_flow(vars: &dyn Fn(&str) -> Option<String>) -> Flow {
    let set = |k: &str| vars(k).is_some_and(|v| !v.is_empty());
    let remote = set("SSH_CONNECTION") || set("SSH_TTY") || set("WSL_DISTRO_NAME");
    let no_display = cfg!(target_os = "linux") && !set("DISPLAY") && !set("WAYLAND_DISPLAY");
    if remote || no_display {
        Flow::DeviceCode
    } else {
        Flow::Browser
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn start_urls_are_https_with_a_host() {
        for ok in [
            "https://d-1234567890.awsapps.com/start",
            "https://corp.example/start#/",
            "http://127.0.0.1:8080/start",
        ] {
            assert!(check_start_url(ok).is_ok(), "{ok}");
        }
        for bad in [
            "d-123.awsapps.com/start",
            "http://corp.awsapps.com/start",
            "https:///start",
            "https://user@evil.example/",
            "ftp://corp/",
            "https://corp.awsapps.com/start\n[profile x]",
        ] {
            assert!(check_start_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_authorize_url_carries_the_clis_parameters() {
        let reg = Registration {
            client_id: "cid/1".into(),
            client_secret: secret::Secret::new("s"),
            expires_at: SystemTime::UNIX_EPOCH,
            scopes: vec!["sso:account:access".into()],
            grant_types: vec![],
        };
        let p = pkce::Pkce::new().unwrap();
        let url = authorize_url(
            "https://oidc.eu-west-1.amazonaws.com",
            &reg,
            "http://127.0.0.1:5000/oauth/callback",
            &p,
        );
        assert!(url.starts_with(
            "https://oidc.eu-west-1.amazonaws.com/authorize?response_type=code&client_id=cid%2F1"
        ));
        assert!(url.contains("&redirect_uri=http%3A%2F%2F127.0.0.1%3A5000%2Foauth%2Fcallback"));
        assert!(url.contains("&code_challenge_method=S256&scopes=sso%3Aaccount%3Aaccess"));
        assert!(url.contains(&format!("&state={}", p.state)));
        assert!(!url.contains(p.verifier.expose()));
    }

    #[test]
    fn a_remote_or_headless_session_uses_a_code() {
        let vars = |set: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                set.iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| (*v).to_owned())
            }
        };
        assert_eq!(
            default_flow(&vars(&[("SSH_CONNECTION", "1 2 3 4"), ("DISPLAY", ":0")])),
            Flow::DeviceCode
        );
        assert_eq!(default_flow(&vars(&[("DISPLAY", ":0")])), Flow::Browser);
    }
}
