//! Settings → Profiles: every connected profile as a toggle, with what was
//! last verified; the profiles found in the AWS files but not connected.

use super::widgets::{button_named, error_color, success_color, toggle};
use crate::time_words::{ago, describe_expiry};
use crate::wizard::Wizard;
use egui::{RichText, Ui};
use std::time::SystemTime;

pub enum Action {
    Toggled,
    Recheck(String),
    RecheckAll,
    Remove(String),
    Connect(String),
    AddAws,
    Close,
}

/// What is known of a connected profile: missing, failing, or verified.
fn status(ui: &mut Ui, wizard: &Wizard, p: &crate::settings::SavedProfile, now: SystemTime) {
    if wizard.is_missing_from_files(&p.name) {
        ui.label(RichText::new("Missing from your AWS files").color(error_color(ui)));
        ui.label(RichText::new("aws configure list-profiles no longer lists it.").weak());
    } else if let Some(r) = wizard.report_for(&p.name).filter(|r| !r.passed()) {
        let title = r.diagnosis().map(|d| d.title.clone()).unwrap_or_default();
        ui.label(RichText::new(format!("✖ {title}")).color(error_color(ui)));
        if let Some(cmd) = r.diagnosis().and_then(|d| d.command.clone()) {
            ui.label(RichText::new(cmd).monospace());
        }
    } else if let Some(id) = &p.identity {
        let when = p.verified_time().map(ago).unwrap_or_default();
        ui.label(
            RichText::new(format!("✔ {} · verified {when}", id.account)).color(success_color(ui)),
        );
        ui.add(egui::Label::new(RichText::new(&id.arn).monospace().small()).selectable(true));
    }
    if let Some(at) = wizard
        .discovery
        .as_ref()
        .and_then(|d| d.get(&p.name))
        .and_then(|i| i.sso_token_expires_at)
    {
        ui.label(RichText::new(format!("SSO sign-in {}", describe_expiry(at, now))).weak());
    }
}

pub fn show(ui: &mut Ui, wizard: &mut Wizard, checking: &dyn Fn(&str) -> bool) -> Option<Action> {
    let mut action = None;
    ui.horizontal(|ui| {
        ui.heading("Settings → Profiles");
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui.button("Close settings").clicked() {
                action = Some(Action::Close);
            }
        });
    });
    ui.label("Switch on the profiles you want Escher to use right now. Removing a profile removes it from Escher only; your AWS files are never changed.");
    ui.add_space(8.0);
    ui.horizontal(|ui| {
        let any_enabled = wizard.profiles.iter().any(|p| p.enabled);
        if ui
            .add_enabled(any_enabled, egui::Button::new("Re-check all"))
            .clicked()
        {
            action = Some(Action::RecheckAll);
        }
        ui.menu_button("Add Profile", |ui| {
            if ui.button("AWS").clicked() {
                action = Some(Action::AddAws);
                ui.close();
            }
        });
    });
    ui.add_space(8.0);
    if wizard.profiles.is_empty() {
        ui.label(
            RichText::new(
                "No profiles connected yet. Use Add Profile → AWS, or connect one found below.",
            )
            .weak(),
        );
    }
    let now = SystemTime::now();
    let mut toggles: Vec<(String, bool)> = Vec::new();
    for p in &wizard.profiles {
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.horizontal(|ui| {
                let mut on = p.enabled;
                if toggle(ui, &mut on, &format!("Use {}", p.name)).changed() {
                    toggles.push((p.name.clone(), on));
                }
                ui.add_space(8.0);
                ui.vertical(|ui| {
                    ui.set_width(180.0);
                    ui.label(RichText::new(&p.name).strong().monospace());
                    let kind = p.kind.map(|k| k.label()).unwrap_or("Unknown kind");
                    let region = p.region.as_deref().unwrap_or("no region");
                    ui.label(RichText::new(format!("{kind} · {region}")).weak());
                });
                // The status takes what the buttons leave.
                let status_width = (ui.available_width() - 190.0).max(200.0);
                ui.vertical(|ui| {
                    ui.set_width(status_width);
                    status(ui, wizard, p, now);
                });
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    if button_named(ui, true, "Remove", &format!("Remove {}", p.name)).clicked() {
                        action = Some(Action::Remove(p.name.clone()));
                    }
                    let busy = checking(&p.name);
                    if button_named(ui, !busy, "Re-check", &format!("Re-check {}", p.name))
                        .clicked()
                    {
                        action = Some(Action::Recheck(p.name.clone()));
                    }
                    if busy {
                        ui.spinner();
                    }
                });
            });
        });
    }
    for (name, on) in toggles {
        wizard.set_enabled(&name, on);
        action = Some(Action::Toggled);
    }

    let found = wizard.found_not_connected();
    if !found.is_empty() {
        ui.add_space(16.0);
        ui.label(RichText::new("Found in your AWS config").strong());
        egui::Grid::new("found")
            .num_columns(3)
            .striped(true)
            .spacing([12.0, 6.0])
            .show(ui, |ui| {
                for p in found {
                    ui.label(RichText::new(&p.name).monospace());
                    match &p.problem {
                        Some(problem) => ui.label(
                            RichText::new(format!("Unusable: {problem}")).color(error_color(ui)),
                        ),
                        None => ui.label(RichText::new(p.kind.label()).weak()),
                    };
                    let busy = checking(&p.name);
                    ui.horizontal(|ui| {
                        if busy {
                            ui.spinner();
                        }
                        if button_named(ui, !busy, "Connect", &format!("Connect {}", p.name))
                            .clicked()
                        {
                            action = Some(Action::Connect(p.name.clone()));
                        }
                    });
                    ui.end_row();
                }
            });
    }
    if let Some(d) = &wizard.discovery {
        for problem in &d.problems {
            ui.label(
                RichText::new(format!(
                    "{} cannot be read: {}",
                    problem.path.display(),
                    problem.message
                ))
                .color(error_color(ui)),
            );
        }
    }
    action
}
