//! An SSO sign-in on a Settings → Profiles row: when it expires, or that
//! it has, with Renew (here, in the window) and Renew in Terminal.

use super::look::Tone;
use super::widgets::{button_named, caption, status_line};
use crate::time_words::describe_expiry;
use egui::Ui;
use std::time::SystemTime;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Renew {
    Here,
    InTerminal,
}

/// Returns which Renew was clicked.
pub fn sso_sign_in(
    ui: &mut Ui,
    profile: &str,
    expires_at: SystemTime,
    now: SystemTime,
) -> Option<Renew> {
    let words = format!("SSO sign-in {}", describe_expiry(expires_at, now));
    if let Ok(left) = expires_at.duration_since(now) {
        caption(ui, &words);
        // The row turns when the sign-in expires, with no repaint before.
        ui.ctx().request_repaint_after(left);
        return None;
    }
    let mut renew = None;
    ui.horizontal_wrapped(|ui| {
        status_line(ui, Tone::Warning, &words, None);
        if button_named(ui, true, "Renew", &format!("Renew {profile}"))
            .on_hover_text("Signs in again here, in your browser or with a code")
            .clicked()
        {
            renew = Some(Renew::Here);
        }
        if button_named(
            ui,
            true,
            "Renew in Terminal",
            &format!("Renew {profile} in Terminal"),
        )
        .on_hover_text(format!(
            "Runs aws sso login --profile {profile} in a terminal"
        ))
        .clicked()
        {
            renew = Some(Renew::InTerminal);
        }
    });
    renew
}
