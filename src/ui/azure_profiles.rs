//! Settings → Profiles, the Azure part: each connected subscription as a
//! toggle, with its tenant and last verification, and Remove (from Escher
//! only; the Azure CLI's sign-in is not touched).

use super::widgets::{button_named, error_color, success_color, toggle};
use crate::azure::ids::Guid;
use crate::time_words::ago;
use crate::wizard::Wizard;
use egui::{RichText, Ui};

pub enum Action {
    Toggle { id: Guid, on: bool },
    Recheck(Guid),
    Remove(Guid),
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
    ui.label(RichText::new("Azure subscriptions").strong());
    egui::ScrollArea::vertical()
        .id_salt("azure-subscriptions")
        .max_height(MAX_HEIGHT)
        .auto_shrink([false, true])
        .show(ui, |ui| {
            for s in saved {
                ui.horizontal(|ui| {
                    let mut on = s.enabled;
                    let name = format!("Use Azure subscription {}", s.name);
                    if toggle(ui, &mut on, &name).changed() {
                        action = Some(Action::Toggle {
                            id: s.subscription_id.clone(),
                            on,
                        });
                    }
                    ui.label(RichText::new(&s.name).strong());
                    let tenant = wizard
                        .azure
                        .tenant_title(&s.tenant_id)
                        .unwrap_or_else(|| s.tenant_id.to_string());
                    ui.label(format!("tenant {tenant}"));
                    let when = s.verified_time().map_or_else(
                        || "never verified".to_owned(),
                        |t| format!("verified {}", ago(t)),
                    );
                    ui.label(RichText::new(when).weak());
                    let recheck = format!("Re-check Azure subscription {}", s.name);
                    if button_named(ui, !busy, "Re-check", &recheck).clicked() {
                        action = Some(Action::Recheck(s.subscription_id.clone()));
                    }
                    if busy && wizard.azure.verdict(&s.subscription_id).is_none() {
                        ui.spinner();
                    }
                    let remove = format!("Remove {} from Escher", s.name);
                    if button_named(ui, true, "Remove", &remove)
                        .on_hover_text(
                            "Removes it from Escher only; your Azure sign-in is not changed",
                        )
                        .clicked()
                    {
                        action = Some(Action::Remove(s.subscription_id.clone()));
                    }
                });
                status(ui, wizard, &s.subscription_id);
            }
        });
    ui.add_space(8.0);
    action
}

/// What this session's Re-check found, under the row.
fn status(ui: &mut Ui, wizard: &Wizard, id: &Guid) {
    use crate::azure::verify::Outcome;
    let failed = |ui: &mut Ui, d: &crate::azure::diagnose::Diagnosis| {
        ui.label(RichText::new(format!("✖ {}", d.title)).color(error_color(ui)));
        if let Some(cmd) = &d.command {
            ui.label(RichText::new(cmd).monospace());
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
            let warn = ui.visuals().warn_fg_color;
            ui.label(RichText::new("⚠ read access, can also write").color(warn));
        }
        Some(Outcome::Verified { .. }) => {
            ui.label(RichText::new("✔ read access").color(success_color(ui)));
        }
        Some(Outcome::Failed(d)) => failed(ui, d),
        None => {}
    }
}
