//! What settings keep of a permission check, with the profile: the
//! capabilities' names by answer, whether it can write, the alias and
//! organization, and when. Never credentials, never the services' words.

use super::{Capability, PermissionReport};
use serde::{Deserialize, Serialize};
use std::time::SystemTime;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedPermissions {
    /// Capability keys (`ec2`, `s3`, …) by answer.
    #[serde(default)]
    pub allowed: Vec<String>,
    #[serde(default)]
    pub denied: Vec<String>,
    #[serde(default)]
    pub unknown: Vec<String>,
    #[serde(default)]
    pub can_write: Option<bool>,
    /// The writes `can_write` rests on (empty in settings from before
    /// Escher kept them).
    #[serde(default)]
    pub writes_checked: Vec<String>,
    #[serde(default)]
    pub account_alias: Option<String>,
    #[serde(default)]
    pub organization: Option<String>,
    /// Seconds since the Unix epoch.
    #[serde(default)]
    pub checked_at: u64,
}

impl SavedPermissions {
    /// "reads 7 of 9 services, read only", for Done.
    pub fn summary(&self) -> String {
        let total = self.allowed.len() + self.denied.len() + self.unknown.len();
        let write = match self.can_write {
            Some(true) => ", can also write",
            Some(false) => ", read only",
            None => "",
        };
        format!("reads {} of {total} services{write}", self.allowed.len())
    }

    pub fn from_report(r: &PermissionReport) -> Self {
        let keys = |want: Option<bool>| -> Vec<String> {
            r.rows
                .iter()
                .filter(|row| row.allowed == want)
                .map(|row| row.capability.key().to_owned())
                .collect()
        };
        SavedPermissions {
            allowed: keys(Some(true)),
            denied: keys(Some(false)),
            unknown: keys(None),
            can_write: r.write.can_write,
            writes_checked: r.write.checked.clone(),
            account_alias: r.account_alias.clone(),
            organization: r.organization.clone(),
            checked_at: r
                .checked_at
                .duration_since(SystemTime::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or_default(),
        }
    }

    /// The answer kept for `c`: Some(true) allowed, Some(false) denied,
    /// None unknown or not asked.
    pub fn allowed(&self, c: Capability) -> Option<bool> {
        let has = |list: &[String]| list.iter().any(|k| k == c.key());
        if has(&self.allowed) {
            Some(true)
        } else if has(&self.denied) {
            Some(false)
        } else {
            None
        }
    }
}
