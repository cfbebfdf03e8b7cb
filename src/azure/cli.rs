//! `escher azure [--json] [SUBSCRIPTION_ID...]`: the Connect Azure engine
//! for scripts. Verifies the given subscriptions, or every subscription of
//! the active cloud the sign-in lists. Exit 0: all verified; 1: any failed,
//! or the sign-in as a whole did (not signed in, az too old, …); 2: bad
//! usage or no az. Results on stdout, problems on stderr.

use super::diagnose::{self, Case, Diagnosis};
use super::discover::{self, Found};
use super::env::{AzEnv, Limits};
use super::ids::Guid;
use super::subscriptions::Subscription;
use super::verify::{Verdict, Verifier};
use serde_json::{Value, json};
use std::process::ExitCode;

#[derive(Clone, Debug, Default)]
pub struct AzureArgs {
    pub json: bool,
    pub subscriptions: Vec<String>,
    pub limits: Limits,
}

/// One row of the answer: a verdict, or an id the sign-in does not list.
enum Row {
    Checked(Verdict),
    Unlisted { id: Guid, diagnosis: Diagnosis },
}

/// (stdout, stderr lines, exit code).
pub fn azure(args: &AzureArgs, env: &AzEnv) -> (String, Vec<String>, ExitCode) {
    let mut wanted = Vec::new();
    for s in &args.subscriptions {
        match Guid::parse(s) {
            Some(g) => wanted.push(g),
            None => {
                return (
                    String::new(),
                    vec![format!(
                        "escher: {s:?} is not a subscription id (a GUID such as 00000000-0000-0000-0000-000000000000; az account list --all --output table shows yours)"
                    )],
                    ExitCode::from(2),
                );
            }
        }
    }
    let found = match discover::discover(env, args.limits) {
        Ok(f) => f,
        Err(stopped) => {
            let code = if stopped.diagnosis.case == Case::AzMissing {
                2
            } else {
                1
            };
            return finish(args.json, None, &[stopped.diagnosis], &[], code);
        }
    };
    let mut problems = found.problems();
    let (subs, unlisted) = select(&found, &wanted);
    let verdicts = if subs.is_empty() {
        Vec::new()
    } else {
        match crate::background::new_runtime() {
            Ok(rt) => {
                let verifier = Verifier::new(
                    found.az.path.clone(),
                    env.clone(),
                    args.limits,
                    &found.cloud,
                );
                rt.block_on(verifier.verify_all(&subs))
            }
            Err(e) => {
                return (
                    String::new(),
                    vec![format!("escher: could not start: {e}")],
                    ExitCode::from(2),
                );
            }
        }
    };
    let mut rows: Vec<Row> = verdicts.into_iter().map(Row::Checked).collect();
    rows.extend(
        unlisted
            .into_iter()
            .map(|(id, diagnosis)| Row::Unlisted { id, diagnosis }),
    );
    if !wanted.is_empty() {
        problems.retain(|p| p.case != Case::NoSubscriptions);
        rows.sort_by_key(|r| wanted.iter().position(|w| w == row_id(r)));
    }
    let all_ok = problems.is_empty() && !rows.is_empty() && rows.iter().all(row_ok);
    finish(
        args.json,
        Some(&found),
        &problems,
        &rows,
        if all_ok { 0 } else { 1 },
    )
}

fn row_id(r: &Row) -> &Guid {
    match r {
        Row::Checked(v) => &v.subscription_id,
        Row::Unlisted { id, .. } => id,
    }
}

fn row_ok(r: &Row) -> bool {
    matches!(r, Row::Checked(v) if v.ok())
}

/// The listed subscriptions to verify, and the asked-for ids that are not
/// listed (with why).
fn select(found: &Found, wanted: &[Guid]) -> (Vec<Subscription>, Vec<(Guid, Diagnosis)>) {
    if wanted.is_empty() {
        return (found.listing.subscriptions().cloned().collect(), Vec::new());
    }
    let mut subs = Vec::new();
    let mut unlisted = Vec::new();
    for id in wanted {
        if let Some(s) = found.listing.find(id) {
            if !subs.iter().any(|x: &Subscription| &x.id == id) {
                subs.push(s.clone());
            }
        } else if let Some(cloud) = found.listing.cloud_of(id) {
            let d = diagnose::other_cloud(&found.cloud.name, &[(cloud.to_owned(), 1)], Some(id));
            unlisted.push((id.clone(), d));
        } else {
            let detail = format!(
                "{id} is not in az account list --all for the cloud {}",
                found.cloud.name
            );
            unlisted.push((
                id.clone(),
                diagnose::subscription_not_found(id, None, &detail),
            ));
        }
    }
    (subs, unlisted)
}

fn finish(
    json_out: bool,
    found: Option<&Found>,
    problems: &[Diagnosis],
    rows: &[Row],
    code: u8,
) -> (String, Vec<String>, ExitCode) {
    let errors: Vec<String> = problems.iter().map(problem_line).collect();
    let out = if json_out {
        let v = json!({
            "cloud": found.map(|f| f.cloud.name.clone()),
            "problems": problems.iter().map(problem_json).collect::<Vec<_>>(),
            "subscriptions": rows.iter().map(row_json).collect::<Vec<_>>(),
        });
        format!("{v}\n")
    } else {
        text(rows)
    };
    (out, errors, ExitCode::from(code))
}

pub(super) fn problem_line(d: &Diagnosis) -> String {
    let mut line = format!("escher: {}: {} {}", d.title, d.explanation, d.fix);
    if let Some(c) = &d.command {
        line.push_str(&format!("\n  $ {c}"));
    }
    line
}

fn problem_json(d: &Diagnosis) -> Value {
    json!({
        "case": d.case.id(),
        "title": d.title,
        "explanation": d.explanation,
        "fix": d.fix,
        "command": d.command,
    })
}

fn failure_fields(o: &mut Value, d: &Diagnosis) {
    crate::cli::put_failure(
        o,
        &crate::cli::FailureText {
            case: d.case.id(),
            title: &d.title,
            explanation: &d.explanation,
            fix: &d.fix,
            command: d.command.as_deref(),
            detail: &d.detail,
        },
    );
}

fn row_json(r: &Row) -> Value {
    match r {
        Row::Checked(v) => {
            let mut o = json!({
                "subscription_id": v.subscription_id,
                "name": v.name,
                "tenant_id": v.tenant_id,
                "state": v.state.label(),
                "ok": v.ok(),
                "can_write": v.can_write(),
            });
            if let Some(d) = v.diagnosis() {
                failure_fields(&mut o, d);
            }
            o
        }
        Row::Unlisted { id, diagnosis } => {
            let mut o = json!({
                "subscription_id": id,
                "name": null,
                "tenant_id": null,
                "state": null,
                "ok": false,
                "can_write": null,
            });
            failure_fields(&mut o, diagnosis);
            o
        }
    }
}

fn text(rows: &[Row]) -> String {
    let name = |r: &Row| match r {
        Row::Checked(v) => v.name.clone(),
        Row::Unlisted { .. } => "-".to_owned(),
    };
    let width = rows
        .iter()
        .map(|r| name(r).chars().count())
        .max()
        .unwrap_or(0);
    let pad = " ".repeat(width + 2 + 36 + 8);
    let mut out = String::new();
    for r in rows {
        let head = format!("{:<width$}  {}", name(r), row_id(r));
        let failed = match r {
            Row::Checked(v) => match (v.diagnosis(), v.write_advice()) {
                (Some(d), _) => Some(d),
                (None, Some(w)) => {
                    out.push_str(&format!(
                        "{head}  warn  {}\n{pad}{}\n{pad}$ {}\n",
                        w.title, w.fix, w.command
                    ));
                    None
                }
                (None, None) => {
                    let how = match v.can_write() {
                        Some(false) => "read only",
                        _ => "read access (write access not known)",
                    };
                    out.push_str(&format!("{head}  pass  {how}\n"));
                    None
                }
            },
            Row::Unlisted { diagnosis, .. } => Some(diagnosis),
        };
        if let Some(d) = failed {
            out.push_str(&format!("{head}  FAIL  {}\n{pad}{}\n", d.title, d.fix));
            if let Some(c) = &d.command {
                out.push_str(&format!("{pad}$ {c}\n"));
            }
        }
    }
    out
}

pub fn run_azure(args: &AzureArgs) -> ExitCode {
    crate::cli::finish(azure(args, &AzEnv::from_process()))
}
