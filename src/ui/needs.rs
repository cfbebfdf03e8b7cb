//! "What Escher needs": the minimum read-only policy, the managed
//! alternative, and the Cost Explorer note.

use super::widgets::{Callout, button_named, callout};
use crate::aws::policy;
use egui::{RichText, Ui};

pub enum NeedsAction {
    CopyPolicy,
    SavePolicy,
    OpenCostExplorer,
}

pub fn show(ui: &mut Ui, copied: bool) -> Option<NeedsAction> {
    let mut action = None;
    ui.label(
        "Whichever method you use, the principal Escher signs in as needs read access across the services you \
         want to query.",
    );
    ui.add_space(4.0);
    ui.label(
        RichText::new(format!(
            "Simplest: the AWS-managed {} policy",
            policy::MANAGED_ALTERNATIVE
        ))
        .strong(),
    );
    ui.label("Broader than Escher strictly needs, but zero write permissions.");
    super::widgets::code(ui, policy::MANAGED_ALTERNATIVE_ARN, true);
    ui.add_space(6.0);
    ui.label(RichText::new("Tighter: the minimum policy Escher uses today").strong());
    egui::ScrollArea::vertical()
        .id_salt("policy-json")
        .max_height(180.0)
        .show(ui, |ui| super::widgets::code(ui, policy::POLICY_JSON, true));
    ui.horizontal(|ui| {
        if button_named(ui, true, "Copy", "Copy policy").clicked() {
            action = Some(NeedsAction::CopyPolicy);
        }
        if ui.button("Save as…").clicked() {
            action = Some(NeedsAction::SavePolicy);
        }
        if copied {
            ui.label(RichText::new("Copied").color(super::widgets::success_color(ui)));
        }
    });
    ui.add_space(6.0);
    callout(ui, Callout::Info, |ui| {
        ui.label(
            "Cost Explorer: enable it once in the AWS Billing console (Billing → Cost Explorer → Enable). \
             There's a 24-hour activation lag before the API returns data.",
        );
        if ui
            .button("Open Cost Explorer in the Billing console")
            .clicked()
        {
            action = Some(NeedsAction::OpenCostExplorer);
        }
    });
    action
}
