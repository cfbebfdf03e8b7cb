//! Step 1: what Escher will ask for and why.

use super::widgets::{Callout, callout};
use egui::{RichText, Ui};

/// Returns true when the user presses Get started.
pub fn show(ui: &mut Ui) -> bool {
    ui.heading("Welcome to Escher");
    ui.add_space(8.0);
    ui.label(
        "Escher is a cloud-ops assistant. Before it can answer questions about your cloud, \
         connect the accounts it may read.",
    );
    ui.add_space(8.0);
    ui.label(RichText::new("What Escher reads").strong());
    ui.label(
        "Read access to the resources you'd expect: EC2 instances, S3 buckets, IAM roles and policies, \
         RDS databases, VPCs, and (when enabled) Cost Explorer.",
    );
    ui.add_space(8.0);
    callout(ui, Callout::Info, |ui| {
        ui.label(
            "Escher does not need write permissions for normal use. Write operations only happen via the \
             Playbook flow, which requires explicit human approval per step.",
        );
    });
    ui.add_space(8.0);
    ui.label(RichText::new("What you will do").strong());
    ui.label("1. Connect one or more AWS profiles. IAM Identity Center (SSO) is recommended; access keys also work.");
    ui.label("2. Connect Azure.");
    ui.add_space(16.0);
    ui.add(egui::Button::new(RichText::new("Get started").strong()))
        .clicked()
}
