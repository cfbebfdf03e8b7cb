//! Replacing a file whole: the new content goes to a temporary file beside
//! it, is flushed to disk, and is renamed over the old one, so a crash or a
//! full disk leaves either the old file or the new one, never half of each.
//! Used for Escher's settings, the saved IAM policy and the profiles Escher
//! appends to the AWS config file (which keeps its permissions).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// New content written and flushed beside `target`, not yet in its place.
#[derive(Debug)]
pub struct Prepared {
    tmp: PathBuf,
    target: PathBuf,
}

/// Write `bytes` to `path` atomically.
pub fn write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    prepare(path, bytes)?.commit()
}

/// First half of a write: the content in a temporary file in the same
/// folder (a rename only stays atomic within one file system), flushed.
pub fn prepare(path: &Path, bytes: &[u8]) -> std::io::Result<Prepared> {
    prepare_with(path, bytes, None)
}

/// The same, the temporary file given `permissions` before any byte is
/// written (a file only its owner may read stays so throughout).
pub fn prepare_with(
    path: &Path,
    bytes: &[u8],
    permissions: Option<std::fs::Permissions>,
) -> std::io::Result<Prepared> {
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
    let written = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        if let Some(p) = permissions {
            f.set_permissions(p)?;
        }
        f.write_all(bytes)?;
        f.sync_all()
    })();
    match written {
        Ok(()) => Ok(Prepared {
            tmp,
            target: path.to_path_buf(),
        }),
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e)
        }
    }
}

impl Prepared {
    /// Where the content waits until `commit`.
    pub fn temp_path(&self) -> &Path {
        &self.tmp
    }

    /// Second half: the rename that makes it the file, then the folder is
    /// flushed so the rename itself survives a power cut.
    pub fn commit(self) -> std::io::Result<()> {
        if let Err(e) = std::fs::rename(&self.tmp, &self.target) {
            let _ = std::fs::remove_file(&self.tmp);
            return Err(e);
        }
        #[cfg(unix)]
        if let Ok(dir) = std::fs::File::open(folder_of(&self.target)) {
            let _ = dir.sync_all();
        }
        Ok(())
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
}
