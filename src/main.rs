// A double-click starts a window with no console beside it; the command
// line goes through `escher.com` (src/bin/escher-console.rs), which waits.
#![cfg_attr(windows, windows_subsystem = "windows")]

use clap::{Parser, Subcommand};
use escher::aws::env::AwsEnv;
use escher::background::Background;
use escher::settings::Store;
use escher::terminal::LaunchEnv;
use escher::ui::EscherApp;
use std::process::ExitCode;

/// Escher onboarding: connect AWS profiles to Escher. With no arguments it
/// opens the wizard window.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// List the AWS profiles in your config and credentials files, as
    /// `aws configure list-profiles` finds them, with their kind and whether
    /// Escher uses them.
    Profiles {
        /// One JSON array instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Verify profiles with STS GetCallerIdentity, as Re-check does; with no
    /// names, the profiles switched on in Escher. Exit status: 0 all passed,
    /// 1 any failed, 2 bad usage.
    Check {
        /// Profile names to check.
        names: Vec<String>,
        /// Check every profile found in the AWS files.
        #[arg(long, conflicts_with = "names")]
        all: bool,
        /// One JSON array instead of lines.
        #[arg(long)]
        json: bool,
        /// Seconds each profile may take.
        #[arg(long, default_value_t = 15, value_parser = clap::value_parser!(u64).range(1..=300))]
        timeout: u64,
        /// Then, for each profile that passed, what it can read (one
        /// read-only call per service of the minimum policy) and whether
        /// it can write (a dry run).
        #[arg(long)]
        permissions: bool,
        /// With --permissions, also ask Cost Explorer (AWS charges $0.01
        /// per request).
        #[arg(long, requires = "permissions")]
        cost_explorer: bool,
    },
    /// Add every account and role an SSO sign-in reaches as profiles of
    /// their own (appended to your AWS config, with a backup), or list or
    /// remove them. Exit status: 0 done, 1 nothing could be done, 2 bad usage.
    Sso {
        #[command(subcommand)]
        action: SsoCommand,
    },
    /// Verify Azure subscriptions through your Azure CLI sign-in, as
    /// Connect Azure does; with no ids, every subscription of the active
    /// cloud that `az account list --all` shows. Exit status: 0 all
    /// verified, 1 any failed or not signed in, 2 bad usage or no az.
    #[command(args_conflicts_with_subcommands = true)]
    Azure {
        #[command(subcommand)]
        action: Option<AzureCommand>,
        /// Subscription ids (GUIDs) to verify.
        #[arg(value_name = "SUBSCRIPTION_ID")]
        subscriptions: Vec<String>,
        /// One JSON object (`problems`, `subscriptions`) instead of lines.
        #[arg(long)]
        json: bool,
        /// Seconds each az call may take (each Resource Manager request
        /// takes at most 15, or this if less).
        #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=300))]
        timeout: u64,
    },
}

#[derive(Subcommand)]
enum AzureCommand {
    /// Sign in with your own Azure CLI (`az login`: your browser, or a
    /// code on any device), then list and verify as `escher azure` does.
    /// Exit status: 0 signed in, 1 failed, 2 bad usage or no az.
    Login {
        /// Sign in to this tenant only (a GUID), as one that asks for MFA needs.
        #[arg(long)]
        tenant: Option<String>,
        /// Enter a code in a browser on any device (the default over SSH
        /// or without a display).
        #[arg(long)]
        use_device_code: bool,
        /// One JSON object (`problems`, `subscriptions`) instead of lines.
        #[arg(long)]
        json: bool,
        /// Minutes to wait for you to finish signing in.
        #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=60))]
        wait: u64,
    },
}

#[derive(Subcommand)]
enum SsoCommand {
    /// List every account and role the sign-in of PROFILE (or of the
    /// sso-session NAME) reaches, with the profile already in your files for
    /// each, or the name one would get.
    Accounts {
        #[arg(required_unless_present = "session")]
        profile: Option<String>,
        /// Start from this [sso-session] (one no profile uses yet, too).
        #[arg(long, value_name = "NAME", conflicts_with = "profile")]
        session: Option<String>,
        /// One JSON array (`account_id`, `account_name`, `role_name`,
        /// `existing_profile`, `proposed_name`) instead of lines.
        #[arg(long)]
        json: bool,
    },
    /// Append a profile for every account and role the sign-in of PROFILE
    /// (or of the sso-session NAME) reaches that has none yet, after a
    /// backup of the file.
    Add {
        #[arg(required_unless_present = "session")]
        profile: Option<String>,
        /// Start from this [sso-session] (one no profile uses yet, too).
        #[arg(long, value_name = "NAME", conflicts_with = "profile")]
        session: Option<String>,
        /// How new profiles are named: {account_name}, {account_id},
        /// {role_name} and other text.
        #[arg(long, default_value = escher::aws::sso_populate::naming::DEFAULT_TEMPLATE)]
        template: String,
        /// The region of the new profiles (default: PROFILE's own region).
        #[arg(long)]
        region: Option<String>,
        /// Print the text that would be appended, and write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Sign in to IAM Identity Center as `aws sso login` does, leaving the
    /// same files; a new session's [sso-session] section is appended.
    /// Exit status: 0 signed in, 1 failed, 2 bad usage.
    Login {
        /// The sso-session's name (in your config, or new).
        #[arg(long)]
        session: String,
        /// A new session's AWS access portal URL.
        #[arg(long)]
        start_url: Option<String>,
        /// A new session's SSO region (where IAM Identity Center runs).
        #[arg(long)]
        region: Option<String>,
        /// Sign in with a code entered on any device, instead of the browser
        /// coming back to this computer (the default over SSH or without a display).
        #[arg(long)]
        use_device_code: bool,
        /// Print the page to open instead of opening a browser.
        #[arg(long)]
        no_browser: bool,
        /// One JSON object instead of lines.
        #[arg(long)]
        json: bool,
    },
    /// Remove the profiles Escher added from the sign-in of PROFILE, after
    /// a backup of the file; nothing else in it changes.
    Remove {
        profile: String,
        /// Print what would be removed, and write nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

/// Windows: `escher.exe` is a GUI program, so a double-click shows no
/// console. Run from `escher.com` its standard handles are that console's;
/// run by itself from cmd or PowerShell with a subcommand it has none, so
/// it writes to the console of whoever started it (which does not wait:
/// that is what `escher.com` is for).
#[cfg(windows)]
fn join_parent_console() {
    use windows_sys::Win32::System::Console::{
        ATTACH_PARENT_PROCESS, AttachConsole, GetStdHandle, STD_OUTPUT_HANDLE,
    };
    // SAFETY: plain calls with constants; a null handle means none was given.
    unsafe {
        if GetStdHandle(STD_OUTPUT_HANDLE).is_null() {
            AttachConsole(ATTACH_PARENT_PROCESS);
        }
    }
}

#[cfg(not(windows))]
fn join_parent_console() {}

/// Windows: once the window is up the console has no use. Clearing the
/// standard handles makes a terminal opened later use its own console
/// (`terminal::open`) rather than the one `escher.com` ran in.
#[cfg(windows)]
fn leave_console() {
    use windows_sys::Win32::System::Console::{
        FreeConsole, STD_ERROR_HANDLE, STD_INPUT_HANDLE, STD_OUTPUT_HANDLE, SetStdHandle,
    };
    // SAFETY: no pointers but null, which SetStdHandle takes as "no handle".
    unsafe {
        FreeConsole();
        for which in [STD_INPUT_HANDLE, STD_OUTPUT_HANDLE, STD_ERROR_HANDLE] {
            SetStdHandle(which, std::ptr::null_mut());
        }
    }
}

#[cfg(not(windows))]
fn leave_console() {}

fn main() -> ExitCode {
    let started = std::time::Instant::now();
    if std::env::args_os().len() > 1 {
        join_parent_console();
    }
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Profiles { json }) => return escher::cli::run_profiles(json),
        Some(Command::Check {
            names,
            all,
            json,
            timeout,
            permissions,
            cost_explorer,
        }) => {
            let args = escher::cli::CheckArgs {
                names,
                all,
                json,
                timeout: std::time::Duration::from_secs(timeout),
                permissions,
                cost_explorer,
            };
            return escher::cli::run_check(&args);
        }
        Some(Command::Sso { action }) => {
            return match action {
                SsoCommand::Accounts {
                    profile,
                    session,
                    json,
                } => escher::cli_sso::run_accounts(&source(profile, session), json),
                SsoCommand::Add {
                    profile,
                    session,
                    template,
                    region,
                    dry_run,
                } => escher::cli_sso::run_add(&escher::cli_sso::AddArgs {
                    source: source(profile, session),
                    template: Some(template),
                    region,
                    dry_run,
                }),
                SsoCommand::Login {
                    session,
                    start_url,
                    region,
                    use_device_code,
                    no_browser,
                    json,
                } => escher::cli_sso_login::run_login(&escher::cli_sso_login::LoginArgs {
                    session,
                    start_url,
                    region,
                    use_device_code,
                    no_browser,
                    json,
                }),
                SsoCommand::Remove { profile, dry_run } => {
                    escher::cli_sso::run_remove(&profile, dry_run)
                }
            };
        }
        Some(Command::Azure {
            action:
                Some(AzureCommand::Login {
                    tenant,
                    use_device_code,
                    json,
                    wait,
                }),
            ..
        }) => {
            let limits = escher::azure::env::Limits {
                login: std::time::Duration::from_secs(wait * 60),
                ..Default::default()
            };
            let args = escher::azure::cli_login::LoginArgs {
                tenant,
                use_device_code,
                listing: escher::azure::cli::AzureArgs {
                    json,
                    subscriptions: Vec::new(),
                    limits,
                },
            };
            return escher::azure::cli_login::run_login(&args);
        }
        Some(Command::Azure {
            action: None,
            subscriptions,
            json,
            timeout,
        }) => {
            let az = std::time::Duration::from_secs(timeout);
            let args = escher::azure::cli::AzureArgs {
                json,
                subscriptions,
                limits: escher::azure::env::Limits {
                    az,
                    arm: az.min(std::time::Duration::from_secs(15)),
                    ..Default::default()
                },
            };
            return escher::azure::cli::run_azure(&args);
        }
        None => {}
    }
    let Some(dir) = Store::default_dir() else {
        eprintln!(
            "escher: no configuration directory was found; set ESCHER_CONFIG_DIR to a folder Escher may use."
        );
        return ExitCode::FAILURE;
    };
    let Some(instance) = claim_instance(&dir) else {
        return ExitCode::SUCCESS;
    };
    let runtime = match escher::background::new_runtime() {
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
    let mut viewport = egui::ViewportBuilder::default()
        .with_title("Escher")
        .with_app_id(escher::APP_ID)
        // The size the snapshots are taken at: a whole step shows at once.
        .with_inner_size([1280.0, 800.0])
        .with_min_inner_size([800.0, 600.0]);
    if let Ok(icon) = eframe::icon_data::from_png_bytes(escher::ICON_PNG) {
        viewport = viewport.with_icon(icon);
    }
    let options = eframe::NativeOptions {
        viewport,
        ..Default::default()
    };
    open_window(&options, (background, Store::new(dir), instance), started)
}

type Parts = (Background, Store, Option<escher::single_instance::Instance>);

/// Open the window with the first renderer that works (`renderer`).
fn open_window(
    options: &eframe::NativeOptions,
    parts: Parts,
    started: std::time::Instant,
) -> ExitCode {
    let parts = std::rc::Rc::new(std::cell::RefCell::new(Some(parts)));
    let mut error = String::new();
    for backends in escher::renderer::attempts(eframe::wgpu::Backends::from_env()) {
        let options = escher::renderer::options(options, backends);
        let mine = parts.clone();
        let result = eframe::run_native(
            "Escher",
            options,
            Box::new(move |cc| match mine.borrow_mut().take() {
                Some(parts) => Ok(Box::new(make_app(cc, parts, started))),
                None => Err("the window was already made".into()),
            }),
        );
        match result {
            Ok(()) => return ExitCode::SUCCESS,
            // This renderer failed before the app was made: try the next.
            Err(eframe::Error::Wgpu(e)) if parts.borrow().is_some() => error = e.to_string(),
            Err(e) => {
                error = e.to_string();
                break;
            }
        }
    }
    eprintln!("escher: the window could not open: {error}\n{WINDOW_HINT}");
    say_in_a_dialog(&error);
    ExitCode::FAILURE
}

const WINDOW_HINT: &str = if cfg!(windows) {
    "Update the graphics driver, or start Escher with WGPU_BACKEND set to dx12, vulkan or gl."
} else {
    "On Linux this needs a graphical session (X11 or Wayland) with OpenGL; check DISPLAY or WAYLAND_DISPLAY."
};

/// Windows: a double-click has no console to read, so the failure is also
/// said in a dialog.
#[cfg(windows)]
fn say_in_a_dialog(error: &str) {
    rfd::MessageDialog::new()
        .set_level(rfd::MessageLevel::Error)
        .set_title("Escher could not open its window")
        .set_description(format!(
            "The graphics driver could not draw Escher's window ({error}).\n\n{WINDOW_HINT}"
        ))
        .set_buttons(rfd::MessageButtons::Ok)
        .show();
}

#[cfg(not(windows))]
fn say_in_a_dialog(_: &str) {}

fn make_app(
    cc: &eframe::CreationContext<'_>,
    parts: Parts,
    started: std::time::Instant,
) -> EscherApp {
    let (background, store, instance) = parts;
    let traced = std::env::var_os("ESCHER_TRACE_STARTUP").is_some();
    // The window exists: errors before this still reached the console,
    // and a trace goes on reaching it.
    if !traced {
        leave_console();
    }
    let app = EscherApp::new(background, store);
    if let Some(instance) = instance {
        let (raise, ctx) = (app.raise_signal(), cc.egui_ctx.clone());
        instance.serve(move || {
            raise.store(true, std::sync::atomic::Ordering::Relaxed);
            ctx.request_repaint();
        });
    }
    if traced {
        app.trace_startup(started)
    } else {
        app
    }
}

/// One window per user: `None` when another Escher showed its window (this
/// launch ends), else this launch's hold on the instance, if it got one.
fn claim_instance(dir: &std::path::Path) -> Option<Option<escher::single_instance::Instance>> {
    use escher::single_instance::{Claim, claim};
    match claim(dir) {
        Ok(Claim::First(instance)) => Some(Some(instance)),
        Ok(Claim::Shown) => {
            eprintln!("escher: Escher is already open; its window was brought to the front.");
            None
        }
        Ok(Claim::Unanswered) => {
            eprintln!(
                "escher: another Escher is running but did not answer within 3 seconds; opening a second window."
            );
            Some(None)
        }
        Err(e) => {
            eprintln!(
                "escher: could not tell whether Escher is already open ({}: {e}); opening a window.",
                dir.display()
            );
            Some(None)
        }
    }
}

/// `--session NAME`, else the positional PROFILE (clap requires one).
fn source(profile: Option<String>, session: Option<String>) -> escher::cli_sso::Source {
    use escher::cli_sso::Source;
    match (session, profile) {
        (Some(s), _) => Source::Session(s),
        (None, p) => Source::Profile(p.unwrap_or_default()),
    }
}
