//! Step 3: Connect Azure. Shows what is connected so far.

use super::widgets::success_color;
use crate::wizard::Wizard;
use egui::{RichText, Ui};

/// The page lists the first few; Settings → Profiles lists them all.
const SHOWN: usize = 10;

/// Returns true when the user presses Back.
pub fn show(ui: &mut Ui, wizard: &Wizard) -> bool {
    ui.heading("Connect Azure");
    ui.add_space(8.0);
    ui.label(
        "Escher connects Azure next, with a subscription picker. Your AWS connection is in place:",
    );
    ui.add_space(8.0);
    ui.label(RichText::new("Connected AWS profiles").strong());
    egui::Grid::new("connected-aws")
        .num_columns(3)
        .striped(true)
        .spacing([16.0, 6.0])
        .show(ui, |ui| {
            ui.label(RichText::new("Profile").strong());
            ui.label(RichText::new("Account").strong());
            ui.label(RichText::new("ARN").strong());
            ui.end_row();
            let verified = wizard.profiles().iter().filter(|p| p.identity.is_some());
            for p in verified.take(SHOWN) {
                let Some(id) = &p.identity else { continue };
                ui.label(RichText::new(format!("✔ {}", p.name)).color(success_color(ui)));
                ui.label(&id.account);
                ui.add(egui::Label::new(&id.arn).selectable(true));
                ui.end_row();
            }
        });
    let more = wizard.verified_count().saturating_sub(SHOWN);
    if more > 0 {
        ui.label(RichText::new(format!("and {more} more in Settings → Profiles")).weak());
    }
    ui.add_space(16.0);
    ui.button("Back to Connect AWS").clicked()
}
