//! Finding the AWS CLI the user's commands will run, and its version.
//!
//! A macOS app started from Finder gets launchd's PATH
//! (`/usr/bin:/bin:/usr/sbin:/sbin`), which misses Homebrew and the
//! official installer's links; so the login shell is asked for its PATH
//! and the usual install folders are searched too.

use crate::terminal::programs::{Drain, first_of_each, wait_within};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AwsCli {
    pub path: PathBuf,
    /// "2.15.30"
    pub version: String,
    pub major: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CliStatus {
    Found(AwsCli),
    /// Version 1 has no `aws configure sso` or `aws sso login`.
    Version1(AwsCli),
    Missing,
}

pub const INSTALL_URL: &str =
    "https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html";

/// The platform's own installer, where AWS publishes one.
pub fn installer_url() -> &'static str {
    if cfg!(target_os = "macos") {
        "https://awscli.amazonaws.com/AWSCLIV2.pkg"
    } else if cfg!(windows) {
        "https://awscli.amazonaws.com/AWSCLIV2.msi"
    } else {
        INSTALL_URL
    }
}

/// "aws-cli/2.15.30 Python/3.11.8 Darwin/23.4.0 exe/x86_64" → ("2.15.30", 2)
pub fn parse_version(output: &str) -> Option<(String, u32)> {
    let rest = output.split("aws-cli/").nth(1)?;
    let version: String = rest
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    let major = version.split('.').next()?.parse().ok()?;
    Some((version, major))
}

/// Where to look, in order: the PATH given, the login shell's PATH, then
/// the folders the installers and Homebrew use.
pub fn search_dirs(
    path: Option<&OsString>,
    login_path: Option<&str>,
    home: Option<&Path>,
) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = Vec::new();
    if let Some(p) = path {
        dirs.extend(std::env::split_paths(p));
    }
    if let Some(p) = login_path {
        dirs.extend(std::env::split_paths(p));
    }
    dirs.extend(["/usr/local/bin", "/opt/homebrew/bin"].map(PathBuf::from));
    if let Some(h) = home {
        dirs.push(h.join(".local/bin"));
    }
    if cfg!(windows) {
        dirs.push(PathBuf::from(r"C:\Program Files\Amazon\AWSCLIV2"));
    }
    first_of_each(dirs)
}

fn exe_name() -> &'static str {
    if cfg!(windows) { "aws.exe" } else { "aws" }
}

/// Run a program and collect stdout+stderr, giving up after `limit`.
fn output_within(cmd: &mut Command, limit: Duration) -> Option<String> {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .ok()?;
    let keep = 64 * 1024;
    let stdout = child.stdout.take().map(|p| Drain::start(p, keep));
    let stderr = child.stderr.take().map(|p| Drain::start(p, keep));
    if !matches!(wait_within(&mut child, limit), Ok(Some(_))) {
        let _ = child.kill();
        let _ = child.wait();
        return None;
    }
    let text = |d: Option<Drain>| d.map(|d| d.text(limit)).unwrap_or_default();
    Some(text(stdout) + &text(stderr))
}

/// The PATH a login shell sets up (Finder-started apps lack it).
pub fn login_shell_path(shell: &str) -> Option<String> {
    let out = output_within(
        Command::new(shell).args(["-ilc", "printf %s \"$PATH\""]),
        Duration::from_secs(3),
    )?;
    // Interactive shells may print a banner first; PATH is the last line.
    out.lines()
        .last()
        .map(str::to_owned)
        .filter(|p| p.contains('/'))
}

/// Find `aws` in `dirs` and ask its version. Blocks for up to a few
/// seconds: call it off the UI thread.
pub fn detect(dirs: &[PathBuf]) -> CliStatus {
    for dir in dirs {
        let candidate = dir.join(exe_name());
        if !candidate.is_file() {
            continue;
        }
        let Some(out) = output_within(
            Command::new(&candidate).arg("--version"),
            Duration::from_secs(10),
        ) else {
            continue;
        };
        if let Some((version, major)) = parse_version(&out) {
            let cli = AwsCli {
                path: candidate,
                version,
                major,
            };
            return if major < 2 {
                CliStatus::Version1(cli)
            } else {
                CliStatus::Found(cli)
            };
        }
    }
    CliStatus::Missing
}

/// The folders to search on this machine. On macOS this asks the login
/// shell (up to 3 s): call it off the UI thread.
pub fn dirs_for_this_machine() -> Vec<PathBuf> {
    let path = std::env::var_os("PATH");
    let home = dirs::home_dir();
    let login = if cfg!(target_os = "macos") {
        std::env::var("SHELL")
            .ok()
            .and_then(|s| login_shell_path(&s))
    } else {
        None
    };
    search_dirs(path.as_ref(), login.as_deref(), home.as_deref())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_from_both_major_versions() {
        assert_eq!(
            parse_version("aws-cli/2.15.30 Python/3.11.8 Darwin/23.4.0 exe/x86_64 prompt/off\n"),
            Some(("2.15.30".into(), 2))
        );
        assert_eq!(
            parse_version("aws-cli/1.46.3 Python/3.11.7 Linux/6.1 botocore/1.43.62\n"),
            Some(("1.46.3".into(), 1))
        );
        assert_eq!(parse_version("command not found"), None);
    }

    #[test]
    #[cfg(unix)] // Unix paths and PATH syntax
    fn finder_path_is_widened_with_the_usual_folders() {
        let launchd: OsString = "/usr/bin:/bin:/usr/sbin:/sbin".into();
        let dirs = search_dirs(
            Some(&launchd),
            Some("/opt/homebrew/bin:/usr/bin"),
            Some(Path::new("/Users/a")),
        );
        let dirs: Vec<String> = dirs.iter().map(|d| d.display().to_string()).collect();
        assert_eq!(
            &dirs[..5],
            [
                "/usr/bin",
                "/bin",
                "/usr/sbin",
                "/sbin",
                "/opt/homebrew/bin"
            ]
        );
        assert!(dirs.contains(&"/usr/local/bin".to_owned()));
        assert!(dirs.contains(&"/Users/a/.local/bin".to_owned()));
        assert_eq!(dirs.iter().filter(|d| *d == "/usr/bin").count(), 1);
    }
}
