//! The app's look: egui's fonts plus its monospace font as the last
//! fallback for proportional text (for the arrows → the product reference
//! uses), and a steady text cursor, since a blinking one repaints the
//! window twice a second for as long as a field has focus.

use egui::{FontDefinitions, FontFamily};

pub fn install(ctx: &egui::Context) {
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
    ctx.set_fonts(fonts);
    ctx.all_styles_mut(|style| style.visuals.text_cursor.blink = false);
}
