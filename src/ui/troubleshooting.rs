//! The troubleshooting table, one card per error with its fix; the row of
//! the current failure is marked and tinted.

use super::look::{Palette, Tone, space};
use super::widgets::{card, paragraph};
use crate::aws::troubleshooting::ROWS;
use egui::{RichText, Ui};

pub fn show(ui: &mut Ui, profile: &str, highlight: Option<usize>) {
    egui::ScrollArea::vertical()
        .auto_shrink([false, true])
        .show(ui, |ui| {
            for (i, row) in ROWS.iter().enumerate() {
                let marked = highlight == Some(i);
                let draw = |ui: &mut Ui| {
                    let p = Palette::of_ui(ui);
                    let error = if marked {
                        RichText::new(format!("▶ {}", row.error)).color(p.danger)
                    } else {
                        RichText::new(row.error).color(p.strong)
                    };
                    ui.add(egui::Label::new(error.strong()).wrap());
                    paragraph(ui, &row.fix_for(profile));
                };
                if marked {
                    super::widgets::callout_titled(
                        ui,
                        Tone::Danger,
                        super::widgets::icons::ICON_ERROR,
                        "YOUR LAST RE-CHECK",
                        draw,
                    );
                } else {
                    card(ui, draw);
                }
                ui.add_space(space::XS);
            }
        });
}
