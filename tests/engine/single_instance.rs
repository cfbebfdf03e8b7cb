//! One Escher per user: a second launch of the real binary brings the
//! running window to the front and ends; a launch after the first ended, or
//! beside one that does not answer, opens a window of its own.

use escher::single_instance::{Claim, claim};
use std::path::Path;
use std::process::{Command, Output};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// `escher` with no arguments (the window), with no display: a launch that
/// goes on to open a window fails there, which is how the tests see it went on.
fn launch(config_dir: &Path) -> (Output, Duration) {
    let started = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_escher"))
        .env("ESCHER_CONFIG_DIR", config_dir)
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .unwrap();
    (out, started.elapsed())
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn first(dir: &Path) -> escher::single_instance::Instance {
    match claim(dir).unwrap() {
        Claim::First(instance) => instance,
        other => panic!("no Escher runs yet, but the claim found {other:?}"),
    }
}

#[test]
fn a_second_launch_brings_the_running_window_to_the_front_and_ends() {
    let dir = tempfile::tempdir().unwrap();
    let (shown, asked) = mpsc::channel();
    first(dir.path()).serve(move || {
        let _ = shown.send(());
    });

    let (out, took) = launch(dir.path());

    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("Escher is already open; its window was brought to the front."),
        "{}",
        stderr(&out)
    );
    asked
        .recv_timeout(Duration::from_secs(1))
        .expect("the running window was asked to come to the front");
    assert!(took < Duration::from_secs(2), "took {took:?}");
}

#[test]
fn a_launch_after_the_first_ended_opens_a_window_of_its_own() {
    let dir = tempfile::tempdir().unwrap();
    // It ended without a word: the lock is released with the process, and
    // the address it left points at nothing.
    drop(first(dir.path()));
    assert!(dir.path().join("instance").exists());

    let (out, _) = launch(dir.path());

    let said = stderr(&out);
    assert!(!said.contains("already open"), "{said}");
    assert!(said.contains("the window could not open"), "{said}");
}

#[test]
fn a_running_escher_that_does_not_answer_does_not_stop_a_window_opening() {
    let dir = tempfile::tempdir().unwrap();
    // Holds the lock, never listens: a stopped or hung Escher.
    let lock = std::fs::File::create(dir.path().join("escher.lock")).unwrap();
    lock.try_lock().unwrap();

    let (out, took) = launch(dir.path());

    let said = stderr(&out);
    assert!(said.contains("did not answer within 3 seconds"), "{said}");
    assert!(said.contains("the window could not open"), "{said}");
    assert!(took < Duration::from_secs(6), "took {took:?}");
}
