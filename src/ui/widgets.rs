//! Small pieces shared by the screens.

use egui::{Color32, RichText, Role, Ui, WidgetInfo};

/// A button whose accessible name says more than its short visible text
/// (several "Copy" buttons on one screen need different names).
pub fn button_named(ui: &mut Ui, enabled: bool, text: &str, name: &str) -> egui::Response {
    let resp = ui.add_enabled(enabled, egui::Button::new(text));
    let name = name.to_owned();
    resp.widget_info(|| WidgetInfo::labeled(Role::Button, enabled, &name));
    resp
}

/// A framed note: TIP, WARNING, INFO as in the product reference.
pub fn callout(ui: &mut Ui, kind: Callout, add: impl FnOnce(&mut Ui)) {
    let (label, color) = match kind {
        Callout::Tip => ("TIP", ui.visuals().hyperlink_color),
        Callout::Warning => ("WARNING", ui.visuals().warn_fg_color),
        Callout::Info => ("INFO", ui.visuals().hyperlink_color),
    };
    egui::Frame::group(ui.style())
        .stroke(egui::Stroke::new(1.0, color))
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.label(RichText::new(label).strong().color(color));
            add(ui);
        });
}

#[derive(Clone, Copy)]
pub enum Callout {
    Tip,
    Warning,
    Info,
}

/// A command in a monospace box that can be selected with the mouse.
pub fn code(ui: &mut Ui, text: &str, enabled: bool) {
    let color = if enabled {
        ui.visuals().text_color()
    } else {
        ui.visuals().weak_text_color()
    };
    egui::Frame::new()
        .fill(ui.visuals().extreme_bg_color)
        .inner_margin(egui::Margin::symmetric(8, 4))
        .corner_radius(4)
        .show(ui, |ui| {
            ui.add(egui::Label::new(RichText::new(text).monospace().color(color)).selectable(true));
        });
}

pub fn success_color(ui: &Ui) -> Color32 {
    if ui.visuals().dark_mode {
        Color32::from_rgb(110, 200, 120)
    } else {
        Color32::from_rgb(20, 120, 40)
    }
}

pub fn error_color(ui: &Ui) -> Color32 {
    ui.visuals().error_fg_color
}

/// An on/off switch, announced to screen readers as a checkbox named
/// `name`.
pub fn toggle(ui: &mut Ui, on: &mut bool, name: &str) -> egui::Response {
    let size = ui.spacing().interact_size.y * egui::vec2(2.0, 1.0);
    let (rect, mut resp) = ui.allocate_exact_size(size, egui::Sense::click());
    if resp.clicked() {
        *on = !*on;
        resp.mark_changed();
    }
    let state = *on;
    let name = name.to_owned();
    resp.widget_info(|| WidgetInfo::selected(Role::CheckBox, true, state, &name));
    if ui.is_rect_visible(rect) {
        let t = ui.ctx().animate_bool_responsive(resp.id, *on);
        let visuals = ui.style().interact_selectable(&resp, *on);
        let rect = rect.expand(visuals.expansion);
        let radius = 0.5 * rect.height();
        ui.painter().rect(
            rect,
            radius,
            visuals.bg_fill,
            visuals.bg_stroke,
            egui::StrokeKind::Inside,
        );
        let x = egui::lerp((rect.left() + radius)..=(rect.right() - radius), t);
        ui.painter().circle(
            egui::pos2(x, rect.center().y),
            0.75 * radius,
            visuals.bg_fill,
            visuals.fg_stroke,
        );
    }
    resp
}

/// One numbered command: its purpose, the line, Copy and Run in Terminal.
pub struct CommandRow<'a> {
    pub number: usize,
    pub explanation: &'a str,
    pub line: &'a str,
    pub enabled: bool,
    /// The accessible names of the two buttons.
    pub copy_name: String,
    pub run_name: String,
    pub copied: bool,
}

pub enum CommandClick {
    Copy,
    Run,
}

pub fn command_row(ui: &mut Ui, row: &CommandRow<'_>) -> Option<CommandClick> {
    let mut click = None;
    ui.add_space(4.0);
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new(format!("{}.", row.number)).strong());
        ui.label(row.explanation);
    });
    ui.horizontal(|ui| {
        code(ui, row.line, row.enabled);
        if button_named(ui, row.enabled, "Copy", &row.copy_name).clicked() {
            click = Some(CommandClick::Copy);
        }
        if button_named(ui, row.enabled, "Run in Terminal", &row.run_name)
            .on_hover_text("Opens a terminal window and runs this command there")
            .clicked()
        {
            click = Some(CommandClick::Run);
        }
        if row.copied {
            ui.label(RichText::new("Copied").color(success_color(ui)));
        }
    });
    click
}

/// A one-line outcome in the state's colour (a terminal opened, a file saved).
pub fn outcome_note(ui: &mut Ui, ok: bool, text: &str) {
    let color = if ok {
        success_color(ui)
    } else {
        error_color(ui)
    };
    ui.add(egui::Label::new(RichText::new(text).color(color)).wrap());
}
