//! The stepper: Welcome → Connect AWS → Connect Azure → Done, each a
//! numbered marker with its title. Steps already done show a check and can
//! be clicked to go back to; the current one is filled with the accent.

use super::look::{Palette, size, space};
use super::widgets::icons;
use crate::wizard::{Step, Wizard};
use egui::{Role, Sense, Ui, WidgetInfo};

const MARKER: f32 = 24.0;
const CONNECTOR: f32 = 32.0;

#[derive(Clone, Copy, PartialEq)]
enum State {
    Done,
    Current,
    Upcoming,
}

/// How wide the stepper draws; `compact` shows only the current title.
pub fn width(ui: &Ui, wizard: &Wizard, compact: bool) -> f32 {
    let titles: f32 = Step::ALL
        .iter()
        .filter(|s| !compact || **s == wizard.step)
        .map(|s| title_galley(ui, s.title(), egui::Color32::WHITE).size().x + space::S)
        .sum();
    let n = Step::ALL.len() as f32;
    titles + n * MARKER + (n - 1.0) * (CONNECTOR + 2.0 * space::S)
}

fn title_galley(ui: &Ui, title: &str, color: egui::Color32) -> std::sync::Arc<egui::Galley> {
    ui.painter().layout_no_wrap(
        title.to_owned(),
        egui::FontId::proportional(size::BODY),
        color,
    )
}

/// Returns the done step the user clicked. `compact`: titles of the
/// other steps show on hover only.
pub fn show(ui: &mut Ui, wizard: &Wizard, compact: bool) -> Option<Step> {
    let current = Step::ALL
        .iter()
        .position(|s| *s == wizard.step)
        .unwrap_or(0);
    let mut go = None;
    ui.horizontal(|ui| {
        ui.spacing_mut().item_spacing.x = space::S;
        for (i, step) in Step::ALL.iter().enumerate() {
            if i > 0 {
                connector(ui, i <= current);
            }
            let state = match i.cmp(&current) {
                std::cmp::Ordering::Less => State::Done,
                std::cmp::Ordering::Equal => State::Current,
                std::cmp::Ordering::Greater => State::Upcoming,
            };
            let titled = !compact || state == State::Current;
            if marker(ui, i + 1, step.title(), state, titled).clicked() {
                go = Some(*step);
            }
        }
    });
    go
}

fn connector(ui: &mut Ui, done: bool) {
    let p = Palette::of_ui(ui);
    let (rect, _) = ui.allocate_exact_size(egui::vec2(CONNECTOR, MARKER), Sense::hover());
    let color = if done { p.accent } else { p.border };
    ui.painter().hline(
        rect.x_range(),
        rect.center().y,
        egui::Stroke::new(2.0, color),
    );
}

/// One step, announced as "2 Connect AWS" (a button once it is done).
fn marker(ui: &mut Ui, number: usize, title: &str, state: State, titled: bool) -> egui::Response {
    let p = Palette::of_ui(ui);
    let title_color = match state {
        State::Upcoming => p.muted,
        State::Done => p.text,
        State::Current => p.strong,
    };
    let galley = title_galley(ui, title, title_color);
    let width = if titled {
        MARKER + space::S + galley.size().x
    } else {
        MARKER
    };
    let sense = if state == State::Done {
        Sense::click()
    } else {
        Sense::hover()
    };
    let (rect, resp) = ui.allocate_exact_size(egui::vec2(width, MARKER), sense);
    let name = format!("{number} {title}");
    let (role, enabled) = match state {
        State::Done => (Role::Button, true),
        _ => (Role::Label, true),
    };
    resp.widget_info(|| WidgetInfo::labeled(role, enabled, &name));
    let resp = match state {
        State::Done => resp
            .on_hover_text(format!("Go back to {title}"))
            .on_hover_cursor(egui::CursorIcon::PointingHand),
        _ if !titled => resp.on_hover_text(title),
        _ => resp,
    };
    let center = egui::pos2(rect.left() + MARKER / 2.0, rect.center().y);
    let painter = ui.painter();
    match state {
        State::Done => {
            let fill = if resp.hovered() {
                super::look::mix(p.accent, p.strong, 0.2)
            } else {
                p.accent
            };
            painter.circle_filled(center, MARKER / 2.0, fill);
            painter.text(
                center,
                egui::Align2::CENTER_CENTER,
                icons::ICON_CHECK.codepoint,
                egui::FontId::new(size::ICON, icons::ICON_CHECK.font_family()),
                p.on_accent,
            );
        }
        State::Current => {
            painter.circle_filled(center, MARKER / 2.0, p.accent);
            painter.text(
                center,
                egui::Align2::CENTER_CENTER,
                number.to_string(),
                egui::FontId::proportional(size::CAPTION),
                p.on_accent,
            );
        }
        State::Upcoming => {
            painter.circle(
                center,
                MARKER / 2.0 - 1.0,
                p.surface,
                egui::Stroke::new(1.5, p.border),
            );
            painter.text(
                center,
                egui::Align2::CENTER_CENTER,
                number.to_string(),
                egui::FontId::proportional(size::CAPTION),
                p.muted,
            );
        }
    }
    if titled {
        let text_pos = egui::pos2(
            rect.left() + MARKER + space::S,
            rect.center().y - galley.size().y / 2.0,
        );
        painter.galley(text_pos, galley, title_color);
    }
    resp
}
