//! The window: top bar with the progress rail, one screen per step, and
//! the wiring from buttons to background work.

use super::connect_aws::{self, Action};
use super::needs::{self, NeedsAction};
use super::{azure, rail, troubleshooting, welcome};
use crate::aws::policy;
use crate::background::{Background, Event, Wake};
use crate::terminal::TerminalRequest;
use crate::wizard::{Step, Wizard};
use egui::{RichText, Ui};
use std::sync::Arc;
use std::time::{Duration, Instant};

const COPIED_FOR: Duration = Duration::from_secs(2);

pub struct EscherApp {
    pub wizard: Wizard,
    pub background: Background,
    copied: Option<(String, Instant)>,
    /// (success, words) from the last attempt to open a terminal.
    terminal_note: Option<(bool, String)>,
    policy_note: Option<(bool, String)>,
    show_troubleshooting: bool,
    fonts_installed: bool,
}

impl EscherApp {
    pub fn new(background: Background) -> Self {
        EscherApp {
            wizard: Wizard::default(),
            background,
            copied: None,
            terminal_note: None,
            policy_note: None,
            show_troubleshooting: false,
            fonts_installed: false,
        }
    }

    /// Take in what background work has finished. Runs every frame, even
    /// when the window is hidden.
    pub fn poll(&mut self) {
        for event in self.background.poll() {
            match event {
                Event::Checked(report) => self.wizard.record(*report),
                Event::TerminalOpened(Ok(program)) => {
                    self.terminal_note = Some((
                        true,
                        format!(
                            "Opened {program}. Run the commands there, then come back and click Re-check."
                        ),
                    ));
                }
                Event::TerminalOpened(Err(why)) => self.terminal_note = Some((false, why)),
                Event::PolicySaved(Ok(Some(path))) => {
                    self.policy_note = Some((true, format!("Saved to {}", path.display())));
                }
                Event::PolicySaved(Ok(None)) => {}
                Event::PolicySaved(Err(why)) => self.policy_note = Some((false, why)),
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

    pub fn show(&mut self, ui: &mut Ui) {
        if !self.fonts_installed {
            // New fonts apply from the next frame: draw nothing until then,
            // so no text is laid out with a font that lacks its glyphs.
            super::fonts::install(ui.ctx());
            self.fonts_installed = true;
            ui.ctx().request_repaint();
            return;
        }
        self.poll();
        egui::Panel::top("top-bar").show(ui, |ui| {
            ui.add_space(4.0);
            ui.horizontal(|ui| {
                ui.label(RichText::new("Escher").heading().strong());
                ui.separator();
                rail::show(ui, &self.wizard);
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    ui.toggle_value(&mut self.show_troubleshooting, "Troubleshooting");
                });
            });
            ui.add_space(4.0);
        });
        if self.wizard.step == Step::ConnectAws {
            self.bottom_bar(ui);
        }
        egui::CentralPanel::default().show(ui, |ui| {
            egui::ScrollArea::vertical()
                .auto_shrink([false, false])
                .show(ui, |ui| {
                    ui.set_max_width(900.0);
                    match self.wizard.step {
                        Step::Welcome => {
                            if welcome::show(ui) {
                                self.wizard.go(Step::ConnectAws);
                            }
                        }
                        Step::ConnectAws => self.connect_aws(ui),
                        Step::ConnectAzure | Step::Done => {
                            if azure::show(ui, &self.wizard) {
                                self.wizard.go(Step::ConnectAws);
                            }
                        }
                    }
                });
        });
        self.troubleshooting_window(ui);
    }

    fn bottom_bar(&mut self, ui: &mut Ui) {
        egui::Panel::bottom("nav").show(ui, |ui| {
            ui.add_space(6.0);
            ui.horizontal(|ui| {
                if ui.button("Back").clicked() {
                    self.wizard.go(Step::Welcome);
                }
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    let can = self.wizard.can_continue();
                    let resp = ui
                        .add_enabled(
                            can,
                            egui::Button::new(RichText::new("Continue to Azure").strong()),
                        )
                        .on_disabled_hover_text(
                            "Available once at least one profile passes Re-check",
                        );
                    if resp.clicked() {
                        self.wizard.go(Step::ConnectAzure);
                    }
                    let other = self.wizard.method.other();
                    if ui
                        .button("Change method")
                        .on_hover_text(format!("Switch to {}", other.label()))
                        .clicked()
                    {
                        self.wizard.change_method();
                    }
                });
            });
            ui.add_space(6.0);
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
            },
        );
        ui.add_space(12.0);
        let needs_action = egui::CollapsingHeader::new("What Escher needs")
            .show(ui, |ui| {
                let a = needs::show(ui, copied.as_deref() == Some("policy"));
                if let Some((ok, note)) = &self.policy_note {
                    let color = if *ok {
                        super::widgets::success_color(ui)
                    } else {
                        super::widgets::error_color(ui)
                    };
                    ui.label(RichText::new(note).color(color));
                }
                a
            })
            .body_returned
            .flatten();
        match action {
            Some(Action::Copy { key, text }) => self.copy(ui, key, text),
            Some(Action::Recheck) => self.recheck(ui),
            Some(Action::UseName(name)) => self.wizard.name_input = name,
            Some(Action::OpenTerminal) => self.open_terminal(ui, None),
            Some(Action::RunInTerminal(i)) => self.open_terminal(ui, Some(i)),
            None => {}
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

    fn recheck(&mut self, ui: &Ui) {
        if let Ok(name) = self.wizard.profile_name() {
            self.background.check(name, Self::wake(ui));
        }
    }

    fn open_terminal(&mut self, ui: &Ui, only: Option<usize>) {
        if !self.wizard.commands_enabled() {
            return;
        }
        let steps = self.wizard.command_steps();
        let mut guide = vec![
            format!(
                "Escher: connect AWS profile {} ({})",
                self.wizard.name_input,
                self.wizard.method.label()
            ),
            String::new(),
        ];
        let run = match only.and_then(|i| steps.get(i)) {
            Some(step) => Some(step.argv.clone()),
            None => {
                guide.push("Run these commands in order:".into());
                guide.extend(
                    steps
                        .iter()
                        .map(|s| format!("  {}. {}", s.number, s.line())),
                );
                guide.push(String::new());
                guide.push("Then return to Escher and click Re-check.".into());
                None
            }
        };
        self.terminal_note = Some((true, "Opening a terminal…".into()));
        self.background
            .open_terminal(TerminalRequest { guide, run }, Self::wake(ui));
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
            .default_width(640.0)
            .show(ui.ctx(), |ui| {
                troubleshooting::show(ui, &profile, highlight)
            });
    }
}

impl eframe::App for EscherApp {
    fn logic(&mut self, _ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.poll();
    }

    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }
}
