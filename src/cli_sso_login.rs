//! `escher sso login --session NAME [--start-url URL --region REGION]
//! [--use-device-code] [--no-browser] [--json]`: sign in to IAM Identity
//! Center, leaving the files `aws sso login` leaves. A new session's
//! section is appended once the sign-in succeeded. Prints the session and
//! when the sign-in ends, never a token or secret. Exit 0 signed in, 1
//! failed, 2 usage.

use crate::aws::check::Connections;
use crate::aws::env::AwsEnv;
use crate::aws::profile_name::ProfileName;
use crate::aws::sso_login::error::LoginError;
use crate::aws::sso_login::{self, Flow, OpenBrowser, Progress, Session, SignedIn, config};
use serde_json::json;
use std::process::ExitCode;
use std::time::SystemTime;

type Outcome = (String, Vec<String>, ExitCode);

#[derive(Clone, Debug, Default)]
pub struct LoginArgs {
    pub session: String,
    pub start_url: Option<String>,
    pub region: Option<String>,
    pub use_device_code: bool,
    pub no_browser: bool,
    pub json: bool,
}

pub fn run_login(args: &LoginArgs) -> ExitCode {
    let vars = |k: &str| std::env::var(k).ok();
    let flow = if args.use_device_code {
        Flow::DeviceCode
    } else {
        sso_login::default_flow(&vars)
    };
    let browser = (!args.no_browser).then_some(sso_login::system_browser as OpenBrowser);
    crate::cli::finish(login(&AwsEnv::from_process(), args, flow, browser))
}

fn usage(why: String) -> Outcome {
    (
        String::new(),
        vec![format!("escher: {why}")],
        ExitCode::from(2),
    )
}

/// The session to sign in to: the one in the files, or a new one from the
/// URL and region given (`true`: new, its section still to be appended).
fn session_of(env: &AwsEnv, args: &LoginArgs) -> Result<(Session, bool), Outcome> {
    ProfileName::parse(&args.session)
        .map_err(|e| usage(format!("{:?} cannot be a session name: {e}", args.session)))?;
    let found = config::existing(env, &args.session).map_err(|e| usage(e.to_string()))?;
    match (found, &args.start_url, &args.region) {
        (Some(s), None, None) => Ok((s, false)),
        (Some(s), url, region) => {
            let same = url.as_ref().is_none_or(|u| *u == s.start_url)
                && region.as_ref().is_none_or(|r| *r == s.region);
            if same {
                Ok((s, false))
            } else {
                Err(usage(format!(
                    "[sso-session {}] in your config already signs in to {} in {}; leave out --start-url and --region, or choose another --session",
                    s.name, s.start_url, s.region
                )))
            }
        }
        (None, Some(url), Some(region)) => Ok((
            Session {
                name: args.session.clone(),
                start_url: url.clone(),
                region: region.clone(),
            },
            true,
        )),
        (None, _, _) => Err(usage(format!(
            "there is no [sso-session {0}] in your config: give its --start-url and --region (escher sso login --session {0} --start-url https://<your-org>.awsapps.com/start --region us-east-1)",
            args.session
        ))),
    }
}

pub fn login(env: &AwsEnv, args: &LoginArgs, flow: Flow, browser: Option<OpenBrowser>) -> Outcome {
    let (session, new) = match session_of(env, args) {
        Ok(s) => s,
        Err(outcome) => return outcome,
    };
    if let Err(e) = sso_login::check_start_url(&session.start_url) {
        return usage(e.words(&session.name));
    }
    let runtime = match crate::background::new_runtime() {
        Ok(rt) => rt,
        Err(e) => {
            return failed(
                args,
                &session,
                &LoginError::Service(format!("Escher could not start: {e}")),
            );
        }
    };
    let http = match Connections::default().for_environment(env) {
        Ok(h) => h,
        Err(p) => {
            return failed(
                args,
                &session,
                &LoginError::Tls(format!(
                    "{} names {}, but {}",
                    p.origin,
                    p.path.display(),
                    p.reason
                )),
            );
        }
    };
    let name = session.name.clone();
    let signed = runtime.block_on(sso_login::sign_in(
        env,
        http,
        &session,
        flow,
        browser,
        move |p| {
            eprintln!("{}", progress_words(&name, &p));
        },
    ));
    let signed = match signed {
        Ok(s) => s,
        Err(e) => return failed(args, &session, &e),
    };
    let appended = if new {
        match config::append(env, &session, SystemTime::now()) {
            Ok(a) => Some(a),
            Err(e) => {
                let why = format!(
                    "Signed in, but [sso-session {}] could not be added: {e}",
                    session.name
                );
                return failed(args, &session, &LoginError::Files(why));
            }
        }
    } else {
        None
    };
    let out = if args.json {
        done_json(&session, &signed, appended.as_ref())
    } else {
        done_text(&session, &signed, appended.as_ref())
    };
    (out, Vec::new(), ExitCode::SUCCESS)
}

fn progress_words(session: &str, p: &Progress) -> String {
    match p {
        Progress::Open { url, opened: true } => format!(
            "Escher opened your browser to sign in to {session}. If no page opened, open this one:\n  {url}"
        ),
        Progress::Open { url, opened: false } => {
            format!(
                "Open this page in a browser on this computer to sign in to {session}:\n  {url}"
            )
        }
        Progress::UserCode {
            user_code,
            page,
            page_complete,
        } => format!(
            "Enter the code {user_code} at {page}\n  (or open {page_complete}, which holds it). Waiting for you to approve…"
        ),
    }
}

fn until(signed: &SignedIn) -> String {
    sso_login::cache::time_text(signed.expires_at)
}

fn done_text(
    session: &Session,
    signed: &SignedIn,
    appended: Option<&(std::path::PathBuf, Option<std::path::PathBuf>)>,
) -> String {
    let mut out = format!(
        "Signed in to {} ({}) until {}{}.\n",
        session.name,
        session.start_url,
        until(signed),
        if signed.renews {
            "; the AWS CLI and SDKs renew it by themselves"
        } else {
            ""
        }
    );
    if signed.kept_newer {
        out.push_str("Another tool signed in meanwhile with a later sign-in: that one was kept.\n");
    }
    if let Some((path, backup)) = appended {
        out.push_str(&format!(
            "Added [sso-session {}] to {}",
            session.name,
            path.display()
        ));
        match backup {
            Some(b) => out.push_str(&format!(" (the old file is kept as {}).\n", b.display())),
            None => out.push_str(".\n"),
        }
    }
    out.push_str(&format!(
        "Next: escher sso accounts --session {0}, or aws sso login --sso-session {0} works with the same files.\n",
        session.name
    ));
    out
}

fn done_json(
    session: &Session,
    signed: &SignedIn,
    appended: Option<&(std::path::PathBuf, Option<std::path::PathBuf>)>,
) -> String {
    let v = json!({
        "ok": true,
        "session": session.name,
        "start_url": session.start_url,
        "region": session.region,
        "expires_at": until(signed),
        "renews": signed.renews,
        "token_file": signed.token_file,
        "kept_newer": signed.kept_newer,
        "section_added": appended.is_some(),
        "backup": appended.and_then(|(_, b)| b.clone()),
    });
    format!("{v}\n")
}

fn failed(args: &LoginArgs, session: &Session, e: &LoginError) -> Outcome {
    let words = e.words(&session.name);
    let out = if args.json {
        let v = json!({"ok": false, "session": session.name, "case": e.case(), "title": e.title(), "explanation": words});
        format!("{v}\n")
    } else {
        String::new()
    };
    (
        out,
        vec![format!("escher: {}", e.title()), format!("  {words}")],
        ExitCode::from(1),
    )
}
