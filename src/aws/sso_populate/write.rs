//! The one way Escher changes the AWS config file: the file as read for the
//! preview (its hash), a check that the new text parses to exactly the
//! profiles intended, a timestamped backup beside it, and the new content
//! renamed over it with the same permissions. A file that changed since the
//! preview is not written.

use crate::aws::env::AwsEnv;
use aws_config::profile::ProfileSet;
use aws_runtime::env_config::file::{EnvConfigFileKind, EnvConfigFiles};
use aws_types::os_shim_internal::{Env, Fs};
use sha1::{Digest, Sha1};
use std::fmt;
use std::path::{Path, PathBuf};

/// The config file as read for a preview.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snapshot {
    /// The file itself (a symlink is followed, so the link stays a link).
    pub path: PathBuf,
    pub text: String,
    pub hash: [u8; 20],
}

#[derive(Debug)]
pub enum WriteError {
    NoConfigFile,
    /// The file is not UTF-8, or not one the SDK can parse.
    Unreadable {
        path: PathBuf,
        why: String,
    },
    /// The file changed after the preview: nothing was written.
    Changed {
        path: PathBuf,
    },
    /// The new text would not read back as intended: nothing was written.
    WouldChange {
        why: String,
    },
    Io {
        what: String,
        path: PathBuf,
        err: std::io::Error,
    },
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WriteError::NoConfigFile => write!(
                f,
                "No AWS config file was found: set HOME, or AWS_CONFIG_FILE to the file to use."
            ),
            WriteError::Unreadable { path, why } => write!(
                f,
                "{} cannot be used: {why}. Nothing was written.",
                path.display()
            ),
            WriteError::Changed { path } => write!(
                f,
                "{} changed after the preview was made, so nothing was written. Look at the new preview and try again.",
                path.display()
            ),
            WriteError::WouldChange { why } => write!(
                f,
                "Nothing was written: the new file would not read back as intended ({why})."
            ),
            WriteError::Io { what, path, err } => {
                write!(
                    f,
                    "Could not {what} {}: {err}. Nothing was changed.",
                    path.display()
                )
            }
        }
    }
}

impl std::error::Error for WriteError {}

fn hash(bytes: &[u8]) -> [u8; 20] {
    Sha1::digest(bytes).into()
}

fn io(what: &str, path: &Path) -> impl FnOnce(std::io::Error) -> WriteError {
    let (what, path) = (what.to_owned(), path.to_path_buf());
    move |err| WriteError::Io { what, path, err }
}

/// Read the config file the environment names (`AWS_CONFIG_FILE`, or
/// `~/.aws/config`).
pub fn read(env: &AwsEnv) -> Result<Snapshot, WriteError> {
    let named = env.config_file().ok_or(WriteError::NoConfigFile)?;
    let path = std::fs::canonicalize(&named).map_err(io("read", &named))?;
    let bytes = std::fs::read(&path).map_err(io("read", &path))?;
    let text = String::from_utf8(bytes).map_err(|_| WriteError::Unreadable {
        path: path.clone(),
        why: "it is not UTF-8 text".into(),
    })?;
    Ok(Snapshot {
        hash: hash(text.as_bytes()),
        path,
        text,
    })
}

impl Snapshot {
    /// The line ending the file uses, so added lines match it.
    pub fn eol(&self) -> &'static str {
        if self.text.contains("\r\n") {
            "\r\n"
        } else {
            "\n"
        }
    }
}

/// `text` as aws-config reads a config file.
pub fn parse(text: &str) -> Result<ProfileSet, String> {
    let files = EnvConfigFiles::builder()
        .include_default_config_file(false)
        .include_default_credentials_file(false)
        .with_contents(EnvConfigFileKind::Config, text.to_owned())
        .build();
    crate::block_on::block_on(aws_config::profile::load(
        &Fs::from_slice(&[]),
        &Env::from_slice(&[]),
        &files,
        None,
    ))
    .map_err(|e| {
        use std::error::Error;
        e.source()
            .map(|s| s.to_string())
            .unwrap_or_else(|| e.to_string())
    })
}

/// Every profile and sso-session of `before` not named in `gone` reads the
/// same in `after`; the names in `gone` are absent from `after`.
pub fn same_except(before: &ProfileSet, after: &ProfileSet, gone: &[&str]) -> Result<(), String> {
    for name in before.profiles() {
        if gone.contains(&name) {
            continue;
        }
        if before.get_profile(name) != after.get_profile(name) {
            return Err(format!("profile {name} would read differently"));
        }
    }
    for name in gone {
        if after.get_profile(name).is_some() {
            return Err(format!("another section named profile {name} would remain"));
        }
    }
    for s in before.sso_sessions() {
        if before.sso_session(s) != after.sso_session(s) {
            return Err(format!("sso-session {s} would read differently"));
        }
    }
    Ok(())
}

/// Replace the file of `snapshot` with `new_text`: only if it still reads
/// as the snapshot did; a backup `<name>.escher-backup-<stamp>` first.
/// Returns the backup's path.
pub fn commit(snapshot: &Snapshot, new_text: &str, stamp: &str) -> Result<PathBuf, WriteError> {
    let path = &snapshot.path;
    let unchanged = || -> Result<std::fs::Permissions, WriteError> {
        let now = std::fs::read(path).map_err(io("read", path))?;
        if hash(&now) != snapshot.hash {
            return Err(WriteError::Changed { path: path.clone() });
        }
        Ok(std::fs::metadata(path)
            .map_err(io("read", path))?
            .permissions())
    };
    let permissions = unchanged()?;
    let backup = backup_path(path, stamp);
    // `copy` keeps the permissions; `create_new` semantics come from the
    // name search in `backup_path`.
    std::fs::copy(path, &backup).map_err(io("back up", path))?;
    let prepared = crate::atomic_file::prepare_with(path, new_text.as_bytes(), Some(permissions))
        .map_err(io("write beside", path))?;
    // Once more, right before the rename: an editor may have saved meanwhile.
    if let Err(e) = unchanged() {
        drop(prepared);
        return Err(e);
    }
    prepared.commit().map_err(io("replace", path))?;
    Ok(backup)
}

/// `config.escher-backup-20261201T213000Z`, or with `-2`, `-3`, … when that
/// name is taken.
fn backup_path(path: &Path, stamp: &str) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "config".into());
    let base = path.with_file_name(format!("{name}.escher-backup-{stamp}"));
    let mut candidate = base.clone();
    let mut n = 2;
    while candidate.exists() {
        candidate = PathBuf::from(format!("{}-{n}", base.display()));
        n += 1;
    }
    candidate
}

/// The time for the comment line (`2026-12-01T21:30:00Z`) and for the
/// backup's name (`20261201T213000Z`).
pub fn stamps(now: std::time::SystemTime) -> (String, String) {
    let t = aws_smithy_types::DateTime::from_secs(aws_smithy_types::DateTime::from(now).secs())
        .fmt(aws_smithy_types::date_time::Format::DateTime)
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".into());
    let compact = t.replace(['-', ':'], "");
    (t, compact)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_are_whole_seconds() {
        let t = std::time::UNIX_EPOCH + std::time::Duration::from_millis(1_796_160_600_123);
        assert_eq!(
            stamps(t),
            ("2026-12-01T21:30:00Z".into(), "20261201T213000Z".into())
        );
    }
}
