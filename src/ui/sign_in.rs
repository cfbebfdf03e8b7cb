//! An SSO sign-in on a Settings → Profiles row: when it expires, or that
//! it has, with Renew.

use super::widgets::button_named;
use crate::time_words::describe_expiry;
use egui::{RichText, Ui};
use std::time::SystemTime;

/// Returns whether Renew was clicked.
pub fn sso_sign_in(ui: &mut Ui, profile: &str, expires_at: SystemTime, now: SystemTime) -> bool {
    let words = format!("SSO sign-in {}", describe_expiry(expires_at, now));
    if let Ok(left) = expires_at.duration_since(now) {
        ui.label(RichText::new(words).weak());
        // The row turns when the sign-in expires, with no repaint before.
        ui.ctx().request_repaint_after(left);
        return false;
    }
    let mut renew = false;
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new(format!("⚠ {words}")).color(ui.visuals().warn_fg_color));
        renew = button_named(ui, true, "Renew", &format!("Renew {profile}"))
            .on_hover_text(format!(
                "Runs aws sso login --profile {profile} in a terminal"
            ))
            .clicked();
    });
    renew
}
