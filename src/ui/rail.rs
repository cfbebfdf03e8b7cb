//! The progress rail: Welcome → Connect AWS → Connect Azure → Done.

use crate::wizard::{Step, Wizard};
use egui::{RichText, Ui};

pub fn show(ui: &mut Ui, wizard: &Wizard) {
    ui.horizontal(|ui| {
        let current = Step::ALL
            .iter()
            .position(|s| *s == wizard.step)
            .unwrap_or(0);
        for (i, step) in Step::ALL.iter().enumerate() {
            if i > 0 {
                ui.label(RichText::new("→").weak());
            }
            let text = format!("{} {}", i + 1, step.title());
            let text = match i.cmp(&current) {
                std::cmp::Ordering::Less => RichText::new(format!("{text} ✔")),
                std::cmp::Ordering::Equal => RichText::new(text).strong().underline(),
                std::cmp::Ordering::Greater => RichText::new(text).weak(),
            };
            ui.label(text);
        }
    });
}
