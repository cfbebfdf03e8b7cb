//! The window, driven like a user would: widgets found by their accessible
//! names, clicked and typed into, with checks answered by a local STS.

mod common;

#[path = "ui/auto_recheck.rs"]
mod auto_recheck;
#[path = "ui/aws_cli.rs"]
mod aws_cli;
#[path = "ui/azure.rs"]
mod azure;
#[path = "engine/azure_fakes.rs"]
mod azure_fakes;
#[path = "ui/azure_sign_in.rs"]
mod azure_sign_in;
#[path = "ui/existing_profile.rs"]
mod existing_profile;
#[path = "ui/gallery.rs"]
mod gallery;
#[path = "ui/idle.rs"]
mod idle;
#[path = "ui/look.rs"]
mod look;
#[path = "ui/permissions.rs"]
mod permissions;
#[path = "ui/profiles.rs"]
mod profiles;
#[path = "ui/settings_pane.rs"]
mod settings_pane;
#[path = "ui/snapshots.rs"]
mod snapshots;
#[path = "ui/sso_accounts.rs"]
mod sso_accounts;
#[path = "ui/sso_sign_in.rs"]
mod sso_sign_in;
#[path = "ui/wizard.rs"]
mod wizard;
