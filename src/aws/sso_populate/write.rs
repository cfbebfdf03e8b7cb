//! The one way Escher changes the AWS config file: the file as read for the
//! preview (its hash), a check that the new text parses to exactly the
//! profiles intended, a refusal when its owner made it read-only or its
//! owner could not be kept, a timestamped backup (written as a temporary
//! file, flushed and renamed, the last few kept), the new content renamed
//! over it with the same permissions and owner, and a reading back: a
//! program that rewrote the file meanwhile (the AWS CLI truncates and
//! writes in place) is caught and said. A file that changed since the
//! preview is not written.

use crate::atomic_file::{Keep, OwnerNotKept, prepare_keeping};
use crate::aws::env::AwsEnv;
use aws_config::profile::ProfileSet;
use aws_runtime::env_config::file::{EnvConfigFileKind, EnvConfigFiles};
use aws_types::os_shim_internal::{Env, Fs};
use sha1::{Digest, Sha1};
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How many of Escher's backups of one file are kept; older ones go.
pub const BACKUPS_KEPT: usize = 5;

/// How long after the rename the file is read back: a writer that read the
/// old file just before (the AWS CLI reads, then truncates and writes in
/// place, within milliseconds) has written by then.
const READ_BACK_AFTER: Duration = Duration::from_millis(150);
const READ_BACK_FOR: Duration = Duration::from_secs(2);

/// A program that writes in place (truncate, then write) can be caught
/// half-way: a reading counts once the next ones, this far apart, agree
/// with it (two in all; three when it is empty, the state such a writer
/// leaves most often); at most this many readings.
const SETTLE_PAUSE: Duration = Duration::from_millis(20);
const SETTLE_READINGS: usize = 10;

/// The config file as read for a preview.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snapshot {
    /// The file itself (a symlink is followed, so the link stays a link).
    pub path: PathBuf,
    /// The path the environment names (`~/.aws/config`): backups go beside
    /// it, so a link into a dotfiles repository gets none in the repository.
    pub named: PathBuf,
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
    /// Profiles that stay would lose their source_profile: nothing was
    /// removed. Each is described ("deploy (its source_profile is p1)").
    WouldOrphan {
        orphans: Vec<String>,
    },
    /// The new text is the old one: nothing to write, no backup made.
    Nothing {
        path: PathBuf,
    },
    /// Its owner made it read-only (mode 0444, or the Windows attribute).
    ReadOnly {
        path: PathBuf,
    },
    /// It belongs to another user, and only root could give a rewritten
    /// file back to them.
    NotOwner {
        path: PathBuf,
        owner: u32,
    },
    /// Another program rewrote the file between Escher's rename and its
    /// reading back: what Escher wrote is gone.
    Lost {
        path: PathBuf,
        change: Change,
        backup: PathBuf,
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
            WriteError::WouldOrphan { orphans } => write!(
                f,
                "Nothing was removed: these profiles would stop working, because their source_profile leads to a profile being removed: {}. Point their source_profile at another profile first.",
                orphans.join(", ")
            ),
            WriteError::Nothing { path } => write!(
                f,
                "{} already reads as it would afterwards: nothing was written.",
                path.display()
            ),
            WriteError::ReadOnly { path } => write!(
                f,
                "{} is read-only: its owner made it so, and Escher leaves such a file alone. Nothing was changed. To let Escher write it, make it writable first: {}",
                path.display(),
                allow_writing(path)
            ),
            WriteError::NotOwner { path, owner } => write!(
                f,
                "{} belongs to user id {owner}, and Escher runs as another user, so the rewritten file could not be given back to its owner. Nothing was changed. Run Escher as the user who owns the file.",
                path.display()
            ),
            WriteError::Lost {
                path,
                change,
                backup,
            } => write!(
                f,
                "Another program rewrote {} while Escher wrote it: nothing was {}; try again. The file as it was before is kept as {}.",
                path.display(),
                change.past(),
                backup.display()
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

/// What a write was for, in the words of a lost write's message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    Add,
    Remove,
}

impl Change {
    fn past(self) -> &'static str {
        match self {
            Change::Add => "added",
            Change::Remove => "removed",
        }
    }
}

/// The command that makes `path` writable for its owner.
fn allow_writing(path: &Path) -> String {
    let path = path.display().to_string();
    if cfg!(windows) {
        crate::shell::cmd_join(&["attrib", "-r", path.as_str()])
    } else {
        crate::shell::posix_join(&["chmod", "u+w", path.as_str()])
    }
}

fn hash(bytes: &[u8]) -> [u8; 20] {
    Sha1::digest(bytes).into()
}

fn io(what: &str, path: &Path) -> impl FnOnce(std::io::Error) -> WriteError {
    let (what, path) = (what.to_owned(), path.to_path_buf());
    move |err| WriteError::Io { what, path, err }
}

/// Read the config file the environment names (`AWS_CONFIG_FILE`, or
/// `~/.aws/config`), until two readings a moment apart agree: a program
/// that writes in place (the AWS CLI truncates, then writes) may be caught
/// half-way, and a half-written file is no base for a new one.
pub fn read(env: &AwsEnv) -> Result<Snapshot, WriteError> {
    let named = env.config_file().ok_or(WriteError::NoConfigFile)?;
    let path = std::fs::canonicalize(&named).map_err(io("read", &named))?;
    let bytes = settled(&path)
        .map_err(io("read", &path))?
        .ok_or_else(|| WriteError::Unreadable {
            path: path.clone(),
            why: "it kept changing while Escher read it (another program is writing it); try again when it is done".into(),
        })?;
    let text = String::from_utf8(bytes).map_err(|_| WriteError::Unreadable {
        path: path.clone(),
        why: "it is not UTF-8 text".into(),
    })?;
    Ok(Snapshot {
        hash: hash(text.as_bytes()),
        path,
        named,
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
/// as the snapshot did and its owner could write it, keeping its
/// permissions and owner; a backup `<name>.escher-backup-<stamp>` beside
/// the named path goes in place just before. Then the file is read back:
/// `landed` says whether a reading of it holds what was written. Returns
/// the backup's path.
pub fn commit(
    snapshot: &Snapshot,
    new_text: &str,
    stamp: &str,
    change: Change,
    landed: &dyn Fn(&ProfileSet) -> bool,
) -> Result<PathBuf, WriteError> {
    let path = &snapshot.path;
    if new_text == snapshot.text {
        return Err(WriteError::Nothing { path: path.clone() });
    }
    let meta = unchanged(snapshot)?;
    may_write(path, &meta)?;
    let keep = Keep::like(&meta);
    let new = prepare_keeping(path, new_text.as_bytes(), &keep).map_err(refused(
        "write the new file beside",
        path,
        &meta,
    ))?;
    let backup_path = backup_path(&snapshot.named, stamp);
    let backup = prepare_keeping(&backup_path, snapshot.text.as_bytes(), &keep)
        .map_err(refused("write a backup of", path, &meta))?;
    // Once more, right before the renames: an editor may have saved
    // meanwhile; twice, a moment apart, as `read` does. Dropped, both
    // temporary files go.
    unchanged(snapshot)?;
    std::thread::sleep(SETTLE_PAUSE);
    unchanged(snapshot)?;
    backup.commit().map_err(io("back up", path))?;
    if let Err(err) = new.commit() {
        let _ = std::fs::remove_file(&backup_path);
        return Err(WriteError::Io {
            what: "replace".into(),
            path: path.clone(),
            err,
        });
    }
    prune_backups(&snapshot.named);
    if !read_back(path, landed) {
        return Err(WriteError::Lost {
            path: path.clone(),
            change,
            backup: backup_path,
        });
    }
    Ok(backup_path)
}

/// The file's metadata, if it still reads as the snapshot did.
fn unchanged(snapshot: &Snapshot) -> Result<std::fs::Metadata, WriteError> {
    let path = &snapshot.path;
    let now = std::fs::read(path).map_err(io("read", path))?;
    if hash(&now) != snapshot.hash {
        return Err(WriteError::Changed { path: path.clone() });
    }
    std::fs::metadata(path).map_err(io("read", path))
}

/// Refuse what the user's own `echo >>` or `aws configure` could not do:
/// a file without its owner's write permission (even as root, who could,
/// because the owner chose it), or one the caller may not open to write.
fn may_write(path: &Path, meta: &std::fs::Metadata) -> Result<(), WriteError> {
    #[cfg(unix)]
    let read_only = {
        use std::os::unix::fs::PermissionsExt;
        meta.permissions().mode() & 0o200 == 0
    };
    #[cfg(not(unix))]
    let read_only = meta.permissions().readonly();
    if read_only {
        return Err(WriteError::ReadOnly {
            path: path.to_path_buf(),
        });
    }
    // Opened to append, nothing written: the kernel's own answer (groups,
    // ACLs, a read-only mount).
    std::fs::OpenOptions::new()
        .append(true)
        .open(path)
        .map(drop)
        .map_err(io("open for writing", path))
}

/// An error preparing a file: the owner that could not be kept, or I/O.
fn refused(
    what: &str,
    path: &Path,
    meta: &std::fs::Metadata,
) -> impl FnOnce(std::io::Error) -> WriteError {
    let (what, path) = (what.to_owned(), path.to_path_buf());
    #[cfg(unix)]
    let owner = std::os::unix::fs::MetadataExt::uid(meta);
    #[cfg(not(unix))]
    let owner = {
        let _ = meta;
        0
    };
    move |err| {
        if err
            .get_ref()
            .is_some_and(|e| e.downcast_ref::<OwnerNotKept>().is_some())
        {
            WriteError::NotOwner { path, owner }
        } else {
            WriteError::Io { what, path, err }
        }
    }
}

/// Whether the file, read back after a pause, holds what was written. It
/// held the new text at the rename, so an empty reading is a writer between
/// its truncate and its write (a slow one on a busy machine): readings go
/// on until two non-empty ones agree, for at most [`READ_BACK_FOR`].
fn read_back(path: &Path, landed: &dyn Fn(&ProfileSet) -> bool) -> bool {
    std::thread::sleep(READ_BACK_AFTER);
    let mut last: Option<Vec<u8>> = None;
    let readings = READ_BACK_FOR.as_millis() / SETTLE_PAUSE.as_millis();
    for _ in 0..readings {
        let Ok(now) = std::fs::read(path) else {
            return false;
        };
        if !now.is_empty() && last.as_ref() == Some(&now) {
            return String::from_utf8(now)
                .ok()
                .and_then(|text| parse(&text).ok())
                .is_some_and(|set| landed(&set));
        }
        last = Some(now);
        std::thread::sleep(SETTLE_PAUSE);
    }
    false
}

/// The file's bytes once readings a moment apart agree (see
/// [`SETTLE_PAUSE`]); `None` when they never did. Empty readings agree
/// only when the file's modification time does too: a writer looping in
/// place leaves the file empty half the time.
fn settled(path: &Path) -> std::io::Result<Option<Vec<u8>>> {
    let reading = || -> std::io::Result<(Vec<u8>, Option<std::time::SystemTime>)> {
        let bytes = std::fs::read(path)?;
        let modified = if bytes.is_empty() {
            std::fs::metadata(path)?.modified().ok()
        } else {
            None
        };
        Ok((bytes, modified))
    };
    let mut last = reading()?;
    let mut agreeing = 1;
    for _ in 1..SETTLE_READINGS {
        std::thread::sleep(SETTLE_PAUSE);
        let again = reading()?;
        if again == last {
            agreeing += 1;
        } else {
            (last, agreeing) = (again, 1);
        }
        if agreeing >= if last.0.is_empty() { 3 } else { 2 } {
            return Ok(Some(last.0));
        }
    }
    Ok(None)
}

/// `config.escher-backup-20261201T213000Z`, or with `-2`, `-3`, … when that
/// name is taken, beside `named`.
fn backup_path(named: &Path, stamp: &str) -> PathBuf {
    let base = named.with_file_name(format!("{}{stamp}", backup_prefix(named)));
    let mut candidate = base.clone();
    let mut n = 2;
    while candidate.exists() {
        candidate = PathBuf::from(format!("{}-{n}", base.display()));
        n += 1;
    }
    candidate
}

fn backup_prefix(named: &Path) -> String {
    let name = named
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "config".into());
    format!("{name}.escher-backup-")
}

/// Escher's backups beside `named`, oldest first.
pub fn backups(named: &Path) -> Vec<PathBuf> {
    let prefix = backup_prefix(named);
    let dir = named
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut found: Vec<((String, u32), PathBuf)> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let rest = name.strip_prefix(&prefix)?;
            let (stamp, n) = match rest.split_once('-') {
                Some((stamp, n)) => (stamp, n.parse().ok()?),
                None => (rest, 1),
            };
            Some(((stamp.to_owned(), n), e.path()))
        })
        .collect();
    found.sort();
    found.into_iter().map(|(_, p)| p).collect()
}

/// Keep the newest [`BACKUPS_KEPT`]; a backup that cannot be removed stays.
fn prune_backups(named: &Path) {
    let all = backups(named);
    let extra = all.len().saturating_sub(BACKUPS_KEPT);
    for old in &all[..extra] {
        let _ = std::fs::remove_file(old);
    }
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
