//! Every diagnosis card as the user sees it, one under another: the
//! snapshot gallery a reviewer reads (tests/ui/gallery.rs), drawn by the
//! same functions Connect AWS and Connect Azure draw their cards with.

use super::look::space;
use egui::Ui;

/// The app's fonts and both themes' styles, as the window installs them.
pub fn install(ctx: &egui::Context) {
    super::look::install(ctx);
}

/// The AWS cards; `warning`: drawn as the warnings they are (not errors).
pub fn aws(ui: &mut Ui, cards: &[(crate::aws::diagnose::Diagnosis, bool)]) {
    for (d, warning) in cards {
        let _ = super::connect_aws::diagnosis(ui, d, None, !warning);
        ui.add_space(space::S);
    }
}

pub fn azure(ui: &mut Ui, cards: &[(crate::azure::diagnose::Diagnosis, bool)]) {
    let mut ignored = None;
    for (d, warning) in cards {
        super::azure::diagnosis(ui, d, None, !warning, &mut ignored);
        ui.add_space(space::S);
    }
}
