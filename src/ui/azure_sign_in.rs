//! Connect Azure → Sign in with Azure: an optional tenant and the cloud,
//! Sign in with Azure or Use a code instead, what `az login` waits for
//! (the browser, or a code shown large with Copy and Open) with Cancel,
//! and how it ended. Reads the state; returns what was clicked.

use super::look::{Tone, measure, space};
use super::widgets::CodeClick;
use super::widgets::{
    button_named, caption, card, code_block, error_color, primary_button, section_heading,
    status_line,
};
use crate::azure::login::Asked;
use crate::wizard::azure_sign_in::{AzureSignIn, Stage};
use egui::{RichText, Ui};

pub enum Action {
    SignIn { device_code: bool },
    Cancel,
    Copy { key: String, text: String },
    Open(String),
}

pub struct View<'a> {
    pub sign_in: &'a mut AzureSignIn,
    /// The cloud the last Re-check found active, if any.
    pub active_cloud: Option<&'a str>,
    /// No browser can open here (SSH, WSL, no display): a code by default.
    pub code_by_default: bool,
}

pub fn show(ui: &mut Ui, v: View<'_>) -> Option<Action> {
    card(ui, |ui| {
        section_heading(ui, "Sign in to Azure");
        caption(
            ui,
            "Escher runs your own Azure CLI's az login and shows what it asks of you; az keeps \
             the sign-in in its own folder as it always does.",
        );
        ui.add_space(space::S);
        let working = v.sign_in.working();
        ui.add_enabled_ui(!working, |ui| fields(ui, v.sign_in, v.active_cloud));
        ui.add_space(space::S);
        if working {
            return progress(ui, v.sign_in);
        }
        let action = buttons(ui, &v);
        // A failure is the card under this one, with its fix.
        if !matches!(v.sign_in.stage, Stage::Failed(_)) {
            ended(ui, &v.sign_in.stage);
        }
        action
    })
}

fn fields(ui: &mut Ui, s: &mut AzureSignIn, active: Option<&str>) {
    egui::Grid::new("azure-sign-in-fields")
        .num_columns(2)
        .spacing([space::S, space::S])
        .show(ui, |ui| {
            let label = ui.label(RichText::new("Tenant (optional)").strong());
            ui.add(
                egui::TextEdit::singleline(&mut s.tenant)
                    .hint_text("00000000-0000-0000-0000-000000000000")
                    .desired_width(measure::NAME_FIELD * 1.4),
            )
            .labelled_by(label.id);
            ui.end_row();
            ui.label(RichText::new("Cloud").strong());
            let shown = match (s.cloud.as_str(), active) {
                ("", Some(a)) => a.to_owned(),
                ("", None) => "The active cloud".to_owned(),
                (c, _) => c.to_owned(),
            };
            let picker = egui::ComboBox::from_id_salt("pick-azure-cloud")
                .selected_text(shown)
                .show_ui(ui, |ui| {
                    for c in AzureSignIn::clouds(active) {
                        ui.selectable_value(&mut s.cloud, c.clone(), c);
                    }
                });
            picker.response.widget_info(|| {
                egui::WidgetInfo::labeled(egui::Role::ComboBox, true, "Pick the Azure cloud")
            });
            ui.end_row();
        });
    match s.tenant_problem() {
        Some(p) => {
            ui.label(RichText::new(p).color(error_color(ui)));
        }
        None => {
            caption(
                ui,
                "Leave the tenant empty to sign in to every tenant your account reaches.",
            );
        }
    }
}

fn buttons(ui: &mut Ui, v: &View<'_>) -> Option<Action> {
    let ready = v.sign_in.tenant_problem().is_none();
    let mut action = None;
    ui.horizontal(|ui| {
        if primary_button(ui, ready, "Sign in with Azure", "Sign in with Azure").clicked() {
            action = Some(Action::SignIn {
                device_code: v.code_by_default,
            });
        }
        if !v.code_by_default
            && button_named(ui, ready, "Use a code instead", "Use a code instead")
                .on_hover_text("For a browser on another device: enter a code there")
                .clicked()
        {
            action = Some(Action::SignIn { device_code: true });
        }
    });
    if v.code_by_default {
        caption(
            ui,
            "No browser can open here, so az gives you a code to enter in a browser on any device.",
        );
    }
    action
}

/// What a running sign-in waits for, with Cancel; or how it ended. Also
/// shown under a Settings row whose Sign in was clicked.
pub fn progress(ui: &mut Ui, s: &AzureSignIn) -> Option<Action> {
    match &s.stage {
        Stage::Working { device_code, asked } => waiting(ui, *device_code, asked.as_ref()),
        stage => {
            ended(ui, stage);
            None
        }
    }
}

fn waiting(ui: &mut Ui, device_code: bool, asked: Option<&Asked>) -> Option<Action> {
    let mut action = None;
    match asked {
        Some(Asked::DeviceCode { code, page }) => {
            ui.label(format!(
                "Open {page} in a browser on any device and enter this code:"
            ));
            action = match super::widgets::sign_in_code(ui, code) {
                Some(CodeClick::Copy) => Some(Action::Copy {
                    key: "azure-code".into(),
                    text: code.clone(),
                }),
                Some(CodeClick::Open) => Some(Action::Open(page.clone())),
                None => None,
            };
            caption(ui, "Waiting for you to sign in there…");
        }
        Some(Asked::Browser { page }) => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Finish signing in in your browser");
            });
            if let Some(page) = page {
                caption(
                    ui,
                    "az opened this page; if no browser window appeared, use a code instead:",
                );
                code_block(ui, page, true);
            }
        }
        None => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(if device_code {
                    "Asking Azure for a code…"
                } else {
                    "Starting az login…"
                });
            });
        }
    }
    ui.add_space(space::XS);
    if button_named(ui, true, "Cancel", "Cancel the Azure sign-in").clicked() {
        action = Some(Action::Cancel);
    }
    caption(ui, "Escher gives up after 10 minutes.");
    action
}

fn ended(ui: &mut Ui, stage: &Stage) {
    match stage {
        Stage::Cancelled => {
            caption(ui, "Sign-in cancelled; az login was ended.");
        }
        Stage::SignedIn => {
            status_line(ui, Tone::Success, "Signed in with Azure", None);
        }
        Stage::Failed(d) => {
            status_line(ui, Tone::Danger, &d.title, None);
        }
        Stage::Idle | Stage::Working { .. } => {}
    }
}
