//! Check permissions as plain state: which profiles are being checked,
//! the latest report of each this session, and what is kept in settings.

use super::Wizard;
use crate::aws::permissions::PermissionReport;
use crate::aws::permissions::saved::SavedPermissions;
use std::collections::{HashMap, HashSet};

#[derive(Clone, Debug, Default)]
pub struct Permissions {
    reports: HashMap<String, PermissionReport>,
    running: HashSet<String>,
}

impl Permissions {
    /// Mark `name` as being checked; false when it already is (a second
    /// click starts nothing).
    pub fn start(&mut self, name: &str) -> bool {
        self.running.insert(name.to_owned())
    }

    pub fn is_running(&self, name: &str) -> bool {
        self.running.contains(name)
    }

    pub fn report(&self, name: &str) -> Option<&PermissionReport> {
        self.reports.get(name)
    }
}

impl Wizard {
    /// Take in a finished permission check: shown this session, and kept
    /// with the profile in settings when it is connected.
    pub fn record_permissions(&mut self, report: PermissionReport) {
        self.permissions.running.remove(&report.profile);
        if let Some(p) = self.profiles.iter_mut().find(|p| p.name == report.profile) {
            p.permissions = Some(SavedPermissions::from_report(&report));
        }
        self.permissions
            .reports
            .insert(report.profile.clone(), report);
        self.profiles_changed();
    }

    /// What is known of `name`'s permissions: this session's report, else
    /// what settings kept.
    pub fn saved_permissions(&self, name: &str) -> Option<&SavedPermissions> {
        self.profiles
            .iter()
            .find(|p| p.name == name)
            .and_then(|p| p.permissions.as_ref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::permissions::{Capability, CapabilityCheck, WriteCheck};
    use crate::settings::{SavedProfile, Settings};

    #[test]
    fn a_report_is_kept_with_its_profile_by_names_only() {
        let mut w = Wizard::from_settings(Settings {
            profiles: vec![SavedProfile {
                name: "prod".into(),
                enabled: true,
                kind: None,
                region: None,
                identity: None,
                verified_at: None,
                permissions: None,
            }],
            ..Settings::default()
        });
        assert!(w.permissions.start("prod"));
        assert!(
            !w.permissions.start("prod"),
            "a second click starts nothing"
        );
        let row = |c, allowed| CapabilityCheck {
            capability: c,
            allowed,
            missing: Vec::new(),
            explanation: "words".into(),
            detail: "AccessDenied: secret-looking detail".into(),
        };
        w.record_permissions(PermissionReport {
            profile: "prod".into(),
            rows: vec![
                row(Capability::Ec2, Some(true)),
                row(Capability::S3, Some(false)),
            ],
            write: WriteCheck {
                can_write: Some(false),
                checked: vec!["ec2:CreateTags".into()],
                explanation: String::new(),
                detail: String::new(),
            },
            account_alias: Some("acme".into()),
            organization: None,
            checked_at: std::time::UNIX_EPOCH + std::time::Duration::from_secs(100),
        });
        assert!(!w.permissions.is_running("prod"));
        let saved = w.to_settings().profiles[0].permissions.clone().unwrap();
        assert_eq!(saved.allowed, vec!["ec2"]);
        assert_eq!(saved.denied, vec!["s3"]);
        assert_eq!(saved.can_write, Some(false));
        assert_eq!(saved.account_alias.as_deref(), Some("acme"));
        assert_eq!(saved.checked_at, 100);
        let text = serde_json::to_string(&w.to_settings()).unwrap();
        assert!(!text.contains("secret-looking"), "{text}");
    }
}
