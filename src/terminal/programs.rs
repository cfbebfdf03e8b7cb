//! The helper programs Escher starts (terminals, `aws`, the login shell):
//! the search order without repeats, waiting for one within a limit, and
//! reading what it writes without ever closing a pipe it may still use.

use std::io::Read;
use std::process::{Child, ExitStatus};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// `items` in order, each only the first time it appears.
pub fn first_of_each<T: PartialEq>(items: impl IntoIterator<Item = T>) -> Vec<T> {
    let mut out: Vec<T> = Vec::new();
    for item in items {
        if !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

/// The child's exit status once it has exited, or `None` if it is still
/// running after `limit`. It is neither killed nor reaped on `None`.
pub fn wait_within(child: &mut Child, limit: Duration) -> std::io::Result<Option<ExitStatus>> {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(Some(status));
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Ok(None);
        }
        std::thread::sleep(left.min(Duration::from_millis(20)));
    }
}

/// A thread reading a child's pipe until the last writer closes it. It keeps
/// the first `keep` bytes and discards the rest, so the child can write as
/// much and for as long as it likes.
pub struct Drain {
    kept: mpsc::Receiver<Vec<u8>>,
}

impl Drain {
    pub fn start(mut pipe: impl Read + Send + 'static, keep: usize) -> Drain {
        let (tx, kept) = mpsc::channel();
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let mut chunk = [0u8; 4096];
            while let Ok(n) = pipe.read(&mut chunk) {
                if n == 0 {
                    break;
                }
                let room = keep.saturating_sub(buf.len());
                buf.extend_from_slice(&chunk[..n.min(room)]);
            }
            let _ = tx.send(buf);
        });
        Drain { kept }
    }

    /// What was kept, once the pipe is closed. A program that exited closes
    /// it at once; one whose own children still hold it gives up after
    /// `limit` with nothing (the thread goes on draining).
    pub fn text(self, limit: Duration) -> String {
        let bytes = self.kept.recv_timeout(limit).unwrap_or_default();
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_of_each_keeps_the_order() {
        assert_eq!(first_of_each(["b", "a", "b", "c", "a"]), ["b", "a", "c"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_drain_keeps_the_start_and_lets_the_writer_finish() {
        use std::process::{Command, Stdio};
        // 1 MiB is far more than a pipe holds: the writer only finishes if
        // the reader keeps reading.
        let mut child = Command::new("sh")
            .args([
                "-c",
                "head -c 1048576 /dev/zero | tr '\\0' x; echo done >&2",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let out = Drain::start(child.stdout.take().unwrap(), 10);
        let err = Drain::start(child.stderr.take().unwrap(), 100);
        let status = wait_within(&mut child, Duration::from_secs(60)).unwrap();
        assert!(status.is_some_and(|s| s.success()));
        assert_eq!(out.text(Duration::from_secs(60)), "xxxxxxxxxx");
        assert_eq!(err.text(Duration::from_secs(60)), "done\n");
    }
}
