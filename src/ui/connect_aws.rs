//! Step 2: Connect AWS. The profile name, the numbered commands, Re-check
//! and its verdict, what Escher needs, and troubleshooting.

use super::look::{Tone, measure, space};
use super::widgets::{
    Callout, CommandClick, CommandRow, button_named, callout, callout_line, caption, card,
    code_block, command_row, copied_note, error_color, fact_table, icon_button, icons,
    outcome_note, paragraph, pill, recheck_button, screen_title, section_heading, status_card,
    status_line,
};
use crate::aws::check::{CheckReport, Outcome};
use crate::aws::diagnose::Diagnosis;
use crate::aws::profiles::Kind;
use crate::commands::Method;
use crate::time_words::{ago, describe_expiry};
use crate::wizard::{NameHint, PLACEHOLDER_NAME, Wizard};
use egui::{RichText, Ui};
use std::time::SystemTime;

pub enum Action {
    Copy {
        key: String,
        text: String,
    },
    RunInTerminal(usize),
    OpenTerminal,
    Recheck,
    UseName(String),
    AddAnother,
    BackToProfiles,
    /// "Add more accounts from this sign-in" for this SSO profile.
    AddAccounts(String),
    OpenUrl(&'static str),
    CheckCliAgain,
    Permissions(super::permissions::Action),
    SignIn(super::sso_sign_in::Action),
}

pub struct View<'a> {
    pub wizard: &'a mut Wizard,
    pub checking: bool,
    /// Key of the thing copied in the last two seconds.
    pub copied: Option<&'a str>,
    pub terminal_note: Option<&'a (bool, String)>,
    /// Sign in here (the SSO method).
    pub sign_in: &'a mut crate::wizard::sso_sign_in::SignInFlow,
}

pub fn show(ui: &mut Ui, v: View<'_>) -> Option<Action> {
    intro(ui, v.wizard.method);
    let signed = match v.wizard.method {
        Method::Sso => sign_in_here(ui, v.wizard, v.sign_in),
        Method::AccessKeys => None,
    };
    let (submit, cli) = card(ui, |ui| {
        let submit = name_field(ui, v.wizard);
        (submit, cli_status(ui, v.wizard))
    });
    ui.add_space(space::S);
    if v.wizard.method == Method::AccessKeys {
        access_keys_warning(ui);
    }
    let commands = commands(ui, &v);
    let recheck = recheck_row(ui, &v, submit);
    let results = results(ui, &v);
    // One click per frame: whichever part was clicked.
    [signed, cli, commands, recheck, results]
        .into_iter()
        .flatten()
        .last()
}

fn intro(ui: &mut Ui, method: Method) {
    ui.horizontal(|ui| {
        screen_title(ui, "Connect AWS");
        pill(ui, Tone::Info, &format!("Method: {}", method.label()));
    });
    paragraph(
        ui,
        match method {
            Method::Sso => {
                "If your AWS Organization uses IAM Identity Center (formerly AWS SSO), this is the safest path — no \
                 long-lived access keys, session length governed by your security team's policy, and credential \
                 rotation happens automatically."
            }
            Method::AccessKeys => {
                "If your org doesn't use SSO, connect a profile that holds access keys."
            }
        },
    );
    ui.add_space(space::M);
}

/// SSO: Sign in here first, then the terminal's way below it.
fn sign_in_here(
    ui: &mut Ui,
    wizard: &Wizard,
    flow: &mut crate::wizard::sso_sign_in::SignInFlow,
) -> Option<Action> {
    let sessions = wizard
        .discovery()
        .map(|d| d.sso_sessions.clone())
        .unwrap_or_default();
    let action = super::sso_sign_in::show(ui, flow, &sessions).map(Action::SignIn);
    ui.add_space(space::M);
    section_heading(ui, "Or use the terminal instead");
    ui.add_space(space::S);
    action
}

fn access_keys_warning(ui: &mut Ui) {
    callout(ui, Callout::Warning, |ui| {
        paragraph(
            ui,
            &format!(
                "Access keys are long-lived credentials stored in {CREDENTIALS_FILE}. Prefer SSO when possible. \
                 If you must use access keys, attach the minimum read-only policy below — not AdministratorAccess."
            ),
        );
    });
    ui.add_space(space::S);
}

/// The numbered commands with Open Terminal, then the naming tip.
fn commands(ui: &mut Ui, v: &View<'_>) -> Option<Action> {
    let mut action = None;
    let enabled = v.wizard.commands_enabled();
    let steps = v.wizard.command_steps();
    if !steps.is_empty() {
        ui.horizontal(|ui| {
            section_heading(ui, "Run these commands in a terminal, in order:");
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Max), |ui| {
                let terminal = icons::ICON_TERMINAL;
                if icon_button(ui, enabled, terminal, "Open Terminal", ">_ Open Terminal")
                    .on_hover_text("Opens a terminal window to run the commands in")
                    .clicked()
                {
                    action = Some(Action::OpenTerminal);
                }
            });
        });
        if let Some((ok, note)) = v.terminal_note {
            outcome_note(ui, *ok, note);
        }
    }
    for step in &steps {
        let line = step.line();
        let key = format!("cmd-{}", step.number);
        let row = CommandRow {
            number: step.number,
            explanation: step.explanation,
            line: &line,
            enabled,
            copy_name: format!("Copy command {}", step.number),
            run_name: format!("Run command {} in Terminal", step.number),
            copied: v.copied == Some(key.as_str()),
        };
        match command_row(ui, &row) {
            Some(CommandClick::Copy) => action = Some(Action::Copy { key, text: line }),
            Some(CommandClick::Run) => action = Some(Action::RunInTerminal(step.number - 1)),
            None => {}
        }
    }
    ui.add_space(space::XS);
    let exists = v.wizard.in_files(&v.wizard.name_input).is_some();
    if v.wizard.method == Method::Sso && !exists {
        callout_line(
            ui,
            Callout::Tip,
            "The profile name is a label you choose. Use something descriptive like prod-admin or \
             audit-readonly.",
        );
    }
    action
}

/// Re-check (or Enter in the name field), and what it waits for.
fn recheck_row(ui: &mut Ui, v: &View<'_>, submit: bool) -> Option<Action> {
    let mut action = None;
    let no_commands = v.wizard.command_steps().is_empty();
    ui.add_space(space::L);
    ui.horizontal(|ui| {
        let can = v.wizard.commands_enabled() && !v.checking;
        if recheck_button(ui, can, v.checking).clicked() || (can && submit) {
            action = Some(Action::Recheck);
        }
        if v.checking {
            caption(
                ui,
                &format!("Checking {} with AWS STS…", v.wizard.name_input),
            );
        } else if v.wizard.current_report().is_none() && no_commands {
            caption(ui, "Click Re-check to check this profile as it is.");
        } else if v.wizard.current_report().is_none() {
            caption(
                ui,
                match v.wizard.method {
                    Method::Sso => {
                        "When get-caller-identity returns your AWS principal, click Re-check."
                    }
                    Method::AccessKeys => "When aws s3 ls runs without an error, click Re-check.",
                },
            );
        }
    });
    ui.add_space(space::S);
    action
}

/// The verdict, then Check permissions once it passed, then the profiles
/// connected so far.
fn results(ui: &mut Ui, v: &View<'_>) -> Option<Action> {
    let mut action = None;
    let report = v.wizard.current_report().filter(|_| !v.checking);
    if let Some(report) = report {
        action = verdict(ui, v.wizard, report, v.copied);
        if report.passed() {
            let view = super::permissions::View::of(v.wizard, &report.profile);
            action = super::permissions::show(ui, view)
                .map(Action::Permissions)
                .or(action);
        }
    }
    connected_so_far(ui, v.wizard).or(action)
}

fn cli_status(ui: &mut Ui, wizard: &Wizard) -> Option<Action> {
    use crate::aws_cli::{CliStatus, installer_url};
    let mut action = None;
    match &wizard.aws_cli {
        None => {
            ui.horizontal(|ui| {
                ui.spinner();
                caption(ui, "Looking for the AWS CLI…");
            });
        }
        Some(CliStatus::Found(cli)) => {
            let text = format!("AWS CLI {} is installed.", cli.version);
            status_line(ui, Tone::Success, &text, Some(&text))
                .on_hover_text(cli.path.display().to_string());
        }
        Some(status) => {
            let d = crate::aws::diagnose::aws_cli_problem(status)?;
            let warning = icons::ICON_WARNING;
            super::widgets::callout_titled(ui, Tone::Warning, warning, &d.title, |ui| {
                paragraph(ui, &d.explanation);
                ui.horizontal(|ui| {
                    let label = if matches!(status, CliStatus::Missing) {
                        "Install the AWS CLI"
                    } else {
                        "Upgrade to version 2"
                    };
                    let open = icons::ICON_OPEN_IN_NEW;
                    if icon_button(ui, true, open, label, label)
                        .on_hover_text(installer_url())
                        .clicked()
                    {
                        action = Some(Action::OpenUrl(installer_url()));
                    }
                    if ui.button("I installed it — check again").clicked() {
                        action = Some(Action::CheckCliAgain);
                    }
                });
            });
            ui.add_space(space::S);
        }
    }
    action
}

/// Where the AWS CLI keeps access keys, as the user's shell writes it.
const CREDENTIALS_FILE: &str = if cfg!(windows) {
    r"%USERPROFILE%\.aws\credentials"
} else {
    "~/.aws/credentials"
};

/// The step asks for a name first: the field has the keyboard when the
/// window opens on it, so typing starts at once (and Enter is Re-check).
fn take_keyboard_once(ui: &Ui, field: &egui::Response) {
    let asked = field.id.with("focused-once");
    if ui.data(|d| d.get_temp::<bool>(asked).is_none()) {
        ui.data_mut(|d| d.insert_temp(asked, true));
        field.request_focus();
    }
}

fn name_field(ui: &mut Ui, wizard: &mut Wizard) -> bool {
    let mut submit = false;
    ui.horizontal(|ui| {
        let label = ui.label(RichText::new("Profile name").strong());
        let resp = ui
            .add(
                egui::TextEdit::singleline(&mut wizard.name_input)
                    .hint_text(PLACEHOLDER_NAME)
                    .desired_width(measure::NAME_FIELD)
                    .margin(egui::Margin::symmetric(space::S as i8, 5))
                    .font(egui::TextStyle::Monospace),
            )
            .labelled_by(label.id);
        submit = resp.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        take_keyboard_once(ui, &resp);
        if wizard.discovery().is_some_and(|d| !d.profiles.is_empty()) {
            let picker = egui::ComboBox::from_id_salt("pick-profile")
                .selected_text("Pick an existing profile")
                .show_ui(ui, |ui| {
                    // Only while the list is open, not every frame.
                    let names: Vec<String> = wizard
                        .discovery()
                        .map(|d| d.names().map(str::to_owned).collect())
                        .unwrap_or_default();
                    for n in &names {
                        ui.selectable_value(&mut wizard.name_input, n.clone(), n);
                    }
                });
            picker.response.widget_info(|| {
                egui::WidgetInfo::labeled(egui::Role::ComboBox, true, "Pick an existing profile")
            });
        }
    });
    match wizard.profile_name() {
        Ok(_) => name_hint(ui, wizard),
        Err(e) if wizard.name_input.is_empty() => {
            caption(ui, &format!("A label you choose, e.g. prod-admin. {e}"));
        }
        Err(e) => {
            ui.label(RichText::new(e.to_string()).color(error_color(ui)));
        }
    }
    submit
}

fn name_hint(ui: &mut Ui, wizard: &mut Wizard) {
    match wizard.name_hint() {
        NameHint::Found {
            kind,
            region,
            problem,
            sso_expires_at,
            new_name,
        } => existing_profile(
            ui,
            wizard,
            Existing {
                kind,
                region,
                problem,
                sso_expires_at,
                new_name,
            },
        ),
        NameHint::NotInFiles { suggestions } => {
            ui.horizontal_wrapped(|ui| {
                caption(
                    ui,
                    "Not in your AWS config yet: the first command below creates it.",
                );
                // After a failed Re-check the verdict offers the same names.
                let offered = wizard
                    .current_report()
                    .is_some_and(|r| r.diagnosis().is_some_and(|d| !d.suggestions.is_empty()));
                if !suggestions.is_empty() && !offered {
                    ui.label("Did you mean");
                    for s in suggestions {
                        if button_named(ui, true, &s, &format!("Use profile {s}")).clicked() {
                            wizard.name_input = s.clone();
                        }
                    }
                }
            });
        }
        NameHint::Unknown => {
            caption(ui, "A label you choose, e.g. prod-admin.");
        }
    }
}

struct Existing {
    kind: Kind,
    region: Option<String>,
    problem: Option<String>,
    sso_expires_at: Option<SystemTime>,
    new_name: Option<String>,
}

/// The name is already a profile: say what it is, that Re-check checks it
/// as it is, and offer a new name for setting up the method instead (its
/// commands would change this profile).
fn existing_profile(ui: &mut Ui, wizard: &mut Wizard, e: Existing) {
    let now = SystemTime::now();
    let mut what = e.kind.label().to_owned();
    if let Some(r) = &e.region {
        what.push_str(&format!(", region {r}"));
    }
    let found = format!("Found in your AWS config ({what})");
    if let Some(problem) = &e.problem {
        return incomplete_profile(ui, wizard, &found, problem, e.new_name);
    }
    let (text, tone) = match e.sso_expires_at {
        Some(at) => {
            // The countdown is in minutes: once a minute is enough.
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_secs(60));
            let tone = if at > now {
                Tone::Success
            } else {
                Tone::Warning
            };
            (
                format!("{found}. SSO sign-in {}.", describe_expiry(at, now)),
                tone,
            )
        }
        None if e.kind.is_sso() => (
            format!("{found}. Not signed in with SSO yet."),
            Tone::Warning,
        ),
        None => (format!("{found}."), Tone::Success),
    };
    status_line(ui, tone, &text, Some(&text));
    let next = if e.kind.is_sso() {
        "It is set up already: sign in with the commands below if needed, then click Re-check to check it as it is."
    } else {
        "It is set up already, so the setup commands are not needed: click Re-check to check it as it is."
    };
    caption(ui, next);
    if let Some(n) = e.new_name {
        ui.horizontal_wrapped(|ui| {
            ui.label(format!(
                "To set up a new profile with {} instead, use a new name:",
                wizard.method.label()
            ));
            if button_named(ui, true, &n, &format!("Use new name {n}")).clicked() {
                wizard.name_input = n.clone();
            }
        });
    }
}

/// The name is a profile that cannot work: that, once, with the fix for
/// the chosen method (the other method's named) and a new name instead.
/// After a Re-check its verdict card says the same, so this says nothing.
fn incomplete_profile(
    ui: &mut Ui,
    wizard: &mut Wizard,
    found: &str,
    problem: &str,
    new_name: Option<String>,
) {
    let name = wizard.name_input.trim().to_owned();
    if wizard.report_for(&name).is_some_and(|r| !r.passed()) {
        caption(ui, &format!("{found}; the result below says what to do."));
        return;
    }
    let text = format!("{found}, but it cannot work: {problem}.");
    status_line(ui, Tone::Danger, &text, Some(&text));
    let c = wizard.completion(&name);
    ui.horizontal_wrapped(|ui| {
        ui.label(format!("To complete it {}:", c.with));
        super::widgets::code(ui, &c.command, true);
    });
    ui.horizontal_wrapped(|ui| {
        caption(ui, &format!("Or, {}: {}.", c.instead.0, c.instead.1));
        if let Some(n) = new_name {
            caption(ui, "To leave it as it is, use a new name:");
            if button_named(ui, true, &n, &format!("Use new name {n}")).clicked() {
                wizard.name_input = n.clone();
            }
        }
    });
}

/// The verdict after Re-check, as a status card: who the profile is, or
/// what failed and how to fix it; then any warnings.
fn verdict(
    ui: &mut Ui,
    wizard: &Wizard,
    report: &CheckReport,
    copied: Option<&str>,
) -> Option<Action> {
    let mut action = None;
    match &report.outcome {
        Outcome::Passed(id) => {
            let title = format!("Connected: {} is verified", report.profile);
            status_card(ui, Tone::Success, &title, |ui| {
                fact_table(
                    ui,
                    "identity",
                    &[
                        ("Account", &id.account),
                        ("ARN", &id.arn),
                        ("UserId", &id.user_id),
                    ],
                );
                ui.add_space(space::XS);
                caption(
                    ui,
                    &format!(
                        "Checked {} in {} ms",
                        ago(report.finished_at),
                        report.elapsed.as_millis()
                    ),
                );
            });
        }
        Outcome::Failed(d) => {
            let d = wizard.diagnosis_for_method(d, &report.profile);
            if let Some(a) = diagnosis(ui, &d, copied, true) {
                action = Some(a);
            }
        }
    }
    for w in &report.warnings {
        ui.add_space(space::S);
        if let Some(a) = diagnosis(ui, w, copied, false) {
            action = Some(a);
        }
    }
    action
}

/// A failure (or warning): title, explanation, the fix, its command with
/// Copy, names to use instead, and the raw details collapsed.
pub(super) fn diagnosis(
    ui: &mut Ui,
    d: &Diagnosis,
    copied: Option<&str>,
    is_error: bool,
) -> Option<Action> {
    let mut action = None;
    let tone = if is_error {
        Tone::Danger
    } else {
        Tone::Warning
    };
    status_card(ui, tone, &d.title, |ui| {
        paragraph(ui, &d.explanation);
        ui.add_space(space::XS);
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new("What to do:").strong());
            ui.label(&d.fix);
        });
        if let Some(cmd) = &d.command {
            let key = format!("fix-{}", d.case.id());
            ui.add_space(space::XS);
            code_block(ui, cmd, true);
            ui.horizontal(|ui| {
                let copy = icons::ICON_CONTENT_COPY;
                if icon_button(ui, true, copy, "Copy", &format!("Copy fix: {cmd}")).clicked() {
                    action = Some(Action::Copy {
                        key: key.clone(),
                        text: cmd.clone(),
                    });
                }
                if copied == Some(key.as_str()) {
                    copied_note(ui);
                }
            });
        }
        if !d.suggestions.is_empty() {
            ui.horizontal_wrapped(|ui| {
                ui.label("Use an existing profile:");
                for s in &d.suggestions {
                    if button_named(ui, true, s, &format!("Use profile {s}")).clicked() {
                        action = Some(Action::UseName(s.clone()));
                    }
                }
            });
        }
        if !d.detail.is_empty() {
            egui::CollapsingHeader::new("Details")
                .id_salt(("details", d.case.id()))
                .show(ui, |ui| {
                    ui.add(
                        egui::Label::new(RichText::new(&d.detail).monospace().small())
                            .selectable(true)
                            .wrap(),
                    );
                });
        }
    });
    action
}

fn connected_so_far(ui: &mut Ui, wizard: &Wizard) -> Option<Action> {
    let mut action = None;
    let passed = wizard.current_report().is_some_and(CheckReport::passed);
    if passed {
        ui.add_space(space::S);
        ui.horizontal(|ui| {
            let add = icons::ICON_ADD;
            if icon_button(ui, true, add, "Add another profile", "Add another profile").clicked() {
                action = Some(Action::AddAnother);
            }
            let back = "Back to Settings → Profiles";
            if wizard.return_to_profiles && button_named(ui, true, back, back).clicked() {
                action = Some(Action::BackToProfiles);
            }
            if let Some(r) = wizard
                .current_report()
                .filter(|r| r.kind.is_some_and(|k| k.is_sso()))
                && ui.button("Add more accounts from this sign-in").clicked()
            {
                action = Some(Action::AddAccounts(r.profile.clone()));
            }
        });
    }
    if wizard.profiles().is_empty() {
        return action;
    }
    ui.add_space(space::M);
    card(ui, |ui| {
        section_heading(ui, "Connected so far");
        connected_table(ui, wizard);
    });
    action
}

fn connected_table(ui: &mut Ui, wizard: &Wizard) {
    let now = SystemTime::now();
    egui::Grid::new("connected-so-far")
        .num_columns(3)
        .spacing([space::M, space::XS])
        .show(ui, |ui| {
            for p in wizard.profiles().iter().take(CONNECTED_SHOWN) {
                ui.label(RichText::new(&p.name).monospace());
                ui.label(
                    p.identity
                        .as_ref()
                        .map(|i| format!("account {}", i.account))
                        .unwrap_or_default(),
                );
                match wizard.report_for(&p.name) {
                    Some(r) if !r.passed() => {
                        let title = r.diagnosis().map(|d| d.title.as_str()).unwrap_or_default();
                        status_line(ui, Tone::Danger, title, None);
                    }
                    _ => {
                        let when = p
                            .verified_time(now)
                            .map(ago)
                            .unwrap_or_else(|| "at a time not known".to_owned());
                        status_line(ui, Tone::Success, &format!("verified {when}"), None);
                    }
                }
                ui.end_row();
            }
        });
    let more = wizard.profiles().len().saturating_sub(CONNECTED_SHOWN);
    if more > 0 {
        caption(ui, &format!("and {more} more in Settings → Profiles"));
    }
}

/// The summary lists the first few; Settings → Profiles lists them all.
const CONNECTED_SHOWN: usize = 10;
