//! `escher azure login [--tenant ID] [--use-device-code]`: Sign in with
//! Azure for terminals. Runs the user's `az login` (Ctrl+C reaches it as
//! any command), says on stderr what it waits for, then lists and
//! verifies as `escher azure` does. Exit 0: signed in; 1: the sign-in
//! failed; 2: bad usage or no az.

use super::cli::{AzureArgs, azure};
use super::diagnose::Case;
use super::env::AzEnv;
use super::login::{self, Asked, Cancel, Ended, Group, LoginRequest};
use std::process::ExitCode;

#[derive(Clone, Debug, Default)]
pub struct LoginArgs {
    pub tenant: Option<String>,
    pub use_device_code: bool,
    /// How the listing after the sign-in is printed and limited.
    pub listing: AzureArgs,
}

/// What az asks, as one line for the terminal.
pub fn asked_line(a: &Asked) -> String {
    match a {
        Asked::Browser { page: Some(p) } => {
            format!("escher: finish signing in in your browser (az opened {p}).")
        }
        Asked::Browser { page: None } => {
            "escher: az login is opening your browser; finish signing in there.".into()
        }
        Asked::DeviceCode { code, page } => {
            format!(
                "escher: to sign in, open {page} in a browser on any device and enter the code {code}"
            )
        }
    }
}

/// (stdout, stderr lines, exit code); `say` hears what az asks as it asks.
pub fn login(
    args: &LoginArgs,
    env: &AzEnv,
    say: &mut dyn FnMut(String),
) -> (String, Vec<String>, ExitCode) {
    let device_code = args.use_device_code || env.no_browser();
    let tenant = args.tenant.as_deref().unwrap_or("");
    let request = match LoginRequest::new(tenant, None, None, device_code) {
        Ok(r) => r,
        Err(why) => {
            return (
                String::new(),
                vec![format!("escher: {why}")],
                ExitCode::from(2),
            );
        }
    };
    let how = (args.listing.limits, Group::Caller);
    let mut hear = |a: Asked| say(asked_line(&a));
    match login::sign_in(env, None, &request, how, &Cancel::default(), &mut hear) {
        Ended::SignedIn { tenants_left } => {
            let (out, mut errors, _) = azure(&args.listing, env);
            errors.splice(0..0, tenants_left.iter().map(super::cli::problem_line));
            (out, errors, ExitCode::SUCCESS)
        }
        Ended::Failed(d) => {
            let code = if d.case == Case::AzMissing { 2 } else { 1 };
            let mut lines = vec![super::cli::problem_line(&d)];
            if !d.detail.is_empty() && d.case != Case::Timeout {
                lines.push(format!("az said:\n{}", d.detail));
            }
            (String::new(), lines, ExitCode::from(code))
        }
        Ended::Cancelled => (
            String::new(),
            vec!["escher: cancelled".into()],
            ExitCode::from(1),
        ),
    }
}

pub fn run_login(args: &LoginArgs) -> ExitCode {
    let mut say = |line: String| eprintln!("{line}");
    crate::cli::finish(login(args, &AzEnv::from_process(), &mut say))
}
