//! Connect AWS → SSO → Sign in here, as plain state: the start URL, SSO
//! region and session name as typed (each checked as you type), the
//! sign-in running off the UI thread with what it asks of the user, and
//! its end. The window reads this and returns what was clicked
//! (`ui::sso_sign_in`); Cancel drops the running sign-in, which closes
//! its listener.

use crate::aws::check::Connections;
use crate::aws::env::AwsEnv;
use crate::aws::profile_name::ProfileName;
use crate::aws::profiles::SsoSessionInfo;
use crate::aws::sso_login::error::LoginError;
use crate::aws::sso_login::{self, Flow, OpenBrowser, Progress, Session, SignedIn, config};
use crate::background::Wake;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::SystemTime;
use tokio::runtime::Handle;
use tokio::task::JoinHandle;

/// The regions IAM Identity Center runs in, offered in the picker (any
/// other region name may be typed).
pub const SSO_REGIONS: &[&str] = &[
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "ca-central-1",
    "ca-west-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-central-1",
    "eu-central-2",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "ap-east-1",
    "ap-south-1",
    "ap-south-2",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "me-south-1",
    "me-central-1",
    "il-central-1",
    "af-south-1",
    "sa-east-1",
    "us-gov-west-1",
    "us-gov-east-1",
    "cn-north-1",
    "cn-northwest-1",
];

pub enum Stage {
    Idle,
    Working {
        flow: Flow,
        /// What the user is asked to do, once known.
        asked: Option<Progress>,
    },
    Failed {
        session: String,
        error: LoginError,
    },
    Done(SignedIn),
}

enum Msg {
    Asked(Progress),
    Finished(Box<Result<SignedIn, LoginError>>),
}

pub struct SignInFlow {
    pub start_url: String,
    pub region: String,
    pub session: String,
    /// The session name was typed, so it no longer follows the URL.
    session_typed: bool,
    pub stage: Stage,
    env: AwsEnv,
    runtime: Handle,
    conns: Arc<Connections>,
    browser: OpenBrowser,
    tx: Sender<Msg>,
    rx: Receiver<Msg>,
    task: Option<JoinHandle<()>>,
}

impl SignInFlow {
    pub fn new(
        env: AwsEnv,
        runtime: Handle,
        conns: Arc<Connections>,
        browser: OpenBrowser,
    ) -> Self {
        let (tx, rx) = channel();
        SignInFlow {
            start_url: String::new(),
            region: String::new(),
            session: String::new(),
            session_typed: false,
            stage: Stage::Idle,
            env,
            runtime,
            conns,
            browser,
            tx,
            rx,
            task: None,
        }
    }

    pub fn set_browser(&mut self, browser: OpenBrowser) {
        self.browser = browser;
    }

    /// Open a page the sign-in shows (the device code's).
    pub fn open_page(&self, url: &str) {
        (self.browser)(url);
    }

    /// Fill the form from an `[sso-session]` already in the files.
    pub fn use_session(&mut self, s: &SsoSessionInfo) {
        self.session = s.name.clone();
        self.session_typed = true;
        self.start_url = s.start_url.clone().unwrap_or_default();
        self.region = s.region.clone().unwrap_or_default();
    }

    /// The start URL changed: the session name follows it until typed.
    pub fn start_url_edited(&mut self) {
        if !self.session_typed {
            self.session = propose_session(&self.start_url);
        }
    }

    pub fn session_edited(&mut self) {
        self.session_typed = true;
    }

    pub fn start_url_problem(&self) -> Option<String> {
        if self.start_url.trim().is_empty() {
            return Some("Enter your AWS access portal URL.".into());
        }
        match sso_login::check_start_url(self.start_url.trim()) {
            Err(LoginError::BadStartUrl(why)) => Some(why),
            _ => None,
        }
    }

    pub fn region_problem(&self) -> Option<String> {
        let r = self.region.trim();
        if r.is_empty() {
            return Some("Pick the region IAM Identity Center runs in.".into());
        }
        (!crate::aws::permissions::endpoints::is_valid_region(r))
            .then(|| format!("{r:?} is not a region name, such as us-east-1."))
    }

    pub fn session_problem(&self) -> Option<String> {
        ProfileName::parse(self.session.trim())
            .err()
            .map(|e| format!("The session name {e}."))
    }

    pub fn ready(&self) -> bool {
        !self.working()
            && self.start_url_problem().is_none()
            && self.region_problem().is_none()
            && self.session_problem().is_none()
    }

    pub fn working(&self) -> bool {
        matches!(self.stage, Stage::Working { .. })
    }

    pub fn start(&mut self, flow: Flow, wake: Wake) {
        if !self.ready() {
            return;
        }
        let session = Session {
            name: self.session.trim().to_owned(),
            start_url: self.start_url.trim().to_owned(),
            region: self.region.trim().to_owned(),
        };
        let (env, conns, tx, browser) = (
            self.env.clone(),
            self.conns.clone(),
            self.tx.clone(),
            self.browser,
        );
        self.stage = Stage::Working { flow, asked: None };
        self.task = Some(self.runtime.spawn(async move {
            let asked_tx = tx.clone();
            let asked_wake = wake.clone();
            let result = sign_in_and_record(&env, &conns, &session, flow, browser, move |p| {
                let _ = asked_tx.send(Msg::Asked(p));
                asked_wake();
            })
            .await;
            let _ = tx.send(Msg::Finished(Box::new(result)));
            wake();
        }));
    }

    pub fn cancel(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
        while self.rx.try_recv().is_ok() {}
        self.stage = Stage::Idle;
    }

    /// Take in what the sign-in said. Returns the session's name when it
    /// has just signed in (the caller lists its accounts).
    pub fn poll(&mut self) -> Option<String> {
        let mut signed_in = None;
        while let Ok(msg) = self.rx.try_recv() {
            match msg {
                Msg::Asked(p) => {
                    if let Stage::Working { asked, .. } = &mut self.stage {
                        *asked = Some(p);
                    }
                }
                Msg::Finished(result) => {
                    self.task = None;
                    self.stage = match *result {
                        Ok(s) => {
                            signed_in = Some(s.session.clone());
                            Stage::Done(s)
                        }
                        Err(error) => Stage::Failed {
                            session: self.session.trim().to_owned(),
                            error,
                        },
                    };
                }
            }
        }
        signed_in
    }
}

impl Drop for SignInFlow {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// Sign in, then add the session's section when the files lack it.
async fn sign_in_and_record(
    env: &AwsEnv,
    conns: &Connections,
    session: &Session,
    flow: Flow,
    browser: OpenBrowser,
    asked: impl FnMut(Progress) + Send,
) -> Result<SignedIn, LoginError> {
    let http = conns.for_environment(env).map_err(|p| {
        LoginError::Tls(format!(
            "{} names {}, but {}",
            p.origin,
            p.path.display(),
            p.reason
        ))
    })?;
    let signed = sso_login::sign_in(env, http, session, flow, Some(browser), asked).await?;
    let (env, s) = (env.clone(), session.clone());
    let recorded = tokio::task::spawn_blocking(move || match config::existing(&env, &s.name) {
        Ok(Some(_)) => Ok(()),
        Ok(None) => config::append(&env, &s, SystemTime::now()).map(|_| ()),
        Err(e) => Err(e),
    })
    .await;
    match recorded {
        Ok(Ok(())) => Ok(signed),
        Ok(Err(e)) => Err(LoginError::Files(format!(
            "Signed in, but [sso-session {}] could not be added to your config: {e}",
            session.name
        ))),
        Err(e) => Err(LoginError::Files(format!(
            "saving the session stopped: {e}"
        ))),
    }
}

/// A session name from the start URL: the portal's own name
/// (`<org>.awsapps.com` → `org`), or the host's first label.
pub fn propose_session(start_url: &str) -> String {
    let rest = start_url
        .trim()
        .split_once("://")
        .map_or(start_url, |(_, r)| r);
    let host = rest.split(['/', '?', '#', ':']).next().unwrap_or_default();
    let first = host.split('.').next().unwrap_or_default();
    let name: String = first
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    if name.is_empty() {
        "my-sso".to_owned()
    } else {
        name.to_lowercase()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_session_name_is_proposed_from_the_start_url() {
        assert_eq!(propose_session("https://acme.awsapps.com/start"), "acme");
        assert_eq!(
            propose_session("https://d-1234567890.awsapps.com/start#/"),
            "d-1234567890"
        );
        assert_eq!(propose_session(""), "my-sso");
    }

    #[test]
    fn every_listed_region_is_a_region_name() {
        for r in SSO_REGIONS {
            assert!(
                crate::aws::permissions::endpoints::is_valid_region(r),
                "{r}"
            );
        }
    }
}
