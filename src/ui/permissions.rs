//! Check permissions on screen: the buttons, a row per capability (✔ ✖ ⚠
//! with words), whether the sign-in can write, and the account's alias
//! and organization. Shown under a passed check in Connect AWS and in
//! each AWS row of Settings → Profiles; reads state, returns what was
//! clicked.

use super::look::Tone;
use super::widgets::{Callout, button_named, callout, caption, status_line};
use crate::aws::permissions::saved::SavedPermissions;
use crate::aws::permissions::{COST_EXPLORER_PRICE, Capability, PermissionReport, not_checked};
use crate::time_words::ago;
use egui::{RichText, Ui};

pub enum Action {
    Check {
        profile: String,
        cost_explorer: bool,
    },
}

pub struct View<'a> {
    pub profile: &'a str,
    /// The account id the last check verified.
    pub account: Option<&'a str>,
    pub running: bool,
    /// This session's report.
    pub report: Option<&'a PermissionReport>,
    /// What settings kept from an earlier one.
    pub saved: Option<&'a SavedPermissions>,
}

impl<'a> View<'a> {
    pub fn of(wizard: &'a crate::wizard::Wizard, profile: &'a str) -> Self {
        let account = wizard
            .report_for(profile)
            .and_then(|r| r.identity())
            .or_else(|| {
                let saved = wizard.profiles().iter().find(|p| p.name == profile);
                saved.and_then(|p| p.identity.as_ref())
            })
            .map(|id| id.account.as_str());
        View {
            profile,
            account,
            running: wizard.permissions.is_running(profile),
            report: wizard.permissions.report(profile),
            saved: wizard.saved_permissions(profile),
        }
    }
}

/// "acme-prod · organization o-a1b2c3d4e5", for beside the account id.
pub fn account_names(saved: Option<&SavedPermissions>) -> String {
    let Some(s) = saved else {
        return String::new();
    };
    let mut parts = Vec::new();
    if let Some(alias) = &s.account_alias {
        parts.push(format!("alias {alias}"));
    }
    if let Some(org) = &s.organization {
        parts.push(format!("organization {org}"));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!(" ({})", parts.join(" · "))
    }
}

pub fn show(ui: &mut Ui, v: View<'_>) -> Option<Action> {
    let mut action = None;
    let name = v.profile;
    ui.horizontal_wrapped(|ui| {
        let can = !v.running;
        if button_named(
            ui,
            can,
            "Check permissions",
            &format!("Check permissions of {name}"),
        )
        .on_hover_text("One read-only call per service Escher reads, and a dry-run write")
        .clicked()
        {
            action = Some(Action::Check {
                profile: name.to_owned(),
                cost_explorer: false,
            });
        }
        let ce_text = format!("Also Cost Explorer ({COST_EXPLORER_PRICE})");
        let ce_name =
            format!("Check permissions of {name} and Cost Explorer ({COST_EXPLORER_PRICE})");
        if button_named(ui, can, &ce_text, &ce_name).clicked() {
            action = Some(Action::Check {
                profile: name.to_owned(),
                cost_explorer: true,
            });
        }
        if v.running {
            ui.spinner();
            ui.label(format!("Asking AWS what {name} can read…"));
        }
    });
    if v.running {
        return action;
    }
    match (v.report, v.saved) {
        (Some(r), _) => rows(ui, r, v.account),
        (None, Some(s)) => remembered(ui, s),
        (None, None) => {}
    }
    action
}

fn tone(allowed: Option<bool>) -> Tone {
    match allowed {
        Some(true) => Tone::Success,
        Some(false) => Tone::Danger,
        None => Tone::Warning,
    }
}

fn rows(ui: &mut Ui, r: &PermissionReport, account: Option<&str>) {
    let names = account_names(Some(&SavedPermissions::from_report(r)));
    if let (Some(account), false) = (account, names.is_empty()) {
        ui.label(RichText::new(format!("Account {account}{names}")).strong());
    }
    for row in &r.rows {
        let text = format!("{}: {}", row.capability.title(), row.explanation);
        let resp = status_line(ui, tone(row.allowed), &text, None);
        if !row.detail.is_empty() {
            resp.on_hover_text(&row.detail);
        }
    }
    match r.write.can_write {
        Some(true) => callout(ui, Callout::Warning, |ui| {
            ui.add(egui::Label::new(&r.write.explanation).wrap());
        }),
        Some(false) if not_checked(&r.write.checked).is_empty() => {
            let text = format!("Read-only: {}", r.write.explanation);
            status_line(ui, Tone::Success, &text, None);
        }
        Some(false) | None => {
            status_line(ui, Tone::Warning, &r.write.explanation, None);
        }
    }
    caption(ui, &format!("Permissions checked {}", ago(r.checked_at)));
}

/// The names kept in settings from an earlier check (no words: those are
/// not kept).
fn remembered(ui: &mut Ui, s: &SavedPermissions) {
    let titles = |keys: &[String]| -> String {
        keys.iter()
            .filter_map(|k| Capability::from_key(k))
            .map(Capability::title)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let when = crate::time_words::from_epoch_secs(s.checked_at)
        .map(ago)
        .unwrap_or_default();
    let mut parts = Vec::new();
    if !s.allowed.is_empty() {
        parts.push(format!("✔ {}", titles(&s.allowed)));
    }
    if !s.denied.is_empty() {
        parts.push(format!("✖ {}", titles(&s.denied)));
    }
    if !s.unknown.is_empty() {
        parts.push(format!("⚠ {}", titles(&s.unknown)));
    }
    // Empty in settings kept before Escher recorded what it checked.
    let partly = !s.writes_checked.is_empty() && !not_checked(&s.writes_checked).is_empty();
    parts.push(
        match s.can_write {
            Some(true) => "⚠ can change resources",
            Some(false) if partly => "⚠ read-only where checked (EC2); other writes not checked",
            Some(false) => "read-only",
            None => "write access unknown",
        }
        .to_owned(),
    );
    caption(
        ui,
        &format!("Permissions checked {when}: {}", parts.join(" · ")),
    );
}

/// Start what `action` asks for, unless that profile is being checked.
pub fn start(
    wizard: &mut crate::wizard::Wizard,
    background: &crate::background::Background,
    action: Action,
    wake: crate::background::Wake,
) {
    let Action::Check {
        profile,
        cost_explorer,
    } = action;
    if let Ok(name) = crate::aws::profile_name::ProfileName::parse(&profile)
        && wizard.permissions.start(&profile)
    {
        let options = crate::aws::permissions::Options { cost_explorer };
        background.check_permissions(name, options, wake);
    }
}
