//! The check engine and the terminal launcher against real components:
//! a local HTTP server speaking STS/SSO, profile files in a temp dir, and
//! stand-in terminal programs that record their argv.

mod common;

#[path = "engine/azure.rs"]
mod azure;
#[path = "engine/azure_login.rs"]
mod azure_login;
#[path = "engine/check.rs"]
mod check;
#[path = "engine/cli.rs"]
mod cli;
#[path = "engine/discovery.rs"]
mod discovery;
#[path = "engine/packaging.rs"]
mod packaging;
#[path = "engine/permissions.rs"]
mod permissions;
#[path = "engine/settings.rs"]
mod settings;
#[path = "engine/single_instance.rs"]
mod single_instance;
#[path = "engine/sso_login.rs"]
mod sso_login;
#[path = "engine/sso_populate.rs"]
mod sso_populate;
#[path = "engine/sso_writes.rs"]
mod sso_writes;
#[path = "engine/terminal.rs"]
mod terminal;
#[path = "engine/watch.rs"]
mod watch;
#[cfg(target_os = "linux")]
#[path = "engine/wine.rs"]
mod wine;
