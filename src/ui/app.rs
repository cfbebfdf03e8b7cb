//! The window: top bar with the progress rail, one screen per step, and
//! the wiring from buttons to background work.

use super::connect_aws::{self, Action};
use super::look::space;
use super::needs::{self, NeedsAction};
use super::widgets::{column, focus_ring, icon_button, icons, primary_button};
use super::{azure, azure_profiles, done, profiles, rail, troubleshooting, welcome};
use crate::aws::policy;
use crate::background::{Background, Event, Wake};
use crate::commands::Method;
use crate::settings::{LoadNotice, Saver, Store};
use crate::wizard::Pane;
use crate::wizard::{Step, Wizard};
use egui::{RichText, Ui};
use std::sync::Arc;
use std::time::{Duration, Instant};

mod azure_sign_in;
mod watching;

const COPIED_FOR: Duration = Duration::from_secs(2);

pub struct EscherApp {
    pub wizard: Wizard,
    pub background: Background,
    copied: Option<(String, Instant)>,
    /// (success, words) from the last attempt to open a terminal.
    terminal_note: Option<(bool, String)>,
    policy_note: Option<(bool, String)>,
    /// Where Save as… last put the policy, for Show in folder.
    policy_saved: Option<std::path::PathBuf>,
    show_troubleshooting: bool,
    fonts_installed: bool,
    /// The app icon, for the top bar and Welcome.
    icon: Option<egui::TextureHandle>,
    /// The appearance last handed to egui.
    appearance_applied: Option<crate::settings::Appearance>,
    /// Writes the settings off the UI thread.
    saver: Saver,
    /// `Wizard::settings_key` of the state last handed to the saver.
    saved: Option<(u64, Step, Method)>,
    /// Row heights of Settings → Profiles, which lays out only what shows.
    profile_rows: profiles::Rows,
    /// A problem with the settings file, shown until dismissed.
    notice: Option<String>,
    /// The settings file on disk must be kept (newer or unreadable) until
    /// the user chooses to overwrite it.
    offer_overwrite: bool,
    /// The AWS files should be read again when a screen needs them.
    rediscover: bool,
    cli_requested: bool,
    /// "Add more accounts from this sign-in", while its window is open.
    sso_accounts: Option<crate::wizard::sso_accounts::Flow>,
    /// Set by `trace_startup`: when the process started, to report the
    /// first frame drawn (for scripts/perf.sh).
    startup: Option<Instant>,
    /// The AWS files' folders, watched while a screen shows the files.
    watch: Option<crate::watch::FileWatch>,
    auto: crate::auto_recheck::AutoRecheck,
    /// Renew was clicked in Settings: show there how the terminal opened.
    renewing: bool,
    /// Connect AWS → SSO → Sign in here.
    sso_sign_in: crate::wizard::sso_sign_in::SignInFlow,
    /// A sign-in just ended: list its accounts on the next frame.
    list_after_sign_in: Option<String>,
    /// Settings' Renew signs this profile in again here.
    renewing_here: Option<String>,
    /// A renewal ended signed in: check this profile on the next frame.
    check_after_renew: Option<String>,
    /// A second launch asked this window to come to the front.
    raise: Arc<std::sync::atomic::AtomicBool>,
}

impl EscherApp {
    pub fn new(background: Background, mut store: Store) -> Self {
        let (settings, load_notice) = store.load();
        let offer_overwrite = matches!(
            load_notice,
            Some(LoadNotice::Newer { .. } | LoadNotice::Unreadable { .. })
        );
        let wizard = Wizard::from_settings(settings);
        let (runtime, conns) = background.runtime();
        let sso_sign_in = crate::wizard::sso_sign_in::SignInFlow::new(
            background.aws_env.clone(),
            runtime,
            conns,
            crate::aws::sso_login::system_browser,
        );
        EscherApp {
            sso_sign_in,
            list_after_sign_in: None,
            renewing_here: None,
            check_after_renew: None,
            raise: Arc::default(),
            saved: Some(wizard.settings_key()),
            wizard,
            saver: Saver::start(store),
            profile_rows: profiles::Rows::default(),
            notice: load_notice.map(|n| n.to_string()),
            offer_overwrite,
            rediscover: true,
            cli_requested: false,
            startup: None,
            sso_accounts: None,
            watch: None,
            auto: Default::default(),
            renewing: false,
            background,
            copied: None,
            terminal_note: None,
            policy_note: None,
            policy_saved: None,
            show_troubleshooting: false,
            fonts_installed: false,
            appearance_applied: None,
            icon: None,
        }
    }

    /// Open pages with `browser` instead of the system's (tests).
    pub fn with_browser(mut self, browser: crate::aws::sso_login::OpenBrowser) -> Self {
        self.sso_sign_in.set_browser(browser);
        self
    }

    /// Set from any thread (a second launch, see `single_instance`) to bring
    /// this window to the front on its next frame; wake the window after.
    pub fn raise_signal(&self) -> Arc<std::sync::atomic::AtomicBool> {
        Arc::clone(&self.raise)
    }

    /// Called by `logic` (which runs while minimized) and by `show` (which
    /// is all the tests drive): whichever runs first takes the request.
    fn raise_if_asked(&self, ctx: &egui::Context) {
        if self.raise.swap(false, std::sync::atomic::Ordering::Relaxed) {
            for command in to_front() {
                ctx.send_viewport_cmd(command);
            }
        }
    }

    /// Print on stderr how long the first frame took from `started`.
    pub fn trace_startup(mut self, started: Instant) -> Self {
        self.startup = Some(started);
        self
    }

    /// Take in what background work has finished. Runs every frame, even
    /// when the window is hidden.
    pub fn poll(&mut self) {
        if let Some(session) = self.sso_sign_in.poll() {
            self.rediscover = true;
            match &self.renewing_here {
                Some(profile) => self.check_after_renew = Some(profile.clone()),
                None => self.list_after_sign_in = Some(session),
            }
        }
        for event in self.background.poll() {
            match event {
                Event::Checked(report) => {
                    self.auto.checked(&report.profile);
                    self.wizard.record(*report);
                    self.rediscover = true;
                }
                Event::Discovered { started, discovery } => {
                    let bg = &self.background;
                    self.auto
                        .discovered(started, &discovery, &|n| bg.is_checking(n));
                    self.wizard.set_discovery(started, *discovery)
                }
                Event::AwsCli(status) => self.wizard.aws_cli = Some(status),
                Event::TerminalOpened(Ok(program)) => {
                    // Renew's row checks itself once the sign-in is written.
                    let then = if self.renewing {
                        "Sign in there; the row turns by itself."
                    } else {
                        "Run the commands there, then come back and click Re-check."
                    };
                    self.terminal_note = Some((true, format!("Opened {program}. {then}")));
                }
                Event::TerminalOpened(Err(why)) => self.terminal_note = Some((false, why)),
                Event::PolicySaved(Ok(Some(path))) => {
                    self.policy_note = Some((true, format!("Saved to {}", path.display())));
                    self.policy_saved = Some(path);
                }
                Event::PolicySaved(Ok(None)) => {}
                Event::PolicySaved(Err(why)) => {
                    self.policy_note = Some((false, why));
                    self.policy_saved = None;
                }
                Event::AzureFound(found) => self.wizard.azure.take_found(found),
                Event::AzureVerified { cloud, verdicts } => {
                    self.wizard.azure.take_verdicts(&cloud, verdicts)
                }
                Event::Permissions(report) => self.wizard.record_permissions(*report),
                Event::AzureAsked(asked) => self.take_azure_asked(asked),
                Event::AzureSignedIn(ended) => self.wizard.azure.take_sign_in(&ended),
            }
        }
    }

    fn wake(ui: &Ui) -> Wake {
        let ctx = ui.ctx().clone();
        Arc::new(move || ctx.request_repaint())
    }

    fn copy(&mut self, ui: &Ui, key: String, text: String) {
        ui.ctx().copy_text(text);
        self.copied = Some((key, Instant::now()));
        ui.ctx().request_repaint_after(COPIED_FOR);
    }

    fn copied_key(&self) -> Option<&str> {
        self.copied
            .as_ref()
            .filter(|(_, at)| at.elapsed() < COPIED_FOR)
            .map(|(k, _)| k.as_str())
    }

    /// Hand the state to the saver when its persisted part changed; say
    /// on screen when a save failed (the next change tries again).
    fn persist(&mut self, ui: &Ui) {
        if let Some(failure) = self.saver.take_failure() {
            self.notice = Some(failure);
        }
        let key = self.wizard.settings_key();
        if self.saved == Some(key) || !self.saver.is_writable() {
            return;
        }
        self.saver.submit(self.wizard.to_settings(), Self::wake(ui));
        self.saved = Some(key);
    }

    fn settings_notice(&mut self, ui: &mut Ui) {
        let Some(text) = self.notice.clone() else {
            return;
        };
        let p = super::look::Palette::of_ui(ui);
        let tone = super::look::Tone::Warning;
        let frame = bar_frame(ui).fill(p.tinted(tone));
        egui::Panel::top("settings-notice")
            .frame(frame)
            .show(ui, |ui| {
                ui.horizontal_wrapped(|ui| {
                    let size = super::look::size::ICON;
                    super::widgets::icon(ui, icons::ICON_WARNING, size, p.tone(tone));
                    ui.label(text);
                    if self.offer_overwrite
                        && ui.button("Overwrite with current settings").clicked()
                    {
                        self.saver.allow_overwrite();
                        self.offer_overwrite = false;
                        self.saved = None;
                        self.notice = None;
                    }
                    if ui.button("Dismiss").clicked() {
                        self.notice = None;
                    }
                });
            });
    }

    pub fn show(&mut self, ui: &mut Ui) {
        self.raise_if_asked(ui.ctx());
        if !self.fonts_installed {
            // New fonts apply from the next frame: draw nothing until then,
            // so no text is laid out with a font that lacks its glyphs.
            super::look::install(ui.ctx());
            self.icon = super::widgets::load_icon(ui.ctx(), crate::ICON_PNG);
            self.fonts_installed = true;
            ui.ctx().request_repaint();
            return;
        }
        self.apply_appearance(ui);
        self.poll();
        self.recheck_after_azure_sign_in(ui);
        if let Some(renewed) = self.check_after_renew.take() {
            // Whatever pane is open: the renewed profile is checked now.
            self.check_named(ui, &renewed);
        }
        if self.wizard.azure.has_pending() && !self.background.is_azure_discovering() {
            // A Settings Re-check whose listing has just arrived.
            self.run_azure_rechecks(ui);
        }
        if ui.input(|i| {
            i.events
                .iter()
                .any(|e| matches!(e, egui::Event::WindowFocused(true)))
        }) {
            // Back from the terminal: the CLI may have written new profiles.
            self.rediscover = true;
        }
        self.keys(ui);
        let needs_files =
            self.wizard.pane == Pane::Profiles || self.wizard.step == Step::ConnectAws;
        if self.wizard.step == Step::ConnectAws && !self.cli_requested {
            self.cli_requested = true;
            self.background.detect_aws_cli(Self::wake(ui));
        }
        self.follow_files(ui, needs_files);
        if self.rediscover && needs_files {
            self.rediscover = false;
            self.background.discover(Self::wake(ui));
        }
        self.top_bar(ui);
        self.settings_notice(ui);
        if self.wizard.pane == Pane::Wizard {
            self.bottom_bar(ui);
        }
        let frame = egui::Frame::new()
            .fill(ui.visuals().panel_fill)
            .inner_margin(egui::Margin::symmetric(0, space::M as i8));
        egui::CentralPanel::default().frame(frame).show(ui, |ui| {
            if self.wizard.pane == Pane::Profiles {
                // Its list scrolls by itself, laying out only what shows.
                column(ui, |ui| self.profiles_pane(ui));
                return;
            }
            egui::ScrollArea::vertical()
                .auto_shrink([false, false])
                .show(ui, |ui| {
                    column(ui, |ui| self.step_content(ui));
                });
        });
        self.troubleshooting_window(ui);
        self.sso_accounts_window(ui);
        focus_ring(ui.ctx());
        self.persist(ui);
        if let Some(started) = self.startup.take() {
            eprintln!(
                "escher: first frame after {} ms",
                started.elapsed().as_millis()
            );
        }
    }

    /// The theme follows the appearance chosen in Settings; applied when
    /// it changes, so egui's own setting stays in charge otherwise.
    fn apply_appearance(&mut self, ui: &Ui) {
        let wanted = self.wizard.appearance();
        if self.appearance_applied != Some(wanted) {
            ui.ctx().set_theme(super::look::preference(wanted));
            self.appearance_applied = Some(wanted);
        }
    }

    /// Cmd/Ctrl+, opens Settings; Escape closes Troubleshooting, then
    /// Settings (a list that is open takes Escape first).
    fn keys(&mut self, ui: &Ui) {
        if ui.input_mut(|i| i.consume_key(egui::Modifiers::COMMAND, egui::Key::Comma)) {
            self.wizard.open_profiles();
        }
        if egui::Popup::is_any_open(ui.ctx()) {
            return;
        }
        let escape = ui.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::Escape));
        if !escape {
            return;
        }
        if self.show_troubleshooting {
            self.show_troubleshooting = false;
        } else if self.wizard.pane == Pane::Profiles {
            self.wizard.pane = Pane::Wizard;
        }
    }

    fn step_content(&mut self, ui: &mut Ui) {
        match self.wizard.step {
            Step::Welcome => welcome::show(ui, self.icon.as_ref()),
            Step::ConnectAws => self.connect_aws(ui),
            Step::ConnectAzure => self.connect_azure(ui),
            Step::Done => done::show(ui, &self.wizard),
        }
    }

    fn done_action(&mut self, action: done::Action) {
        match action {
            done::Action::OpenSettings => {
                self.wizard.open_profiles();
                self.rediscover = true;
            }
            done::Action::BackToAzure => self.wizard.go(Step::ConnectAzure),
        }
    }

    fn top_bar(&mut self, ui: &mut Ui) {
        let frame = bar_frame(ui);
        egui::Panel::top("top-bar").frame(frame).show(ui, |ui| {
            let bar = ui.max_rect();
            ui.horizontal(|ui| {
                let p = super::look::Palette::of_ui(ui);
                if let Some(icon) = &self.icon {
                    super::widgets::image(ui, icon, super::look::size::BRAND_ICON);
                }
                ui.label(
                    RichText::new("Escher")
                        .text_style(super::look::section_style())
                        .color(p.strong),
                );
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    let open = self.wizard.pane == Pane::Profiles;
                    let settings = toggle_button(ui, open, icons::ICON_SETTINGS, "Settings")
                        .on_hover_text("Settings → Profiles (Ctrl+, or ⌘,)");
                    if settings.clicked() {
                        if open {
                            self.wizard.pane = Pane::Wizard;
                        } else {
                            self.wizard.open_profiles();
                            self.rediscover = true;
                        }
                    }
                    let shown = self.show_troubleshooting;
                    if toggle_button(ui, shown, icons::ICON_HELP, "Troubleshooting").clicked() {
                        self.show_troubleshooting = !shown;
                    }
                });
            });
            if self.wizard.pane == Pane::Wizard {
                self.stepper(ui, bar);
            }
        });
    }

    /// The stepper, centred in the top bar between the name and the
    /// buttons; in a narrow window it follows the name and shows only the
    /// current title.
    fn stepper(&mut self, ui: &mut Ui, bar: egui::Rect) {
        const SIDES: f32 = 2.0 * 280.0;
        const AFTER_NAME: f32 = 124.0;
        let compact = rail::width(ui, &self.wizard, false) > bar.width() - SIDES;
        let width = rail::width(ui, &self.wizard, compact);
        let row = ui.min_rect();
        let left = if compact {
            bar.left() + AFTER_NAME
        } else {
            bar.center().x - width / 2.0
        };
        let rect =
            egui::Rect::from_min_size(egui::pos2(left, row.top()), egui::vec2(width, row.height()));
        let go = ui
            .scope_builder(egui::UiBuilder::new().max_rect(rect), |ui| {
                rail::show(ui, &self.wizard, compact)
            })
            .inner;
        if let Some(step) = go {
            self.wizard.go(step);
        }
    }

    fn profiles_pane(&mut self, ui: &mut Ui) {
        self.renew_note(ui);
        let bg = &self.background;
        let azure_busy = bg.is_azure_discovering() || bg.is_azure_verifying();
        let checking = |name: &str| bg.is_checking(name);
        let action = profiles::show(
            ui,
            &self.wizard,
            &mut self.profile_rows,
            &checking,
            azure_busy,
        );
        match action {
            Some(profiles::Action::Recheck(name)) => self.check_named(ui, &name),
            Some(profiles::Action::Connect(name)) => {
                self.wizard.connecting(&name);
                self.check_named(ui, &name);
            }
            Some(profiles::Action::RecheckAll) => {
                let names = self.wizard.enabled_names();
                self.background.check_batch(names, Self::wake(ui));
            }
            Some(profiles::Action::Remove(name)) => self.wizard.remove(&name),
            Some(profiles::Action::Renew(name, super::sign_in::Renew::Here)) => {
                self.renew_here(ui, &name)
            }
            Some(profiles::Action::Renew(name, super::sign_in::Renew::InTerminal)) => {
                self.renew(ui, &name)
            }
            Some(profiles::Action::AddAws) => self.wizard.add_from_profiles(),
            Some(profiles::Action::AddAzure) => self.wizard.add_azure_from_profiles(),
            Some(profiles::Action::Azure(azure_profiles::Action::Toggle { id, on })) => {
                self.wizard.azure.set_enabled(&id, on)
            }
            Some(profiles::Action::Azure(azure_profiles::Action::Recheck(id))) => {
                self.wizard.azure.request_recheck(&id);
                self.run_azure_rechecks(ui);
            }
            Some(profiles::Action::Azure(azure_profiles::Action::Remove(id))) => {
                self.wizard.azure.remove(&id)
            }
            Some(profiles::Action::Azure(azure_profiles::Action::SignIn(id))) => {
                self.sign_in_for_row(ui, &id)
            }
            Some(profiles::Action::Azure(azure_profiles::Action::SignInFlow(a))) => {
                self.azure_sign_in_action(ui, a)
            }
            Some(profiles::Action::Close) => self.wizard.pane = Pane::Wizard,
            Some(profiles::Action::AddAccounts(name)) => self.open_sso_accounts(ui, &name),
            Some(profiles::Action::Permissions(a)) => {
                let wake = Self::wake(ui);
                super::permissions::start(&mut self.wizard, &self.background, a, wake)
            }
            Some(profiles::Action::Appearance(a)) => self.wizard.set_appearance(a),
            Some(profiles::Action::Toggle { name, on }) => self.wizard.set_enabled(&name, on),
            None => {}
        }
    }

    /// A name that cannot be checked gets its own failed report, shown
    /// where the check was asked for.
    fn check_named(&mut self, ui: &Ui, name: &str) {
        self.background
            .check_batch(vec![name.to_owned()], Self::wake(ui));
    }

    /// The action bar, fixed under the content: Back on the left, the
    /// step's way on at the right.
    fn bottom_bar(&mut self, ui: &mut Ui) {
        let frame = bar_frame(ui);
        egui::Panel::bottom("nav").frame(frame).show(ui, |ui| {
            column(ui, |ui| {
                ui.horizontal(|ui| match self.wizard.step {
                    Step::Welcome => {
                        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                            if welcome::action_bar(ui) {
                                self.wizard.go(Step::ConnectAws);
                            }
                        });
                    }
                    Step::ConnectAws => self.aws_actions(ui),
                    Step::ConnectAzure => {
                        if let Some(a) = azure::action_bar(ui, &self.wizard) {
                            self.azure_action(ui, a);
                        }
                    }
                    Step::Done => {
                        if let Some(a) = done::action_bar(ui) {
                            self.done_action(a);
                        }
                    }
                });
            });
        });
    }

    fn aws_actions(&mut self, ui: &mut Ui) {
        if icon_button(ui, true, icons::ICON_ARROW_BACK, "Back", "Back").clicked() {
            self.wizard.go(Step::Welcome);
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            let can = self.wizard.can_continue();
            let resp = primary_button(ui, can, "Continue to Azure", "Continue to Azure")
                .on_disabled_hover_text("Available once at least one profile passes Re-check");
            if resp.clicked() {
                self.wizard.go(Step::ConnectAzure);
            }
            let other = self.wizard.method.other();
            if icon_button(
                ui,
                true,
                icons::ICON_SWAP_HORIZ,
                "Change method",
                "Change method",
            )
            .on_hover_text(format!("Switch to {}", other.label()))
            .clicked()
            {
                self.wizard.change_method();
            }
        });
    }

    fn connect_aws(&mut self, ui: &mut Ui) {
        let checking = self.background.is_checking(&self.wizard.name_input);
        let copied = self.copied_key().map(str::to_owned);
        let action = connect_aws::show(
            ui,
            connect_aws::View {
                wizard: &mut self.wizard,
                checking,
                copied: copied.as_deref(),
                terminal_note: self.terminal_note.as_ref(),
                sign_in: &mut self.sso_sign_in,
            },
        );
        if let Some(session) = self.list_after_sign_in.take() {
            self.open_sso_accounts(ui, &session);
        }
        ui.add_space(space::L);
        let mut reveal = false;
        let needs_action = super::widgets::card(ui, |ui| {
            egui::CollapsingHeader::new(
                RichText::new("What Escher needs").text_style(super::look::section_style()),
            )
            .show(ui, |ui| {
                let a = needs::show(ui, copied.as_deref() == Some("policy"));
                if let Some((ok, note)) = &self.policy_note {
                    ui.horizontal_wrapped(|ui| {
                        super::widgets::outcome_note(ui, *ok, note);
                        let folder = icons::ICON_FOLDER_OPEN;
                        if self.policy_saved.is_some()
                            && icon_button(ui, true, folder, "Show in folder", "Show in folder")
                                .clicked()
                        {
                            reveal = true;
                        }
                    });
                }
                a
            })
            .body_returned
            .flatten()
        });
        match action {
            Some(Action::Copy { key, text }) => self.copy(ui, key, text),
            Some(Action::Recheck) => self.recheck(ui),
            Some(Action::UseName(name)) => self.wizard.name_input = name,
            Some(Action::OpenTerminal) => self.open_terminal(ui, None),
            Some(Action::OpenUrl(url)) => ui.ctx().open_url(egui::OpenUrl::new_tab(url)),
            Some(Action::CheckCliAgain) => {
                self.wizard.aws_cli = None;
                self.background.detect_aws_cli(Self::wake(ui));
            }
            Some(Action::AddAnother) => self.wizard.add_another(),
            Some(Action::BackToProfiles) => self.wizard.open_profiles(),
            Some(Action::RunInTerminal(i)) => self.open_terminal(ui, Some(i)),
            Some(Action::AddAccounts(name)) => self.open_sso_accounts(ui, &name),
            Some(Action::Permissions(a)) => {
                let wake = Self::wake(ui);
                super::permissions::start(&mut self.wizard, &self.background, a, wake)
            }
            Some(Action::SignIn(a)) => self.sign_in_action(ui, a),
            None => {}
        }
        if reveal && let Some(saved) = &self.policy_saved {
            let path_var = self.background.launch_env.path.as_deref();
            if let Err(why) = policy::show_in_folder(saved, path_var) {
                self.policy_note = Some((false, why));
            }
        }
        match needs_action {
            Some(NeedsAction::CopyPolicy) => {
                self.copy(ui, "policy".into(), policy::POLICY_JSON.into())
            }
            Some(NeedsAction::SavePolicy) => self.background.save_policy(Self::wake(ui)),
            Some(NeedsAction::OpenCostExplorer) => {
                ui.ctx()
                    .open_url(egui::OpenUrl::new_tab(policy::COST_EXPLORER_URL));
            }
            None => {}
        }
    }

    /// Re-checks asked for in Settings: verify them with the listing at
    /// hand, or list first (they then run when it arrives).
    fn run_azure_rechecks(&mut self, ui: &Ui) {
        if !self.wizard.azure.has_pending() || self.background.is_azure_verifying() {
            return;
        }
        match self.wizard.azure.found().cloned() {
            Some(found) => {
                let subs = self.wizard.azure.take_pending();
                self.background.azure_verify(&found, subs, Self::wake(ui));
            }
            None => {
                let az = self.wizard.azure.az.clone();
                self.background.azure_discover(az, Self::wake(ui));
            }
        }
    }

    fn connect_azure(&mut self, ui: &mut Ui) {
        let copied = self.copied_key().map(str::to_owned);
        let code_by_default = self.azure_code_by_default();
        let action = azure::show(
            ui,
            azure::View {
                wizard: &mut self.wizard,
                discovering: self.background.is_azure_discovering(),
                verifying: self.background.is_azure_verifying(),
                copied: copied.as_deref(),
                terminal_note: self.terminal_note.as_ref(),
                code_by_default,
            },
        );
        if let Some(a) = action {
            self.azure_action(ui, a);
        }
    }

    fn azure_action(&mut self, ui: &Ui, action: azure::Action) {
        match action {
            azure::Action::Copy { key, text } => self.copy(ui, key, text),
            azure::Action::RunInTerminal(i) => {
                let req = self.wizard.azure.terminal_request(Some(i));
                self.open_terminal_with(ui, req);
            }
            azure::Action::OpenTerminal => {
                let req = self.wizard.azure.terminal_request(None);
                self.open_terminal_with(ui, req);
            }
            azure::Action::Recheck => {
                let az = self.wizard.azure.az.clone();
                self.background.azure_discover(az, Self::wake(ui));
            }
            azure::Action::Pick { id, on } => self.wizard.azure.pick(&id, on),
            azure::Action::Verify => {
                if let Some(found) = self.wizard.azure.found() {
                    let subs = self.wizard.azure.picked_subscriptions();
                    self.background.azure_verify(found, subs, Self::wake(ui));
                }
            }
            azure::Action::Back => self.wizard.go(Step::ConnectAws),
            azure::Action::BackToProfiles => self.wizard.open_profiles(),
            azure::Action::Skip | azure::Action::Continue => self.wizard.go(Step::Done),
            azure::Action::SignIn(a) => self.azure_sign_in_action(ui, a),
            azure::Action::SignInTenant(t) => self.sign_in_to_tenant(ui, &t),
            azure::Action::ReopenSignIn => self.wizard.azure.sign_in.reopened = true,
        }
    }

    fn open_terminal_with(&mut self, ui: &Ui, req: crate::terminal::TerminalRequest) {
        self.terminal_note = Some((true, "Opening a terminal…".into()));
        self.background.open_terminal(req, Self::wake(ui));
    }

    fn recheck(&mut self, ui: &Ui) {
        if let Ok(name) = self.wizard.profile_name() {
            self.wizard.connecting(name.as_str());
            self.background.check(name, Self::wake(ui));
        }
    }

    fn open_terminal(&mut self, ui: &Ui, only: Option<usize>) {
        if let Some(req) = self.wizard.terminal_request(only) {
            self.open_terminal_with(ui, req);
        }
    }

    fn troubleshooting_window(&mut self, ui: &mut Ui) {
        let profile = match self.wizard.profile_name() {
            Ok(n) => n.to_string(),
            Err(_) => "X".to_owned(),
        };
        let highlight = self
            .wizard
            .current_report()
            .and_then(|r| r.diagnosis())
            .and_then(|d| d.case.seed_row());
        egui::Window::new("Troubleshooting")
            .open(&mut self.show_troubleshooting)
            .collapsible(false)
            .default_width(640.0)
            .default_height(560.0)
            .show(ui.ctx(), |ui| {
                troubleshooting::show(ui, &profile, highlight)
            });
    }
}

/// "Add more accounts from this sign-in": the flow's window and its clicks.
impl EscherApp {
    fn sign_in_action(&mut self, ui: &Ui, a: super::sso_sign_in::Action) {
        use super::sso_sign_in::Action as A;
        match a {
            A::SignIn(flow) => self.sso_sign_in.start(flow, Self::wake(ui)),
            A::Cancel => self.sso_sign_in.cancel(),
            A::UseSession(s) => self.sso_sign_in.use_session(&s),
            A::Copy { key, text } => self.copy(ui, key, text),
            A::Open(url) => self.sso_sign_in.open_page(&url),
            A::ListAccounts(session) => self.open_sso_accounts(ui, &session),
        }
    }

    fn open_sso_accounts(&mut self, ui: &Ui, source: &str) {
        let (runtime, conns) = self.background.runtime();
        let env = self.background.aws_env.clone();
        let flow =
            crate::wizard::sso_accounts::Flow::open(source, env, runtime, conns, Self::wake(ui));
        self.sso_accounts = Some(flow);
    }

    fn sso_accounts_window(&mut self, ui: &mut Ui) {
        use super::sso_accounts::Action as A;
        let wake = Self::wake(ui);
        let copied = self.copied_key().map(str::to_owned);
        let Some(flow) = self.sso_accounts.as_mut() else {
            return;
        };
        let added = flow.poll(&wake);
        if !added.is_empty() {
            // Connected in Escher and verified in one batch, like Re-check all.
            for name in &added {
                self.wizard.connecting(name);
            }
            self.background.check_batch(added, wake.clone());
            self.rediscover = true;
        }
        let mut open = true;
        let action = egui::Window::new("Add more accounts from this sign-in")
            .open(&mut open)
            .title_bar(false)
            .frame(super::sso_accounts::sheet(ui))
            .anchor(egui::Align2::CENTER_TOP, [0.0, 72.0])
            .default_width(820.0)
            .show(ui.ctx(), |ui| {
                super::sso_accounts::show(ui, flow, copied.as_deref())
            })
            .and_then(|r| r.inner)
            .flatten();
        match action {
            Some(A::Close) => open = false,
            Some(A::Relist) => flow.relist(wake),
            Some(A::Preview) => flow.start_preview(wake),
            Some(A::CancelPreview) => flow.preview = None,
            Some(A::Add) => flow.start_add(wake),
            Some(A::RemovalPreview) => flow.start_removal_preview(wake),
            Some(A::Remove) => flow.start_removal(wake),
            Some(A::CancelRemoval) => flow.removal = None,
            Some(A::Copy { key, text }) => self.copy(ui, key, text),
            None => {}
        }
        if !open {
            self.sso_accounts = None;
        }
    }
}

impl eframe::App for EscherApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.raise_if_asked(ctx);
        self.poll();
    }

    /// The last change of settings reaches the disk before the process ends.
    fn on_exit(&mut self) {
        self.saver.flush();
    }

    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }
}

/// Un-minimize, show and focus; where the window manager refuses focus to
/// a window the user did not click (focus-stealing prevention), the
/// taskbar entry asks for attention instead.
fn to_front() -> [egui::ViewportCommand; 4] {
    [
        egui::ViewportCommand::Minimized(false),
        egui::ViewportCommand::Visible(true),
        egui::ViewportCommand::Focus,
        egui::ViewportCommand::RequestUserAttention(egui::UserAttentionType::Informational),
    ]
}

/// The top and bottom bars: the surface colour (the panel draws the
/// hairline to the content).
fn bar_frame(ui: &Ui) -> egui::Frame {
    let p = super::look::Palette::of_ui(ui);
    egui::Frame::new()
        .fill(p.surface)
        .inner_margin(egui::Margin::symmetric(space::L as i8, space::M as i8))
}

/// A button that stays pressed while what it opens is open.
fn toggle_button(
    ui: &mut Ui,
    on: bool,
    glyph: egui_material_icons::MaterialIcon,
    text: &str,
) -> egui::Response {
    let color = ui.visuals().text_color();
    let resp = ui.add(egui::Button::selectable(
        on,
        (
            glyph.rich_text().size(super::look::size::ICON).color(color),
            text,
        ),
    ));
    let name = text.to_owned();
    resp.widget_info(|| egui::WidgetInfo::selected(egui::Role::Button, true, on, &name));
    resp
}
