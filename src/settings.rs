//! Escher's own settings: the wizard's progress and the connected profiles,
//! as JSON in the OS config directory. Only names, toggles, kinds and
//! verified identities are stored: never keys or tokens.
//!
//! Writes are atomic (temp file, fsync, rename), so a crash leaves either
//! the old file or the new one. A file that cannot be parsed is kept aside
//! and reported; a file from a newer Escher is not overwritten unasked.

use crate::aws::check::Identity;
use crate::aws::profiles::Kind;
use crate::commands::Method;
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

pub const SCHEMA_VERSION: u32 = 1;
pub const FILE_NAME: &str = "settings.json";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum SavedStep {
    #[default]
    Welcome,
    ConnectAws,
    ConnectAzure,
    Done,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedProfile {
    pub name: String,
    /// On: Escher uses this profile now.
    pub enabled: bool,
    pub kind: Option<Kind>,
    pub region: Option<String>,
    pub identity: Option<Identity>,
    /// Seconds since the Unix epoch of the last passed check.
    pub verified_at: Option<u64>,
}

impl SavedProfile {
    pub fn verified_time(&self) -> Option<SystemTime> {
        self.verified_at
            .map(|s| SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(s))
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    pub schema_version: u32,
    #[serde(default)]
    pub step: SavedStep,
    #[serde(default = "default_method")]
    pub method: Method,
    #[serde(default)]
    pub profiles: Vec<SavedProfile>,
}

fn default_method() -> Method {
    Method::Sso
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            schema_version: SCHEMA_VERSION,
            step: SavedStep::Welcome,
            method: Method::Sso,
            profiles: Vec::new(),
        }
    }
}

/// What loading found, for the notice shown on screen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoadNotice {
    /// The file could not be parsed; it was moved to `kept_as`.
    Corrupt { kept_as: PathBuf, reason: String },
    /// The file was written by a newer Escher; it is left alone until the
    /// user agrees to overwrite it.
    Newer { version: u32 },
    /// The file could not be read at all (permissions, I/O).
    Unreadable { reason: String },
}

impl std::fmt::Display for LoadNotice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadNotice::Corrupt { kept_as, reason } => write!(
                f,
                "Your Escher settings could not be read ({reason}). They were kept as {} and Escher started with \
                 defaults; your AWS files were not touched.",
                kept_as.display()
            ),
            LoadNotice::Newer { version } => write!(
                f,
                "Your settings were written by a newer version of Escher (format {version}). Escher will not \
                 change them unless you choose to overwrite them."
            ),
            LoadNotice::Unreadable { reason } => write!(
                f,
                "Your Escher settings could not be read: {reason}. Escher started with defaults and will not \
                 save over them."
            ),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Store {
    dir: PathBuf,
    /// False while the file on disk must not be replaced (newer format or
    /// unreadable), until the user says otherwise.
    writable: bool,
}

impl Store {
    /// `ESCHER_CONFIG_DIR`, else the OS config directory's `Escher`.
    pub fn default_dir() -> Option<PathBuf> {
        match std::env::var_os("ESCHER_CONFIG_DIR").filter(|v| !v.is_empty()) {
            Some(dir) => Some(PathBuf::from(dir)),
            None => dirs::config_dir().map(|d| d.join("Escher")),
        }
    }

    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Store {
            dir: dir.into(),
            writable: true,
        }
    }

    pub fn path(&self) -> PathBuf {
        self.dir.join(FILE_NAME)
    }

    pub fn is_writable(&self) -> bool {
        self.writable
    }

    /// The user chose to replace a settings file Escher could not use.
    pub fn allow_overwrite(&mut self) {
        self.writable = true;
    }

    pub fn load(&mut self) -> (Settings, Option<LoadNotice>) {
        let path = self.path();
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return (Settings::default(), None);
            }
            Err(e) => {
                self.writable = false;
                return (
                    Settings::default(),
                    Some(LoadNotice::Unreadable {
                        reason: e.to_string(),
                    }),
                );
            }
        };
        let version = serde_json::from_slice::<serde_json::Value>(&bytes)
            .ok()
            .and_then(|v| v.get("schema_version").and_then(|n| n.as_u64()));
        if let Some(v) = version.filter(|v| *v > u64::from(SCHEMA_VERSION)) {
            self.writable = false;
            let version = u32::try_from(v).unwrap_or(u32::MAX);
            // Read what this version understands; unknown fields are ignored.
            let settings = serde_json::from_slice(&bytes).unwrap_or_default();
            return (settings, Some(LoadNotice::Newer { version }));
        }
        match serde_json::from_slice::<Settings>(&bytes) {
            Ok(s) => (s, None),
            Err(e) => {
                let stamp = SystemTime::now()
                    .duration_since(SystemTime::UNIX_EPOCH)
                    .map(|d| d.as_secs())
                    .unwrap_or(0);
                let kept_as = self.dir.join(format!("{FILE_NAME}.corrupt-{stamp}"));
                match std::fs::rename(&path, &kept_as) {
                    Ok(()) => (
                        Settings::default(),
                        Some(LoadNotice::Corrupt {
                            kept_as,
                            reason: e.to_string(),
                        }),
                    ),
                    Err(re) => {
                        self.writable = false;
                        (
                            Settings::default(),
                            Some(LoadNotice::Unreadable {
                                reason: format!("{e}; it could not be moved aside: {re}"),
                            }),
                        )
                    }
                }
            }
        }
    }

    /// Write atomically. Refuses while the file on disk must be kept.
    pub fn save(&self, settings: &Settings) -> std::io::Result<()> {
        if !self.writable {
            return Err(std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                "the settings file on disk is kept until you choose to overwrite it",
            ));
        }
        let tmp = self.write_temp(settings)?;
        self.commit(&tmp)
    }

    /// First half of a save: the new content in a temp file beside the
    /// real one, flushed to disk.
    pub fn write_temp(&self, settings: &Settings) -> std::io::Result<PathBuf> {
        std::fs::create_dir_all(&self.dir)?;
        let tmp = self
            .dir
            .join(format!(".{FILE_NAME}.tmp-{}", std::process::id()));
        let json = serde_json::to_vec_pretty(settings).map_err(std::io::Error::other)?;
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(&json)?;
        f.write_all(b"\n")?;
        f.sync_all()?;
        Ok(tmp)
    }

    /// Second half: the rename that makes it the settings file.
    pub fn commit(&self, tmp: &Path) -> std::io::Result<()> {
        std::fs::rename(tmp, self.path())?;
        #[cfg(unix)]
        if let Ok(dir) = std::fs::File::open(&self.dir) {
            let _ = dir.sync_all();
        }
        Ok(())
    }
}
