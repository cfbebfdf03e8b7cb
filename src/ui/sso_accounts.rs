//! The "Add more accounts from this sign-in" window: the listing with a
//! search box and select all / none, the name template, region and prefix,
//! the preview of the exact text, and Add / Copy / Remove. It reads the
//! flow's state and returns what was clicked.

use super::look::{measure, space};
use super::widgets::{button_named, caption, code, outcome_note};
use crate::aws::sso_populate::printable;
use crate::wizard::sso_accounts::{Busy, Flow, ListFailure};
use egui::{RichText, Ui};

pub enum Action {
    Close,
    Relist,
    Preview,
    CancelPreview,
    Add,
    Copy { key: String, text: String },
    RemovalPreview,
    Remove,
    CancelRemoval,
}

const ROW_HEIGHT: f32 = measure::ACCOUNT_ROW;

/// A sheet in the app's own look (a card's fill, border and corners over
/// the step), not egui's window with its title bar.
pub fn sheet(ui: &Ui) -> egui::Frame {
    let colors = super::look::Palette::of_ui(ui);
    egui::Frame::new()
        .fill(colors.surface)
        .stroke(egui::Stroke::new(1.0, colors.border))
        .corner_radius(super::look::radius::LARGE)
        .inner_margin(egui::Margin::same(space::L as i8))
        .shadow(ui.visuals().window_shadow)
}

/// The whole window's content.
pub fn show(ui: &mut Ui, flow: &mut Flow, copied: Option<&str>) -> Option<Action> {
    let mut action = None;
    super::widgets::section_heading(ui, "Add more accounts");
    // The profile's (or session's) name reads as a name, not as a word.
    ui.horizontal_wrapped(|ui| {
        ui.spacing_mut().item_spacing.x = 0.0;
        ui.label("Every account and role that the sign-in of ");
        ui.label(RichText::new(&flow.source).monospace().strong());
        ui.label(
            " reaches. Escher adds the ones you pick as profiles at the end of your AWS config, \
             after a preview and with a backup; it changes nothing else in the file.",
        );
    });
    ui.add_space(space::S);
    if flow.busy == Some(Busy::Listing) {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label("Listing accounts and roles…");
        });
    }
    if let Some(f) = flow.failure.clone() {
        set(&mut action, failure(ui, &f, copied));
    }
    if flow.listing.is_some() && flow.busy != Some(Busy::Listing) {
        if flow.preview.is_some() {
            set(&mut action, preview(ui, flow, copied));
        } else if flow.removal.is_some() {
            set(&mut action, removal(ui, flow));
        } else {
            set(&mut action, choose(ui, flow));
        }
    }
    if let Some((ok, text)) = &flow.outcome {
        ui.add_space(space::S);
        outcome_note(ui, *ok, text);
    }
    ui.add_space(space::S);
    if button_named(ui, true, "Close", "Close the account list").clicked() {
        action = Some(Action::Close);
    }
    action
}

fn set(action: &mut Option<Action>, new: Option<Action>) {
    if new.is_some() {
        *action = new;
    }
}

fn failure(ui: &mut Ui, f: &ListFailure, copied: Option<&str>) -> Option<Action> {
    let mut action = None;
    match f {
        ListFailure::SignIn {
            title,
            fix,
            command,
        } => {
            outcome_note(ui, false, title);
            ui.label(fix.as_str());
            if let Some(cmd) = command {
                ui.horizontal(|ui| {
                    code(ui, cmd, true);
                    if button_named(ui, true, "Copy", "Copy the sign-in command").clicked() {
                        action = Some(Action::Copy {
                            key: "sso-sign-in".into(),
                            text: cmd.clone(),
                        });
                    }
                    if copied == Some("sso-sign-in") {
                        ui.label("Copied");
                    }
                });
            }
        }
        ListFailure::Other(why) => outcome_note(ui, false, why),
    }
    if ui.button("List again").clicked() {
        action = Some(Action::Relist);
    }
    action
}

fn field(ui: &mut Ui, label: &str, value: &mut String, width: f32) {
    let l = ui.label(label);
    ui.add(egui::TextEdit::singleline(value).desired_width(width))
        .labelled_by(l.id);
}

fn choose(ui: &mut Ui, flow: &mut Flow) -> Option<Action> {
    let mut action = None;
    ui.horizontal(|ui| {
        field(ui, "Name template", &mut flow.template, measure::NAME_FIELD);
        field(ui, "Prefix", &mut flow.prefix, measure::SHORT_FIELD);
        field(ui, "Region", &mut flow.region, measure::REGION_FIELD);
    });
    caption(
        ui,
        "Placeholders: {account_name}, {account_id}, {role_name}, {prefix}. Names are made safe for the AWS SDKs; a name already taken gets a number.",
    );
    flow.names();
    if let Some(e) = &flow.template_error {
        outcome_note(ui, false, e);
    }
    ui.horizontal(|ui| {
        field(ui, "Search", &mut flow.search, measure::SEARCH_FIELD);
        if ui.button("Select all").clicked() {
            flow.select_visible(true);
        }
        if ui.button("Select none").clicked() {
            flow.select_visible(false);
        }
        ui.label(format!(
            "{} of {} chosen",
            flow.chosen_count(),
            flow.rows().len()
        ));
    });
    rows(ui, flow);
    let blocker = flow.preview_blocker();
    ui.horizontal(|ui| {
        let preview = button_named(
            ui,
            blocker.is_none() && flow.busy.is_none(),
            "Preview",
            "Preview",
        );
        if preview.clicked() {
            action = Some(Action::Preview);
        }
        if flow.busy == Some(Busy::Previewing) {
            ui.spinner();
        }
        if ui.button("Remove the profiles Escher added").clicked() {
            action = Some(Action::RemovalPreview);
        }
    });
    // A template error already shows under the template.
    if let Some(why) = blocker.filter(|_| flow.template_error.is_none()) {
        caption(ui, &why);
    }
    action
}

fn rows(ui: &mut Ui, flow: &mut Flow) {
    let visible = flow.visible();
    let names = flow.names().to_vec();
    egui::ScrollArea::vertical()
        .max_height(ROW_HEIGHT * 12.0)
        .auto_shrink([false, true])
        .show_rows(ui, ROW_HEIGHT, visible.len(), |ui, range| {
            for &i in &visible[range] {
                let Some(row) = flow.rows().get(i).cloned() else {
                    continue;
                };
                let can = flow.can_add(i);
                let account = printable(&row.reach.account_name);
                let id = printable(&row.reach.account_id);
                let role = printable(&row.reach.role_name);
                ui.horizontal(|ui| {
                    let mut on = flow.chosen.get(i).copied().unwrap_or(false) && can;
                    let name = format!("Add {account} {id} {role}");
                    let check = ui.add_enabled(can, egui::Checkbox::without_text(&mut on));
                    check.widget_info(|| {
                        egui::WidgetInfo::selected(egui::Role::CheckBox, can, on, &name)
                    });
                    if check.changed()
                        && let Some(c) = flow.chosen.get_mut(i)
                    {
                        *c = on;
                    }
                    ui.add_sized(
                        [measure::ACCOUNT_NAME, ROW_HEIGHT],
                        egui::Label::new(account).truncate(),
                    );
                    ui.label(RichText::new(id).monospace());
                    ui.add_sized(
                        [measure::ROLE_NAME, ROW_HEIGHT],
                        egui::Label::new(role).truncate(),
                    );
                    match (&row.existing, names.get(i).cloned().flatten(), &row.problem) {
                        (Some(e), _, _) => {
                            caption(ui, &format!("already in your files as {e}"));
                        }
                        (None, Some(p), _) => {
                            ui.label(RichText::new(p.name.as_str()).monospace());
                            if let Some(note) = p.note {
                                caption(ui, &note);
                            }
                        }
                        (None, None, Some(why)) => {
                            caption(ui, &format!("cannot be added: {}", printable(why)));
                        }
                        (None, None, None) => {}
                    }
                });
            }
        });
}

fn preview(ui: &mut Ui, flow: &Flow, copied: Option<&str>) -> Option<Action> {
    let mut action = None;
    let Some(plan) = &flow.preview else {
        return None;
    };
    let path = plan.snapshot.path.display().to_string();
    ui.label(
        RichText::new(format!(
            "{} profiles will be added to the end of {path}, exactly as below:",
            plan.profiles.len()
        ))
        .strong(),
    );
    egui::ScrollArea::vertical()
        .max_height(measure::PREVIEW_HEIGHT)
        .id_salt("sso-preview")
        .show(ui, |ui| {
            code(ui, plan.text.trim_start_matches(['\r', '\n']), true)
        });
    ui.horizontal(|ui| {
        let writing = flow.busy == Some(Busy::Writing);
        let add = format!("Add to {}", file_label(&path));
        if button_named(ui, !writing, &add, "Add to the AWS config file").clicked() {
            action = Some(Action::Add);
        }
        if writing {
            ui.spinner();
        }
        if button_named(
            ui,
            true,
            "Copy",
            "Copy the profiles and the aws configure set commands",
        )
        .clicked()
            && let Some(text) = flow.copy_text()
        {
            action = Some(Action::Copy {
                key: "sso-preview".into(),
                text,
            });
        }
        if copied == Some("sso-preview") {
            ui.label("Copied");
        }
        if ui.button("Back to the list").clicked() {
            action = Some(Action::CancelPreview);
        }
    });
    action
}

fn removal(ui: &mut Ui, flow: &Flow) -> Option<Action> {
    let mut action = None;
    let Some(plan) = &flow.removal else {
        return None;
    };
    let path = plan.snapshot.path.display().to_string();
    if plan.sections.is_empty() {
        ui.label(format!(
            "{path} has no profiles Escher added from this sign-in."
        ));
    } else {
        ui.label(
            RichText::new(format!(
                "These {} profiles Escher added will be removed from {path}; nothing else changes:",
                plan.sections.len()
            ))
            .strong(),
        );
        egui::ScrollArea::vertical()
            .max_height(measure::PREVIEW_HEIGHT)
            .id_salt("sso-removal")
            .show(ui, |ui| {
                code(ui, plan.text().trim_start_matches(['\r', '\n']), true)
            });
    }
    if !plan.orphans.is_empty() {
        ui.add_space(space::S);
        outcome_note(
            ui,
            false,
            &format!(
                "These profiles would stop working, because their source_profile leads to a profile being removed: {}. Remove anyway?",
                plan.orphans
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
    }
    ui.horizontal(|ui| {
        let busy = flow.busy == Some(Busy::Removing);
        let label = if plan.orphans.is_empty() {
            "Remove them"
        } else {
            "Remove them anyway"
        };
        if button_named(ui, !busy && !plan.sections.is_empty(), label, label).clicked() {
            action = Some(Action::Remove);
        }
        if ui.button("Back to the list").clicked() {
            action = Some(Action::CancelRemoval);
        }
    });
    action
}

/// `~/.aws/config` for the usual file, the path otherwise.
fn file_label(path: &str) -> String {
    match path.find("/.aws/config") {
        Some(i) if path.len() == i + "/.aws/config".len() => "~/.aws/config".into(),
        _ => path.to_owned(),
    }
}
