//! "What Escher needs": the minimum read-only policy, the managed
//! alternative, and the Cost Explorer note.

use super::look::space;
use super::widgets::{
    Callout, callout, caption, code_block, copied_note, icon_button, icons, paragraph,
    section_heading,
};
use crate::aws::policy;
use egui::Ui;

pub enum NeedsAction {
    CopyPolicy,
    SavePolicy,
    OpenCostExplorer,
}

pub fn show(ui: &mut Ui, copied: bool) -> Option<NeedsAction> {
    let mut action = None;
    paragraph(
        ui,
        "Whichever method you use, the principal Escher signs in as needs read access across the services you \
         want to query.",
    );
    section_heading(
        ui,
        &format!(
            "Simplest: the AWS-managed {} policy",
            policy::MANAGED_ALTERNATIVE
        ),
    );
    caption(
        ui,
        "Broader than Escher strictly needs, but zero write permissions.",
    );
    code_block(ui, policy::MANAGED_ALTERNATIVE_ARN, true);
    section_heading(ui, "Tighter: the minimum policy Escher uses today");
    egui::ScrollArea::vertical()
        .id_salt("policy-json")
        .max_height(super::look::measure::POLICY_HEIGHT)
        .show(ui, |ui| code_block(ui, policy::POLICY_JSON, true));
    ui.horizontal(|ui| {
        if icon_button(ui, true, icons::ICON_CONTENT_COPY, "Copy", "Copy policy").clicked() {
            action = Some(NeedsAction::CopyPolicy);
        }
        if icon_button(ui, true, icons::ICON_SAVE, "Save as…", "Save as…").clicked() {
            action = Some(NeedsAction::SavePolicy);
        }
        if copied {
            copied_note(ui);
        }
    });
    ui.add_space(space::S);
    callout(ui, Callout::Info, |ui| {
        paragraph(
            ui,
            "Cost Explorer: enable it once in the AWS Billing console (Billing → Cost Explorer → Enable). \
             There's a 24-hour activation lag before the API returns data.",
        );
        let open = icons::ICON_OPEN_IN_NEW;
        let text = "Open Cost Explorer in the Billing console";
        if icon_button(ui, true, open, text, text).clicked() {
            action = Some(NeedsAction::OpenCostExplorer);
        }
    });
    action
}
