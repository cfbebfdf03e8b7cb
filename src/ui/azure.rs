//! Step 3: Connect Azure. What Escher needs, the commands to sign in, the
//! result of Re-check (problems, or the subscription picker) and the
//! verdicts of Verify selected.

use super::look::{Tone, measure, space};
use super::widgets::{
    Callout, CommandClick, CommandRow, button_named, callout, caption, code, code_block,
    command_row, copied_note, icon_button, icons, outcome_note, paragraph, pill, primary_button,
    recheck_button, screen_title, section_heading, status_card, status_line, toggle,
};
use crate::azure::diagnose::Diagnosis;
use crate::azure::steps::SELECT_HINT;
use crate::azure::subscriptions::{State, Subscription, Tenant};
use crate::azure::verify::Verdict;
use crate::wizard::Wizard;
use crate::wizard::azure::AzureState;
use crate::wizard::azure_sign_in::Stage;
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
    SignIn(super::azure_sign_in::Action),
    /// Sign in to this one tenant (one that asks for MFA on its own).
    SignInTenant(String),
    /// Show Sign in with Azure again, to reach another tenant.
    ReopenSignIn,
}

pub struct View<'a> {
    pub wizard: &'a mut Wizard,
    pub discovering: bool,
    pub verifying: bool,
    pub copied: Option<&'a str>,
    pub terminal_note: Option<&'a (bool, String)>,
    /// No browser can open here: Sign in with Azure uses a code.
    pub code_by_default: bool,
}

pub fn show(ui: &mut Ui, mut v: View<'_>) -> Option<Action> {
    let mut action = None;
    screen_title(ui, "Connect Azure");
    callout(ui, Callout::Info, |ui| {
        paragraph(
            ui,
            "Escher needs the built-in Reader role on each subscription it may read; nothing more. \
             Your own Azure CLI signs you in; Escher only reads and verifies.",
        );
    });
    ui.add_space(space::S);
    // Signed in, the picker comes first; the ways to sign in wait below.
    let signing_in = shows_sign_in(&v);
    if signing_in {
        sign_in(ui, &mut v, &mut action);
        ui.add_space(space::S);
        terminal_instead(ui, &v, &mut action);
    }
    ui.add_space(space::M);
    recheck_row(ui, &v, signing_in, &mut action);
    if !v.discovering {
        for d in v.wizard.azure.problems() {
            ui.add_space(space::S);
            diagnosis(ui, d, v.copied, true, &mut action);
        }
        for d in v.wizard.azure.tenants_left() {
            ui.add_space(space::S);
            diagnosis(ui, d, v.copied, false, &mut action);
        }
        if v.wizard.azure.found().is_some() {
            picker(ui, &mut v.wizard.azure, v.verifying, v.copied, &mut action);
        }
    }
    if !signing_in {
        ui.add_space(space::M);
        terminal_instead(ui, &v, &mut action);
    }
    ui.add_space(space::L);
    caption(
        ui,
        "Skipping is fine for AWS-only teams: Azure can be connected later from Settings.",
    );
    action
}

fn terminal_instead(ui: &mut Ui, v: &View<'_>, action: &mut Option<Action>) {
    egui::CollapsingHeader::new("Use the terminal instead")
        .id_salt("azure-terminal")
        .show(ui, |ui| commands(ui, v, action));
}

/// Re-check, with what the sign-in is once one is listed ("Signed in as
/// …") and Change sign-in.
fn recheck_row(ui: &mut Ui, v: &View<'_>, signing_in: bool, action: &mut Option<Action>) {
    let azure = &v.wizard.azure;
    ui.horizontal_wrapped(|ui| {
        if recheck_button(ui, !v.discovering, v.discovering).clicked() {
            *action = Some(Action::Recheck);
        }
        if v.discovering {
            caption(ui, "Asking the Azure CLI what your sign-in reaches…");
        } else if azure.found().is_none() && azure.problems().is_empty() {
            caption(ui, "Already signed in with az? Click Re-check.");
        } else if let Some(who) = azure.signed_in_as().filter(|_| !signing_in) {
            status_line(ui, Tone::Success, &format!("Signed in as {who}"), None);
            if button_named(ui, true, "Change sign-in", "Change the Azure sign-in")
                .on_hover_text("Sign in to another tenant or as another account")
                .clicked()
            {
                *action = Some(Action::ReopenSignIn);
            }
        }
    });
}

/// Sign in with Azure shows until a Re-check lists a sign-in, and again
/// on Change sign-in or while one runs or has just failed.
fn shows_sign_in(v: &View<'_>) -> bool {
    let azure = &v.wizard.azure;
    azure.found().is_none()
        || azure.sign_in.reopened
        || azure.sign_in.working()
        || matches!(azure.sign_in.stage, Stage::Failed(_))
}

fn sign_in(ui: &mut Ui, v: &mut View<'_>, action: &mut Option<Action>) {
    let active = v.wizard.azure.active_cloud().map(str::to_owned);
    let view = super::azure_sign_in::View {
        sign_in: &mut v.wizard.azure.sign_in,
        active_cloud: active.as_deref(),
        code_by_default: v.code_by_default,
    };
    if let Some(a) = super::azure_sign_in::show(ui, view) {
        *action = Some(Action::SignIn(a));
    }
    if let Stage::Failed(d) = &v.wizard.azure.sign_in.stage {
        ui.add_space(space::S);
        diagnosis(ui, d, v.copied, true, action);
    }
}

fn commands(ui: &mut Ui, v: &View<'_>, action: &mut Option<Action>) {
    ui.horizontal(|ui| {
        section_heading(ui, "Run these commands in a terminal, in order:");
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Max), |ui| {
            let terminal = icons::ICON_TERMINAL;
            if icon_button(ui, true, terminal, "Open Terminal", ">_ Open Terminal").clicked() {
                *action = Some(Action::OpenTerminal);
            }
        });
    });
    if let Some((ok, note)) = v.terminal_note {
        outcome_note(ui, *ok, note);
    }
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
            ui.add_space(space::XS);
        }
        if step.argv.get(1).map(String::as_str) == Some("login") {
            caption(ui, SELECT_HINT);
            ui.add_space(space::XS);
        }
    }
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
    ui.add_space(space::M);
    section_heading(
        ui,
        &format!(
            "Pick the subscriptions Escher may read ({} cloud):",
            found.cloud.name
        ),
    );
    ui.horizontal(|ui| {
        let label = ui.label("Search subscriptions");
        ui.add(
            egui::TextEdit::singleline(&mut azure.query)
                .hint_text("name, id or tenant")
                .desired_width(measure::SEARCH_FIELD),
        )
        .labelled_by(label.id);
    });
    let matches = azure.matches();
    if matches.tenants.is_empty() {
        caption(ui, "No subscription matches the search.");
    }
    for (ti, subs) in &matches.tenants {
        let Some(tenant) = found.listing.tenants.get(*ti) else {
            continue;
        };
        tenant_header(ui, tenant);
        if tenant.has_no_subscriptions() {
            caption(ui, "   no subscriptions in this tenant");
        }
        for si in subs {
            if let Some(sub) = tenant.subscriptions.get(*si) {
                row(ui, azure, sub, copied, action);
            }
        }
    }
    ui.add_space(space::S);
    ui.horizontal(|ui| {
        let picked = azure.picked_subscriptions().len();
        let can = picked > 0 && !verifying;
        if primary_button(ui, can, "Verify selected", "Verify selected")
            .on_disabled_hover_text("Pick at least one subscription")
            .clicked()
        {
            *action = Some(Action::Verify);
        }
        if verifying {
            ui.spinner();
            caption(
                ui,
                &format!("Verifying {picked} with Azure Resource Manager…"),
            );
        } else {
            caption(ui, &format!("{picked} picked"));
        }
    });
}

fn tenant_header(ui: &mut Ui, t: &Tenant) {
    ui.add_space(space::S);
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
        ui.add_space(space::M);
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
    let tone = match state {
        State::Enabled => Tone::Success,
        State::Disabled | State::Deleted => Tone::Danger,
        _ => Tone::Warning,
    };
    pill(ui, tone, state.label());
}

fn mark(ui: &mut Ui, v: &Verdict) {
    let (tone, text) = match (v.ok(), v.can_write()) {
        (true, Some(true)) => (Tone::Warning, "⚠ read access, can also write"),
        (true, _) => (Tone::Success, "✔ read access"),
        (false, _) => (Tone::Danger, "✖ not verified"),
    };
    let shown = text.trim_start_matches(['✔', '✖', '⚠', ' ']);
    status_line(ui, tone, shown, Some(&format!("{}: {text}", v.name)));
}

pub(super) fn diagnosis(
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
    let tone = if is_error {
        Tone::Danger
    } else {
        Tone::Warning
    };
    status_card(ui, tone, &d.title, |ui| {
        paragraph(ui, &d.explanation);
        paragraph(ui, &format!("What to do: {}", d.fix));
        if let Some(cmd) = &d.command {
            // On a line of its own: a long command would push Copy off screen.
            code_block(ui, cmd, true);
            ui.horizontal(|ui| {
                let copy = icons::ICON_CONTENT_COPY;
                if icon_button(ui, true, copy, "Copy", &format!("Copy fix: {cmd}")).clicked() {
                    *action = Some(Action::Copy {
                        key: key.to_owned(),
                        text: cmd.clone(),
                    });
                }
                if copied == Some(key) {
                    copied_note(ui);
                }
            });
        }
        if let Some(tenant) = d.login_tenant()
            && button_named(
                ui,
                true,
                "Sign in to this tenant",
                &format!("Sign in to tenant {tenant}"),
            )
            .clicked()
        {
            *action = Some(Action::SignInTenant(tenant.to_owned()));
        }
        if d.case == crate::azure::diagnose::Case::AzMissing
            && button_named(
                ui,
                true,
                "I installed it — check again",
                "I installed it — check again",
            )
            .clicked()
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

/// The action bar: the ways back on the left, Skip and Continue at the
/// right.
pub fn action_bar(ui: &mut Ui, wizard: &Wizard) -> Option<Action> {
    let mut action = None;
    let azure = &wizard.azure;
    let back = icons::ICON_ARROW_BACK;
    if wizard.return_to_profiles
        && icon_button(
            ui,
            true,
            back,
            "Back to Settings → Profiles",
            "Back to Settings → Profiles",
        )
        .clicked()
    {
        action = Some(Action::BackToProfiles);
    }
    if icon_button(ui, true, back, "Back to Connect AWS", "Back to Connect AWS").clicked() {
        action = Some(Action::Back);
    }
    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
        let can = azure.can_continue();
        if primary_button(ui, can, "Continue", "Continue")
            .on_disabled_hover_text("Available once at least one subscription is verified")
            .clicked()
        {
            action = Some(Action::Continue);
        }
        if button_named(ui, true, "Skip Azure for now", "Skip Azure for now")
            .on_hover_text("You can connect Azure later from Settings → Profiles")
            .clicked()
        {
            action = Some(Action::Skip);
        }
    });
    action
}
