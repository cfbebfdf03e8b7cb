//! Fonts: egui's defaults plus its monospace font as the last fallback for
//! proportional text, which gives labels the arrows (→) the product
//! reference uses.

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
}
