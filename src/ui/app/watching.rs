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

    /// Settings → Profiles → Renew: sign in again in the terminal.
    pub(super) fn renew(&mut self, ui: &Ui, name: &str) {
        let argv = ["aws", "sso", "login", "--profile", name].map(str::to_owned);
        let title = format!("Escher: renew the SSO sign-in of profile {name}");
        self.open_terminal_with(ui, TerminalRequest::one(title, argv.to_vec()));
        self.renewing = true;
    }

    /// How the terminal for Renew opened, or why it did not.
    pub(super) fn renew_note(&mut self, ui: &mut Ui) {
        if !self.renewing {
            return;
        }
        if let Some((ok, note)) = &self.terminal_note {
            super::super::widgets::outcome_note(ui, *ok, note);
        }
    }
}
