//! The troubleshooting table, with the row of the current failure marked.

use crate::aws::troubleshooting::ROWS;
use egui::{RichText, Ui};

pub fn show(ui: &mut Ui, profile: &str, highlight: Option<usize>) {
    egui::Grid::new("troubleshooting")
        .num_columns(2)
        .striped(true)
        .spacing([16.0, 6.0])
        .show(ui, |ui| {
            ui.label(RichText::new("Error").strong());
            ui.label(RichText::new("Fix").strong());
            ui.end_row();
            for (i, row) in ROWS.iter().enumerate() {
                let marked = highlight == Some(i);
                let error = if marked {
                    RichText::new(format!("▶ {}", row.error)).strong()
                } else {
                    RichText::new(row.error)
                };
                ui.add(egui::Label::new(error).wrap());
                ui.add(egui::Label::new(row.fix_for(profile)).wrap());
                ui.end_row();
            }
        });
}
