//! Escher's own settings: the wizard's progress and the connected profiles,
//! as JSON in the OS config directory. Only names, toggles, kinds and
//! verified identities are stored: never keys or tokens.
//!
//! Writes are atomic (`atomic_file`), so a crash leaves either the old file
//! or the new one, and the window hands them to a `Saver` thread so that no
//! frame waits on the disk. A file that cannot be parsed is kept aside by
//! the window (which says so on screen) and only read by the command line;
//! a file from a newer Escher is not overwritten unasked.

use crate::aws::check::Identity;
use crate::aws::profiles::Kind;
use crate::commands::Method;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

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

/// The window's appearance: the system's, or always light or dark.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Appearance {
    #[default]
    System,
    Light,
    Dark,
}

impl Appearance {
    pub const ALL: [Appearance; 3] = [Appearance::System, Appearance::Light, Appearance::Dark];

    pub fn label(self) -> &'static str {
        match self {
            Appearance::System => "System",
            Appearance::Light => "Light",
            Appearance::Dark => "Dark",
        }
    }
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
    /// The last Check permissions (absent in files from before it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions: Option<crate::aws::permissions::saved::SavedPermissions>,
}

/// A verification stamped further ahead than clocks drift is not believed.
const CLOCK_SLACK: Duration = Duration::from_secs(24 * 3600);

impl SavedProfile {
    /// When the last check passed, or None when not known: never checked,
    /// or a stamp the clock cannot hold or that lies in the future (an
    /// edited or damaged file).
    pub fn verified_time(&self, now: SystemTime) -> Option<SystemTime> {
        let at = crate::time_words::from_epoch_secs(self.verified_at?)?;
        (at <= now.checked_add(CLOCK_SLACK).unwrap_or(now)).then_some(at)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    pub schema_version: u32,
    #[serde(default, deserialize_with = "lenient")]
    pub step: SavedStep,
    #[serde(default = "default_method", deserialize_with = "lenient_method")]
    pub method: Method,
    #[serde(default)]
    pub profiles: Vec<SavedProfile>,
    /// Connected Azure subscriptions (absent in files from before Azure).
    #[serde(default)]
    pub azure: Vec<crate::azure::saved::SavedSubscription>,
    /// Absent in files from before the choice existed: follow the system.
    #[serde(default, deserialize_with = "lenient")]
    pub appearance: Appearance,
    /// Entries this version cannot read (a newer Escher wrote them), kept
    /// as they are and written back unchanged.
    #[serde(skip)]
    pub unread: Unread,
}

/// Entries of the file's lists that did not read as this version's.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Unread {
    pub profiles: Vec<serde_json::Value>,
    pub azure: Vec<serde_json::Value>,
}

impl Unread {
    /// The names of the profiles kept unread (for Settings → Profiles).
    pub fn profile_names(&self) -> Vec<String> {
        self.profiles
            .iter()
            .map(|v| v["name"].as_str().unwrap_or("(no name)").to_owned())
            .collect()
    }
}

/// A value this version does not know (a newer Escher's) reads as the
/// default rather than making the whole file unreadable.
fn lenient<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::de::DeserializeOwned + Default,
{
    let v = serde_json::Value::deserialize(d)?;
    Ok(serde_json::from_value(v).unwrap_or_default())
}

fn lenient_method<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Method, D::Error> {
    let v = serde_json::Value::deserialize(d)?;
    Ok(serde_json::from_value(v).unwrap_or_else(|_| default_method()))
}

/// Take out of `list` (a JSON array) every entry that does not read as `T`.
fn take_unreadable<T: serde::de::DeserializeOwned>(
    list: Option<&mut serde_json::Value>,
) -> Vec<serde_json::Value> {
    let Some(serde_json::Value::Array(items)) = list else {
        return Vec::new();
    };
    let (kept, unread): (Vec<_>, Vec<_>) = std::mem::take(items)
        .into_iter()
        .partition(|v| serde_json::from_value::<T>(v.clone()).is_ok());
    *items = kept;
    unread
}

/// The settings from the file's bytes: entries that do not read are kept
/// aside in `unread`, the rest loads.
fn parse(bytes: &[u8]) -> Result<Settings, String> {
    let mut v: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
    let unread = Unread {
        profiles: take_unreadable::<SavedProfile>(v.get_mut("profiles")),
        azure: take_unreadable::<crate::azure::saved::SavedSubscription>(v.get_mut("azure")),
    };
    let mut s: Settings = serde_json::from_value(v).map_err(|e| e.to_string())?;
    s.unread = unread;
    Ok(s)
}

/// The file's JSON: the settings, with the unread entries after the rest.
fn to_json(s: &Settings) -> serde_json::Result<Vec<u8>> {
    let mut v = serde_json::to_value(s)?;
    for (key, extra) in [("profiles", &s.unread.profiles), ("azure", &s.unread.azure)] {
        if let Some(serde_json::Value::Array(items)) = v.get_mut(key) {
            items.extend(extra.iter().cloned());
        }
    }
    let mut json = serde_json::to_vec_pretty(&v)?;
    json.push(b'\n');
    Ok(json)
}

/// What this process holds, by key, so a save can tell an entry another
/// process added (kept) from one removed here (left out).
#[derive(Debug, Default)]
struct Known {
    profiles: std::collections::HashSet<String>,
    azure: std::collections::HashSet<String>,
}

impl Known {
    fn of(s: &Settings) -> Self {
        Known {
            profiles: s.profiles.iter().map(|p| p.name.clone()).collect(),
            azure: s
                .azure
                .iter()
                .map(|a| a.subscription_id.to_string())
                .collect(),
        }
    }
}

/// `ours`, plus what the file on disk holds that another process added
/// since this one last read or saved it. Ours wins where both have one.
fn merged(ours: &Settings, disk: Settings, known: &Known) -> Settings {
    let mut out = ours.clone();
    for p in disk.profiles {
        if !known.profiles.contains(&p.name) && !out.profiles.iter().any(|o| o.name == p.name) {
            out.profiles.push(p);
        }
    }
    for a in disk.azure {
        let id = a.subscription_id.to_string();
        if !known.azure.contains(&id)
            && !out
                .azure
                .iter()
                .any(|o| o.subscription_id == a.subscription_id)
        {
            out.azure.push(a);
        }
    }
    for (mine, theirs) in [
        (&mut out.unread.profiles, disk.unread.profiles),
        (&mut out.unread.azure, disk.unread.azure),
    ] {
        for v in theirs {
            if !mine.contains(&v) {
                mine.push(v);
            }
        }
    }
    out
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
            azure: Vec::new(),
            appearance: Appearance::System,
            unread: Unread::default(),
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
    /// Shared by the clones the saver thread writes with.
    known: Arc<Mutex<Known>>,
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
            known: Arc::default(),
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

    /// Read the file for the window: a file that cannot be parsed is
    /// renamed aside (the window says where) so that a fresh one can be
    /// written.
    pub fn load(&mut self) -> (Settings, Option<LoadNotice>) {
        let (settings, read) = self.read_only();
        *self.known() = Known::of(&settings);
        match read {
            Some(Read::Corrupt(reason)) => self.keep_aside(reason),
            Some(Read::Notice(notice)) => {
                self.writable = false;
                (settings, Some(notice))
            }
            None => (settings, None),
        }
    }

    /// Read the file and change nothing (the command line): what cannot be
    /// used reads as the defaults, with the reason in words.
    pub fn read(&self) -> (Settings, Option<String>) {
        let (settings, read) = self.read_only();
        let why = read.map(|r| match r {
            Read::Corrupt(reason) => format!(
                "Escher's settings in {} could not be read ({reason}); continuing without them. The file \
                 was left as it is; the Escher window keeps it aside when it next starts.",
                self.path().display()
            ),
            Read::Notice(n) => n.to_string(),
        });
        (settings, why)
    }

    fn read_only(&self) -> (Settings, Option<Read>) {
        let bytes = match std::fs::read(self.path()) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return (Settings::default(), None);
            }
            Err(e) => {
                let reason = e.to_string();
                return (
                    Settings::default(),
                    Some(Read::Notice(LoadNotice::Unreadable { reason })),
                );
            }
        };
        let version = serde_json::from_slice::<serde_json::Value>(&bytes)
            .ok()
            .and_then(|v| v.get("schema_version").and_then(|n| n.as_u64()));
        if let Some(v) = version.filter(|v| *v > u64::from(SCHEMA_VERSION)) {
            let version = u32::try_from(v).unwrap_or(u32::MAX);
            // Read what this version understands; unknown fields are ignored.
            let settings = parse(&bytes).unwrap_or_default();
            return (settings, Some(Read::Notice(LoadNotice::Newer { version })));
        }
        match parse(&bytes) {
            Ok(s) => (s, None),
            Err(e) => (Settings::default(), Some(Read::Corrupt(e))),
        }
    }

    fn keep_aside(&mut self, reason: String) -> (Settings, Option<LoadNotice>) {
        let stamp = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        let kept_as = self.dir.join(format!("{FILE_NAME}.corrupt-{stamp}"));
        match std::fs::rename(self.path(), &kept_as) {
            Ok(()) => (
                Settings::default(),
                Some(LoadNotice::Corrupt { kept_as, reason }),
            ),
            Err(re) => {
                self.writable = false;
                (
                    Settings::default(),
                    Some(LoadNotice::Unreadable {
                        reason: format!("{reason}; it could not be moved aside: {re}"),
                    }),
                )
            }
        }
    }

    /// Write atomically. Refuses while the file on disk must be kept.
    pub fn save(&self, settings: &Settings) -> std::io::Result<()> {
        self.prepare(settings)?.commit()
    }

    /// First half of a save: the new content flushed to a temp file beside
    /// the real one; `commit` puts it in place.
    pub fn prepare(&self, settings: &Settings) -> std::io::Result<crate::atomic_file::Prepared> {
        if !self.writable {
            return Err(std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                "the settings file on disk is kept until you choose to overwrite it",
            ));
        }
        std::fs::create_dir_all(&self.dir)?;
        let known = Known::of(settings);
        let on_disk = match self.read_only() {
            (disk, None) => Some(disk),
            _ => None,
        };
        let to_write = match on_disk {
            Some(disk) => merged(settings, disk, &self.known()),
            None => settings.clone(),
        };
        let json = to_json(&to_write).map_err(std::io::Error::other)?;
        let prepared = crate::atomic_file::prepare(&self.path(), &json)?;
        *self.known() = known;
        Ok(prepared)
    }

    fn known(&self) -> MutexGuard<'_, Known> {
        self.known
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// What reading found besides the settings.
enum Read {
    /// Not JSON Escher understands; the parser's words.
    Corrupt(String),
    Notice(LoadNotice),
}

/// Called when a save failed, so an idle window wakes to say so.
pub type Wake = Arc<dyn Fn() + Send + Sync>;

/// Saves settings on a thread of its own. Only the latest state is kept
/// waiting: a burst of changes while one write runs becomes one more write.
/// Dropping it writes what is still waiting.
pub struct Saver {
    shared: Arc<Shared>,
    thread: Option<std::thread::JoinHandle<()>>,
}

struct Shared {
    slot: Mutex<Slot>,
    changed: Condvar,
}

struct Slot {
    store: Store,
    pending: Option<(Settings, Wake)>,
    writing: bool,
    closing: bool,
    /// The last failure in words, until the window takes it.
    failure: Option<String>,
    writes: u64,
}

impl Saver {
    pub fn start(store: Store) -> Self {
        let saver = Saver::idle(store);
        saver.run()
    }

    /// A saver whose thread has not started yet (tests fill its slot first).
    fn idle(store: Store) -> Self {
        Saver {
            shared: Arc::new(Shared {
                slot: Mutex::new(Slot {
                    store,
                    pending: None,
                    writing: false,
                    closing: false,
                    failure: None,
                    writes: 0,
                }),
                changed: Condvar::new(),
            }),
            thread: None,
        }
    }

    fn run(mut self) -> Self {
        let shared = self.shared.clone();
        self.thread = Some(std::thread::spawn(move || write_loop(&shared)));
        self
    }

    fn slot(&self) -> MutexGuard<'_, Slot> {
        // A panic while holding the lock leaves plain data: keep using it.
        self.shared
            .slot
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Save this state soon, replacing any state still waiting.
    pub fn submit(&self, settings: Settings, wake: Wake) {
        self.slot().pending = Some((settings, wake));
        self.shared.changed.notify_all();
    }

    pub fn path(&self) -> PathBuf {
        self.slot().store.path()
    }

    pub fn is_writable(&self) -> bool {
        self.slot().store.is_writable()
    }

    /// The user chose to replace a settings file Escher could not use.
    pub fn allow_overwrite(&self) {
        self.slot().store.allow_overwrite();
    }

    /// Why the last save failed, once.
    pub fn take_failure(&self) -> Option<String> {
        self.slot().failure.take()
    }

    /// Wait until everything submitted is on disk (or failed).
    pub fn flush(&self) {
        let mut slot = self.slot();
        while slot.pending.is_some() || slot.writing {
            slot = self
                .shared
                .changed
                .wait(slot)
                .unwrap_or_else(std::sync::PoisonError::into_inner);
        }
    }
}

impl Drop for Saver {
    fn drop(&mut self) {
        self.slot().closing = true;
        self.shared.changed.notify_all();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn write_loop(shared: &Shared) {
    let lock = || {
        shared
            .slot
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    };
    loop {
        let mut slot = lock();
        while slot.pending.is_none() && !slot.closing {
            slot = shared
                .changed
                .wait(slot)
                .unwrap_or_else(std::sync::PoisonError::into_inner);
        }
        let Some((settings, wake)) = slot.pending.take() else {
            return; // closing, and nothing left to write
        };
        slot.writing = true;
        let store = slot.store.clone();
        drop(slot);
        // The disk is slow; nobody waits on the lock meanwhile.
        let result = store.save(&settings);
        let mut slot = lock();
        slot.writing = false;
        slot.writes += 1;
        if let Err(e) = result {
            slot.failure = Some(format!(
                "Escher could not save its settings to {}: {e}. Your changes stay for this session.",
                store.path().display()
            ));
            wake();
        }
        drop(slot);
        shared.changed.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbered(n: usize) -> Settings {
        Settings {
            profiles: (0..n)
                .map(|i| SavedProfile {
                    name: format!("p{i}"),
                    enabled: true,
                    kind: None,
                    region: None,
                    identity: None,
                    verified_at: None,
                    permissions: None,
                })
                .collect(),
            ..Settings::default()
        }
    }

    #[test]
    fn a_burst_of_changes_is_one_write_of_the_latest() {
        let dir = tempfile::tempdir().unwrap();
        let saver = Saver::idle(Store::new(dir.path()));
        let wake: Wake = Arc::new(|| {});
        // Submitted while the writer is busy (here: not started yet).
        for n in 1..=100 {
            saver.submit(numbered(n), wake.clone());
        }
        let saver = saver.run();
        saver.flush();
        assert_eq!(saver.slot().writes, 1);
        let (on_disk, _) = Store::new(dir.path()).read();
        assert_eq!(on_disk, numbered(100));
    }

    #[test]
    fn dropping_the_saver_writes_what_is_waiting() {
        let dir = tempfile::tempdir().unwrap();
        let saver = Saver::idle(Store::new(dir.path()));
        saver.submit(numbered(3), Arc::new(|| {}));
        drop(saver.run());
        assert_eq!(Store::new(dir.path()).read().0, numbered(3));
    }

    #[test]
    fn a_huge_or_future_verification_time_is_unknown() {
        let now = SystemTime::now();
        let mut p = numbered(1).profiles.remove(0);
        for stamp in [u64::MAX, 1 << 40] {
            p.verified_at = Some(stamp);
            assert_eq!(p.verified_time(now), None, "{stamp}");
        }
        p.verified_at = Some(1_700_000_000);
        assert!(p.verified_time(now).is_some());
    }
}
