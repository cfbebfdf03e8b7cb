//! egui views only: one file per screen, shared widgets in `widgets`.
//! State and rules live in `crate::wizard`; work runs in `crate::background`.

mod app;
mod azure;
mod azure_profiles;
mod azure_sign_in;
mod connect_aws;
mod done;
pub mod gallery;
mod look;
mod needs;
mod permissions;
mod profiles;
mod rail;
mod sign_in;
mod sso_accounts;
mod sso_sign_in;
mod troubleshooting;
mod welcome;
mod widgets;

pub use app::EscherApp;
