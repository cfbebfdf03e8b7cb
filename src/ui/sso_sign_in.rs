//! Connect AWS → SSO → Sign in here: the start URL, SSO region and session
//! name (checked as you type), the sessions already in the files offered
//! first, Sign in with your browser or Use a code instead, what the
//! sign-in waits for with Cancel, and how it ended. Reads the flow's state;
//! returns what was clicked.

use super::look::{Tone, measure, space};
use super::widgets::CodeClick;
use super::widgets::{
    button_named, caption, card, code_block, error_color, primary_button, section_heading,
    status_line,
};
use crate::aws::profiles::SsoSessionInfo;
use crate::aws::sso_login::{Flow, Progress};
use crate::wizard::sso_sign_in::{SSO_REGIONS, SignInFlow, Stage};
use egui::{RichText, Ui};

pub enum Action {
    SignIn(Flow),
    Cancel,
    UseSession(SsoSessionInfo),
    Copy {
        key: String,
        text: String,
    },
    Open(String),
    /// The sign-in ended: list the session's accounts again.
    ListAccounts(String),
}

pub fn show(ui: &mut Ui, flow: &mut SignInFlow, sessions: &[SsoSessionInfo]) -> Option<Action> {
    card(ui, |ui| {
        section_heading(ui, "Sign in here");
        caption(
            ui,
            "Escher signs you in to IAM Identity Center in your browser and leaves the same files \
             aws sso login would, so the AWS CLI and SDKs share the sign-in.",
        );
        ui.add_space(space::S);
        let mut action = known_sessions(ui, flow, sessions);
        let editable = !flow.working();
        ui.add_enabled_ui(editable, |ui| fields(ui, flow));
        ui.add_space(space::S);
        action = action.or(match &flow.stage {
            Stage::Working { flow: f, asked } => working(ui, *f, asked.as_ref()),
            _ => buttons(ui, flow),
        });
        action.or_else(|| ended(ui, &flow.stage))
    })
}

fn known_sessions(ui: &mut Ui, flow: &SignInFlow, sessions: &[SsoSessionInfo]) -> Option<Action> {
    let mut action = None;
    let usable: Vec<&SsoSessionInfo> = sessions
        .iter()
        .filter(|s| s.start_url.is_some() && s.region.is_some())
        .collect();
    if usable.is_empty() || flow.working() {
        return None;
    }
    ui.horizontal_wrapped(|ui| {
        for s in usable {
            let text = format!("Sign in to {}", s.name);
            if button_named(ui, true, &text, &text).clicked() {
                action = Some(Action::UseSession(s.clone()));
            }
        }
    });
    ui.add_space(space::XS);
    action
}

fn fields(ui: &mut Ui, flow: &mut SignInFlow) {
    egui::Grid::new("sso-sign-in-fields")
        .num_columns(2)
        .spacing([space::S, space::S])
        .show(ui, |ui| {
            let label = ui.label(RichText::new("Start URL").strong());
            let url = ui
                .add(
                    egui::TextEdit::singleline(&mut flow.start_url)
                        .hint_text("https://<your-org>.awsapps.com/start")
                        .desired_width(measure::NAME_FIELD * 1.6),
                )
                .labelled_by(label.id);
            if url.changed() {
                flow.start_url_edited();
            }
            ui.end_row();
            let label = ui.label(RichText::new("SSO region").strong());
            ui.horizontal(|ui| {
                ui.add(
                    egui::TextEdit::singleline(&mut flow.region)
                        .hint_text("us-east-1")
                        .desired_width(measure::NAME_FIELD * 0.8),
                )
                .labelled_by(label.id);
                let picker = egui::ComboBox::from_id_salt("pick-sso-region")
                    .selected_text("Pick")
                    .show_ui(ui, |ui| {
                        for r in SSO_REGIONS {
                            ui.selectable_value(&mut flow.region, (*r).to_owned(), *r);
                        }
                    });
                picker.response.widget_info(|| {
                    egui::WidgetInfo::labeled(egui::Role::ComboBox, true, "Pick the SSO region")
                });
            });
            ui.end_row();
            let label = ui.label(RichText::new("Session name").strong());
            let name = ui
                .add(
                    egui::TextEdit::singleline(&mut flow.session)
                        .desired_width(measure::NAME_FIELD),
                )
                .labelled_by(label.id);
            if name.changed() {
                flow.session_edited();
            }
            ui.end_row();
        });
    let problem = flow
        .start_url_problem()
        .filter(|_| !flow.start_url.is_empty())
        .or_else(|| flow.region_problem().filter(|_| !flow.region.is_empty()))
        .or_else(|| flow.session_problem().filter(|_| !flow.session.is_empty()));
    match problem {
        Some(p) => {
            ui.label(RichText::new(p).color(error_color(ui)));
        }
        None => {
            caption(
                ui,
                "The SSO region is where IAM Identity Center runs for your organization.",
            );
        }
    }
}

fn buttons(ui: &mut Ui, flow: &SignInFlow) -> Option<Action> {
    let ready = flow.ready();
    let mut action = None;
    ui.horizontal(|ui| {
        if primary_button(
            ui,
            ready,
            "Sign in with your browser",
            "Sign in with your browser",
        )
        .clicked()
        {
            action = Some(Action::SignIn(Flow::Browser));
        }
        if button_named(ui, ready, "Use a code instead", "Use a code instead")
            .on_hover_text("For a browser on another device: enter a code there")
            .clicked()
        {
            action = Some(Action::SignIn(Flow::DeviceCode));
        }
    });
    action
}

/// A running sign-in's wait (with Cancel), or how it ended; for Settings'
/// Renew, which has no form.
pub fn progress(ui: &mut Ui, flow: &SignInFlow) -> Option<Action> {
    match &flow.stage {
        Stage::Working { flow: f, asked } => working(ui, *f, asked.as_ref()),
        stage => {
            outcome(ui, stage);
            None
        }
    }
}

fn working(ui: &mut Ui, flow: Flow, asked: Option<&Progress>) -> Option<Action> {
    let mut action = None;
    match asked {
        None => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Contacting IAM Identity Center…");
            });
        }
        Some(Progress::Open { url, opened }) => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(if *opened {
                    "Waiting for you to sign in in the browser window Escher opened…"
                } else {
                    "Open this page in your browser to sign in:"
                });
            });
            if !opened || flow == Flow::Browser {
                code_block(ui, url, true);
            }
        }
        Some(Progress::UserCode {
            user_code,
            page,
            page_complete,
        }) => {
            ui.label("Enter this code on the sign-in page (on any device):");
            action = match super::widgets::sign_in_code(ui, user_code) {
                Some(CodeClick::Copy) => Some(Action::Copy {
                    key: "sso-code".into(),
                    text: user_code.clone(),
                }),
                Some(CodeClick::Open) => Some(Action::Open(page_complete.clone())),
                None => None,
            };
            caption(
                ui,
                &format!("The page: {page}. Waiting for you to approve…"),
            );
        }
    }
    ui.add_space(space::XS);
    if button_named(ui, true, "Cancel", "Cancel the sign-in").clicked() {
        action = Some(Action::Cancel);
    }
    caption(ui, "Escher gives up after 10 minutes.");
    action
}

/// How the sign-in ended: the failure in words, or who is signed in until
/// when.
fn outcome(ui: &mut Ui, stage: &Stage) {
    match stage {
        Stage::Failed { session, error } => {
            status_line(ui, Tone::Danger, error.title(), None);
            ui.add(egui::Label::new(error.words(session)).wrap());
        }
        Stage::Done(s) => {
            let until =
                crate::time_words::describe_expiry(s.expires_at, std::time::SystemTime::now());
            let text = format!("Signed in to {} — sign-in {until}", s.session);
            status_line(ui, Tone::Success, &text, None);
        }
        Stage::Idle | Stage::Working { .. } => {}
    }
}

fn ended(ui: &mut Ui, stage: &Stage) -> Option<Action> {
    outcome(ui, stage);
    match stage {
        Stage::Done(s) => {
            if s.renews {
                caption(ui, "The AWS CLI and SDKs renew it by themselves.");
            }
            button_named(
                ui,
                true,
                "Add accounts from this sign-in",
                "Add accounts from this sign-in",
            )
            .clicked()
            .then(|| Action::ListAccounts(s.session.clone()))
        }
        _ => None,
    }
}
