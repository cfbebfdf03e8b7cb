//! Settings → Profiles, the Azure part: each connected subscription as a
//! toggle, with its tenant and last verification, and Remove (from Escher
//! only; the Azure CLI's sign-in is not touched).

use super::look::{Tone, space};
use super::widgets::{
    button_named, caption, card, code, icon_button, icons, section_heading, status_line, toggle,
};
use crate::azure::ids::Guid;
use crate::time_words::ago;
use crate::wizard::Wizard;
use crate::wizard::azure_sign_in::Stage;
use egui::{RichText, Ui};

pub enum Action {
    Toggle {
        id: Guid,
        on: bool,
    },
    Recheck(Guid),
    Remove(Guid),
    /// Sign in with Azure for this subscription's tenant.
    SignIn(Guid),
    SignInFlow(super::azure_sign_in::Action),
}

/// Subscriptions shown before the section scrolls on its own.
const MAX_HEIGHT: f32 = 220.0;

/// `busy`: an Azure Re-check or verification is running.
pub fn show(ui: &mut Ui, wizard: &Wizard, busy: bool) -> Option<Action> {
    let saved = wizard.azure.saved();
    if saved.is_empty() {
        return None;
    }
    let mut action = None;
    section_heading(ui, "Azure subscriptions");
    egui::ScrollArea::vertical()
        .id_salt("azure-subscriptions")
        .max_height(MAX_HEIGHT)
        .auto_shrink([false, true])
        .show(ui, |ui| {
            for s in saved {
                card(ui, |ui| row(ui, wizard, s, busy, &mut action));
                ui.add_space(space::XS);
            }
        });
    ui.add_space(space::S);
    action
}

fn row(
    ui: &mut Ui,
    wizard: &Wizard,
    s: &crate::azure::saved::SavedSubscription,
    busy: bool,
    action: &mut Option<Action>,
) {
    ui.horizontal(|ui| {
        let mut on = s.enabled;
        let name = format!("Use Azure subscription {}", s.name);
        if toggle(ui, &mut on, &name).changed() {
            *action = Some(Action::Toggle {
                id: s.subscription_id.clone(),
                on,
            });
        }
        ui.label(RichText::new(&s.name).strong());
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            ui.horizontal(|ui| {
                if busy && wizard.azure.verdict(&s.subscription_id).is_none() {
                    ui.spinner();
                }
                let recheck = format!("Re-check Azure subscription {}", s.name);
                let again = icons::ICON_REFRESH;
                if icon_button(ui, !busy, again, "Re-check", &recheck).clicked() {
                    *action = Some(Action::Recheck(s.subscription_id.clone()));
                }
                let remove = format!("Remove {} from Escher", s.name);
                if icon_button(ui, true, icons::ICON_DELETE, "Remove", &remove)
                    .on_hover_text("Removes it from Escher only; your Azure sign-in is not changed")
                    .clicked()
                {
                    *action = Some(Action::Remove(s.subscription_id.clone()));
                }
            });
        });
    });
    ui.horizontal_wrapped(|ui| {
        let tenant = wizard
            .azure
            .tenant_title(&s.tenant_id)
            .unwrap_or_else(|| s.tenant_id.to_string());
        ui.label(format!("tenant {tenant}"));
        let when = s.verified_time().map_or_else(
            || "never verified".to_owned(),
            |t| format!("verified {}", ago(t)),
        );
        caption(ui, &when);
    });
    status(ui, wizard, s, action);
}

/// The row's sign-in is the problem: Sign in runs az login for its tenant.
fn needs_sign_in(d: &crate::azure::diagnose::Diagnosis) -> bool {
    use crate::azure::diagnose::Case;
    matches!(
        d.case,
        Case::SignInExpired | Case::NotSignedIn | Case::MfaRequired
    )
}

/// What this session's Re-check found, under the row; a sign-in started
/// here shows what it waits for.
fn status(
    ui: &mut Ui,
    wizard: &Wizard,
    s: &crate::azure::saved::SavedSubscription,
    action: &mut Option<Action>,
) {
    use crate::azure::verify::Outcome;
    let id = &s.subscription_id;
    let sign_in = &wizard.azure.sign_in;
    if sign_in.from_row.as_ref() == Some(id) && !matches!(sign_in.stage, Stage::Idle) {
        if let Some(a) = super::azure_sign_in::progress(ui, sign_in) {
            *action = Some(Action::SignInFlow(a));
        }
        if sign_in.working() {
            return;
        }
    }
    let mut failed = |ui: &mut Ui, d: &crate::azure::diagnose::Diagnosis| {
        status_line(ui, Tone::Danger, &d.title, None);
        if needs_sign_in(d) {
            let name = format!("Sign in to Azure for {}", s.name);
            if button_named(ui, !sign_in.working(), "Sign in", &name).clicked() {
                *action = Some(Action::SignIn(id.clone()));
            }
        } else if let Some(cmd) = &d.command {
            code(ui, cmd, true);
        }
    };
    if let Some(d) = wizard.azure.row_problem(id) {
        failed(ui, d);
        return;
    }
    match wizard.azure.verdict(id).map(|v| &v.outcome) {
        Some(Outcome::Verified {
            can_write: Some(true),
            ..
        }) => {
            status_line(ui, Tone::Warning, "read access, can also write", None);
        }
        Some(Outcome::Verified { .. }) => {
            status_line(ui, Tone::Success, "read access", None);
        }
        Some(Outcome::Failed(d)) => failed(ui, d),
        None => {}
    }
}
