//! Step 4: Done. What is connected, each with its state, and where to
//! change it later.

use super::look::{Palette, space};
use super::widgets::{
    caption, card, icon_button, icons, paragraph, primary_button, screen_title, section_heading,
};
use crate::time_words::ago;
use crate::wizard::Wizard;
use egui::{RichText, Ui};

pub enum Action {
    OpenSettings,
    BackToAzure,
}

pub fn show(ui: &mut Ui, wizard: &Wizard) {
    screen_title(ui, "Done");
    paragraph(
        ui,
        "Escher is connected. It reads only what is listed here, with the access each has:",
    );
    ui.add_space(space::M);
    card(ui, |ui| aws(ui, wizard));
    ui.add_space(space::M);
    card(ui, |ui| azure(ui, wizard));
    ui.add_space(space::M);
    card(ui, |ui| {
        section_heading(ui, "Next");
        paragraph(
            ui,
            "You can close this window: Escher reads through these connections from now on, \
             and only while each is switched on.",
        );
        caption(
            ui,
            "To switch any of these off, remove them, add more or check what a profile can \
             read, open Settings → Profiles (Ctrl+, or ⌘,).",
        );
    });
}

/// Back to Connect Azure on the left, Open Settings on the right.
pub fn action_bar(ui: &mut Ui) -> Option<Action> {
    let mut action = None;
    let back = icons::ICON_ARROW_BACK;
    if icon_button(
        ui,
        true,
        back,
        "Back to Connect Azure",
        "Back to Connect Azure",
    )
    .clicked()
    {
        action = Some(Action::BackToAzure);
    }
    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
        if primary_button(ui, true, "Open Settings", "Open Settings").clicked() {
            action = Some(Action::OpenSettings);
        }
    });
    action
}

/// Announced with the row's name: "prod-admin: on, verified".
fn state(ui: &mut Ui, name: &str, on: bool, verified: bool, warn: bool) {
    let (text, color) = match (on, verified) {
        (false, _) => ("off", ui.visuals().weak_text_color()),
        (true, false) => ("on, not verified", Palette::of_ui(ui).warning),
        (true, true) if warn => ("on, verified (can also write)", Palette::of_ui(ui).warning),
        (true, true) => ("on, verified", Palette::of_ui(ui).success),
    };
    let named = format!("{name}: {text}");
    ui.label(RichText::new(text).color(color))
        .widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, &named));
}

/// One connection: its name with its state at the right, then where it
/// is and what it may do. Both cards take the column's whole width, so the
/// AWS and Azure rows line up.
fn row(ui: &mut Ui, name: RichText, details: [String; 2], state_cell: impl FnOnce(&mut Ui)) {
    ui.horizontal(|ui| {
        ui.label(name.strong());
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), state_cell);
    });
    ui.horizontal_wrapped(|ui| {
        let [place, access] = details;
        ui.label(RichText::new(place).weak());
        ui.label(RichText::new("·").weak());
        ui.label(RichText::new(access).weak());
    });
    ui.add_space(space::XS);
}

fn full_width(ui: &mut Ui) {
    ui.set_width(ui.available_width());
}

fn aws(ui: &mut Ui, wizard: &Wizard) {
    full_width(ui);
    section_heading(ui, "AWS profiles");
    if wizard.profiles().is_empty() {
        ui.label(RichText::new("No AWS profile is connected.").weak());
        return;
    }
    for p in wizard.profiles() {
        let account = p.identity.as_ref().map_or_else(
            || "—".to_owned(),
            |i| {
                format!(
                    "{}{}",
                    i.account,
                    super::permissions::account_names(p.permissions.as_ref())
                )
            },
        );
        let access = p
            .permissions
            .as_ref()
            .map_or_else(|| "access not checked yet".to_owned(), |s| s.summary());
        let details = [account, access];
        row(ui, RichText::new(&p.name).monospace(), details, |ui| {
            ui.label(RichText::new(verified(p.verified_at)).weak());
            state(ui, &p.name, p.enabled, p.identity.is_some(), false);
        });
    }
}

fn azure(ui: &mut Ui, wizard: &Wizard) {
    full_width(ui);
    section_heading(ui, "Azure subscriptions");
    let saved = wizard.azure.saved();
    if saved.is_empty() {
        ui.label(
            RichText::new(
                "No Azure subscription is connected; you can connect one later from Settings.",
            )
            .weak(),
        );
        return;
    }
    for s in saved {
        let tenant = wizard.azure.tenant_title(&s.tenant_id).map_or_else(
            || format!("tenant {}", s.tenant_id),
            |t| format!("tenant {t}"),
        );
        let details = [tenant, s.access().to_owned()];
        row(ui, RichText::new(&s.name), details, |ui| {
            ui.label(RichText::new(verified(s.verified_at)).weak());
            state(
                ui,
                &s.name,
                s.enabled,
                s.verified_at.is_some(),
                s.can_write == Some(true),
            );
        });
    }
}

fn verified(at: Option<u64>) -> String {
    at.and_then(|s| std::time::UNIX_EPOCH.checked_add(std::time::Duration::from_secs(s)))
        .map_or_else(
            || "never verified".to_owned(),
            |t| format!("verified {}", ago(t)),
        )
}
