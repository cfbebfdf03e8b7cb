//! The troubleshooting table, with the row of the current failure marked.

use super::look::{Palette, space};
use crate::aws::troubleshooting::ROWS;
use egui::{RichText, Ui};

pub fn show(ui: &mut Ui, profile: &str, highlight: Option<usize>) {
    egui::Grid::new("troubleshooting")
        .num_columns(2)
        .striped(true)
        .spacing([space::L, space::S])
        .show(ui, |ui| {
            let strong = Palette::of_ui(ui).strong;
            ui.label(RichText::new("Error").strong().color(strong));
            ui.label(RichText::new("Fix").strong().color(strong));
            ui.end_row();
            for (i, row) in ROWS.iter().enumerate() {
                let marked = highlight == Some(i);
                let error = if marked {
                    let danger = Palette::of_ui(ui).danger;
                    RichText::new(format!("▶ {}", row.error))
                        .strong()
                        .color(danger)
                } else {
                    RichText::new(row.error)
                };
                ui.add(egui::Label::new(error).wrap());
                ui.add(egui::Label::new(row.fix_for(profile)).wrap());
                ui.end_row();
            }
        });
}
