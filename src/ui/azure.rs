//! Step 3: Connect Azure. What Escher needs, the commands to sign in, the
//! result of Re-check (problems, or the subscription picker) and the
//! verdicts of Verify selected.

use super::widgets::{
    Callout, CommandClick, CommandRow, button_named, callout, code, command_row, error_color,
    outcome_note, success_color, toggle,
};
use crate::azure::diagnose::Diagnosis;
use crate::azure::steps::SELECT_HINT;
use crate::azure::subscriptions::{State, Subscription, Tenant};
use crate::azure::verify::Verdict;
use crate::wizard::Wizard;
use crate::wizard::azure::AzureState;
use egui::{RichText, Ui};

pub enum Action {
    Copy {
        key: String,
        text: String,
    },
    /// Run the step at this index in a terminal.
    RunInTerminal(usize),
    OpenTerminal,
    Recheck,
    Pick {
        id: crate::azure::ids::Guid,
        on: bool,
    },
    Verify,
    Back,
    /// Back to Settings → Profiles, where Add Profile → Azure was pressed.
    BackToProfiles,
    Skip,
    Continue,
}

pub struct View<'a> {
    pub wizard: &'a mut Wizard,
    pub discovering: bool,
    pub verifying: bool,
    pub copied: Option<&'a str>,
    pub terminal_note: Option<&'a (bool, String)>,
}

pub fn show(ui: &mut Ui, v: View<'_>) -> Option<Action> {
    let mut action = None;
    ui.heading("Connect Azure");
    ui.add_space(8.0);
    callout(ui, Callout::Info, |ui| {
        ui.label(
            "Escher needs the built-in Reader role on each subscription it may read; nothing more. \
             Your own Azure CLI signs in; Escher only reads and verifies.",
        );
    });
    ui.add_space(8.0);
    commands(ui, &v, &mut action);
    ui.add_space(12.0);
    ui.separator();
    ui.horizontal(|ui| {
        if ui
            .add_enabled(
                !v.discovering,
                egui::Button::new(RichText::new("Re-check").strong()),
            )
            .clicked()
        {
            action = Some(Action::Recheck);
        }
        if v.discovering {
            ui.spinner();
            ui.label("Asking the Azure CLI what your sign-in reaches…");
        } else if v.wizard.azure.found().is_none() && v.wizard.azure.problems().is_empty() {
            ui.label("When az login has finished, click Re-check.");
        }
    });
    if !v.discovering {
        for d in v.wizard.azure.problems() {
            ui.add_space(4.0);
            diagnosis(ui, d, v.copied, true, &mut action);
        }
        if v.wizard.azure.found().is_some() {
            picker(ui, &mut v.wizard.azure, v.verifying, v.copied, &mut action);
        }
    }
    ui.add_space(16.0);
    nav(ui, v.wizard, &mut action);
    action
}

fn commands(ui: &mut Ui, v: &View<'_>, action: &mut Option<Action>) {
    ui.label(RichText::new("Run these commands in a terminal, in order:").strong());
    for step in v.wizard.azure.steps() {
        let line = step.line();
        let key = format!("az-cmd-{}", step.number);
        let row = CommandRow {
            number: step.number,
            explanation: step.explanation,
            line: &line,
            enabled: true,
            copy_name: format!("Copy Azure command {}", step.number),
            run_name: format!("Run Azure command {} in Terminal", step.number),
            copied: v.copied == Some(key.as_str()),
        };
        match command_row(ui, &row) {
            Some(CommandClick::Copy) => *action = Some(Action::Copy { key, text: line }),
            Some(CommandClick::Run) => *action = Some(Action::RunInTerminal(step.number - 1)),
            None => {}
        }
        for (when, argv) in &step.alternatives {
            ui.horizontal_wrapped(|ui| {
                ui.label(RichText::new(format!("or, {when}:")).weak());
                code(ui, &crate::shell::posix_join(argv), true);
            });
        }
        if step.argv.get(1).map(String::as_str) == Some("login") {
            ui.label(RichText::new(SELECT_HINT).weak());
        }
    }
    ui.add_space(8.0);
    ui.horizontal(|ui| {
        if ui.button(">_ Open Terminal").clicked() {
            *action = Some(Action::OpenTerminal);
        }
        if let Some((ok, note)) = v.terminal_note {
            outcome_note(ui, *ok, note);
        }
    });
}

fn picker(
    ui: &mut Ui,
    azure: &mut AzureState,
    verifying: bool,
    copied: Option<&str>,
    action: &mut Option<Action>,
) {
    let Some(found) = azure.found().cloned() else {
        return;
    };
    ui.add_space(8.0);
    ui.label(
        RichText::new(format!(
            "Pick the subscriptions Escher may read ({} cloud):",
            found.cloud.name
        ))
        .strong(),
    );
    ui.horizontal(|ui| {
        let label = ui.label("Search subscriptions");
        ui.add(
            egui::TextEdit::singleline(&mut azure.query)
                .hint_text("name, id or tenant")
                .desired_width(320.0),
        )
        .labelled_by(label.id);
    });
    let matches = azure.matches();
    if matches.tenants.is_empty() {
        ui.label(RichText::new("No subscription matches the search.").weak());
    }
    for (ti, subs) in &matches.tenants {
        let Some(tenant) = found.listing.tenants.get(*ti) else {
            continue;
        };
        tenant_header(ui, tenant);
        if tenant.has_no_subscriptions() {
            ui.label(RichText::new("   no subscriptions in this tenant").weak());
        }
        for si in subs {
            if let Some(sub) = tenant.subscriptions.get(*si) {
                row(ui, azure, sub, copied, action);
            }
        }
    }
    ui.add_space(8.0);
    ui.horizontal(|ui| {
        let picked = azure.picked_subscriptions().len();
        let can = picked > 0 && !verifying;
        if ui
            .add_enabled(
                can,
                egui::Button::new(RichText::new("Verify selected").strong()),
            )
            .on_disabled_hover_text("Pick at least one subscription")
            .clicked()
        {
            *action = Some(Action::Verify);
        }
        if verifying {
            ui.spinner();
            ui.label(format!("Verifying {picked} with Azure Resource Manager…"));
        } else {
            ui.label(RichText::new(format!("{picked} picked")).weak());
        }
    });
}

fn tenant_header(ui: &mut Ui, t: &Tenant) {
    ui.add_space(6.0);
    ui.horizontal_wrapped(|ui| {
        let name = if t.display_name.is_empty() {
            "Tenant"
        } else {
            &t.display_name
        };
        ui.label(RichText::new(name).strong());
        if !t.default_domain.is_empty() {
            ui.label(&t.default_domain);
        }
        ui.label(RichText::new(t.id.as_str()).monospace().weak());
    });
}

fn row(
    ui: &mut Ui,
    azure: &AzureState,
    sub: &Subscription,
    copied: Option<&str>,
    action: &mut Option<Action>,
) {
    let verdict = azure.verdict(&sub.id);
    ui.horizontal(|ui| {
        ui.add_space(12.0);
        let mut on = azure.is_picked(&sub.id);
        let pickable = sub.state.pickable();
        let name = format!("Pick {}", sub.name);
        let resp = ui
            .add_enabled_ui(pickable, |ui| toggle(ui, &mut on, &name))
            .inner;
        if !pickable {
            resp.on_disabled_hover_text(format!(
                "A {} subscription cannot be read",
                sub.state.label()
            ));
        } else if resp.changed() {
            *action = Some(Action::Pick {
                id: sub.id.clone(),
                on,
            });
        }
        ui.label(&sub.name);
        ui.label(RichText::new(sub.id.as_str()).monospace().weak());
        badge(ui, &sub.state);
        if let Some(v) = verdict {
            mark(ui, v);
        }
    });
    if let Some(v) = verdict {
        if let Some(d) = v.diagnosis() {
            diagnosis(ui, d, copied, true, action);
        } else if let Some(w) = v.write_advice() {
            let d = Diagnosis {
                case: crate::azure::diagnose::Case::Unknown,
                title: w.title,
                explanation: w.explanation,
                fix: w.fix,
                command: Some(w.command),
                argv: Some(w.argv),
                detail: String::new(),
            };
            card(ui, &d, &format!("write-{}", sub.id), copied, false, action);
        }
    }
}

fn badge(ui: &mut Ui, state: &State) {
    let color = match state {
        State::Enabled => success_color(ui),
        State::Disabled | State::Deleted => error_color(ui),
        _ => ui.visuals().warn_fg_color,
    };
    ui.label(RichText::new(state.label()).small().color(color));
}

fn mark(ui: &mut Ui, v: &Verdict) {
    let (text, color) = match (v.ok(), v.can_write()) {
        (true, Some(true)) => ("⚠ read access, can also write", ui.visuals().warn_fg_color),
        (true, _) => ("✔ read access", success_color(ui)),
        (false, _) => ("✖ not verified", error_color(ui)),
    };
    let resp = ui.label(RichText::new(text).strong().color(color));
    let name = format!("{}: {text}", v.name);
    resp.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, &name));
}

fn diagnosis(
    ui: &mut Ui,
    d: &Diagnosis,
    copied: Option<&str>,
    is_error: bool,
    action: &mut Option<Action>,
) {
    card(
        ui,
        d,
        &format!("fix-{}", d.case.id()),
        copied,
        is_error,
        action,
    );
}

/// A problem and its fix, with the command to copy.
fn card(
    ui: &mut Ui,
    d: &Diagnosis,
    key: &str,
    copied: Option<&str>,
    is_error: bool,
    action: &mut Option<Action>,
) {
    let (mark, color) = if is_error {
        ("✖", error_color(ui))
    } else {
        ("⚠", ui.visuals().warn_fg_color)
    };
    egui::Frame::group(ui.style())
        .stroke(egui::Stroke::new(1.0, color))
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.label(
                RichText::new(format!("{mark} {}", d.title))
                    .strong()
                    .color(color),
            );
            ui.add(egui::Label::new(&d.explanation).wrap());
            ui.add(egui::Label::new(format!("What to do: {}", d.fix)).wrap());
            if let Some(cmd) = &d.command {
                // On a line of its own: a long command would push Copy off screen.
                code(ui, cmd, true);
                ui.horizontal(|ui| {
                    if button_named(ui, true, "Copy", &format!("Copy fix: {cmd}")).clicked() {
                        *action = Some(Action::Copy {
                            key: key.to_owned(),
                            text: cmd.clone(),
                        });
                    }
                    if copied == Some(key) {
                        ui.label(RichText::new("Copied").color(success_color(ui)));
                    }
                });
            }
            if d.case == crate::azure::diagnose::Case::AzMissing
                && ui.button("I installed it — check again").clicked()
            {
                *action = Some(Action::Recheck);
            }
            if !d.detail.is_empty() {
                egui::CollapsingHeader::new("Details")
                    .id_salt(("az-details", key))
                    .show(ui, |ui| {
                        ui.add(
                            egui::Label::new(RichText::new(&d.detail).monospace().small())
                                .selectable(true)
                                .wrap(),
                        );
                    });
            }
        });
}

fn nav(ui: &mut Ui, wizard: &Wizard, action: &mut Option<Action>) {
    let azure = &wizard.azure;
    ui.separator();
    ui.horizontal(|ui| {
        if wizard.return_to_profiles && ui.button("Back to Settings → Profiles").clicked() {
            *action = Some(Action::BackToProfiles);
        }
        if ui.button("Back to Connect AWS").clicked() {
            *action = Some(Action::Back);
        }
        if ui
            .button("Skip Azure for now")
            .on_hover_text("You can connect Azure later from Settings → Profiles")
            .clicked()
        {
            *action = Some(Action::Skip);
        }
        let can = azure.can_continue();
        if ui
            .add_enabled(can, egui::Button::new(RichText::new("Continue").strong()))
            .on_disabled_hover_text("Available once at least one subscription is verified")
            .clicked()
        {
            *action = Some(Action::Continue);
        }
    });
    ui.label(
        RichText::new(
            "Skipping is fine for AWS-only teams: Azure can be connected later from Settings.",
        )
        .weak(),
    );
}
