//! What Escher's settings hold per connected Azure subscription: names,
//! ids, the toggle and the last verification. Never a token.

use super::ids::Guid;
use super::verify::Verdict;
use serde::{Deserialize, Serialize};
use std::time::SystemTime;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedSubscription {
    /// The Azure CLI's cloud name (`AzureCloud`, `AzureUSGovernment`, …).
    pub cloud: String,
    pub tenant_id: Guid,
    pub subscription_id: Guid,
    pub name: String,
    /// The user (or service principal) the sign-in lists for it.
    pub user_name: String,
    /// Seconds since the Unix epoch of the last passed verification.
    pub verified_at: Option<u64>,
    /// Whether that sign-in could also write; `None`: not known.
    pub can_write: Option<bool>,
    /// On: Escher uses this subscription now.
    pub enabled: bool,
}

impl SavedSubscription {
    /// What the last verification found it may do, for Done.
    pub fn access(&self) -> &'static str {
        match self.can_write {
            Some(true) => "Reader, can also write",
            Some(false) => "Reader, read only",
            None => "Reader",
        }
    }

    /// A verified subscription, switched on. `None` when it failed.
    pub fn from_verdict(cloud: &str, v: &Verdict) -> Option<Self> {
        v.ok().then(|| SavedSubscription {
            cloud: cloud.to_owned(),
            tenant_id: v.tenant_id.clone(),
            subscription_id: v.subscription_id.clone(),
            name: v.name.clone(),
            user_name: v.user_name.clone(),
            verified_at: epoch_secs(v.checked_at),
            can_write: v.can_write(),
            enabled: true,
        })
    }

    /// Take a later verification's result; the toggle is the user's and
    /// stays as it is. A failed one keeps the last good time.
    pub fn update_from(&mut self, v: &Verdict) {
        if v.subscription_id != self.subscription_id || !v.ok() {
            return;
        }
        self.name = v.name.clone();
        self.tenant_id = v.tenant_id.clone();
        self.user_name = v.user_name.clone();
        self.verified_at = epoch_secs(v.checked_at);
        self.can_write = v.can_write();
    }

    pub fn verified_time(&self) -> Option<SystemTime> {
        self.verified_at
            .and_then(crate::time_words::from_epoch_secs)
    }
}

fn epoch_secs(t: SystemTime) -> Option<u64> {
    t.duration_since(SystemTime::UNIX_EPOCH)
        .ok()
        .map(|d| d.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::azure::subscriptions::State;
    use crate::azure::verify::Outcome;

    fn verdict(ok: bool, at: u64) -> Verdict {
        Verdict {
            subscription_id: Guid::parse("aaaaaaaa-0000-0000-0000-000000000001").unwrap(),
            name: "Contoso Production".into(),
            tenant_id: Guid::parse("c0000000-0000-0000-0000-00000000000c").unwrap(),
            user_name: "alice@contoso.com".into(),
            state: State::Enabled,
            outcome: if ok {
                Outcome::Verified {
                    can_write: Some(false),
                    write_actions: Vec::new(),
                }
            } else {
                Outcome::Failed(crate::azure::diagnose::not_signed_in(""))
            },
            checked_at: SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(at),
        }
    }

    #[test]
    fn holds_ids_names_and_the_toggle_only() {
        assert!(SavedSubscription::from_verdict("AzureCloud", &verdict(false, 1)).is_none());
        let mut saved = SavedSubscription::from_verdict("AzureCloud", &verdict(true, 100)).unwrap();
        let json = serde_json::to_value(&saved).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "cloud": "AzureCloud",
                "tenant_id": "c0000000-0000-0000-0000-00000000000c",
                "subscription_id": "aaaaaaaa-0000-0000-0000-000000000001",
                "name": "Contoso Production",
                "user_name": "alice@contoso.com",
                "verified_at": 100,
                "can_write": false,
                "enabled": true
            })
        );
        let back: SavedSubscription = serde_json::from_value(json).unwrap();
        assert_eq!(back, saved);
        saved.enabled = false;
        saved.update_from(&verdict(false, 200));
        assert_eq!(
            saved.verified_at,
            Some(100),
            "a failure keeps the last good time"
        );
        saved.update_from(&verdict(true, 300));
        assert_eq!(saved.verified_at, Some(300));
        assert!(!saved.enabled, "the toggle is the user's");
        let bad = serde_json::json!({"cloud": "AzureCloud", "tenant_id": "x", "subscription_id": "y", "name": "", "user_name": "", "verified_at": null, "can_write": null, "enabled": true});
        assert!(serde_json::from_value::<SavedSubscription>(bad).is_err());
    }
}
