#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use clap::Parser;
use escher::aws::env::AwsEnv;
use escher::background::Background;
use escher::terminal::LaunchEnv;
use escher::ui::EscherApp;
use std::process::ExitCode;

/// Escher onboarding: connect AWS profiles to Escher. With no arguments it
/// opens the wizard window.
#[derive(Parser)]
#[command(version, about)]
struct Cli {}

fn main() -> ExitCode {
    let _cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("escher: could not start its background workers: {e}");
            return ExitCode::FAILURE;
        }
    };
    let _guard = runtime.enter();
    let background = Background::new(
        runtime.handle().clone(),
        AwsEnv::from_process(),
        LaunchEnv::from_process(),
    );
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Escher")
            .with_app_id("escher")
            .with_inner_size([960.0, 760.0])
            .with_min_inner_size([800.0, 600.0]),
        ..Default::default()
    };
    match eframe::run_native(
        "Escher",
        options,
        Box::new(|_cc| Ok(Box::new(EscherApp::new(background)))),
    ) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!(
                "escher: the window could not open: {e}\n\
                 On Linux this needs a graphical session (X11 or Wayland) with OpenGL; check DISPLAY or WAYLAND_DISPLAY."
            );
            ExitCode::FAILURE
        }
    }
}
