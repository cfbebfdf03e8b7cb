//! The onboarding wizard as plain state: which step, which method, the
//! profile being connected, what has been verified, and what is allowed.

use crate::aws::check::{CheckReport, closest_names};
use crate::aws::profile_name::{NameError, ProfileName};
use crate::aws::profiles::{Discovery, Kind, ProfileInfo};
use crate::commands::{self, CommandStep, Method};
use crate::settings::{SavedProfile, SavedStep, Settings};
use crate::terminal::TerminalRequest;

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

/// Which pane the window shows: the wizard, or Settings → Profiles.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pane {
    Wizard,
    Profiles,
}

/// Shown in the commands when the name field is empty.
pub const PLACEHOLDER_NAME: &str = "my-sso-profile";

/// What the files say about the name being typed, before any network call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NameHint {
    /// The files have not been read yet, or the name is not valid.
    Unknown,
    /// In the files; for SSO, when the cached sign-in expires.
    Found {
        kind: Kind,
        sso_expires_at: Option<std::time::SystemTime>,
    },
    /// Not in the files (yet): the first command creates it. Close names
    /// that do exist are offered, in case of a typo.
    NotInFiles { suggestions: Vec<String> },
}

#[derive(Clone, Debug)]
pub struct Wizard {
    pub step: Step,
    pub method: Method,
    pub pane: Pane,
    pub name_input: String,
    /// The latest check of each profile this session, newest last.
    pub reports: Vec<CheckReport>,
    /// Profiles connected to Escher: what Settings → Profiles lists.
    pub profiles: Vec<SavedProfile>,
    /// The AWS files as last read.
    pub discovery: Option<Discovery>,
    /// Add Profile → AWS was pressed in Settings: offer the way back.
    pub return_to_profiles: bool,
    /// The `aws` command, once looked for.
    pub aws_cli: Option<crate::aws_cli::CliStatus>,
}

impl Default for Wizard {
    fn default() -> Self {
        Wizard::from_settings(Settings::default())
    }
}

impl Wizard {
    pub fn from_settings(s: Settings) -> Self {
        Wizard {
            step: match s.step {
                SavedStep::Welcome => Step::Welcome,
                SavedStep::ConnectAws => Step::ConnectAws,
                SavedStep::ConnectAzure => Step::ConnectAzure,
                SavedStep::Done => Step::Done,
            },
            method: s.method,
            pane: Pane::Wizard,
            name_input: String::new(),
            reports: Vec::new(),
            profiles: s.profiles,
            discovery: None,
            return_to_profiles: false,
            aws_cli: None,
        }
        .gated()
    }

    /// A saved step past Connect AWS is only kept while a profile passed.
    fn gated(mut self) -> Self {
        if matches!(self.step, Step::ConnectAzure | Step::Done) && !self.can_continue() {
            self.step = Step::ConnectAws;
        }
        self
    }

    pub fn to_settings(&self) -> Settings {
        Settings {
            schema_version: crate::settings::SCHEMA_VERSION,
            step: match self.step {
                Step::Welcome => SavedStep::Welcome,
                Step::ConnectAws => SavedStep::ConnectAws,
                Step::ConnectAzure => SavedStep::ConnectAzure,
                Step::Done => SavedStep::Done,
            },
            method: self.method,
            profiles: self.profiles.clone(),
        }
    }

    pub fn profile_name(&self) -> Result<ProfileName, NameError> {
        ProfileName::parse(&self.name_input)
    }

    /// The commands for the current method, with the typed name or, while
    /// the field is empty or invalid, the placeholder (shown, not usable).
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

    /// What `>_ Open Terminal` shows (the numbered guide), or, with
    /// `only`, the one command a row's Run in Terminal runs. None while the
    /// name is not valid.
    pub fn terminal_request(&self, only: Option<usize>) -> Option<TerminalRequest> {
        let name = self.profile_name().ok()?;
        let steps = self.command_steps();
        let mut guide = vec![
            format!(
                "Escher: connect AWS profile {name} ({})",
                self.method.label()
            ),
            String::new(),
        ];
        if let Some(step) = only.and_then(|i| steps.get(i)) {
            return Some(TerminalRequest {
                guide,
                run: Some(step.argv.clone()),
            });
        }
        guide.push("Run these commands in order:".into());
        guide.extend(
            steps
                .iter()
                .map(|s| format!("  {}. {}", s.number, s.line())),
        );
        guide.push(String::new());
        guide.push("Then return to Escher and click Re-check.".into());
        Some(TerminalRequest { guide, run: None })
    }

    /// At least one profile has passed Re-check.
    pub fn can_continue(&self) -> bool {
        self.profiles.iter().any(|p| p.identity.is_some())
    }

    pub fn change_method(&mut self) {
        self.method = self.method.other();
    }

    pub fn go(&mut self, step: Step) {
        if step == Step::ConnectAzure && !self.can_continue() {
            return;
        }
        self.step = step;
        self.pane = Pane::Wizard;
    }

    /// Start the same flow again for a new profile.
    pub fn add_another(&mut self) {
        self.name_input.clear();
        self.step = Step::ConnectAws;
        self.pane = Pane::Wizard;
    }

    /// Settings → Profiles → Add Profile → AWS.
    pub fn add_from_profiles(&mut self) {
        self.add_another();
        self.return_to_profiles = true;
    }

    pub fn open_profiles(&mut self) {
        self.pane = Pane::Profiles;
        self.return_to_profiles = false;
    }

    pub fn report_for(&self, name: &str) -> Option<&CheckReport> {
        self.reports.iter().rev().find(|r| r.profile == name)
    }

    /// The latest report for the name in the field, if any.
    pub fn current_report(&self) -> Option<&CheckReport> {
        self.report_for(&self.name_input)
    }

    pub fn name_hint(&self) -> NameHint {
        let (Some(d), Ok(name)) = (&self.discovery, self.profile_name()) else {
            return NameHint::Unknown;
        };
        match d.get(name.as_str()) {
            Some(p) => NameHint::Found {
                kind: p.kind,
                sso_expires_at: p.sso_token_expires_at,
            },
            None => {
                let names: Vec<&str> = d.names().collect();
                NameHint::NotInFiles {
                    suggestions: closest_names(name.as_str(), &names, 3),
                }
            }
        }
    }

    pub fn is_connected(&self, name: &str) -> bool {
        self.profiles.iter().any(|p| p.name == name)
    }

    /// A connected profile the files no longer have (only once they were read).
    pub fn is_missing_from_files(&self, name: &str) -> bool {
        self.discovery
            .as_ref()
            .is_some_and(|d| d.problems.is_empty() && d.get(name).is_none())
    }

    /// Profiles in the AWS files that are not connected to Escher.
    pub fn found_not_connected(&self) -> Vec<&ProfileInfo> {
        match &self.discovery {
            Some(d) => d
                .profiles
                .iter()
                .filter(|p| !self.is_connected(&p.name))
                .collect(),
            None => Vec::new(),
        }
    }

    pub fn set_enabled(&mut self, name: &str, on: bool) {
        if let Some(p) = self.profiles.iter_mut().find(|p| p.name == name) {
            p.enabled = on;
        }
    }

    /// Remove from Escher only; the AWS files are never touched.
    pub fn remove(&mut self, name: &str) {
        self.profiles.retain(|p| p.name != name);
        self.reports.retain(|r| r.profile != name);
    }

    pub fn enabled_names(&self) -> Vec<String> {
        self.profiles
            .iter()
            .filter(|p| p.enabled)
            .map(|p| p.name.clone())
            .collect()
    }

    /// Take in a finished check: a pass connects the profile (a new one is
    /// switched on; an existing one keeps its toggle).
    pub fn record(&mut self, report: CheckReport) {
        if let Some(identity) = report.identity() {
            let region = self
                .discovery
                .as_ref()
                .and_then(|d| d.get(&report.profile))
                .and_then(|p| p.region.clone());
            let verified_at = report
                .finished_at
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .ok();
            match self.profiles.iter_mut().find(|p| p.name == report.profile) {
                Some(p) => {
                    p.kind = report.kind.or(p.kind);
                    p.region = region.or(p.region.take());
                    p.identity = Some(identity.clone());
                    p.verified_at = verified_at;
                }
                None => self.profiles.push(SavedProfile {
                    name: report.profile.clone(),
                    enabled: true,
                    kind: report.kind,
                    region,
                    identity: Some(identity.clone()),
                    verified_at,
                }),
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
    fn the_terminal_gets_the_guide_or_one_command() {
        let mut w = Wizard::default();
        assert_eq!(w.terminal_request(None), None);
        w.name_input = "prod".into();
        let guide = w.terminal_request(None).unwrap();
        assert_eq!(guide.run, None);
        assert!(
            guide
                .guide
                .contains(&"  2. aws sso login --profile prod".to_owned())
        );
        let one = w.terminal_request(Some(1)).unwrap();
        assert_eq!(
            one.run.unwrap(),
            ["aws", "sso", "login", "--profile", "prod"]
        );
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
