//! Escher's onboarding: connect AWS profiles, verified with STS
//! `GetCallerIdentity`. The window (`ui`) and the command line share this
//! library; everything that needs no window lives outside `ui`.

pub mod atomic_file;
pub mod auto_recheck;
pub mod aws;
pub mod aws_cli;
pub mod azure;
pub mod background;
mod block_on;
pub mod cli;
pub mod cli_sso;
pub mod cli_sso_login;
pub mod commands;
pub mod contrast;
pub mod renderer;
pub mod settings;
pub mod shell;
pub mod single_instance;
pub mod terminal;
pub mod time_words;
pub mod ui;
pub mod url_host;
pub mod wake;
pub mod watch;
pub mod wizard;

/// The Linux application id: the Wayland app id and X11 window class, and
/// the name of the `.desktop` file and icon (as `cargo bundle --format deb`
/// installs them, named after the binary).
pub const APP_ID: &str = "escher";

/// The macOS bundle identifier (`[package.metadata.bundle]` in Cargo.toml).
pub const BUNDLE_ID: &str = "dev.escher.Escher";

/// The window icon.
pub const ICON_PNG: &[u8] = include_bytes!("../assets/icons/escher-256.png");
