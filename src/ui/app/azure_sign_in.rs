//! The window's side of Sign in with Azure: a click starts the user's
//! `az login` off the UI thread, what az asks and how it ended come back
//! as events, and a sign-in runs Re-check by itself so the picker shows.

use super::EscherApp;
use crate::azure::ids::Guid;
use crate::azure::login::Asked;
use crate::ui::azure_sign_in::Action;
use egui::Ui;

impl EscherApp {
    pub(super) fn azure_sign_in_action(&mut self, ui: &Ui, action: Action) {
        match action {
            Action::SignIn { device_code } => self.start_azure_sign_in(ui, device_code, None),
            Action::Cancel => self.background.cancel_azure_sign_in(),
            Action::Copy { key, text } => self.copy(ui, key, text),
            Action::Open(url) => self.sso_sign_in.open_page(&url),
        }
    }

    /// From a card whose fix is `az login --tenant T`.
    pub(super) fn sign_in_to_tenant(&mut self, ui: &Ui, tenant: &str) {
        self.wizard.azure.sign_in.for_tenant(tenant);
        let device_code = self.azure_code_by_default();
        self.start_azure_sign_in(ui, device_code, None);
    }

    /// Settings → Azure: Sign in on a subscription whose sign-in expired.
    pub(super) fn sign_in_for_row(&mut self, ui: &Ui, id: &Guid) {
        let Some(tenant) = self
            .wizard
            .azure
            .saved()
            .iter()
            .find(|s| &s.subscription_id == id)
            .map(|s| s.tenant_id.to_string())
        else {
            return;
        };
        self.wizard.azure.sign_in.tenant = tenant;
        let device_code = self.azure_code_by_default();
        self.start_azure_sign_in(ui, device_code, Some(id.clone()));
    }

    fn start_azure_sign_in(&mut self, ui: &Ui, device_code: bool, from_row: Option<Guid>) {
        let azure = &mut self.wizard.azure;
        let request = match azure.sign_in.request(azure.active_cloud(), device_code) {
            Ok(r) => r,
            Err(_) => return, // the field shows why
        };
        let az = azure.az.as_ref().map(|a| a.path.clone());
        if self.background.azure_sign_in(az, request, Self::wake(ui)) {
            self.wizard.azure.sign_in.started(device_code, from_row);
        }
    }

    /// No browser can open where Escher runs (SSH, WSL, no display).
    pub(super) fn azure_code_by_default(&self) -> bool {
        self.background.azure_env.no_browser()
    }

    pub(super) fn take_azure_asked(&mut self, asked: Asked) {
        self.wizard.azure.sign_in.asked(asked);
    }

    /// A sign-in asks for a Re-check (see `AzureState::take_sign_in`): run
    /// it once none is running, so the picker shows the new sign-in.
    pub(super) fn recheck_after_azure_sign_in(&mut self, ui: &Ui) {
        if !self.background.is_azure_discovering() && self.wizard.azure.take_recheck_due() {
            let az = self.wizard.azure.az.clone();
            self.background.azure_discover(az, Self::wake(ui));
        }
    }
}
