//! Replacing a file whole: the new content goes to a temporary file beside
//! it, is flushed to disk, and is renamed over the old one, so a crash or a
//! full disk leaves either the old file or the new one, never half of each.
//! Used for Escher's settings, the saved IAM policy and the profiles Escher
//! appends to the AWS config file (which keeps its permissions).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// New content written and flushed beside `target`, not yet in its place.
/// Dropped without `commit`, it removes its temporary file.
#[derive(Debug)]
pub struct Prepared {
    tmp: PathBuf,
    target: PathBuf,
    done: bool,
}

/// What the temporary file is given before any byte is written, so the
/// file that replaces the old one is like it.
#[derive(Clone, Debug, Default)]
pub struct Keep {
    pub permissions: Option<std::fs::Permissions>,
    /// Owner and group (Unix): a new file is its creator's, so without
    /// this a root process would hand the user's file to root.
    pub owner: Option<(u32, u32)>,
}

impl Keep {
    /// The permissions and, on Unix, the owner and group of `old`.
    pub fn like(old: &std::fs::Metadata) -> Self {
        #[cfg(unix)]
        let owner = {
            use std::os::unix::fs::MetadataExt;
            Some((old.uid(), old.gid()))
        };
        #[cfg(not(unix))]
        let owner = None;
        Keep {
            permissions: Some(old.permissions()),
            owner,
        }
    }
}

/// The owner `Keep` asked for could not be given: only root may give a
/// file to another user (or to a group its creator is not in).
#[derive(Debug)]
pub struct OwnerNotKept {
    source: std::io::Error,
}

impl std::fmt::Display for OwnerNotKept {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the new file could not be given the old one's owner: {}",
            self.source
        )
    }
}

impl std::error::Error for OwnerNotKept {}

/// Permissions only the file's owner may read and write (Unix `0600`); on
/// Windows the user's profile folders are the user's already.
#[cfg(unix)]
pub fn owner_only() -> Option<std::fs::Permissions> {
    use std::os::unix::fs::PermissionsExt;
    Some(std::fs::Permissions::from_mode(0o600))
}

#[cfg(not(unix))]
pub fn owner_only() -> Option<std::fs::Permissions> {
    None
}

/// Write `bytes` to `path` atomically.
pub fn write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    prepare(path, bytes)?.commit()
}

/// First half of a write: the content in a temporary file in the same
/// folder (a rename only stays atomic within one file system), flushed.
pub fn prepare(path: &Path, bytes: &[u8]) -> std::io::Result<Prepared> {
    prepare_keeping(path, bytes, &Keep::default())
}

/// The same, the temporary file given `permissions` before any byte is
/// written (a file only its owner may read stays so throughout).
pub fn prepare_with(
    path: &Path,
    bytes: &[u8],
    permissions: Option<std::fs::Permissions>,
) -> std::io::Result<Prepared> {
    let keep = Keep {
        permissions,
        owner: None,
    };
    prepare_keeping(path, bytes, &keep)
}

/// The same, the temporary file given what `keep` says first. An owner it
/// cannot give (only root may give a file away) is an error
/// (`PermissionDenied`), and nothing is left behind.
pub fn prepare_keeping(path: &Path, bytes: &[u8], keep: &Keep) -> std::io::Result<Prepared> {
    // Two writers in one process (two Save as… in a row) get two names.
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let dir = folder_of(path);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(
        ".{name}.tmp-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    let mut f = new_file(&tmp)?;
    // From here on the temporary file is removed on any error.
    let prepared = Prepared {
        tmp,
        target: path.to_path_buf(),
        done: false,
    };
    give_owner(&f, keep.owner)?;
    if let Some(p) = &keep.permissions {
        f.set_permissions(p.clone())?;
    }
    f.write_all(bytes)?;
    f.sync_all()?;
    Ok(prepared)
}

fn new_file(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    // Nobody else may read it before its own permissions are set.
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

#[cfg(unix)]
fn give_owner(f: &std::fs::File, owner: Option<(u32, u32)>) -> std::io::Result<()> {
    use std::os::unix::fs::MetadataExt;
    let Some((uid, gid)) = owner else {
        return Ok(());
    };
    let now = f.metadata()?;
    let uid = (now.uid() != uid).then_some(uid);
    let gid = (now.gid() != gid).then_some(gid);
    if uid.is_none() && gid.is_none() {
        return Ok(());
    }
    std::os::unix::fs::fchown(f, uid, gid).map_err(|e| match e.kind() {
        std::io::ErrorKind::PermissionDenied => {
            std::io::Error::new(e.kind(), OwnerNotKept { source: e })
        }
        _ => e,
    })
}

#[cfg(not(unix))]
fn give_owner(_: &std::fs::File, _: Option<(u32, u32)>) -> std::io::Result<()> {
    Ok(())
}

impl Prepared {
    /// Where the content waits until `commit`.
    pub fn temp_path(&self) -> &Path {
        &self.tmp
    }

    /// Second half: the rename that makes it the file, then the folder is
    /// flushed so the rename itself survives a power cut.
    pub fn commit(mut self) -> std::io::Result<()> {
        std::fs::rename(&self.tmp, &self.target)?;
        self.done = true;
        #[cfg(unix)]
        if let Ok(dir) = std::fs::File::open(folder_of(&self.target)) {
            let _ = dir.sync_all();
        }
        Ok(())
    }
}

impl Drop for Prepared {
    fn drop(&mut self) {
        if !self.done {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

fn folder_of(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_write_replaces_the_whole_file_and_leaves_no_temp_behind() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.json");
        std::fs::write(&path, "old old old old").unwrap();
        write(&path, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["f.json"]);
    }

    #[cfg(unix)]
    #[test]
    fn the_new_file_can_keep_the_old_ones_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config");
        std::fs::write(&path, "old").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        let keep = std::fs::metadata(&path).unwrap().permissions();
        prepare_with(&path, b"new", Some(keep))
            .unwrap()
            .commit()
            .unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
    }

    #[test]
    fn a_failed_rename_keeps_the_old_file_and_removes_the_temp() {
        let dir = tempfile::tempdir().unwrap();
        // A non-empty folder where the file should go: rename must fail.
        let path = dir.path().join("f.json");
        std::fs::create_dir(&path).unwrap();
        std::fs::write(path.join("inside"), "x").unwrap();
        assert!(write(&path, b"new").is_err());
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["f.json"], "the temp file was left behind");
    }

    #[test]
    fn a_prepared_write_dropped_uncommitted_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.json");
        let prepared = prepare(&path, b"new").unwrap();
        assert!(prepared.temp_path().exists());
        drop(prepared);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
