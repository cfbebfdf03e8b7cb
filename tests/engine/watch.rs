//! The watch over the AWS files' folders, on real folders in a temp home:
//! it wakes for the files that matter, follows folders that appear, and
//! polls where asked to. Each test waits for the wake, with a generous
//! deadline, never for a time.

use crate::common::Home;
use escher::watch::{FileWatch, Mode};
use std::sync::mpsc::{Receiver, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn start(home: &Home, mode: Mode) -> (FileWatch, Receiver<()>) {
    let (tx, rx) = channel();
    let tx = Mutex::new(tx);
    let wake = Arc::new(move || {
        let _ = tx.lock().unwrap().send(());
    });
    (
        FileWatch::start(&home.env("http://127.0.0.1:9"), mode, wake),
        rx,
    )
}

/// Wait until a wake comes for which the watch says something changed (a
/// wake may be left from a change already taken in).
fn woken(watch: &mut FileWatch, rx: &Receiver<()>) -> bool {
    let deadline = Instant::now() + Duration::from_secs(30);
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        if rx.recv_timeout(left).is_ok() && watch.take_changes() {
            return true;
        }
    }
    false
}

#[test]
fn the_folders_are_watched_not_the_files() {
    let home = Home::new();
    let (watch, _rx) = start(&home, Mode::Auto);
    assert!(!watch.is_polling());
    let aws = home.path().join(".aws");
    assert!(watch.watched().contains(&aws), "{:?}", watch.watched());
    assert!(watch.watched().contains(&aws.join("sso/cache")));
}

#[test]
fn a_file_renamed_over_the_credentials_wakes_it_each_time() {
    let home = Home::new();
    home.credentials("[a]\n");
    let (mut watch, rx) = start(&home, Mode::Auto);
    let aws = home.path().join(".aws");
    for round in 0..2 {
        std::fs::write(aws.join("credentials.new"), format!("[b{round}]\n")).unwrap();
        std::fs::rename(aws.join("credentials.new"), aws.join("credentials")).unwrap();
        assert!(woken(&mut watch, &rx), "round {round}");
    }
}

#[test]
fn a_missing_aws_folder_is_followed_as_it_appears() {
    let home = Home::new();
    std::fs::remove_dir_all(home.path().join(".aws")).unwrap();
    let (mut watch, rx) = start(&home, Mode::Auto);
    assert_eq!(watch.watched().iter().collect::<Vec<_>>(), [&home.path()]);
    // One folder at a time, as `aws configure` and `aws sso login` make them.
    let aws = home.path().join(".aws");
    for (made, watched) in [
        (".aws", ".aws"),
        (".aws/sso", ".aws/sso"),
        (".aws/sso/cache", ".aws/sso/cache"),
    ] {
        std::fs::create_dir(home.path().join(made)).unwrap();
        assert!(woken(&mut watch, &rx), "{made}");
        let expected = home.path().join(watched);
        assert!(
            watch.watched().contains(&expected),
            "{made}: {:?}",
            watch.watched()
        );
    }
    assert!(!watch.watched().contains(&home.path()));
    assert!(watch.watched().contains(&aws));
    home.sso_token("corp", "tok", 3600);
    assert!(woken(&mut watch, &rx));
}

#[test]
fn polling_sees_a_rewrite_where_events_cannot_be_had() {
    let home = Home::new();
    home.config("[profile a]\n");
    let (mut watch, rx) = start(&home, Mode::Poll(Duration::from_millis(100)));
    assert!(watch.is_polling());
    home.config("[profile a]\n[profile b]\n");
    assert!(woken(&mut watch, &rx));
}
