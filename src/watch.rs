//! Watching the AWS files while a screen that shows them is open, so that
//! what the user does in the terminal shows without a click.
//!
//! The folders of the config and credentials files and the SSO token cache
//! are watched, not the files: editors and botocore replace a file by
//! renaming another over it, which ends a watch on the file itself. A
//! folder that does not exist yet is watched through its nearest existing
//! parent, which sees it appear. Watches are not recursive: a home folder
//! watched while `~/.aws` is missing reports only its own entries.
//!
//! Events are gathered by notify-debouncer-mini, whose thread sleeps until
//! an event comes (debouncer-full wakes on a fixed tick), and only those
//! about the files that matter wake the window. Where the platform's
//! events cannot be had or miss changes (an error from notify, network
//! file systems, the Windows side of WSL), the folders are polled instead.

use crate::aws::env::AwsEnv;
use crate::wake::Wake;
use notify::{EventHandler, RecommendedWatcher, RecursiveMode, Watcher, WatcherKind};
use notify_debouncer_mini::{Config, DebounceEventResult, Debouncer, new_debouncer_opt};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::time::{Duration, SystemTime};

/// How long the events of one save are gathered (a rename, or a write in
/// several parts, comes as several).
const SETTLE: Duration = Duration::from_millis(150);

/// How often the folders are looked at where events cannot be had.
pub const POLL_EVERY: Duration = Duration::from_secs(2);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// The platform's file events, or polling where they cannot be had.
    Auto,
    /// Look at the files at this interval.
    Poll(Duration),
}

/// The paths whose changes can change what Escher reads from the files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Targets {
    /// The config and credentials files, each also as the platform reports
    /// it (symlinks resolved: a dotfiles link, macOS's /var).
    files: Vec<PathBuf>,
    sso_caches: Vec<PathBuf>,
    /// The folders that hold them.
    folders: BTreeSet<PathBuf>,
}

impl Targets {
    /// The files the SDK reads for `env` (`AWS_CONFIG_FILE` and
    /// `AWS_SHARED_CREDENTIALS_FILE` honoured) and `~/.aws/sso/cache`.
    pub fn of(env: &AwsEnv) -> Targets {
        let mut files = Vec::new();
        for file in [env.config_file(), env.credentials_file()]
            .into_iter()
            .flatten()
        {
            let file = absolute(&file);
            files.extend(real_path(&file));
            files.extend(std::fs::canonicalize(&file).ok());
            files.push(file);
        }
        files.sort();
        files.dedup();
        let mut sso_caches = Vec::new();
        if let Some(cache) = env.sso_cache_dir().map(|d| absolute(&d)) {
            sso_caches.extend(real_path(&cache).filter(|real| *real != cache));
            sso_caches.push(cache);
        }
        let folders = files
            .iter()
            .filter_map(|f| f.parent())
            .map(Path::to_path_buf)
            .chain(sso_caches.iter().cloned())
            .collect();
        Targets {
            files,
            sso_caches,
            folders,
        }
    }

    /// Each folder, or where it does not exist, its nearest existing parent.
    pub fn watch_list(&self, exists: &dyn Fn(&Path) -> bool) -> BTreeSet<PathBuf> {
        self.folders
            .iter()
            .filter_map(|f| f.ancestors().find(|a| exists(a)))
            .map(|a| std::fs::canonicalize(a).unwrap_or_else(|_| a.to_path_buf()))
            .collect()
    }

    /// Whether a change at `path` can change what Escher reads: one of the
    /// files, an SSO token, or a folder on the way to them. Anything else
    /// in those folders (an editor's swap file, Escher's own settings when
    /// kept there) does not.
    pub fn matters(&self, path: &Path) -> bool {
        self.files.iter().any(|f| f == path)
            || self
                .sso_caches
                .iter()
                .any(|cache| is_token_file(cache, path))
            || self.folders.iter().any(|f| f.starts_with(path))
    }
}

/// What polling compares: each file that matters, with its modification
/// time and size (None: absent), and whether each folder exists.
type Snapshot = BTreeMap<PathBuf, Option<(Option<SystemTime>, u64)>>;

impl Targets {
    fn snapshot(&self) -> Snapshot {
        let stat = |p: &Path| {
            std::fs::metadata(p)
                .ok()
                .map(|m| (m.modified().ok(), m.len()))
        };
        let mut out: Snapshot = self.files.iter().map(|f| (f.clone(), stat(f))).collect();
        for folder in &self.folders {
            out.insert(folder.clone(), folder.is_dir().then_some((None, 0)));
        }
        for cache in &self.sso_caches {
            for entry in std::fs::read_dir(cache).into_iter().flatten().flatten() {
                let path = entry.path();
                if is_token_file(cache, &path) {
                    let s = stat(&path);
                    out.insert(path, s);
                }
            }
        }
        out
    }
}

/// `<cache>/<40 hex digits>.json`, as `sso_cache::cache_file` names tokens.
fn is_token_file(cache: &Path, path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    path.parent() == Some(cache)
        && name.strip_suffix(".json").is_some_and(|stem| {
            stem.len() == 40
                && stem
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        })
}

/// `path` with the symlinks of its nearest existing folder resolved.
fn real_path(path: &Path) -> Option<PathBuf> {
    let existing = path.ancestors().find(|a| a.exists())?;
    let rest = path.strip_prefix(existing).ok()?;
    let real = std::fs::canonicalize(existing).ok()?;
    // Joining an empty rest would add a trailing slash, which stat refuses
    // for a file.
    Some(if rest.as_os_str().is_empty() {
        real
    } else {
        real.join(rest)
    })
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// File systems whose changes made elsewhere (another machine, the Windows
/// side of WSL) send no events here.
pub fn misses_events(fs_type: &str) -> bool {
    matches!(
        fs_type,
        "nfs" | "nfs4" | "cifs" | "smb3" | "smbfs" | "9p" | "drvfs" | "afs" | "ceph" | "glusterfs"
    ) || fs_type.starts_with("fuse.")
}

/// The type of the file system `path` is on, read from the text of
/// `/proc/self/mountinfo`: that of the longest mount point holding it.
pub fn fs_type(mountinfo: &str, path: &Path) -> Option<String> {
    mountinfo
        .lines()
        .filter_map(|line| {
            let (left, right) = line.split_once(" - ")?;
            let mount = unescape_octal(left.split(' ').nth(4)?);
            let kind = right.split(' ').next()?;
            path.starts_with(&mount)
                .then(|| (Path::new(&mount).components().count(), kind))
        })
        .max_by_key(|(depth, _)| *depth)
        .map(|(_, kind)| kind.to_owned())
}

/// mountinfo writes a space in a mount point as `\040`.
fn unescape_octal(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('\\') {
        out.push_str(&rest[..i]);
        let code = rest.get(i + 1..i + 4);
        match code.and_then(|c| u8::from_str_radix(c, 8).ok()) {
            Some(b) => {
                out.push(char::from(b));
                rest = &rest[i + 4..];
            }
            None => {
                out.push('\\');
                rest = &rest[i + 1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(target_os = "linux")]
fn on_remote_fs(folder: &Path) -> bool {
    std::fs::read_to_string("/proc/self/mountinfo")
        .ok()
        .and_then(|info| fs_type(&info, folder))
        .is_some_and(|t| misses_events(&t))
}

#[cfg(not(target_os = "linux"))]
fn on_remote_fs(_folder: &Path) -> bool {
    false
}

/// The platform's watcher without reads: inotify reports every open of a
/// file, and Escher reading the files must not count as them changing.
struct WritesOnly<W>(W);

impl<W: Watcher> Watcher for WritesOnly<W> {
    fn new<F: EventHandler>(mut handler: F, config: notify::Config) -> notify::Result<Self> {
        let writes = move |event: notify::Result<notify::Event>| {
            if !matches!(&event, Ok(e) if e.kind.is_access()) {
                handler.handle_event(event);
            }
        };
        W::new(writes, config).map(WritesOnly)
    }

    fn watch(&mut self, path: &Path, mode: RecursiveMode) -> notify::Result<()> {
        self.0.watch(path, mode)
    }

    fn unwatch(&mut self, path: &Path) -> notify::Result<()> {
        self.0.unwatch(path)
    }

    fn kind() -> WatcherKind {
        W::kind()
    }
}

enum Backend {
    Events(Debouncer<WritesOnly<RecommendedWatcher>>),
    /// The polling thread, which ends when this is dropped. It looks at
    /// the files that matter only (notify's PollWatcher compares whole
    /// seconds, and would read every file of a home folder watched for
    /// `.aws` to appear).
    Poll {
        _stop: Sender<()>,
    },
}

enum Signal {
    Changed,
    Failed,
}

/// The watch over the AWS files; dropping it stops watching.
pub struct FileWatch {
    targets: Arc<Targets>,
    backend: Option<Backend>,
    watched: BTreeSet<PathBuf>,
    polling: bool,
    poll_every: Duration,
    tx: Sender<Signal>,
    rx: Receiver<Signal>,
    wake: Wake,
}

impl FileWatch {
    /// Start watching; `wake` is called (from the watcher's thread) when
    /// something that matters changed.
    pub fn start(env: &AwsEnv, mode: Mode, wake: Wake) -> FileWatch {
        let (tx, rx) = channel();
        let targets = Arc::new(Targets::of(env));
        let (poll, poll_every) = match mode {
            Mode::Poll(every) => (true, every),
            Mode::Auto => {
                let list = targets.watch_list(&|p| p.is_dir());
                (list.iter().any(|f| on_remote_fs(f)), POLL_EVERY)
            }
        };
        let mut watch = FileWatch {
            targets,
            backend: None,
            watched: BTreeSet::new(),
            polling: poll,
            poll_every,
            tx,
            rx,
            wake,
        };
        watch.open(poll);
        watch
    }

    /// Polling rather than the platform's events.
    pub fn is_polling(&self) -> bool {
        self.polling
    }

    /// The folders watched now.
    pub fn watched(&self) -> &BTreeSet<PathBuf> {
        &self.watched
    }

    /// Whether the files may have changed since the last call. A folder
    /// that appeared is watched from now on; the files it already holds
    /// count as changed.
    pub fn take_changes(&mut self) -> bool {
        let (mut changed, mut failed) = (false, false);
        for signal in self.rx.try_iter() {
            match signal {
                Signal::Changed => changed = true,
                Signal::Failed => failed = true,
            }
        }
        // An error from notify, or a folder that cannot be watched: poll.
        let broken = failed || (changed && !self.refresh());
        if broken && !self.polling {
            self.open(true);
        }
        changed || failed
    }

    fn open(&mut self, poll: bool) {
        self.backend = None;
        self.watched.clear();
        self.polling = poll;
        self.backend = if poll { self.poller() } else { self.events() };
        if !self.refresh() && !poll {
            self.open(true);
        }
    }

    /// Watch the folders as they are now. False when one could not be.
    fn refresh(&mut self) -> bool {
        let wanted = self.targets.watch_list(&|p| p.is_dir());
        let backend = match self.backend.as_mut() {
            None => return false,
            Some(Backend::Poll { .. }) => {
                self.watched = wanted;
                return true;
            }
            Some(Backend::Events(d)) => d.watcher(),
        };
        for gone in self.watched.difference(&wanted) {
            // Gone with its folder, most likely.
            let _ = backend.unwatch(gone);
        }
        let mut ok = true;
        for new in wanted.difference(&self.watched) {
            ok &= backend.watch(new, RecursiveMode::NonRecursive).is_ok();
        }
        self.watched = wanted;
        ok
    }

    fn handler(&self) -> impl FnMut(DebounceEventResult) + Send + 'static {
        let (targets, tx, wake) = (self.targets.clone(), self.tx.clone(), self.wake.clone());
        move |result: DebounceEventResult| {
            let signal = match result {
                Ok(events) if events.iter().any(|e| targets.matters(&e.path)) => Signal::Changed,
                Ok(_) => return,
                Err(_) => Signal::Failed,
            };
            if tx.send(signal).is_ok() {
                wake();
            }
        }
    }

    fn events(&self) -> Option<Backend> {
        let config = Config::default().with_timeout(SETTLE);
        new_debouncer_opt::<_, WritesOnly<RecommendedWatcher>>(config, self.handler())
            .ok()
            .map(Backend::Events)
    }

    fn poller(&self) -> Option<Backend> {
        let (stop, stopped) = channel::<()>();
        let (targets, tx, wake) = (self.targets.clone(), self.tx.clone(), self.wake.clone());
        let every = self.poll_every;
        // Taken now: a change made once `start` returns is one.
        let mut last = targets.snapshot();
        let spawned = std::thread::Builder::new()
            .name("escher: poll the AWS files".into())
            .spawn(move || {
                while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(every) {
                    let now = targets.snapshot();
                    if now != last {
                        last = now;
                        if tx.send(Signal::Changed).is_err() {
                            return;
                        }
                        wake();
                    }
                }
            });
        spawned.ok().map(|_| Backend::Poll { _stop: stop })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &[(&str, &str)]) -> AwsEnv {
        AwsEnv::from_vars(vars.iter().copied())
    }

    #[test]
    #[cfg(unix)] // Unix paths and PATH syntax
    fn the_folders_of_both_files_and_the_token_cache_are_watched() {
        let t = Targets::of(&env(&[("HOME", "/h")]));
        let all = t.watch_list(&|_| true);
        let expected: BTreeSet<PathBuf> = ["/h/.aws", "/h/.aws/sso/cache"]
            .into_iter()
            .map(PathBuf::from)
            .collect();
        assert_eq!(all, expected);
    }

    #[test]
    #[cfg(unix)] // Unix paths and PATH syntax
    fn file_variables_move_the_watch() {
        let t = Targets::of(&env(&[
            ("HOME", "/h"),
            ("AWS_CONFIG_FILE", "~/dotfiles/aws-config"),
            ("AWS_SHARED_CREDENTIALS_FILE", "/secrets/aws/creds"),
        ]));
        let all = t.watch_list(&|_| true);
        for f in ["/h/dotfiles", "/secrets/aws", "/h/.aws/sso/cache"] {
            assert!(all.contains(Path::new(f)), "{f} not in {all:?}");
        }
        assert!(!all.contains(Path::new("/h/.aws")), "{all:?}");
        assert!(t.matters(Path::new("/secrets/aws/creds")));
        assert!(!t.matters(Path::new("/h/.aws/credentials")));
    }

    #[test]
    #[cfg(unix)] // Unix paths and PATH syntax
    fn a_missing_folder_is_watched_through_its_nearest_existing_parent() {
        let t = Targets::of(&env(&[("HOME", "/h")]));
        let only_home = t.watch_list(&|p| p == Path::new("/h") || p == Path::new("/"));
        assert_eq!(only_home, BTreeSet::from([PathBuf::from("/h")]));
        let aws_only = t.watch_list(&|p| p.starts_with("/h") && !p.starts_with("/h/.aws/sso"));
        assert_eq!(aws_only, BTreeSet::from([PathBuf::from("/h/.aws")]));
        // Its appearing matters; the rest of the home folder does not.
        assert!(t.matters(Path::new("/h/.aws")));
        assert!(t.matters(Path::new("/h/.aws/sso")));
        assert!(!t.matters(Path::new("/h/.bash_history")));
        assert!(!t.matters(Path::new("/h/.aws/cli")));
    }

    #[test]
    #[cfg(unix)] // Unix paths and PATH syntax
    fn only_the_files_and_tokens_matter_not_their_neighbours() {
        let t = Targets::of(&env(&[("HOME", "/h")]));
        assert!(t.matters(Path::new("/h/.aws/config")));
        assert!(t.matters(Path::new("/h/.aws/credentials")));
        let token = crate::aws::sso_cache::cache_file(Path::new("/h/.aws/sso/cache"), "corp");
        assert!(t.matters(&token));
        for other in [
            "/h/.aws/config.swp",
            "/h/.aws/.config.tmp",
            "/h/.aws/credentials~",
            "/h/.aws/settings.json",
            "/h/.aws/sso/cache/settings.json",
            "/h/.aws/sso/cache/botocore-client-id-us-east-1.json",
            "/h/.aws/cli/cache/0123456789abcdef0123456789abcdef01234567.json",
        ] {
            assert!(!t.matters(Path::new(other)), "{other}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_home_behind_a_symlink_is_matched_as_the_platform_reports_it() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real");
        std::fs::create_dir_all(real.join(".aws")).unwrap();
        std::os::unix::fs::symlink(&real, dir.path().join("link")).unwrap();
        let home = dir.path().join("link").display().to_string();
        let t = Targets::of(&AwsEnv::from_vars([("HOME", home)]));
        let real = std::fs::canonicalize(&real).unwrap();
        let watched = t.watch_list(&|p| p.is_dir());
        assert!(watched.contains(&real.join(".aws")), "{watched:?}");
        assert!(t.matters(&real.join(".aws/credentials")));
        assert!(t.matters(&real.join(".aws/sso")));
        assert!(t.matters(&dir.path().join("link/.aws/config")));
    }

    #[test]
    fn network_and_wsl_folders_are_polled() {
        let info = "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n\
            40 22 0:35 / /home/u/net\\040share rw - cifs //srv/share rw\n\
            41 22 0:36 / /mnt/c rw - 9p drvfs rw\n\
            42 22 0:37 / /home/u/nfs rw - nfs4 srv:/home rw\n";
        let kind = |p: &str| fs_type(info, Path::new(p)).unwrap();
        assert_eq!(kind("/home/u/.aws"), "ext4");
        assert_eq!(kind("/home/u/net share/.aws"), "cifs");
        assert_eq!(kind("/mnt/c/Users/u/.aws"), "9p");
        assert_eq!(kind("/home/u/nfs/.aws"), "nfs4");
        assert!(!misses_events("ext4"));
        for remote in ["cifs", "9p", "nfs4", "fuse.sshfs"] {
            assert!(misses_events(remote), "{remote}");
        }
    }
}
