//! Settings → Profiles: every connected profile as a toggle, with what was
//! last verified; the profiles found in the AWS files but not connected,
//! each with the diagnosis of its last failed Connect. The list lays out
//! only the rows in view, so a thousand profiles cost what ten do.

use super::widgets::{button_named, code, error_color, success_color, toggle};
use crate::settings::SavedProfile;
use crate::time_words::ago;
use crate::wizard::Wizard;
use egui::{RichText, Ui};
use std::time::SystemTime;

pub enum Action {
    Toggle {
        name: String,
        on: bool,
    },
    Recheck(String),
    RecheckAll,
    Remove(String),
    /// Sign in again: `aws sso login --profile NAME` in a terminal.
    Renew(String),
    Connect(String),
    AddAws,
    AddAzure,
    Azure(super::azure_profiles::Action),
    Close,
}

/// One row of the list, by position.
#[derive(Clone, Copy)]
enum Row {
    Connected(usize),
    FoundHeading,
    Found(usize),
    FileProblem(usize),
}

impl Row {
    fn at(wizard: &Wizard, i: usize) -> Row {
        let connected = wizard.profiles().len();
        if i < connected {
            return Row::Connected(i);
        }
        let mut i = i - connected;
        let found = wizard.found_count();
        if found > 0 {
            if i == 0 {
                return Row::FoundHeading;
            }
            i -= 1;
            if i < found {
                return Row::Found(i);
            }
            i -= found;
        }
        Row::FileProblem(i)
    }

    fn count(wizard: &Wizard) -> usize {
        let found = wizard.found_count();
        let problems = wizard.discovery().map_or(0, |d| d.problems.len());
        wizard.profiles().len() + usize::from(found > 0) + found + problems
    }

    /// Rows of one kind are about as tall as each other: the last one
    /// measured stands in for those not drawn yet.
    fn kind(self) -> usize {
        match self {
            Row::Connected(_) => 0,
            Row::FoundHeading => 1,
            Row::Found(_) => 2,
            Row::FileProblem(_) => 3,
        }
    }
}

/// The rows' heights as last drawn (or guessed), and where each starts,
/// recomputed when the list or a height changes rather than every frame.
#[derive(Default)]
pub struct Rows {
    revision: Option<u64>,
    heights: Vec<f32>,
    tops: Vec<f32>,
    total: f32,
    typical: [Option<f32>; 4],
    moved: bool,
}

impl Rows {
    const GUESS: [f32; 4] = [70.0, 40.0, 24.0, 20.0];

    fn prepare(&mut self, wizard: &Wizard, spacing: f32) {
        let count = Row::count(wizard);
        if self.revision == Some(wizard.revision()) && self.heights.len() == count {
            return;
        }
        self.revision = Some(wizard.revision());
        self.heights = (0..count)
            .map(|i| {
                let kind = Row::at(wizard, i).kind();
                self.typical[kind].unwrap_or(Self::GUESS[kind])
            })
            .collect();
        self.place(spacing);
    }

    fn place(&mut self, spacing: f32) {
        self.tops.clear();
        let mut y = 0.0;
        for h in &self.heights {
            self.tops.push(y);
            y += h + spacing;
        }
        self.total = (y - spacing).max(0.0);
        self.moved = false;
    }

    /// The first row whose bottom is below `y` (content coordinates).
    fn first_at(&self, y: f32) -> usize {
        self.tops.partition_point(|top| *top <= y).saturating_sub(1)
    }

    fn measured(&mut self, i: usize, kind: usize, height: f32) {
        self.typical[kind] = Some(height);
        if let Some(h) = self.heights.get_mut(i)
            && (*h - height).abs() > 0.5
        {
            *h = height;
            self.moved = true;
        }
    }
}

/// `azure_busy`: an Azure Re-check or verification is running.
pub fn show(
    ui: &mut Ui,
    wizard: &Wizard,
    rows: &mut Rows,
    checking: &dyn Fn(&str) -> bool,
    azure_busy: bool,
) -> Option<Action> {
    let mut action = header(ui, wizard, azure_busy);
    let spacing = ui.spacing().item_spacing.y;
    rows.prepare(wizard, spacing);
    let now = SystemTime::now();
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show_viewport(ui, |ui, viewport| {
            ui.set_height(rows.total);
            let count = rows.heights.len();
            if count == 0 {
                return;
            }
            let first = rows.first_at(viewport.min.y);
            let top = ui.max_rect().top() + rows.tops[first];
            let rect = egui::Rect::from_x_y_ranges(ui.max_rect().x_range(), top..=f32::INFINITY);
            ui.scope_builder(egui::UiBuilder::new().max_rect(rect), |ui| {
                ui.skip_ahead_auto_ids(first);
                let mut y = rows.tops[first];
                let mut i = first;
                while i < count && y <= viewport.max.y {
                    let row = Row::at(wizard, i);
                    let drawn = ui.scope(|ui| draw_row(ui, wizard, row, now, checking));
                    if let Some(a) = drawn.inner {
                        action = Some(a);
                    }
                    let height = drawn.response.rect.height();
                    rows.measured(i, row.kind(), height);
                    y += height + spacing;
                    i += 1;
                }
            });
        });
    if rows.moved {
        rows.place(spacing);
        ui.ctx().request_repaint();
    }
    action
}

fn header(ui: &mut Ui, wizard: &Wizard, azure_busy: bool) -> Option<Action> {
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
        if ui
            .add_enabled(wizard.any_enabled(), egui::Button::new("Re-check all"))
            .clicked()
        {
            action = Some(Action::RecheckAll);
        }
        ui.menu_button("Add Profile", |ui| {
            if ui.button("AWS").clicked() {
                action = Some(Action::AddAws);
                ui.close();
            }
            if ui.button("Azure").clicked() {
                action = Some(Action::AddAzure);
                ui.close();
            }
        });
    });
    ui.add_space(8.0);
    if let Some(a) = super::azure_profiles::show(ui, wizard, azure_busy) {
        action = Some(Action::Azure(a));
    }
    if !wizard.azure.saved().is_empty() {
        ui.label(RichText::new("AWS profiles").strong());
    }
    if wizard.profiles().is_empty() {
        ui.label(
            RichText::new(
                "No profiles connected yet. Use Add Profile → AWS, or connect one found below.",
            )
            .weak(),
        );
    }
    action
}

fn draw_row(
    ui: &mut Ui,
    wizard: &Wizard,
    row: Row,
    now: SystemTime,
    checking: &dyn Fn(&str) -> bool,
) -> Option<Action> {
    match row {
        Row::Connected(i) => {
            let p = wizard.profiles().get(i)?;
            connected_row(ui, wizard, p, now, checking)
        }
        Row::FoundHeading => {
            ui.add_space(16.0);
            ui.label(RichText::new("Found in your AWS config").strong());
            None
        }
        Row::Found(i) => found_row(ui, wizard, i, checking),
        Row::FileProblem(i) => {
            let problem = wizard.discovery()?.problems.get(i)?;
            ui.label(
                RichText::new(format!(
                    "{} cannot be read: {}",
                    problem.path.display(),
                    problem.message
                ))
                .color(error_color(ui)),
            );
            None
        }
    }
}

fn connected_row(
    ui: &mut Ui,
    wizard: &Wizard,
    p: &SavedProfile,
    now: SystemTime,
    checking: &dyn Fn(&str) -> bool,
) -> Option<Action> {
    let mut action = None;
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.set_width(ui.available_width());
        ui.horizontal(|ui| {
            let mut on = p.enabled;
            if toggle(ui, &mut on, &format!("Use {}", p.name)).changed() {
                action = Some(Action::Toggle {
                    name: p.name.clone(),
                    on,
                });
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
                if status(ui, wizard, p, now) {
                    action = Some(Action::Renew(p.name.clone()));
                }
            });
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if button_named(ui, true, "Remove", &format!("Remove {}", p.name)).clicked() {
                    action = Some(Action::Remove(p.name.clone()));
                }
                let busy = checking(&p.name);
                if button_named(ui, !busy, "Re-check", &format!("Re-check {}", p.name)).clicked() {
                    action = Some(Action::Recheck(p.name.clone()));
                }
                if busy {
                    ui.spinner();
                }
            });
        });
    });
    action
}

/// What is known of a connected profile: missing, failing, or verified.
/// Returns whether Renew was clicked.
fn status(ui: &mut Ui, wizard: &Wizard, p: &SavedProfile, now: SystemTime) -> bool {
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
        let when = p
            .verified_time(now)
            .map(ago)
            .unwrap_or_else(|| "at a time not known".to_owned());
        ui.label(
            RichText::new(format!("✔ {} · verified {when}", id.account)).color(success_color(ui)),
        );
        ui.add(egui::Label::new(RichText::new(&id.arn).monospace().small()).selectable(true));
    }
    wizard
        .in_files(&p.name)
        .and_then(|i| i.sso_token_expires_at)
        .is_some_and(|at| super::sign_in::sso_sign_in(ui, &p.name, at, now))
}

/// A profile in the files, not connected: Connect checks it, and a failed
/// check says here why and what to do.
fn found_row(
    ui: &mut Ui,
    wizard: &Wizard,
    i: usize,
    checking: &dyn Fn(&str) -> bool,
) -> Option<Action> {
    let p = wizard.found_at(i)?;
    let mut action = None;
    let fill = if i % 2 == 1 {
        ui.visuals().faint_bg_color
    } else {
        egui::Color32::TRANSPARENT
    };
    egui::Frame::new()
        .fill(fill)
        .inner_margin(egui::Margin::symmetric(4, 2))
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.horizontal(|ui| {
                ui.vertical(|ui| {
                    ui.set_width(220.0);
                    ui.label(RichText::new(&p.name).monospace());
                });
                ui.vertical(|ui| {
                    ui.set_width(260.0);
                    match &p.problem {
                        Some(problem) => ui.label(
                            RichText::new(format!("Unusable: {problem}")).color(error_color(ui)),
                        ),
                        None => ui.label(RichText::new(p.kind.label()).weak()),
                    };
                });
                let busy = checking(&p.name);
                if busy {
                    ui.spinner();
                }
                if button_named(ui, !busy, "Connect", &format!("Connect {}", p.name)).clicked() {
                    action = Some(Action::Connect(p.name.clone()));
                }
            });
            let failed = wizard
                .report_for(&p.name)
                .filter(|_| !checking(&p.name))
                .and_then(|r| r.diagnosis());
            if let Some(d) = failed {
                ui.label(
                    RichText::new(format!("✖ {}", d.title))
                        .strong()
                        .color(error_color(ui)),
                );
                ui.add(egui::Label::new(format!("What to do: {}", d.fix)).wrap());
                if let Some(cmd) = &d.command {
                    code(ui, cmd, true);
                }
            }
        });
    action
}
