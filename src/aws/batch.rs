//! Checking many profiles: the one path the window and `escher check`
//! share. The files are read once per batch (off the async workers), then
//! the profiles are checked concurrently, a bounded number at a time, and
//! access-key profiles alike but for their keys share one STS client (see
//! `sts_clients`); every name asked gets exactly one report, even when its
//! check panics.

use super::check::{CheckReport, Connections, check_name, failed_report};
use super::diagnose::Failure;
use super::env::AwsEnv;
use super::profiles::{Discovery, discover};
use super::sts_clients::StsClients;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinSet;

/// How many profiles are checked at once.
pub const PARALLEL_CHECKS: usize = 32;

/// Check `names` (as given: an invalid one is its own failed report), each
/// within `timeout`, with the files as `read` (or read now).
/// `on_report(index, report)` is called as each finishes.
pub async fn check_all(
    names: Vec<String>,
    env: AwsEnv,
    timeout: Duration,
    conns: Arc<Connections>,
    read: Option<Arc<Discovery>>,
    on_report: impl FnMut(usize, CheckReport),
) {
    let read_env = env.clone();
    let discovery = match read {
        Some(d) => Ok(d),
        None => tokio::task::spawn_blocking(move || Arc::new(discover(&read_env))).await,
    };
    let discovery = match discovery {
        Ok(d) => d,
        Err(e) => {
            let why = Failure::Crashed(format!("reading the AWS files failed: {e}"));
            let mut on_report = on_report;
            for (i, name) in names.iter().enumerate() {
                on_report(i, failed_report(name, None, &why, timeout));
            }
            return;
        }
    };
    let clients = Arc::new(StsClients::default());
    run_each(
        names,
        PARALLEL_CHECKS,
        timeout,
        move |name| {
            let (env, discovery, conns) = (env.clone(), discovery.clone(), conns.clone());
            let clients = clients.clone();
            async move { check_name(&name, &env, timeout, &discovery, &conns, &clients).await }
        },
        on_report,
    )
    .await;
}

/// The same, collected in the order asked (for the command line).
pub async fn check_in_order(
    names: Vec<String>,
    env: AwsEnv,
    timeout: Duration,
    read: Option<Arc<Discovery>>,
) -> Vec<CheckReport> {
    let mut slots: Vec<Option<CheckReport>> = vec![None; names.len()];
    let conns = Arc::new(Connections::default());
    check_all(names, env, timeout, conns, read, |i, r| slots[i] = Some(r)).await;
    slots.into_iter().flatten().collect()
}

/// Run `check` for each name, at most `limit` at once, reporting each as it
/// finishes. A check that panics is reported as having stopped.
pub async fn run_each<F, Fut>(
    names: Vec<String>,
    limit: usize,
    timeout: Duration,
    check: F,
    mut on_report: impl FnMut(usize, CheckReport),
) where
    F: Fn(String) -> Fut,
    Fut: Future<Output = CheckReport> + Send + 'static,
{
    let mut tasks = JoinSet::new();
    let mut which = std::collections::HashMap::new();
    let mut queue = names.iter().cloned().enumerate();
    loop {
        while tasks.len() < limit.max(1) {
            let Some((i, name)) = queue.next() else { break };
            // A check's future is about 13 KB; boxed, the task moves a
            // pointer through its stages instead of copying it each time.
            let id = tasks.spawn(Box::pin(check(name))).id();
            which.insert(id, i);
        }
        let Some(done) = tasks.join_next_with_id().await else {
            return;
        };
        let (id, report) = match done {
            Ok((id, report)) => (id, report),
            Err(e) => {
                let i = which.get(&e.id()).copied().unwrap_or_default();
                let what = if e.is_panic() {
                    "it panicked".to_owned()
                } else {
                    "it was cancelled".to_owned()
                };
                (
                    e.id(),
                    failed_report(&names[i], None, &Failure::Crashed(what), timeout),
                )
            }
        };
        if let Some(i) = which.remove(&id) {
            on_report(i, report);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::check::Outcome;
    use crate::aws::diagnose::Case;

    fn ok(name: &str) -> CheckReport {
        let mut r = failed_report(name, None, &Failure::Crashed("x".into()), Duration::ZERO);
        r.outcome = Outcome::Passed(crate::aws::check::Identity {
            account: "1".into(),
            arn: "a".into(),
            user_id: "u".into(),
        });
        r
    }

    #[test]
    fn a_check_that_panics_still_gets_its_report_and_the_rest_go_on() {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let names: Vec<String> = (0..10).map(|i| format!("p{i}")).collect();
        let mut got: Vec<(usize, CheckReport)> = Vec::new();
        rt.block_on(run_each(
            names,
            3,
            Duration::from_secs(1),
            |name| async move {
                if name == "p4" {
                    panic!("boom");
                }
                ok(&name)
            },
            |i, r| got.push((i, r)),
        ));
        got.sort_by_key(|(i, _)| *i);
        assert_eq!(got.len(), 10);
        let (_, crashed) = &got[4];
        assert_eq!(crashed.profile, "p4");
        let d = crashed.diagnosis().expect("a failed report");
        assert_eq!(d.case, Case::Unknown);
        assert_eq!(d.title, "The check stopped unexpectedly");
        assert!(got.iter().filter(|(i, _)| *i != 4).all(|(_, r)| r.passed()));
    }
}
