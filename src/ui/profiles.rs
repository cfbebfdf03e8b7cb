//! Settings → Profiles: every connected profile as a toggle, with what was
//! last verified; the profiles found in the AWS files but not connected,
//! each with the diagnosis of its last failed Connect. The list lays out
//! only the rows in view, so a thousand profiles cost what ten do.

use super::look::{Palette, Tone, measure, space};
use super::widgets::{
    button_named, caption, card, code, empty_state, error_color, icon_button, icons, paragraph,
    screen_title, section_heading, segmented, status_line, toggle,
};
use crate::settings::{Appearance, SavedProfile};
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
    /// Sign in again, here or (`InTerminal`) with `aws sso login --profile NAME`.
    Renew(String, super::sign_in::Renew),
    Connect(String),
    AddAws,
    AddAzure,
    Azure(super::azure_profiles::Action),
    Appearance(Appearance),
    Close,
    /// "Add more accounts from this sign-in" for this SSO profile.
    AddAccounts(String),
    Permissions(super::permissions::Action),
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
        screen_title(ui, "Settings → Profiles");
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            let close = icons::ICON_CLOSE;
            if icon_button(ui, true, close, "Close", "Close settings")
                .on_hover_text("Back to the wizard (Esc)")
                .clicked()
            {
                action = Some(Action::Close);
            }
        });
    });
    paragraph(
        ui,
        "Switch on the profiles you want Escher to use right now. Removing a profile removes it from Escher only; it stays in your AWS files.",
    );
    ui.add_space(space::S);
    ui.horizontal(|ui| {
        let all = icons::ICON_REFRESH;
        if icon_button(
            ui,
            wizard.any_enabled(),
            all,
            "Re-check all",
            "Re-check all",
        )
        .on_disabled_hover_text("Switch on a profile to check it")
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
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if let Some(a) = appearance(ui, wizard.appearance()) {
                action = Some(Action::Appearance(a));
            }
        });
    });
    ui.add_space(space::S);
    if let Some(a) = super::azure_profiles::show(ui, wizard, azure_busy) {
        action = Some(Action::Azure(a));
    }
    if !wizard.azure.saved().is_empty() {
        section_heading(ui, "AWS profiles");
    }
    for name in wizard.unread_profiles() {
        caption(
            ui,
            &format!(
                "{name}: written by a newer Escher; kept as it is in your settings, not used by this version"
            ),
        );
    }
    if wizard.profiles().is_empty()
        && empty_state(
            ui,
            "No profiles connected yet. Use Add Profile → AWS, or connect one found below.",
            "Connect an AWS profile",
            "Connect an AWS profile",
        )
    {
        action = Some(Action::AddAws);
    }
    action
}

/// System, Light or Dark; announced as "Appearance: Dark" and so on.
fn appearance(ui: &mut Ui, current: Appearance) -> Option<Appearance> {
    let choices: Vec<(Appearance, &str, String)> = Appearance::ALL
        .iter()
        .rev()
        .map(|a| (*a, a.label(), format!("Appearance: {}", a.label())))
        .collect();
    let picked = segmented(ui, current, &choices);
    caption(ui, "Appearance");
    picked
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
            ui.add_space(space::L);
            section_heading(ui, "Found in your AWS config");
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
    card(ui, |ui| {
        ui.horizontal(|ui| {
            let mut on = p.enabled;
            if toggle(ui, &mut on, &format!("Use {}", p.name)).changed() {
                action = Some(Action::Toggle {
                    name: p.name.clone(),
                    on,
                });
            }
            ui.add_space(space::S);
            ui.vertical(|ui| {
                ui.set_width(measure::PROFILE_COLUMN);
                ui.label(RichText::new(&p.name).strong().monospace());
                let kind = p.kind.map(|k| k.label()).unwrap_or("Unknown kind");
                let region = p.region.as_deref().unwrap_or("no region");
                caption(ui, &format!("{kind} · {region}"));
            });
            // The status takes what the buttons leave.
            let status_width =
                (ui.available_width() - measure::ROW_BUTTONS).max(measure::STATUS_MIN);
            ui.vertical(|ui| {
                ui.set_width(status_width);
                if let Some(how) = status(ui, wizard, p, now) {
                    action = Some(Action::Renew(p.name.clone(), how));
                }
            });
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                let remove = icons::ICON_DELETE;
                if icon_button(ui, true, remove, "Remove", &format!("Remove {}", p.name))
                    .on_hover_text("Removes it from Escher only; your AWS files are not changed")
                    .clicked()
                {
                    action = Some(Action::Remove(p.name.clone()));
                }
                let busy = checking(&p.name);
                let again = icons::ICON_REFRESH;
                if icon_button(
                    ui,
                    !busy,
                    again,
                    "Re-check",
                    &format!("Re-check {}", p.name),
                )
                .clicked()
                {
                    action = Some(Action::Recheck(p.name.clone()));
                }
                if busy {
                    ui.spinner();
                }
            });
        });
        // What this sign-in can do, across the row's whole width.
        let failing = wizard.report_for(&p.name).is_some_and(|r| !r.passed());
        if p.identity.is_some() && !failing {
            let view = super::permissions::View::of(wizard, &p.name);
            if let Some(a) = super::permissions::show(ui, view) {
                action = Some(Action::Permissions(a));
            }
        }
        let more = format!("Add more accounts from the sign-in of {}", p.name);
        if p.kind.is_some_and(|k| k.is_sso())
            && button_named(ui, true, "Add accounts", &more).clicked()
        {
            action = Some(Action::AddAccounts(p.name.clone()));
        }
    });
    action
}

/// What is known of a connected profile: missing, failing, or verified.
/// Returns which Renew was clicked.
fn status(
    ui: &mut Ui,
    wizard: &Wizard,
    p: &SavedProfile,
    now: SystemTime,
) -> Option<super::sign_in::Renew> {
    if wizard.is_missing_from_files(&p.name) {
        let missing = "Missing from your AWS files";
        status_line(ui, Tone::Danger, missing, Some(missing));
        caption(ui, "aws configure list-profiles no longer lists it.");
    } else if let Some(r) = wizard.report_for(&p.name).filter(|r| !r.passed()) {
        let title = r.diagnosis().map(|d| d.title.clone()).unwrap_or_default();
        status_line(ui, Tone::Danger, &title, None);
        if let Some(cmd) = r.diagnosis().and_then(|d| d.command.clone()) {
            code(ui, &cmd, true);
        }
    } else if let Some(id) = &p.identity {
        let when = p
            .verified_time(now)
            .map(ago)
            .unwrap_or_else(|| "at a time not known".to_owned());
        status_line(
            ui,
            Tone::Success,
            &format!(
                "{}{} · verified {when}",
                id.account,
                super::permissions::account_names(p.permissions.as_ref())
            ),
            None,
        );
        ui.add(egui::Label::new(RichText::new(&id.arn).monospace().small()).selectable(true));
    }
    wizard
        .in_files(&p.name)
        .and_then(|i| i.sso_token_expires_at)
        .and_then(|at| super::sign_in::sso_sign_in(ui, &p.name, at, now))
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
    let colors = Palette::of_ui(ui);
    egui::Frame::new()
        .fill(colors.surface)
        .stroke(egui::Stroke::new(1.0, colors.border))
        .corner_radius(super::look::radius::MEDIUM)
        .inner_margin(egui::Margin::symmetric(space::S as i8, space::XS as i8))
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.horizontal(|ui| {
                ui.vertical(|ui| {
                    ui.set_width(measure::FOUND_NAME);
                    ui.label(RichText::new(&p.name).monospace());
                });
                ui.vertical(|ui| {
                    ui.set_width(measure::FOUND_KIND);
                    match &p.problem {
                        Some(problem) => ui.label(
                            RichText::new(format!("Unusable: {problem}")).color(error_color(ui)),
                        ),
                        None => caption(ui, p.kind.label()),
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
                status_line(ui, Tone::Danger, &d.title, None);
                paragraph(ui, &format!("What to do: {}", on_this_row(&d.fix)));
                if let Some(cmd) = &d.command {
                    code(ui, cmd, true);
                }
            }
        });
    action
}

/// A fix written for Connect AWS names its Re-check; this row's button is
/// Connect.
fn on_this_row(fix: &str) -> String {
    fix.replace("click Re-check", "click Connect")
        .replace("Click Re-check", "Click Connect")
}
