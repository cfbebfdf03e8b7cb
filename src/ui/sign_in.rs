//! An SSO sign-in on a Settings → Profiles row: when it expires, or that
//! it has, with Renew.

use super::look::Tone;
use super::widgets::{button_named, caption, status_line};
use crate::time_words::describe_expiry;
use egui::Ui;
use std::time::SystemTime;

/// Returns whether Renew was clicked.
pub fn sso_sign_in(ui: &mut Ui, profile: &str, expires_at: SystemTime, now: SystemTime) -> bool {
    let words = format!("SSO sign-in {}", describe_expiry(expires_at, now));
    if let Ok(left) = expires_at.duration_since(now) {
        caption(ui, &words);
        // The row turns when the sign-in expires, with no repaint before.
        ui.ctx().request_repaint_after(left);
        return false;
    }
    let mut renew = false;
    ui.horizontal_wrapped(|ui| {
        status_line(ui, Tone::Warning, &words, None);
        renew = button_named(ui, true, "Renew", &format!("Renew {profile}"))
            .on_hover_text(format!(
                "Runs aws sso login --profile {profile} in a terminal"
            ))
            .clicked();
    });
    renew
}
