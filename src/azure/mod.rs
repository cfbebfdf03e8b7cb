//! Everything Escher knows about Azure, with no window in it.
//!
//! The user's own Azure CLI signs in ([`login`] runs `az login` on the
//! user's click); otherwise Escher only reads. [`run`] runs an
//! allow-list of read-only `az` subcommands, [`discover`] turns their
//! answers into the picker's data (cloud, tenants, subscriptions), and
//! [`verify`] proves each picked subscription against Azure Resource
//! Manager with a token kept in memory only. Every failure becomes a
//! [`diagnose::Diagnosis`] with a stable case id and the command that fixes it.

pub mod arm;
pub mod cli;
pub mod cli_login;
pub mod cloud;
pub mod diagnose;
pub mod discover;
pub mod env;
pub mod find;
pub mod ids;
pub mod login;
pub mod permissions;
pub mod run;
pub mod saved;
pub mod search;
pub mod steps;
pub mod subscriptions;
pub mod token;
pub mod verify;
