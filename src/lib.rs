//! Escher's onboarding: connect AWS profiles, verified with STS
//! `GetCallerIdentity`. The window (`ui`) and the command line share this
//! library; everything that needs no window lives outside `ui`.

pub mod aws;
pub mod aws_cli;
pub mod background;
mod block_on;
pub mod cli;
pub mod commands;
pub mod settings;
pub mod shell;
pub mod terminal;
pub mod time_words;
pub mod ui;
pub mod wizard;
