//! The onboarding wizard as plain state: which step, which method, the
//! profile being connected, what has been verified, and what is allowed.

use crate::aws::check::{CheckReport, Identity};
use crate::aws::profile_name::{NameError, ProfileName};
use crate::aws::profiles::Kind;
use crate::commands::{self, CommandStep, Method};
use std::time::SystemTime;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    Welcome,
    ConnectAws,
    ConnectAzure,
    Done,
}

impl Step {
    pub const ALL: [Step; 4] = [
        Step::Welcome,
        Step::ConnectAws,
        Step::ConnectAzure,
        Step::Done,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Step::Welcome => "Welcome",
            Step::ConnectAws => "Connect AWS",
            Step::ConnectAzure => "Connect Azure",
            Step::Done => "Done",
        }
    }
}

/// A profile that passed Re-check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Connected {
    pub name: String,
    pub kind: Option<Kind>,
    pub identity: Identity,
    pub verified_at: SystemTime,
}

/// Shown in the commands when the name field is empty.
pub const PLACEHOLDER_NAME: &str = "my-sso-profile";

#[derive(Clone, Debug)]
pub struct Wizard {
    pub step: Step,
    pub method: Method,
    pub name_input: String,
    /// The latest check of each profile, newest last.
    pub reports: Vec<CheckReport>,
    pub connected: Vec<Connected>,
}

impl Default for Wizard {
    fn default() -> Self {
        Wizard {
            step: Step::Welcome,
            method: Method::Sso,
            name_input: String::new(),
            reports: Vec::new(),
            connected: Vec::new(),
        }
    }
}

impl Wizard {
    pub fn profile_name(&self) -> Result<ProfileName, NameError> {
        ProfileName::parse(&self.name_input)
    }

    /// The commands for the current method, with the typed name or, while
    /// the field is empty, the placeholder (shown but not usable).
    pub fn command_steps(&self) -> Vec<CommandStep> {
        let name = self.profile_name().unwrap_or_else(|_| {
            ProfileName::parse(PLACEHOLDER_NAME).expect("placeholder is a valid name")
        });
        commands::steps(self.method, &name)
    }

    /// Commands can be copied or run, and Re-check pressed, only for a
    /// valid name.
    pub fn commands_enabled(&self) -> bool {
        self.profile_name().is_ok()
    }

    pub fn can_continue(&self) -> bool {
        !self.connected.is_empty()
    }

    pub fn change_method(&mut self) {
        self.method = self.method.other();
    }

    pub fn go(&mut self, step: Step) {
        if step == Step::ConnectAzure && !self.can_continue() {
            return;
        }
        self.step = step;
    }

    /// The latest report for the name in the field, if any.
    pub fn current_report(&self) -> Option<&CheckReport> {
        self.reports
            .iter()
            .rev()
            .find(|r| r.profile == self.name_input)
    }

    pub fn record(&mut self, report: CheckReport) {
        if let Some(identity) = report.identity() {
            let connected = Connected {
                name: report.profile.clone(),
                kind: report.kind,
                identity: identity.clone(),
                verified_at: report.finished_at,
            };
            match self.connected.iter_mut().find(|c| c.name == report.profile) {
                Some(c) => *c = connected,
                None => self.connected.push(connected),
            }
        }
        self.reports.retain(|r| r.profile != report.profile);
        self.reports.push(report);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn continue_is_gated_on_a_passed_profile() {
        let mut w = Wizard::default();
        w.go(Step::ConnectAws);
        w.go(Step::ConnectAzure);
        assert_eq!(w.step, Step::ConnectAws);
        assert!(!w.can_continue());
    }

    #[test]
    fn invalid_name_disables_commands_but_still_shows_them() {
        let mut w = Wizard::default();
        assert!(!w.commands_enabled());
        assert_eq!(
            w.command_steps()[0].line(),
            "aws configure sso --profile my-sso-profile"
        );
        w.name_input = "a;b".into();
        assert!(!w.commands_enabled());
        w.name_input = "prod".into();
        assert!(w.commands_enabled());
        w.change_method();
        assert_eq!(w.command_steps()[0].line(), "aws configure --profile prod");
    }
}
