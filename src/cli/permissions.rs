//! `escher check --permissions`: what each passed profile can read and
//! whether it can write, as lines or as fields of its `--json` element.

use crate::aws::batch;
use crate::aws::check::{CheckReport, Connections};
use crate::aws::env::AwsEnv;
use crate::aws::permissions::{self, Capability, Options, PermissionReport, not_checked};
use crate::aws::profile_name::ProfileName;
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;

/// The permission reports of the passed profiles (each names its
/// profile), a bounded number at a time.
pub async fn check_passed(
    reports: &[CheckReport],
    env: &AwsEnv,
    timeout: Duration,
    options: Options,
) -> Vec<PermissionReport> {
    let read_env = env.clone();
    let Ok(discovery) =
        tokio::task::spawn_blocking(move || crate::aws::profiles::discover(&read_env)).await
    else {
        return Vec::new();
    };
    let (discovery, conns) = (Arc::new(discovery), Arc::new(Connections::default()));
    // As many profiles at once as checks run at once.
    let slots = Arc::new(tokio::sync::Semaphore::new(batch::PARALLEL_CHECKS));
    let mut tasks = tokio::task::JoinSet::new();
    for r in reports.iter().filter(|r| r.passed()) {
        let Ok(name) = ProfileName::parse(&r.profile) else {
            continue;
        };
        let (env, discovery, conns) = (env.clone(), discovery.clone(), conns.clone());
        let slots = slots.clone();
        tasks.spawn(async move {
            let _slot = slots.acquire_owned().await;
            permissions::check_permissions(&name, &env, timeout, &discovery, &conns, options).await
        });
    }
    let mut out = Vec::new();
    while let Some(done) = tasks.join_next().await {
        if let Ok(r) = done {
            out.push(r);
        }
    }
    out
}

/// `permissions`, `can_write`, `account_alias` and `organization` for
/// `--json` (nulls when the profile did not pass).
pub fn put_json(o: &mut Value, report: Option<&PermissionReport>) {
    let Some(r) = report else {
        o["permissions"] = Value::Null;
        o["can_write"] = Value::Null;
        o["writes_checked"] = Value::Null;
        o["writes_not_checked"] = Value::Null;
        o["account_alias"] = Value::Null;
        o["organization"] = Value::Null;
        return;
    };
    let mut rows = serde_json::Map::new();
    for row in &r.rows {
        rows.insert(
            row.capability.key().to_owned(),
            json!({
                "allowed": row.allowed,
                "missing": row.missing,
                "explanation": row.explanation,
            }),
        );
    }
    o["permissions"] = Value::Object(rows);
    o["can_write"] = json!(r.write.can_write);
    o["writes_checked"] = json!(r.write.checked);
    let unchecked: Vec<&str> = not_checked(&r.write.checked)
        .into_iter()
        .map(Capability::key)
        .collect();
    o["writes_not_checked"] = json!(unchecked);
    o["account_alias"] = json!(r.account_alias);
    o["organization"] = json!(r.organization);
}

/// The lines under a passed profile's line.
pub fn text(r: &PermissionReport, pad: &str) -> String {
    let mut out = String::new();
    if let Some(alias) = &r.account_alias {
        out.push_str(&format!("{pad}account alias: {alias}\n"));
    }
    if let Some(org) = &r.organization {
        out.push_str(&format!("{pad}organization: {org}\n"));
    }
    let width = r
        .rows
        .iter()
        .map(|row| row.capability.title().chars().count())
        .max()
        .unwrap_or(0);
    for row in &r.rows {
        out.push_str(&format!(
            "{pad}{} {:<width$}  {}\n",
            mark(row.allowed),
            row.capability.title(),
            row.explanation
        ));
    }
    let write = match r.write.can_write {
        Some(true) => "⚠ can write",
        Some(false) if not_checked(&r.write.checked).is_empty() => "✔ read-only",
        Some(false) => "⚠ read-only where checked",
        None => "⚠ write access unknown",
    };
    out.push_str(&format!("{pad}{write}: {}\n", r.write.explanation));
    out
}

fn mark(allowed: Option<bool>) -> &'static str {
    match allowed {
        Some(true) => "✔",
        Some(false) => "✖",
        None => "⚠",
    }
}
