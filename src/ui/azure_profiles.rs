//! Settings → Profiles, the Azure part: each connected subscription as a
//! toggle, with its tenant and last verification, and Remove (from Escher
//! only; the Azure CLI's sign-in is not touched).

use super::widgets::{button_named, toggle};
use crate::azure::ids::Guid;
use crate::time_words::ago;
use crate::wizard::Wizard;
use egui::{RichText, Ui};

pub enum Action {
    Toggle { id: Guid, on: bool },
    Remove(Guid),
}

/// Subscriptions shown before the section scrolls on its own.
const MAX_HEIGHT: f32 = 220.0;

pub fn show(ui: &mut Ui, wizard: &Wizard) -> Option<Action> {
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
            }
        });
    ui.add_space(8.0);
    action
}
