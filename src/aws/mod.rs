//! Everything Escher knows about AWS, with no window in it.

pub mod batch;
pub mod ca_bundle;
pub mod check;
pub mod diagnose;
pub mod env;
pub mod permissions;
pub mod policy;
pub mod profile_name;
pub mod profiles;
pub mod sections;
pub mod sso_cache;
pub mod sso_login;
pub mod sso_populate;
pub mod sso_portal;
pub mod static_keys;
pub mod sts_clients;
pub mod troubleshooting;
