//! Connect Azure → Sign in with Azure, as plain state: the tenant and
//! cloud as typed and picked (checked as you type), what the running
//! `az login` asks of the user, and how it ended. The run itself is
//! `Background::azure_sign_in`'s; the window reads this and returns what
//! was clicked (`ui::azure_sign_in`).

use crate::azure::diagnose::Diagnosis;
use crate::azure::login::{Asked, Ended, KNOWN_CLOUDS, LoginRequest};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Stage {
    #[default]
    Idle,
    Working {
        device_code: bool,
        /// What az asks of the user, once it has said.
        asked: Option<Asked>,
    },
    Cancelled,
    Failed(Diagnosis),
    SignedIn,
}

#[derive(Clone, Debug, Default)]
pub struct AzureSignIn {
    /// Optional: a tenant id to sign in to on its own.
    pub tenant: String,
    /// The cloud to sign in to; empty: the active one.
    pub cloud: String,
    pub stage: Stage,
    /// Shown again after a sign-in, to reach another tenant.
    pub reopened: bool,
    /// Started from this subscription's row in Settings: shown there, and
    /// the subscription is verified again once signed in.
    pub from_row: Option<crate::azure::ids::Guid>,
}

impl AzureSignIn {
    pub fn working(&self) -> bool {
        matches!(self.stage, Stage::Working { .. })
    }

    /// The clouds offered: az's own, and a custom one when it is active.
    pub fn clouds(active: Option<&str>) -> Vec<String> {
        let mut out: Vec<String> = KNOWN_CLOUDS.iter().map(|c| (*c).to_owned()).collect();
        if let Some(a) = active.filter(|a| !KNOWN_CLOUDS.contains(a)) {
            out.push(a.to_owned());
        }
        out
    }

    /// The request to run, or what is wrong with the fields.
    pub fn request(&self, active: Option<&str>, device_code: bool) -> Result<LoginRequest, String> {
        let cloud = Some(self.cloud.trim()).filter(|c| !c.is_empty() && Some(*c) != active);
        LoginRequest::new(&self.tenant, cloud, active, device_code)
    }

    pub fn tenant_problem(&self) -> Option<String> {
        LoginRequest::new(&self.tenant, None, None, false).err()
    }

    pub fn started(&mut self, device_code: bool, from_row: Option<crate::azure::ids::Guid>) {
        self.from_row = from_row;
        self.stage = Stage::Working {
            device_code,
            asked: None,
        };
    }

    pub fn asked(&mut self, a: Asked) {
        if let Stage::Working { asked, .. } = &mut self.stage {
            *asked = Some(a);
        }
    }

    pub fn ended(&mut self, ended: &Ended) {
        self.stage = match ended {
            Ended::SignedIn { .. } => Stage::SignedIn,
            Ended::Cancelled => Stage::Cancelled,
            Ended::Failed(d) => Stage::Failed(d.clone()),
        };
        self.reopened = false;
    }

    /// Sign in to one tenant (a tenant that asked for MFA on its own).
    pub fn for_tenant(&mut self, tenant: &str) {
        self.tenant = tenant.to_owned();
        self.reopened = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_active_cloud_is_not_set_again_and_a_custom_one_is_offered_only_when_active() {
        let mut s = AzureSignIn {
            cloud: "AzureCloud".into(),
            ..Default::default()
        };
        assert_eq!(s.request(Some("AzureCloud"), false).unwrap().cloud, None);
        s.cloud = "AzureChinaCloud".into();
        assert_eq!(
            s.request(Some("AzureCloud"), false)
                .unwrap()
                .cloud
                .as_deref(),
            Some("AzureChinaCloud")
        );
        assert_eq!(AzureSignIn::clouds(Some("AzureCloud")).len(), 3);
        assert_eq!(AzureSignIn::clouds(Some("Local")).last().unwrap(), "Local");
        s.tenant = "not-a-guid".into();
        assert!(s.tenant_problem().is_some());
    }
}
