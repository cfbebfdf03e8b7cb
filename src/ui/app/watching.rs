//! The window's side of Re-check by itself: the watch runs while Connect
//! AWS or Settings → Profiles is open, a change reads the files again, and
//! the profiles whose state changed are checked (see `auto_recheck`).

use super::EscherApp;
use crate::terminal::TerminalRequest;
use crate::watch::FileWatch;
use crate::wizard::AutoCheck;
use egui::Ui;

impl EscherApp {
    /// `shown`: a screen that shows the AWS files is open.
    pub(super) fn follow_files(&mut self, ui: &Ui, shown: bool) {
        if self.wizard.pane != crate::wizard::Pane::Profiles {
            self.renewing = false;
            if !self.sso_sign_in.working() {
                self.renewing_here = None;
            }
        }
        if !shown {
            // What changes while nobody looks is read on return, not news.
            if self.watch.take().is_some() {
                self.auto = Default::default();
            }
            return;
        }
        let watch = self.watch.get_or_insert_with(|| {
            let bg = &self.background;
            FileWatch::start(&bg.aws_env, bg.watch_mode, Self::wake(ui))
        });
        if watch.take_changes() {
            self.rediscover = true;
        }
        let (wizard, bg) = (&self.wizard, &self.background);
        let due = self
            .auto
            .due(&|n| wizard.auto_check(n).is_some(), &|n| bg.is_checking(n));
        if let Some(wait) = self.auto.wait(std::time::Instant::now()) {
            ui.ctx().request_repaint_after(wait);
        }
        if due.is_empty() {
            return;
        }
        for name in &due {
            if self.wizard.auto_check(name) == Some(AutoCheck::Connect) {
                self.wizard.connecting(name);
            }
        }
        self.background.check_batch(due, Self::wake(ui));
    }

    /// Settings → Profiles → Renew: sign in again here, to the profile's
    /// sso-session (its form filled from the files); a profile without a
    /// whole sso-session (legacy, or one the files lack) renews in the
    /// terminal.
    pub(super) fn renew_here(&mut self, ui: &Ui, name: &str) {
        let session = self.wizard.discovery().and_then(|d| {
            let s = d.sso_session(d.get(name)?.sso_session.as_deref()?)?;
            (s.start_url.is_some() && s.region.is_some()).then(|| s.clone())
        });
        let Some(session) = session else {
            return self.renew(ui, name);
        };
        if self.sso_sign_in.working() {
            return;
        }
        self.sso_sign_in.use_session(&session);
        let env = &self.background.aws_env;
        let vars = |k: &str| env.get(k).map(str::to_owned);
        let flow = crate::aws::sso_login::default_flow(&vars);
        self.sso_sign_in.start(flow, Self::wake(ui));
        self.renewing_here = Some(name.to_owned());
        self.renewing = false;
    }

    /// Settings → Profiles → Renew in Terminal.
    pub(super) fn renew(&mut self, ui: &Ui, name: &str) {
        let argv = ["aws", "sso", "login", "--profile", name].map(str::to_owned);
        let title = format!("Escher: renew the SSO sign-in of profile {name}");
        self.open_terminal_with(ui, TerminalRequest::one(title, argv.to_vec()));
        self.renewing = true;
    }

    /// How the terminal for Renew opened, or why it did not; or the
    /// renewal running here, with what it waits for.
    pub(super) fn renew_note(&mut self, ui: &mut Ui) {
        if let Some(name) = self.renewing_here.clone() {
            self.renewal(ui, &name);
        }
        if !self.renewing {
            return;
        }
        if let Some((ok, note)) = &self.terminal_note {
            super::super::widgets::outcome_note(ui, *ok, note);
        }
    }

    fn renewal(&mut self, ui: &mut Ui, name: &str) {
        let action = super::super::widgets::card(ui, |ui| {
            super::super::widgets::section_heading(
                ui,
                &format!("Renewing the SSO sign-in of {name}"),
            );
            super::super::sso_sign_in::progress(ui, &self.sso_sign_in)
        });
        if let Some(a) = action {
            self.sign_in_action(ui, a);
        }
        if !self.sso_sign_in.working() {
            // The card stays until the row's new check has been seen.
            ui.horizontal(|ui| {
                if super::super::widgets::button_named(ui, true, "Close", "Close the renewal")
                    .clicked()
                {
                    self.renewing_here = None;
                }
            });
        }
    }
}
