use super::wizard::{PROD_CONFIG, PROD_KEYS, World, harness, settle, to_connect_aws, type_name};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use escher::ui::EscherApp;
use std::time::Duration;

/// How long until the window asks to be drawn again (MAX: never).
fn next_repaint(h: &Harness<'static, EscherApp>) -> Duration {
    h.output()
        .viewport_output
        .get(&egui::ViewportId::ROOT)
        .map(|v| v.repaint_delay)
        .unwrap_or(Duration::MAX)
}

/// Settled, and one more frame to read the window's steady wish.
fn at_rest(h: &mut Harness<'static, EscherApp>) {
    settle(h);
    h.step();
}

#[test]
fn nothing_is_repainted_while_nothing_changes() {
    let w = World::new(PROD_CONFIG, PROD_KEYS);
    let mut h = harness(w.app());
    at_rest(&mut h);
    assert_eq!(next_repaint(&h), Duration::MAX, "Welcome at rest");
    to_connect_aws(&mut h);
    type_name(&mut h, "prod-admin"); // the field keeps focus
    h.remove_cursor();
    at_rest(&mut h);
    assert!(
        h.query_by_label_contains("Found in your AWS config")
            .is_some()
    );
    assert_eq!(
        next_repaint(&h),
        Duration::MAX,
        "Connect AWS at rest, with a focused field"
    );
}

#[test]
fn an_sso_countdown_repaints_once_a_minute_at_most() {
    let w = World::new(
        "[profile sso]\nsso_session = corp\nsso_account_id = 1\nsso_role_name = R\n\
         [sso-session corp]\nsso_start_url = https://c.awsapps.com/start\nsso_region = us-east-1\n",
        "",
    );
    w.home.sso_token("corp", "tok", 3 * 3600 + 600);
    let mut h = harness(w.app());
    to_connect_aws(&mut h);
    type_name(&mut h, "sso");
    h.remove_cursor();
    at_rest(&mut h);
    assert!(
        h.query_by_label_contains("SSO sign-in expires in 3 h")
            .is_some(),
        "SSO status without a network call"
    );
    assert_eq!(w.aws.sts_calls() + w.aws.sso_calls(), 0);
    let delay = next_repaint(&h);
    assert!(delay >= Duration::from_secs(59), "repaints every {delay:?}");
}

fn commands(h: &Harness<'static, EscherApp>) -> Vec<egui::ViewportCommand> {
    h.output()
        .viewport_output
        .get(&egui::ViewportId::ROOT)
        .map(|v| v.commands.clone())
        .unwrap_or_default()
}

#[test]
fn a_second_launch_brings_the_window_to_the_front_once() {
    let w = World::new(PROD_CONFIG, PROD_KEYS);
    let app = w.app();
    let raise = app.raise_signal();
    let mut h = harness(app);
    at_rest(&mut h);
    assert!(commands(&h).is_empty());

    // What the instance listener does when a second launch asks.
    std::thread::spawn(move || raise.store(true, std::sync::atomic::Ordering::Relaxed))
        .join()
        .unwrap();
    h.step();
    let sent = commands(&h);
    for wanted in [
        egui::ViewportCommand::Minimized(false),
        egui::ViewportCommand::Visible(true),
        egui::ViewportCommand::Focus,
    ] {
        assert!(sent.contains(&wanted), "{wanted:?} not in {sent:?}");
    }
    h.step();
    assert!(commands(&h).is_empty(), "asked once, raised once");
}
