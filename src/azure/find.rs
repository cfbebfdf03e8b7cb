//! Finding the Azure CLI the user's commands will run, and its version.
//!
//! The folders are [`crate::aws_cli::search_dirs`]' (PATH, the login
//! shell's PATH on macOS, Homebrew, `~/.local/bin`) plus the MSI's folders
//! on Windows, where `az` is `az.cmd`: a `Command` for `az` finds `.exe`
//! files only, so az is always run by its full path.

use super::env::{AzEnv, Limits};
use super::run::{AzCommand, AzOutput, RunError, run};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The oldest version Escher supports: `expires_on` in the token output
/// exists from 2.54.
pub const MIN_VERSION: (u32, u32) = (2, 54);

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AzCli {
    pub path: PathBuf,
    /// "2.91.0"
    pub version: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AzStatus {
    Found(AzCli),
    TooOld(AzCli),
    /// Found but `az version` failed: what it said.
    Broken {
        path: PathBuf,
        detail: String,
    },
    /// Found but `az version` did not answer in time (it was killed).
    TimedOut {
        path: PathBuf,
        limit: Duration,
    },
    Missing,
}

const WINDOWS_DIRS: [&str; 2] = [
    r"C:\Program Files\Microsoft SDKs\Azure\CLI2\wbin",
    r"C:\Program Files (x86)\Microsoft SDKs\Azure\CLI2\wbin",
];

fn exe_names() -> &'static [&'static str] {
    if cfg!(windows) {
        &["az.cmd", "az.exe"]
    } else {
        &["az"]
    }
}

/// Where to look, in order.
pub fn search_dirs(env: &AzEnv) -> Vec<PathBuf> {
    if let Some(dirs) = &env.az_dirs {
        return dirs.clone();
    }
    let path = env.var("PATH").map(|p| p.to_owned());
    let login = if cfg!(target_os = "macos") {
        env.var("SHELL")
            .and_then(|s| crate::aws_cli::login_shell_path(&s.to_string_lossy()))
    } else {
        None
    };
    let home = env.home();
    let mut dirs = crate::aws_cli::search_dirs(path.as_ref(), login.as_deref(), home.as_deref());
    if cfg!(windows) {
        dirs.extend(WINDOWS_DIRS.map(PathBuf::from));
    }
    dirs
}

/// The first `az` in `dirs`.
pub fn locate(dirs: &[PathBuf]) -> Option<PathBuf> {
    dirs.iter()
        .flat_map(|d| exe_names().iter().map(move |n| d.join(n)))
        .find(|p| p.is_file())
}

/// `{"azure-cli": "2.91.0", …}` → "2.91.0".
pub fn parse_version(stdout: &str) -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(stdout.trim_start_matches('\u{feff}')).ok()?;
    let version = v.get("azure-cli")?.as_str()?;
    version_number(version).map(|_| version.to_owned())
}

fn version_number(version: &str) -> Option<(u32, u32)> {
    let mut parts = version.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor: String = parts
        .next()?
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    Some((major, minor.parse().ok()?))
}

pub fn is_supported(version: &str) -> bool {
    version_number(version).is_some_and(|v| v >= MIN_VERSION)
}

/// Find `az` and ask its version (up to the az limit): call it off the UI
/// thread.
pub fn detect(env: &AzEnv, limits: Limits) -> AzStatus {
    match locate(&search_dirs(env)) {
        Some(path) => detect_at(&path, env, limits),
        None => AzStatus::Missing,
    }
}

pub fn detect_at(path: &Path, env: &AzEnv, limits: Limits) -> AzStatus {
    judge(path, run(path, &AzCommand::Version, env, limits.az))
}

/// What `az version`'s run says about the az at `path`.
pub fn judge(path: &Path, ran: Result<AzOutput, RunError>) -> AzStatus {
    let broken = |detail: String| AzStatus::Broken {
        path: path.to_owned(),
        detail,
    };
    match ran {
        Ok(out) if out.success() => match parse_version(&out.stdout) {
            Some(version) => {
                let cli = AzCli {
                    path: path.to_owned(),
                    version,
                };
                if is_supported(&cli.version) {
                    AzStatus::Found(cli)
                } else {
                    AzStatus::TooOld(cli)
                }
            }
            None => broken(format!(
                "az version printed no version:\n{}{}",
                out.stdout, out.stderr
            )),
        },
        Ok(out) => broken(out.stderr),
        Err(RunError::Spawn(e)) => broken(e),
        Err(RunError::TimedOut(limit)) => AzStatus::TimedOut {
            path: path.to_owned(),
            limit,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_compare_on_major_and_minor() {
        let out = "{\n  \"azure-cli\": \"2.91.0\",\n  \"azure-cli-core\": \"2.91.0\",\n  \"extensions\": {}\n}\n";
        assert_eq!(parse_version(out).as_deref(), Some("2.91.0"));
        assert!(is_supported("2.91.0"));
        assert!(is_supported("2.54.0"));
        assert!(is_supported("3.0.0"));
        assert!(!is_supported("2.53.1"));
        assert!(!is_supported("2.9.0"));
        assert_eq!(parse_version("not json"), None);
    }

    #[test]
    fn explicit_dirs_replace_the_search() {
        let env = AzEnv::from_vars([("PATH", "/usr/bin")]).with_az_dirs(vec!["/x".into()]);
        assert_eq!(search_dirs(&env), [PathBuf::from("/x")]);
    }
}
