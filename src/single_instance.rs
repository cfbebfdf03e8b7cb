//! One Escher window per user. The first launch holds a lock on a file in
//! Escher's settings folder and listens on loopback; a second launch finds
//! the lock taken, asks the first to come to the front, and ends.
//!
//! Loopback TCP rather than a Unix socket or a named pipe: the standard
//! library has it on every OS. Another local user may connect but cannot
//! ask anything: each request carries a token kept in a file only this
//! user may read. The OS releases the lock when the process ends, however
//! it ends, so a crash never leaves Escher refusing to start.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::time::{Duration, Instant};

const LOCK_FILE: &str = "escher.lock";
/// Where the running window says how to reach it: `PORT TOKEN`.
const ADDRESS_FILE: &str = "instance";
const SHOW: &str = "show";
const SHOWN: &str = "shown";
/// How long a second launch waits for the first: it may have taken the lock
/// and not yet written where it listens.
const PATIENCE: Duration = Duration::from_secs(3);
/// A connection that sends nothing is dropped after this.
const READ_LIMIT: Duration = Duration::from_secs(1);

/// What a launch found.
#[derive(Debug)]
pub enum Claim {
    /// No other Escher runs: this one opens the window.
    First(Instance),
    /// Another Escher runs and brought its window to the front.
    Shown,
    /// Another Escher holds the lock but did not answer (stopped, or
    /// hung). This launch opens a window anyway, so a click always shows
    /// one; settings saves merge what the other wrote.
    Unanswered,
}

/// The running window's hold: the lock, and where a second launch reaches it.
#[derive(Debug)]
pub struct Instance {
    /// The lock lasts as long as the file stays open.
    lock: Option<File>,
    listener: TcpListener,
    token: String,
}

/// Take the instance in `dir` (Escher's settings folder), or reach the
/// Escher that has it.
pub fn claim(dir: &Path) -> std::io::Result<Claim> {
    std::fs::create_dir_all(dir)?;
    let lock = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join(LOCK_FILE))?;
    match lock.try_lock() {
        Ok(()) => Instance::start(dir, Some(lock)).map(Claim::First),
        Err(std::fs::TryLockError::WouldBlock) => Ok(ask_to_show(dir)),
        // A file system without locks (some network shares): one window
        // cannot be promised there, but this one still works.
        Err(std::fs::TryLockError::Error(_)) => Instance::start(dir, None).map(Claim::First),
    }
}

impl Instance {
    fn start(dir: &Path, lock: Option<File>) -> std::io::Result<Self> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
        let token = token()?;
        let address = format!("{} {token}\n", listener.local_addr()?.port());
        crate::atomic_file::prepare_with(
            &dir.join(ADDRESS_FILE),
            address.as_bytes(),
            crate::atomic_file::owner_only(),
        )?
        .commit()?;
        Ok(Instance {
            lock,
            listener,
            token,
        })
    }

    /// Answer second launches for as long as the process lives; `on_show`
    /// runs for each that asked (on this thread, so it only signals).
    pub fn serve(self, on_show: impl Fn() + Send + 'static) {
        // Without the thread a second launch waits and then opens a window
        // of its own, as when this one hangs: nothing is lost.
        let _ = std::thread::Builder::new()
            .name("escher-instance".into())
            .spawn(move || {
                let _held = self.lock;
                for stream in self.listener.incoming().flatten() {
                    if answer(stream, &self.token) {
                        on_show();
                    }
                }
            });
    }
}

/// Read one request; reply and say yes if it carried the token.
fn answer(stream: TcpStream, token: &str) -> bool {
    let _ = stream.set_read_timeout(Some(READ_LIMIT));
    let mut line = String::new();
    // A request is one short line; a peer that sends more is not read.
    let read = BufReader::new((&stream).take(256)).read_line(&mut line);
    if read.is_err() || line.trim_end() != format!("{SHOW} {token}") {
        return false;
    }
    let _ = writeln!(&stream, "{SHOWN}");
    true
}

/// Ask the Escher holding the lock to show its window, retrying while it
/// starts.
fn ask_to_show(dir: &Path) -> Claim {
    let give_up = Instant::now() + PATIENCE;
    loop {
        if let Some((address, token)) = read_address(&dir.join(ADDRESS_FILE))
            && request_show(address, &token).is_ok()
        {
            return Claim::Shown;
        }
        if Instant::now() >= give_up {
            return Claim::Unanswered;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn read_address(path: &Path) -> Option<(SocketAddr, String)> {
    let text = std::fs::read_to_string(path).ok()?;
    let (port, token) = text.trim_end().split_once(' ')?;
    let port: u16 = port.parse().ok()?;
    Some(((Ipv4Addr::LOCALHOST, port).into(), token.to_string()))
}

fn request_show(address: SocketAddr, token: &str) -> std::io::Result<()> {
    let mut stream = TcpStream::connect_timeout(&address, READ_LIMIT)?;
    stream.set_read_timeout(Some(READ_LIMIT))?;
    writeln!(stream, "{SHOW} {token}")?;
    let mut reply = String::new();
    BufReader::new(stream).read_line(&mut reply)?;
    if reply.trim_end() == SHOWN {
        Ok(())
    } else {
        Err(std::io::Error::other("the running Escher did not say yes"))
    }
}

fn token() -> std::io::Result<String> {
    let mut bytes = [0u8; 16];
    getrandom::getrandom(&mut bytes).map_err(std::io::Error::other)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    fn serve(dir: &Path) -> mpsc::Receiver<()> {
        let Claim::First(instance) = claim(dir).unwrap() else {
            panic!("the first claim must be the first");
        };
        let (tx, rx) = mpsc::channel();
        instance.serve(move || {
            let _ = tx.send(());
        });
        rx
    }

    #[test]
    fn a_request_without_the_token_shows_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let shown = serve(dir.path());
        let (address, token) = read_address(&dir.path().join(ADDRESS_FILE)).unwrap();
        assert!(request_show(address, "0000").is_err());
        assert!(shown.recv_timeout(Duration::from_millis(300)).is_err());
        request_show(address, &token).unwrap();
        shown.recv_timeout(Duration::from_secs(2)).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn only_the_user_may_read_the_token() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let _shown = serve(dir.path());
        let meta = std::fs::metadata(dir.path().join(ADDRESS_FILE)).unwrap();
        assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    }
}
