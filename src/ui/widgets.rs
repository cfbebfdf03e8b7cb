//! Small pieces shared by the screens, drawn with the theme in `look`:
//! titles and captions, cards, callouts, status lines and cards, command
//! cards, buttons with icons, the content column.
//!
//! Icons are Material Symbols glyphs, painted without an accessibility
//! node of their own: a control keeps the name a screen reader should say,
//! and a status keeps the ✔ ✖ ⚠ mark in its name.

use super::look::{self, Palette, Tone, radius, size, space};
use egui::{Color32, RichText, Role, Ui, WidgetInfo};
use egui_material_icons::MaterialIcon;
pub use egui_material_icons::icons;

/// A button whose accessible name says more than its short visible text
/// (several "Copy" buttons on one screen need different names).
pub fn button_named(ui: &mut Ui, enabled: bool, text: &str, name: &str) -> egui::Response {
    let resp = ui.add_enabled(enabled, egui::Button::new(text));
    named(resp, Role::Button, enabled, name)
}

fn named(resp: egui::Response, role: Role, enabled: bool, name: &str) -> egui::Response {
    let name = name.to_owned();
    resp.widget_info(|| WidgetInfo::labeled(role, enabled, &name));
    resp
}

fn icon_rich(icon: MaterialIcon, color: Color32) -> RichText {
    icon.rich_text().size(size::ICON).color(color)
}

/// A button with an icon before its text, announced as `name`.
pub fn icon_button(
    ui: &mut Ui,
    enabled: bool,
    icon: MaterialIcon,
    text: &str,
    name: &str,
) -> egui::Response {
    let color = ui.visuals().text_color();
    let button = egui::Button::new((icon_rich(icon, color), text));
    named(ui.add_enabled(enabled, button), Role::Button, enabled, name)
}

/// The one button of a screen that moves it on: filled with the accent.
pub fn primary_button(ui: &mut Ui, enabled: bool, text: &str, name: &str) -> egui::Response {
    let p = Palette::of_ui(ui);
    let (fill, color) = if enabled {
        (p.accent, p.on_accent)
    } else {
        (ui.visuals().widgets.inactive.weak_bg_fill, p.muted)
    };
    let button = egui::Button::new(RichText::new(text).color(color))
        .fill(fill)
        .stroke(egui::Stroke::new(
            1.0,
            if enabled { p.accent } else { p.border },
        ))
        .min_size(egui::vec2(96.0, 0.0));
    named(ui.add_enabled(enabled, button), Role::Button, enabled, name)
}

/// An icon, drawn in `color` where the next widget would go.
pub fn icon(ui: &mut Ui, icon: MaterialIcon, icon_size: f32, color: Color32) {
    let galley = ui.painter().layout_no_wrap(
        icon.codepoint.to_owned(),
        egui::FontId::new(icon_size, icon.font_family()),
        color,
    );
    let (rect, _) = ui.allocate_exact_size(
        egui::vec2(galley.size().x, galley.size().y.max(icon_size)),
        egui::Sense::hover(),
    );
    let pos = rect.center() - galley.size() / 2.0;
    ui.painter().galley(pos, galley, color);
}

/// A PNG as a texture (the app icon); None if it cannot be decoded.
pub fn load_icon(ctx: &egui::Context, png: &[u8]) -> Option<egui::TextureHandle> {
    let icon = eframe::icon_data::from_png_bytes(png).ok()?;
    let size = [icon.width as usize, icon.height as usize];
    let image = egui::ColorImage::from_rgba_unmultiplied(size, &icon.rgba);
    Some(ctx.load_texture("escher-icon", image, egui::TextureOptions::LINEAR))
}

/// A texture drawn as a square of `side` points.
pub fn image(ui: &mut Ui, texture: &egui::TextureHandle, side: f32) {
    let sized = egui::load::SizedTexture::new(texture.id(), egui::vec2(side, side));
    ui.add(egui::Image::from_texture(sized));
}

/// The title of a screen, with its lead paragraph below.
pub fn screen_title(ui: &mut Ui, title: &str) {
    let color = Palette::of_ui(ui).strong;
    ui.label(RichText::new(title).heading().color(color));
    ui.add_space(space::XS);
}

/// A heading inside a screen.
pub fn section_heading(ui: &mut Ui, text: &str) {
    if !ui.layout().main_dir().is_horizontal() {
        ui.add_space(space::XS);
    }
    let color = Palette::of_ui(ui).strong;
    ui.label(
        RichText::new(text)
            .text_style(look::section_style())
            .color(color),
    );
}

/// A paragraph of body text, wrapped to the column.
pub fn paragraph(ui: &mut Ui, text: &str) {
    ui.add(egui::Label::new(text).wrap());
}

/// A hint or a detail in the muted colour.
pub fn caption(ui: &mut Ui, text: &str) -> egui::Response {
    ui.add(egui::Label::new(RichText::new(text).small().weak()).wrap())
}

/// A short label on a rounded tinted pill (a state, the method).
pub fn pill(ui: &mut Ui, tone: Tone, text: &str) {
    let p = Palette::of_ui(ui);
    egui::Frame::new()
        .fill(p.tinted(tone))
        .corner_radius(radius::LARGE)
        .inner_margin(egui::Margin::symmetric(space::S as i8, 2))
        .show(ui, |ui| {
            ui.label(RichText::new(text).small().color(p.tone(tone)));
        });
}

/// Content on a raised surface: a framed card.
pub fn card<R>(ui: &mut Ui, add: impl FnOnce(&mut Ui) -> R) -> R {
    let p = Palette::of_ui(ui);
    egui::Frame::new()
        .fill(p.surface)
        .stroke(egui::Stroke::new(1.0, p.border))
        .corner_radius(radius::MEDIUM)
        .inner_margin(egui::Margin::symmetric(space::M as i8, 10))
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            add(ui)
        })
        .inner
}

/// A one-paragraph note: the icon and the strong title run into the text.
pub fn callout_line(ui: &mut Ui, kind: Callout, text: &str) {
    let (tone, title) = kind.tone_and_title();
    tinted(ui, tone, 1.0, |ui| {
        let color = Palette::of_ui(ui).tone(tone);
        ui.horizontal_wrapped(|ui| {
            icon(ui, kind.icon(), size::ICON, color);
            ui.label(RichText::new(title).strong().small().color(color));
            ui.label(text);
        });
    });
}

/// A framed note: TIP, WARNING, INFO as in the product reference.
pub fn callout(ui: &mut Ui, kind: Callout, add: impl FnOnce(&mut Ui)) {
    let (tone, title) = kind.tone_and_title();
    callout_titled(ui, tone, kind.icon(), title, add);
}

#[derive(Clone, Copy)]
pub enum Callout {
    Tip,
    Warning,
    Info,
}

impl Callout {
    fn tone_and_title(self) -> (Tone, &'static str) {
        match self {
            Callout::Tip => (Tone::Info, "TIP"),
            Callout::Warning => (Tone::Warning, "WARNING"),
            Callout::Info => (Tone::Info, "INFO"),
        }
    }

    fn icon(self) -> MaterialIcon {
        match self {
            Callout::Tip => icons::ICON_LIGHTBULB,
            Callout::Warning => icons::ICON_WARNING,
            Callout::Info => icons::ICON_INFO,
        }
    }
}

fn tone_icon(tone: Tone) -> MaterialIcon {
    match tone {
        Tone::Success => icons::ICON_CHECK_CIRCLE,
        Tone::Warning => icons::ICON_WARNING,
        Tone::Danger => icons::ICON_ERROR,
        Tone::Info => icons::ICON_INFO,
    }
}

/// The mark a status keeps in its accessible name.
fn tone_mark(tone: Tone) -> &'static str {
    match tone {
        Tone::Success => "✔",
        Tone::Warning => "⚠",
        Tone::Danger => "✖",
        Tone::Info => "",
    }
}

/// A tinted surface with an icon and a strong title in the tone's colour.
pub fn callout_titled(
    ui: &mut Ui,
    tone: Tone,
    icon_glyph: MaterialIcon,
    title: &str,
    add: impl FnOnce(&mut Ui),
) {
    tinted(ui, tone, 1.0, |ui| {
        let color = Palette::of_ui(ui).tone(tone);
        ui.horizontal(|ui| {
            icon(ui, icon_glyph, size::ICON, color);
            ui.label(RichText::new(title).strong().small().color(color));
        });
        add(ui);
    });
}

fn tinted<R>(ui: &mut Ui, tone: Tone, stroke: f32, add: impl FnOnce(&mut Ui) -> R) -> R {
    let p = Palette::of_ui(ui);
    let border = look::mix(p.tinted(tone), p.tone(tone), 0.45);
    egui::Frame::new()
        .fill(p.tinted(tone))
        .stroke(egui::Stroke::new(stroke, border))
        .corner_radius(radius::MEDIUM)
        .inner_margin(egui::Margin::symmetric(space::M as i8, 10))
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            add(ui)
        })
        .inner
}

/// One line of status in its tone's colour, with its icon; a screen reader
/// hears the ✔ ✖ ⚠ mark and the text (or `name` when given).
pub fn status_line(ui: &mut Ui, tone: Tone, text: &str, name: Option<&str>) -> egui::Response {
    let color = Palette::of_ui(ui).tone(tone);
    ui.horizontal(|ui| {
        ui.spacing_mut().item_spacing.x = space::XS;
        icon(ui, tone_icon(tone), size::ICON, color);
        let resp = ui.add(egui::Label::new(RichText::new(text).color(color)).wrap());
        let name = name.map_or_else(
            || format!("{} {text}", tone_mark(tone)).trim().to_owned(),
            str::to_owned,
        );
        resp.widget_info(|| WidgetInfo::labeled(Role::Label, true, &name));
        resp
    })
    .inner
}

/// The verdict of a check: a tinted card with a large icon and title.
pub fn status_card(ui: &mut Ui, tone: Tone, title: &str, add: impl FnOnce(&mut Ui)) {
    tinted(ui, tone, 1.5, |ui| {
        let color = Palette::of_ui(ui).tone(tone);
        ui.horizontal(|ui| {
            icon(ui, tone_icon(tone), size::STATUS_ICON, color);
            let text = RichText::new(title)
                .text_style(look::section_style())
                .color(color);
            let resp = ui.add(egui::Label::new(text).wrap());
            let name = format!("{} {title}", tone_mark(tone)).trim().to_owned();
            resp.widget_info(|| WidgetInfo::labeled(Role::Label, true, &name));
        });
        ui.add_space(space::XS);
        add(ui);
    });
}

/// A table of names and values (an identity): names muted, values
/// monospace and selectable.
pub fn fact_table(ui: &mut Ui, id: &str, rows: &[(&str, &str)]) {
    egui::Grid::new(id)
        .num_columns(2)
        .spacing([space::L, space::XS])
        .show(ui, |ui| {
            for (k, v) in rows {
                ui.label(RichText::new(*k).weak());
                ui.add(egui::Label::new(RichText::new(*v).monospace()).selectable(true));
                ui.end_row();
            }
        });
}

/// A command in a monospace well that can be selected with the mouse.
pub fn code(ui: &mut Ui, text: &str, enabled: bool) {
    code_well(ui, text, enabled, false);
}

/// The same, as wide as the space it is in.
pub fn code_block(ui: &mut Ui, text: &str, enabled: bool) {
    ui.scope(|ui| {
        ui.set_width(ui.available_width());
        code_well(ui, text, enabled, true);
    });
}

fn code_well(ui: &mut Ui, text: &str, enabled: bool, wide: bool) {
    let p = Palette::of_ui(ui);
    let color = if enabled { p.strong } else { p.muted };
    egui::Frame::new()
        .fill(p.sunken)
        .stroke(egui::Stroke::new(1.0, look::mix(p.sunken, p.border, 0.6)))
        .inner_margin(egui::Margin::symmetric(10, 6))
        .corner_radius(radius::SMALL)
        .show(ui, |ui| {
            if wide {
                ui.set_width(ui.available_width());
            }
            ui.add(
                egui::Label::new(RichText::new(text).monospace().color(color))
                    .selectable(true)
                    .wrap(),
            );
        });
}

pub fn success_color(ui: &Ui) -> Color32 {
    Palette::of_ui(ui).success
}

pub fn error_color(ui: &Ui) -> Color32 {
    Palette::of_ui(ui).danger
}

/// An on/off switch, announced to screen readers as a checkbox named
/// `name`.
pub fn toggle(ui: &mut Ui, on: &mut bool, name: &str) -> egui::Response {
    let size = egui::vec2(36.0, 20.0);
    let (rect, mut resp) = ui.allocate_exact_size(size, egui::Sense::click());
    if resp.clicked() {
        *on = !*on;
        resp.mark_changed();
    }
    let state = *on;
    let name = name.to_owned();
    resp.widget_info(|| WidgetInfo::selected(Role::CheckBox, true, state, &name));
    if ui.is_rect_visible(rect) {
        let p = Palette::of_ui(ui);
        let t = ui.ctx().animate_bool_responsive(resp.id, *on);
        let enabled = ui.is_enabled();
        let off = ui.style().interact(&resp).bg_fill;
        let track = if enabled {
            look::mix(off, p.success, t)
        } else {
            off
        };
        let radius = 0.5 * rect.height();
        let stroke = egui::Stroke::new(1.0, look::mix(p.border, track, t));
        ui.painter()
            .rect(rect, radius, track, stroke, egui::StrokeKind::Inside);
        let x = egui::lerp((rect.left() + radius)..=(rect.right() - radius), t);
        let knob = if enabled { Color32::WHITE } else { p.sunken };
        ui.painter().circle(
            egui::pos2(x, rect.center().y),
            radius - 2.5,
            knob,
            egui::Stroke::new(1.0, p.border),
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

/// A command as a card: a numbered marker and the purpose, then the
/// command in a selectable well with Copy and Run in Terminal beside it.
pub fn command_row(ui: &mut Ui, row: &CommandRow<'_>) -> Option<CommandClick> {
    let mut click = None;
    card(ui, |ui| {
        ui.horizontal(|ui| {
            number_marker(ui, row.number, row.enabled);
            ui.add(egui::Label::new(row.explanation).wrap());
        });
        ui.add_space(space::XS);
        ui.horizontal(|ui| {
            let buttons = button_width(ui, "Copy") + button_width(ui, "Run in Terminal");
            let copied = if row.copied {
                button_width(ui, "Copied")
            } else {
                0.0
            };
            let well = ui.available_width() - buttons - copied + space::S;
            ui.scope(|ui| {
                ui.set_width(well.max(120.0));
                code_block(ui, row.line, row.enabled);
            });
            let copy = icon_button(
                ui,
                row.enabled,
                icons::ICON_CONTENT_COPY,
                "Copy",
                &row.copy_name,
            );
            if copy.clicked() {
                click = Some(CommandClick::Copy);
            }
            let run = icon_button(
                ui,
                row.enabled,
                icons::ICON_TERMINAL,
                "Run in Terminal",
                &row.run_name,
            );
            if run
                .on_hover_text("Opens a terminal window and runs this command there")
                .clicked()
            {
                click = Some(CommandClick::Run);
            }
            if row.copied {
                copied_note(ui);
            }
        });
    });
    ui.add_space(space::XS);
    click
}

/// The width of an `icon_button` with this text.
fn button_width(ui: &Ui, text: &str) -> f32 {
    let font = egui::TextStyle::Button.resolve(ui.style());
    let galley = ui
        .painter()
        .layout_no_wrap(text.to_owned(), font, Color32::WHITE);
    let s = ui.spacing();
    galley.size().x
        + size::ICON
        + s.icon_spacing.max(s.item_spacing.x)
        + 2.0 * s.button_padding.x
        + s.item_spacing.x
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodeClick {
    Copy,
    Open,
}

/// A sign-in code to enter on another device: large, with Copy the code
/// and Open the sign-in page (the same in the AWS and Azure sign-ins).
pub fn sign_in_code(ui: &mut Ui, code: &str) -> Option<CodeClick> {
    let mut click = None;
    ui.label(RichText::new(code).monospace().size(28.0).strong());
    ui.horizontal(|ui| {
        if button_named(ui, true, "Copy", "Copy the code").clicked() {
            click = Some(CodeClick::Copy);
        }
        if button_named(ui, true, "Open", "Open the sign-in page").clicked() {
            click = Some(CodeClick::Open);
        }
    });
    click
}

/// "Copied", shown for a moment beside the Copy that was pressed.
pub fn copied_note(ui: &mut Ui) {
    let color = success_color(ui);
    ui.spacing_mut().item_spacing.x = space::XS;
    icon(ui, icons::ICON_CHECK, size::ICON, color);
    ui.label(RichText::new("Copied").color(color));
}

/// A step number in a circle.
fn number_marker(ui: &mut Ui, number: usize, enabled: bool) {
    let p = Palette::of_ui(ui);
    let (rect, _) = ui.allocate_exact_size(egui::vec2(22.0, 22.0), egui::Sense::hover());
    let fill = if enabled { p.accent } else { p.border };
    ui.painter().circle_filled(rect.center(), 11.0, fill);
    ui.painter().text(
        rect.center(),
        egui::Align2::CENTER_CENTER,
        number.to_string(),
        egui::FontId::proportional(size::CAPTION),
        p.on_accent,
    );
}

/// A one-line outcome in the state's colour (a terminal opened, a file saved).
pub fn outcome_note(ui: &mut Ui, ok: bool, text: &str) {
    let tone = if ok { Tone::Success } else { Tone::Danger };
    let color = Palette::of_ui(ui).tone(tone);
    ui.add(egui::Label::new(RichText::new(text).color(color)).wrap());
}

/// Re-check: while checking, the spinner turns inside the button and it
/// reads "Checking…". Announced as Re-check in both states.
pub fn recheck_button(ui: &mut Ui, enabled: bool, checking: bool) -> egui::Response {
    if !checking {
        let p = Palette::of_ui(ui);
        let (fill, color) = if enabled {
            (p.accent, p.on_accent)
        } else {
            (ui.visuals().widgets.inactive.weak_bg_fill, p.muted)
        };
        let button = egui::Button::new((
            icon_rich(icons::ICON_REFRESH, color),
            RichText::new("Re-check").color(color),
        ))
        .fill(fill)
        .stroke(egui::Stroke::new(
            1.0,
            if enabled { p.accent } else { p.border },
        ));
        return named(
            ui.add_enabled(enabled, button),
            Role::Button,
            enabled,
            "Re-check",
        );
    }
    let slot = egui::IdSalt::new("recheck-spinner");
    let drawn = ui
        .add_enabled_ui(false, |ui| {
            egui::Button::new((
                egui::Atom::custom(slot, egui::vec2(14.0, 14.0)),
                "Checking…",
            ))
            .atom_ui(ui)
        })
        .inner;
    if let Some(rect) = drawn.rect(slot) {
        ui.place(rect, egui::Spinner::new().size(14.0));
    }
    named(drawn.response, Role::Button, false, "Re-check")
}

/// A centred column of the comfortable measure, as tall as its content.
pub fn column<R>(ui: &mut Ui, add: impl FnOnce(&mut Ui) -> R) -> R {
    let full = ui.available_rect_before_wrap();
    let width = look::COLUMN_WIDTH.min(full.width() - 2.0 * look::COLUMN_GUTTER);
    let left = full.center().x - width / 2.0;
    let rect = egui::Rect::from_min_max(
        egui::pos2(left, full.top()),
        egui::pos2(left + width, full.bottom()),
    );
    ui.scope_builder(
        egui::UiBuilder::new()
            .max_rect(rect)
            .layout(egui::Layout::top_down(egui::Align::Min)),
        |ui| {
            ui.set_width(width);
            add(ui)
        },
    )
    .inner
}

/// Nothing to list yet: one line, and the action that adds the first.
pub fn empty_state(ui: &mut Ui, text: &str, action: &str, name: &str) -> bool {
    let mut clicked = false;
    card(ui, |ui| {
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new(text).weak());
            clicked = icon_button(ui, true, icons::ICON_ADD, action, name).clicked();
        });
    });
    clicked
}

/// A row of choices, one selected; returns the one clicked.
pub fn segmented<T: Copy + PartialEq>(
    ui: &mut Ui,
    current: T,
    choices: &[(T, &str, String)],
) -> Option<T> {
    let mut picked = None;
    ui.horizontal(|ui| {
        ui.spacing_mut().item_spacing.x = 2.0;
        for (value, text, name) in choices {
            let on = *value == current;
            let resp = ui.add(egui::Button::selectable(on, *text));
            let name = name.clone();
            resp.widget_info(|| WidgetInfo::selected(Role::RadioButton, true, on, &name));
            if resp.clicked() && !on {
                picked = Some(*value);
            }
        }
    });
    picked
}

/// A ring in the accent colour around the widget with keyboard focus.
pub fn focus_ring(ctx: &egui::Context) {
    let Some(id) = ctx.memory(|m| m.focused()) else {
        return;
    };
    let Some(resp) = ctx.read_response(id) else {
        return;
    };
    let p = Palette::of(ctx.theme());
    let painter = ctx.layer_painter(egui::LayerId::new(
        egui::Order::Foreground,
        egui::Id::unique("focus-ring"),
    ));
    painter.rect_stroke(
        resp.rect.expand(2.0),
        radius::SMALL + 2,
        egui::Stroke::new(2.0, look::mix(p.accent, p.surface, 0.15)),
        egui::StrokeKind::Outside,
    );
}
