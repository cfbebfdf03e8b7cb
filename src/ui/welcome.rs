//! Step 1: what Escher will ask for and why.

use super::look::{size, space};
use super::widgets::{
    Callout, callout, card, image, paragraph, primary_button, screen_title, section_heading,
};
use egui::{RichText, Ui};

pub fn show(ui: &mut Ui, icon: Option<&egui::TextureHandle>) {
    ui.add_space(space::L);
    if let Some(icon) = icon {
        image(ui, icon, size::HERO_ICON);
        ui.add_space(space::S);
    }
    screen_title(ui, "Welcome to Escher");
    paragraph(
        ui,
        "Escher is a cloud-ops assistant. Before it can answer questions about your cloud, \
         connect the accounts it may read.",
    );
    ui.add_space(space::M);
    card(ui, |ui| {
        section_heading(ui, "What Escher reads");
        paragraph(
            ui,
            "Read access to the resources you'd expect: EC2 instances, S3 buckets, IAM roles and policies, \
             RDS databases, VPCs, and (when enabled) Cost Explorer.",
        );
    });
    ui.add_space(space::M);
    callout(ui, Callout::Info, |ui| {
        paragraph(
            ui,
            "Escher does not need write permissions for normal use. Write operations only happen via the \
             Playbook flow, which requires explicit human approval per step.",
        );
    });
    ui.add_space(space::M);
    card(ui, |ui| {
        section_heading(ui, "What you will do");
        for (n, text) in [
            (
                "1.",
                "Connect one or more AWS profiles. IAM Identity Center (SSO) is recommended; access keys also work.",
            ),
            ("2.", "Connect Azure."),
        ] {
            ui.horizontal_wrapped(|ui| {
                ui.label(RichText::new(n).strong());
                ui.label(text);
            });
        }
    });
}

/// Returns true when the user presses Get started.
pub fn action_bar(ui: &mut Ui) -> bool {
    primary_button(ui, true, "Get started", "Get started").clicked()
}
