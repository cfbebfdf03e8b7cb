//! The onboarding wizard as plain state: which step, which method, the
//! profile being connected, what has been verified, and what is allowed.

use crate::aws::check::{CheckReport, closest_names};
use crate::aws::diagnose::Diagnosis;
use crate::aws::profile_name::{NameError, ProfileName};
use crate::aws::profiles::{Discovery, Kind, ProfileInfo};
use crate::commands::{self, CommandStep, Method};
use crate::settings::{Appearance, SavedProfile, SavedStep, Settings};
use crate::terminal::TerminalRequest;
pub use auto::AutoCheck;
use lookup::Lookup;
use std::collections::{HashMap, HashSet};
use std::time::Instant;

mod auto;
pub mod azure;
pub mod azure_sign_in;
mod lookup;
pub mod permissions;
pub mod sso_accounts;
pub mod sso_sign_in;

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
pub const PLACEHOLDER_NAME: &str = crate::aws::profile_name::PLACEHOLDER;

/// What the files say about the name being typed, before any network call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NameHint {
    /// The files have not been read yet, or the name is not valid.
    Unknown,
    /// Already a profile in the files: it is checked as it is, and setting
    /// it up again with the method's commands would change a working
    /// profile, so a free name for that is offered instead.
    Found {
        kind: Kind,
        region: Option<String>,
        /// Why an unusable profile cannot work.
        problem: Option<String>,
        /// For SSO, when the cached sign-in expires.
        sso_expires_at: Option<std::time::SystemTime>,
        /// A name not in the files, for setting up the current method.
        new_name: Option<String>,
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
    /// The latest check of each profile this session.
    reports: HashMap<String, CheckReport>,
    /// Profiles connected to Escher: what Settings → Profiles lists.
    profiles: Vec<SavedProfile>,
    /// The AWS files as last read, and when that reading started.
    discovery: Option<(Instant, Discovery)>,
    /// Add Profile → AWS was pressed in Settings: offer the way back.
    pub return_to_profiles: bool,
    /// The `aws` command, once looked for.
    pub aws_cli: Option<crate::aws_cli::CliStatus>,
    /// Checks in flight that connect their profile when they pass.
    connecting: HashSet<String>,
    lookup: Lookup,
    /// Counts changes to profiles, reports and files.
    revision: u64,
    /// Counts changes to what is saved (profiles, appearance): a reading of
    /// the files alone never moves it, so never rewrites settings.json.
    saved_revision: u64,
    /// The hint for (name, revision, method), computed when one changes.
    hint: Option<(String, u64, Method, NameHint)>,
    /// Connect Azure: the picker and the connected subscriptions.
    pub azure: azure::AzureState,
    /// Check permissions: running and finished, this session.
    pub permissions: permissions::Permissions,
    /// Light, dark, or the system's; set with `set_appearance`.
    appearance: Appearance,
    /// What settings.json holds that this version cannot read: kept.
    unread: crate::settings::Unread,
}

impl Default for Wizard {
    fn default() -> Self {
        Wizard::from_settings(Settings::default())
    }
}

impl Wizard {
    pub fn from_settings(s: Settings) -> Self {
        let lookup = Lookup::build(&s.profiles, None);
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
            reports: HashMap::new(),
            profiles: s.profiles,
            discovery: None,
            return_to_profiles: false,
            aws_cli: None,
            connecting: HashSet::new(),
            lookup,
            revision: 0,
            saved_revision: 0,
            hint: None,
            azure: azure::AzureState::from_saved(s.azure),
            permissions: permissions::Permissions::default(),
            appearance: s.appearance,
            unread: s.unread,
        }
        .gated()
    }

    /// A saved step past Connect AWS is only kept while a profile passed;
    /// Done also while an Azure subscription is connected.
    fn gated(mut self) -> Self {
        let done_kept = self.step == Step::Done && self.azure.can_continue();
        if matches!(self.step, Step::ConnectAzure | Step::Done)
            && !self.can_continue()
            && !done_kept
        {
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
            azure: self.azure.saved().to_vec(),
            appearance: self.appearance,
            unread: self.unread.clone(),
        }
    }

    /// Changes whenever `to_settings` may have: compare it instead of the
    /// settings themselves, which would copy every profile each frame.
    /// Both counters only grow, so their sum changes when either does.
    pub fn settings_key(&self) -> (u64, Step, Method) {
        (
            self.saved_revision + self.azure.revision(),
            self.step,
            self.method,
        )
    }

    /// Changes whenever profiles, reports or the files do (what the
    /// Settings list shows, apart from the time).
    pub fn revision(&self) -> u64 {
        self.revision
    }

    fn changed(&mut self) {
        self.revision += 1;
        self.lookup = Lookup::build(&self.profiles, self.discovery());
    }

    /// A change to what is saved.
    fn profiles_changed(&mut self) {
        self.saved_revision += 1;
        self.changed();
    }

    pub fn appearance(&self) -> Appearance {
        self.appearance
    }

    /// A new choice is saved with the rest of the settings.
    pub fn set_appearance(&mut self, appearance: Appearance) {
        if self.appearance != appearance {
            self.appearance = appearance;
            self.saved_revision += 1;
        }
    }

    /// Profiles in settings.json this version cannot read (kept as they are).
    pub fn unread_profiles(&self) -> Vec<String> {
        self.unread.profile_names()
    }

    pub fn profiles(&self) -> &[SavedProfile] {
        &self.profiles
    }

    pub fn discovery(&self) -> Option<&Discovery> {
        self.discovery.as_ref().map(|(_, d)| d)
    }

    /// Take in a reading of the AWS files started at `started`, unless a
    /// reading started later is already in: a slow read must not bring
    /// back what the files said before.
    pub fn set_discovery(&mut self, started: Instant, d: Discovery) {
        if self.discovery.as_ref().is_some_and(|(t, _)| *t > started) {
            return;
        }
        self.discovery = Some((started, d));
        self.changed();
    }

    /// The profile of that name in the files.
    pub fn in_files(&self, name: &str) -> Option<&ProfileInfo> {
        let d = self.discovery()?;
        d.profiles.get(*self.lookup.in_files.get(name)?)
    }

    pub fn profile_name(&self) -> Result<ProfileName, NameError> {
        ProfileName::parse(&self.name_input)
    }

    /// The commands that fit the name: the method's setup for a new name;
    /// for an SSO profile already in the files, only signing in and
    /// confirming; for any other existing profile none (Re-check checks
    /// it as it is). While the field is empty or invalid, the method's
    /// commands with the placeholder (shown, not usable).
    pub fn command_steps(&self) -> Vec<CommandStep> {
        let Ok(name) = self.profile_name() else {
            return commands::steps(self.method, &ProfileName::placeholder());
        };
        match self.in_files(name.as_str()).map(|p| p.kind) {
            None => commands::steps(self.method, &name),
            Some(kind) if kind.is_sso() => commands::steps(Method::Sso, &name)
                .into_iter()
                .skip(1)
                .enumerate()
                .map(|(i, step)| CommandStep {
                    number: i + 1,
                    ..step
                })
                .collect(),
            Some(_) => Vec::new(),
        }
    }

    /// Commands can be copied or run, and Re-check pressed, only for a
    /// valid name.
    pub fn commands_enabled(&self) -> bool {
        self.profile_name().is_ok()
    }

    /// What `>_ Open Terminal` shows (the numbered guide), or, with
    /// `only`, the one command a row's Run in Terminal runs. None while the
    /// name is not valid or no command fits it.
    pub fn terminal_request(&self, only: Option<usize>) -> Option<TerminalRequest> {
        let name = self.profile_name().ok()?;
        let steps = self.command_steps();
        if steps.is_empty() {
            return None;
        }
        let title = format!(
            "Escher: connect AWS profile {name} ({})",
            self.method.label()
        );
        if let Some(step) = only.and_then(|i| steps.get(i)) {
            return Some(TerminalRequest::one(title, step.argv.clone()));
        }
        let lines: Vec<String> = steps
            .iter()
            .map(|s| format!("  {}. {}", s.number, s.line()))
            .collect();
        Some(TerminalRequest::guide(title, &lines, &[]))
    }

    /// At least one profile has passed Re-check.
    pub fn can_continue(&self) -> bool {
        self.verified_count() > 0
    }

    /// How many connected profiles passed a check.
    pub fn verified_count(&self) -> usize {
        self.lookup.verified
    }

    pub fn change_method(&mut self) {
        self.method = self.method.other();
    }

    /// Connect Azure is reached once an AWS profile passed, or (back from
    /// Done) while an Azure subscription is connected.
    pub fn go(&mut self, step: Step) {
        let azure_connected = step == Step::ConnectAzure && self.azure.can_continue();
        if step == Step::ConnectAzure && !self.can_continue() && !azure_connected {
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

    /// Settings → Profiles → Add Profile → Azure: the Connect Azure step,
    /// with the way back to Settings.
    pub fn add_azure_from_profiles(&mut self) {
        self.step = Step::ConnectAzure;
        self.pane = Pane::Wizard;
        self.return_to_profiles = true;
    }

    pub fn open_profiles(&mut self) {
        self.pane = Pane::Profiles;
        self.return_to_profiles = false;
    }

    pub fn report_for(&self, name: &str) -> Option<&CheckReport> {
        self.reports.get(name)
    }

    /// The latest report for the name in the field, if any.
    pub fn current_report(&self) -> Option<&CheckReport> {
        self.report_for(&self.name_input)
    }

    /// Computed when the name or the files change, not every frame (the
    /// suggestions compare the name with every profile in the files).
    pub fn name_hint(&mut self) -> NameHint {
        let fresh = self.hint.as_ref().is_some_and(|(name, rev, method, _)| {
            (*rev, *method) == (self.revision, self.method) && *name == self.name_input
        });
        if !fresh {
            let hint = self.compute_hint();
            self.hint = Some((self.name_input.clone(), self.revision, self.method, hint));
        }
        self.hint
            .as_ref()
            .map(|(_, _, _, h)| h.clone())
            .unwrap_or(NameHint::Unknown)
    }

    fn compute_hint(&self) -> NameHint {
        let (Some(d), Ok(name)) = (self.discovery(), self.profile_name()) else {
            return NameHint::Unknown;
        };
        match self.in_files(name.as_str()) {
            Some(p) => NameHint::Found {
                kind: p.kind,
                region: p.region.clone(),
                problem: p.problem.clone(),
                sso_expires_at: p.sso_token_expires_at,
                new_name: self.free_name(name.as_str()),
            },
            None => {
                let names: Vec<&str> = d.names().collect();
                NameHint::NotInFiles {
                    suggestions: closest_names(name.as_str(), &names, 3),
                }
            }
        }
    }

    /// `NAME-sso` or `NAME-keys` (then `-2`, `-3`…): a valid name for the
    /// current method that is not in the files yet.
    fn free_name(&self, name: &str) -> Option<String> {
        let suffix = match self.method {
            Method::Sso => "sso",
            Method::AccessKeys => "keys",
        };
        let base = format!("{name}-{suffix}");
        std::iter::once(base.clone())
            .chain((2..100).map(|n| format!("{base}-{n}")))
            .find(|n| ProfileName::parse(n).is_ok() && self.in_files(n).is_none())
    }

    pub fn is_connected(&self, name: &str) -> bool {
        self.lookup.connected.contains_key(name)
    }

    /// A connected profile the files no longer have (only once they were read).
    pub fn is_missing_from_files(&self, name: &str) -> bool {
        self.discovery()
            .is_some_and(|d| d.problems.is_empty() && self.in_files(name).is_none())
    }

    /// How many profiles in the AWS files are not connected to Escher.
    pub fn found_count(&self) -> usize {
        self.lookup.found_not_connected.len()
    }

    /// The `i`th profile in the AWS files that is not connected, in file order.
    pub fn found_at(&self, i: usize) -> Option<&ProfileInfo> {
        let d = self.discovery()?;
        d.profiles.get(*self.lookup.found_not_connected.get(i)?)
    }

    pub fn any_enabled(&self) -> bool {
        self.lookup.any_enabled
    }

    pub fn set_enabled(&mut self, name: &str, on: bool) {
        if let Some(p) = self.profiles.iter_mut().find(|p| p.name == name) {
            p.enabled = on;
            self.profiles_changed();
        }
    }

    /// Remove from Escher only; the AWS files are never touched. A check
    /// of it still in flight no longer connects it.
    pub fn remove(&mut self, name: &str) {
        self.profiles.retain(|p| p.name != name);
        self.reports.remove(name);
        self.connecting.remove(name);
        self.profiles_changed();
    }

    pub fn enabled_names(&self) -> Vec<String> {
        self.profiles
            .iter()
            .filter(|p| p.enabled)
            .map(|p| p.name.clone())
            .collect()
    }

    /// A check was started to connect `name` (Re-check in Connect AWS, or
    /// Connect in Settings): when it passes, the profile is connected.
    pub fn connecting(&mut self, name: &str) {
        self.connecting.insert(name.to_owned());
    }

    /// Take in a finished check: a pass connects a profile being connected
    /// (switched on) and updates a connected one (its toggle kept). The
    /// check of a profile removed meanwhile is dropped.
    pub fn record(&mut self, report: CheckReport) {
        let wanted = self.connecting.remove(&report.profile);
        let position = self.lookup.connected.get(&report.profile).copied();
        if !wanted && position.is_none() {
            return;
        }
        if let Some(identity) = report.identity() {
            let region = self
                .in_files(&report.profile)
                .and_then(|p| p.region.clone());
            let verified_at = report
                .finished_at
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .ok();
            match position.and_then(|i| self.profiles.get_mut(i)) {
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
                    permissions: None,
                }),
            }
            self.saved_revision += 1;
        }
        self.reports.insert(report.profile.clone(), report);
        self.changed();
    }
}

/// An existing profile that cannot work (no credentials, say): the fix for
/// the method the user chose, and the other method's, named.
pub struct Completion {
    /// "with IAM Identity Center (SSO)", "with access keys".
    pub with: &'static str,
    /// Completes this profile with the chosen method.
    pub command: String,
    /// The other method's command, with its name.
    pub instead: (&'static str, String),
}

impl Wizard {
    /// How to complete the profile `name` as it is in the files: with IAM
    /// Identity Center (`aws configure sso`) or access keys (`aws
    /// configure`), the chosen method first.
    pub fn completion(&self, name: &str) -> Completion {
        let sso = crate::shell::posix_join(
            &["aws", "configure", "sso", "--profile", name].map(str::to_owned),
        );
        let keys =
            crate::shell::posix_join(&["aws", "configure", "--profile", name].map(str::to_owned));
        match self.method {
            Method::Sso => Completion {
                with: "with IAM Identity Center (SSO)",
                command: sso,
                instead: ("with access keys", keys),
            },
            Method::AccessKeys => Completion {
                with: "with access keys",
                command: keys,
                instead: ("with IAM Identity Center (SSO)", sso),
            },
        }
    }

    /// A verdict's diagnosis as the chosen method would fix it: an
    /// incomplete profile that is not an SSO one gets the method's own
    /// command, the other method's named in the fix.
    pub fn diagnosis_for_method(&self, d: &Diagnosis, profile: &str) -> Diagnosis {
        let sso_profile = self.in_files(profile).is_some_and(|p| p.kind.is_sso());
        if d.case != crate::aws::diagnose::Case::ProfileUnusable || sso_profile {
            return d.clone();
        }
        let c = self.completion(profile);
        Diagnosis {
            fix: format!(
                "Complete it {} with this command, then click Re-check. Or, {}: {}.",
                c.with, c.instead.0, c.instead.1
            ),
            command: Some(c.command),
            ..d.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reading_of_the_files_alone_never_asks_for_a_save() {
        let mut w = Wizard::default();
        let before = w.settings_key();
        w.set_discovery(Instant::now(), Discovery::default());
        w.set_discovery(Instant::now(), Discovery::default());
        assert_eq!(w.settings_key(), before);
        w.set_appearance(Appearance::Dark);
        assert_ne!(w.settings_key(), before);
    }
    use crate::aws::check::{Identity, Outcome};

    fn passed(name: &str) -> CheckReport {
        CheckReport {
            profile: name.into(),
            kind: Some(Kind::AccessKeys),
            outcome: Outcome::Passed(Identity {
                account: "123456789012".into(),
                arn: "arn:aws:iam::123456789012:user/a".into(),
                user_id: "AIDAA".into(),
            }),
            warnings: Vec::new(),
            elapsed: std::time::Duration::ZERO,
            finished_at: std::time::SystemTime::now(),
        }
    }

    fn files(names: &[&str]) -> Discovery {
        let mut names = names.to_vec();
        names.sort_unstable();
        Discovery {
            profiles: names
                .iter()
                .map(|n| ProfileInfo {
                    name: (*n).into(),
                    kind: Kind::AccessKeys,
                    region: None,
                    sso_session: None,
                    sso_start_url: None,
                    sso_region: None,
                    sso_account_id: None,
                    sso_role_name: None,
                    source_profile: None,
                    ca_bundle: None,
                    endpoint_url: None,
                    problem: None,
                    sso_token_expires_at: None,
                    missing_sso_region: false,
                })
                .collect(),
            ..Discovery::default()
        }
    }

    #[test]
    fn a_check_connects_only_what_is_being_connected() {
        let mut w = Wizard::default();
        w.connecting("prod");
        w.record(passed("prod"));
        assert!(w.is_connected("prod"));
        w.remove("prod");
        // A Re-check that was in flight when it was removed.
        w.record(passed("prod"));
        assert!(!w.is_connected("prod"));
        assert!(w.profiles().is_empty());
    }

    #[test]
    fn an_older_reading_of_the_files_does_not_replace_a_newer_one() {
        let mut w = Wizard::default();
        let first = Instant::now();
        let second = first + std::time::Duration::from_millis(1);
        w.set_discovery(second, files(&["newer"]));
        w.set_discovery(first, files(&["older"]));
        assert!(w.in_files("newer").is_some());
        assert!(w.in_files("older").is_none());
    }

    #[test]
    fn lookups_follow_changes() {
        let mut w = Wizard::default();
        w.set_discovery(Instant::now(), files(&["a", "b", "c"]));
        assert_eq!(w.found_count(), 3);
        w.connecting("b");
        w.record(passed("b"));
        assert_eq!(w.found_count(), 2);
        assert_eq!(w.found_at(1).map(|p| p.name.as_str()), Some("c"));
        assert!(w.any_enabled());
        w.set_enabled("b", false);
        assert!(!w.any_enabled());
        w.name_input = "b".into();
        assert!(matches!(w.name_hint(), NameHint::Found { .. }));
        w.remove("b");
        w.name_input = "bb".into();
        assert!(matches!(w.name_hint(), NameHint::NotInFiles { .. }));
    }

    #[test]
    fn a_finished_onboarding_with_only_azure_stays_on_done_and_can_go_back() {
        use crate::azure::ids::Guid;
        use crate::azure::saved::SavedSubscription;
        let sub = SavedSubscription {
            cloud: "AzureCloud".into(),
            tenant_id: Guid::parse("c0000000-0000-0000-0000-00000000000c").unwrap(),
            subscription_id: Guid::parse("aaaaaaaa-0000-0000-0000-000000000001").unwrap(),
            name: "Contoso Production".into(),
            user_name: "alice@contoso.com".into(),
            verified_at: Some(1),
            can_write: Some(false),
            enabled: true,
        };
        let settings = Settings {
            step: SavedStep::Done,
            azure: vec![sub],
            ..Settings::default()
        };
        let mut w = Wizard::from_settings(settings.clone());
        assert_eq!(w.step, Step::Done);
        w.go(Step::ConnectAzure);
        assert_eq!(w.step, Step::ConnectAzure);
        assert_eq!(w.to_settings().azure, settings.azure);
        let nothing = Settings {
            step: SavedStep::Done,
            ..Settings::default()
        };
        assert_eq!(Wizard::from_settings(nothing).step, Step::ConnectAws);
    }

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
