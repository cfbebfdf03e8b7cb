//! The app's look, in one place: the type scale, spacing, corner radii and
//! the colours of the light and dark themes. Views take sizes and colours
//! from here (through `widgets`), never as numbers of their own.
//!
//! Fonts: egui's, its monospace font as the last fallback for proportional
//! text (for the arrows → the product reference uses), and the Material
//! Symbols icon font. The text cursor is steady, since a blinking one
//! repaints the window twice a second for as long as a field has focus.

use egui::epaint::text::{FontInsert, FontPriority};
use egui::{Color32, CornerRadius, FontDefinitions, FontFamily, FontId, Stroke, TextStyle, Theme};

/// The type scale, in points.
pub mod size {
    pub const TITLE: f32 = 24.0;
    pub const HEADING: f32 = 16.0;
    pub const BODY: f32 = 14.0;
    pub const CAPTION: f32 = 12.5;
    pub const CODE: f32 = 13.0;
    pub const ICON: f32 = 16.0;
    /// The icon beside a status card's title.
    pub const STATUS_ICON: f32 = 22.0;
    /// The app icon in the top bar, and above the welcome.
    pub const BRAND_ICON: f32 = 22.0;
    pub const HERO_ICON: f32 = 72.0;
}

/// The spacing scale, in points.
pub mod space {
    pub const XS: f32 = 4.0;
    pub const S: f32 = 8.0;
    pub const M: f32 = 12.0;
    pub const L: f32 = 16.0;
}

/// Corner radii.
pub mod radius {
    pub const SMALL: u8 = 5;
    pub const MEDIUM: u8 = 8;
    pub const LARGE: u8 = 12;
}

/// Widths and heights of fields and columns inside the content column.
pub mod measure {
    pub const NAME_FIELD: f32 = 240.0;
    pub const SEARCH_FIELD: f32 = 320.0;
    /// Settings → Profiles: a connected profile's name and kind.
    pub const PROFILE_COLUMN: f32 = 160.0;
    /// What the Re-check and Remove buttons of a row take.
    pub const ROW_BUTTONS: f32 = 215.0;
    pub const STATUS_MIN: f32 = 200.0;
    /// Settings → Profiles: a found profile's name and kind.
    pub const FOUND_NAME: f32 = 220.0;
    pub const FOUND_KIND: f32 = 260.0;
    /// The policy JSON scrolls beyond this.
    pub const POLICY_HEIGHT: f32 = 180.0;
    /// Add more accounts: the short fields, a listed row and its columns,
    /// and the previews, which scroll beyond their height.
    pub const SHORT_FIELD: f32 = 80.0;
    pub const REGION_FIELD: f32 = 110.0;
    pub const ACCOUNT_ROW: f32 = 22.0;
    pub const ACCOUNT_NAME: f32 = 200.0;
    pub const ROLE_NAME: f32 = 140.0;
    pub const PREVIEW_HEIGHT: f32 = 260.0;
}

/// The content column: a comfortable measure, centred in wide windows.
pub const COLUMN_WIDTH: f32 = 720.0;
/// Space kept on each side of the column in narrow windows.
pub const COLUMN_GUTTER: f32 = 24.0;

/// The colours of one theme.
#[derive(Clone, Copy, Debug)]
pub struct Palette {
    /// Behind everything: the window.
    pub window: Color32,
    /// Cards, fields and the bars.
    pub surface: Color32,
    /// Wells inside a card: commands, code.
    pub sunken: Color32,
    pub border: Color32,
    /// Body text.
    pub text: Color32,
    /// Titles and strong text.
    pub strong: Color32,
    /// Captions and hints.
    pub muted: Color32,
    /// Primary buttons, the current step, links, focus.
    pub accent: Color32,
    /// Text on an accent fill.
    pub on_accent: Color32,
    pub success: Color32,
    pub warning: Color32,
    pub danger: Color32,
    pub info: Color32,
    /// How much of a semantic colour tints a callout's surface.
    pub tint: f32,
}

impl Palette {
    pub const LIGHT: Palette = Palette {
        window: Color32::from_rgb(0xF4, 0xF4, 0xF6),
        surface: Color32::from_rgb(0xFF, 0xFF, 0xFF),
        sunken: Color32::from_rgb(0xEE, 0xEF, 0xF2),
        border: Color32::from_rgb(0xD6, 0xD7, 0xDC),
        text: Color32::from_rgb(0x2A, 0x2A, 0x2E),
        strong: Color32::from_rgb(0x12, 0x12, 0x14),
        muted: Color32::from_rgb(0x5C, 0x5D, 0x65),
        accent: Color32::from_rgb(0x00, 0x60, 0xCC),
        on_accent: Color32::WHITE,
        success: Color32::from_rgb(0x1A, 0x7A, 0x34),
        warning: Color32::from_rgb(0x94, 0x55, 0x00),
        danger: Color32::from_rgb(0xC0, 0x26, 0x1B),
        info: Color32::from_rgb(0x00, 0x60, 0xCC),
        tint: 0.09,
    };

    pub const DARK: Palette = Palette {
        window: Color32::from_rgb(0x1C, 0x1C, 0x1F),
        surface: Color32::from_rgb(0x27, 0x27, 0x2B),
        sunken: Color32::from_rgb(0x18, 0x18, 0x1B),
        border: Color32::from_rgb(0x3E, 0x3E, 0x45),
        text: Color32::from_rgb(0xE4, 0xE4, 0xE8),
        strong: Color32::from_rgb(0xFA, 0xFA, 0xFC),
        muted: Color32::from_rgb(0xA4, 0xA5, 0xAE),
        accent: Color32::from_rgb(0x1F, 0x6F, 0xDB),
        on_accent: Color32::WHITE,
        success: Color32::from_rgb(0x5C, 0xCF, 0x7C),
        warning: Color32::from_rgb(0xF0, 0xB4, 0x4C),
        danger: Color32::from_rgb(0xFF, 0x7B, 0x70),
        info: Color32::from_rgb(0x70, 0xB2, 0xFF),
        tint: 0.13,
    };

    pub fn of(theme: Theme) -> &'static Palette {
        match theme {
            Theme::Light => &Palette::LIGHT,
            Theme::Dark => &Palette::DARK,
        }
    }

    pub fn of_ui(ui: &egui::Ui) -> &'static Palette {
        Palette::of(if ui.visuals().dark_mode {
            Theme::Dark
        } else {
            Theme::Light
        })
    }

    /// The colour of a tone (success, warning, …) as text and icons.
    pub fn tone(&self, tone: Tone) -> Color32 {
        match tone {
            Tone::Success => self.success,
            Tone::Warning => self.warning,
            Tone::Danger => self.danger,
            Tone::Info => self.info,
        }
    }

    /// The surface of a callout or status card of this tone.
    pub fn tinted(&self, tone: Tone) -> Color32 {
        mix(self.surface, self.tone(tone), self.tint)
    }

    /// A hovered or pressed control: the surface moved towards the text.
    fn shade(&self, amount: f32) -> Color32 {
        mix(self.surface, self.text, amount)
    }
}

/// What a callout, status line or card says: good, careful, bad, a note.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    Success,
    Warning,
    Danger,
    Info,
}

/// `a` moved by `t` (0..1) towards `b`, opaque.
pub fn mix(a: Color32, b: Color32, t: f32) -> Color32 {
    let ch = |x: u8, y: u8| (f32::from(x) + (f32::from(y) - f32::from(x)) * t).round() as u8;
    Color32::from_rgb(ch(a.r(), b.r()), ch(a.g(), b.g()), ch(a.b(), b.b()))
}

pub fn install(ctx: &egui::Context) {
    ctx.set_fonts(fonts());
    for theme in [Theme::Light, Theme::Dark] {
        ctx.style_mut_of(theme, |style| apply(style, Palette::of(theme)));
    }
}

fn fonts() -> FontDefinitions {
    let mut fonts = FontDefinitions::default();
    let mono = fonts
        .families
        .get(&FontFamily::Monospace)
        .and_then(|f| f.first())
        .cloned();
    if let (Some(mono), Some(prop)) = (mono, fonts.families.get_mut(&FontFamily::Proportional))
        && !prop.contains(&mono)
    {
        prop.push(mono);
    }
    add_font(&mut fonts, egui_material_icons::font_insert());
    fonts
}

/// What `Context::add_font` does, into definitions set all at once.
fn add_font(fonts: &mut FontDefinitions, insert: FontInsert) {
    fonts
        .font_data
        .insert(insert.name.clone(), std::sync::Arc::new(insert.data));
    for family in insert.families {
        let list = fonts.families.entry(family.family).or_default();
        match family.priority {
            FontPriority::Highest => list.insert(0, insert.name.clone()),
            FontPriority::Lowest => list.push(insert.name.clone()),
        }
    }
}

/// The text style of section headings.
pub fn section_style() -> TextStyle {
    TextStyle::Name("section".into())
}

fn apply(style: &mut egui::Style, p: &Palette) {
    use FontFamily::{Monospace, Proportional};
    style.text_styles = [
        (TextStyle::Heading, FontId::new(size::TITLE, Proportional)),
        (section_style(), FontId::new(size::HEADING, Proportional)),
        (TextStyle::Body, FontId::new(size::BODY, Proportional)),
        (TextStyle::Button, FontId::new(size::BODY, Proportional)),
        (TextStyle::Small, FontId::new(size::CAPTION, Proportional)),
        (TextStyle::Monospace, FontId::new(size::CODE, Monospace)),
    ]
    .into();
    let s = &mut style.spacing;
    s.item_spacing = egui::vec2(space::S, 6.0);
    s.button_padding = egui::vec2(10.0, 4.0);
    s.interact_size.y = 26.0;
    s.window_margin = egui::Margin::same(space::L as i8);
    s.menu_margin = egui::Margin::same(6);
    s.indent = space::L;
    s.scroll.bar_width = 8.0;
    visuals(&mut style.visuals, p);
}

fn visuals(v: &mut egui::Visuals, p: &Palette) {
    v.text_cursor.blink = false;
    v.weak_text_color = Some(p.muted);
    v.hyperlink_color = p.tone(Tone::Info);
    v.warn_fg_color = p.warning;
    v.error_fg_color = p.danger;
    v.panel_fill = p.window;
    v.window_fill = p.surface;
    v.window_stroke = Stroke::new(1.0, p.border);
    v.window_corner_radius = CornerRadius::same(radius::LARGE);
    v.menu_corner_radius = CornerRadius::same(radius::MEDIUM);
    v.extreme_bg_color = p.sunken;
    v.text_edit_bg_color = Some(p.surface);
    v.code_bg_color = p.sunken;
    v.faint_bg_color = mix(p.surface, p.window, 0.6);
    v.selection.bg_fill = mix(p.surface, p.accent, 0.35);
    v.selection.stroke = Stroke::new(1.5, p.info);
    let corner = CornerRadius::same(radius::SMALL);
    let w = &mut v.widgets;
    w.noninteractive.bg_fill = p.surface;
    w.noninteractive.weak_bg_fill = p.surface;
    w.noninteractive.bg_stroke = Stroke::new(1.0, p.border);
    w.noninteractive.fg_stroke = Stroke::new(1.0, p.text);
    w.noninteractive.corner_radius = corner;
    for (state, shade) in [
        (&mut w.inactive, 0.0),
        (&mut w.hovered, 0.07),
        (&mut w.active, 0.14),
        (&mut w.open, 0.07),
    ] {
        state.weak_bg_fill = p.shade(shade);
        state.bg_fill = mix(p.sunken, p.text, shade);
        state.bg_stroke = Stroke::new(1.0, mix(p.border, p.text, shade));
        state.fg_stroke = Stroke::new(1.5, p.text);
        state.corner_radius = corner;
        state.expansion = 0.0;
    }
    w.active.fg_stroke = Stroke::new(1.5, p.strong);
}

/// The appearance chosen in Settings, as egui's preference.
pub fn preference(a: crate::settings::Appearance) -> egui::ThemePreference {
    use crate::settings::Appearance;
    match a {
        Appearance::System => egui::ThemePreference::System,
        Appearance::Light => egui::ThemePreference::Light,
        Appearance::Dark => egui::ThemePreference::Dark,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contrast::{AA_TEXT, ratio};

    fn rgb(c: Color32) -> [u8; 3] {
        [c.r(), c.g(), c.b()]
    }

    /// Every pair of text colour and surface the views draw, with a name.
    fn pairs(p: &Palette) -> Vec<(String, Color32, Color32)> {
        let mut out = Vec::new();
        for (bg_name, bg) in [
            ("window", p.window),
            ("surface", p.surface),
            ("sunken", p.sunken),
        ] {
            for (fg_name, fg) in [("body", p.text), ("caption", p.muted), ("title", p.strong)] {
                out.push((format!("{fg_name} on {bg_name}"), fg, bg));
            }
        }
        for tone in [Tone::Success, Tone::Warning, Tone::Danger, Tone::Info] {
            let tint = p.tinted(tone);
            out.push((format!("{tone:?} text on surface"), p.tone(tone), p.surface));
            out.push((format!("{tone:?} text on window"), p.tone(tone), p.window));
            out.push((format!("{tone:?} title on its tint"), p.tone(tone), tint));
            out.push((format!("body on {tone:?} tint"), p.text, tint));
            out.push((format!("caption on {tone:?} tint"), p.muted, tint));
        }
        out.push(("text on accent".into(), p.on_accent, p.accent));
        out
    }

    #[test]
    fn text_meets_wcag_aa_on_every_surface_in_both_themes() {
        let mut failures = Vec::new();
        for (theme, p) in [("light", Palette::LIGHT), ("dark", Palette::DARK)] {
            for (what, fg, bg) in pairs(&p) {
                let r = ratio(rgb(fg), rgb(bg));
                println!("{theme}: {what}: {r:.2}:1");
                if r < AA_TEXT {
                    failures.push(format!("{theme}: {what} is {r:.2}:1"));
                }
            }
        }
        assert!(failures.is_empty(), "below 4.5:1: {failures:#?}");
    }

    #[test]
    fn the_themes_apply_their_own_colours() {
        let ctx = egui::Context::default();
        install(&ctx);
        let dark = ctx.style_of(Theme::Dark);
        assert_eq!(dark.visuals.panel_fill, Palette::DARK.window);
        assert_eq!(dark.visuals.weak_text_color(), Palette::DARK.muted);
        let light = ctx.style_of(Theme::Light);
        assert_eq!(light.visuals.panel_fill, Palette::LIGHT.window);
        assert_eq!(light.visuals.text_color(), Palette::LIGHT.text);
    }
}
