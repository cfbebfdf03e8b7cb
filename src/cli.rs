//! `escher profiles` and `escher check`: the window's engine for scripts
//! and terminals. Results go to stdout (text or JSON); problems to stderr.

mod permissions;

use crate::aws::batch;
use crate::aws::check::{CheckReport, DEFAULT_TIMEOUT, Outcome};
use crate::aws::diagnose::{Case, Diagnosis};
use crate::aws::env::AwsEnv;
use crate::aws::profiles::discover;
use crate::settings::{Settings, Store};
use serde_json::{Value, json};
use std::process::ExitCode;
use std::time::{Duration, SystemTime};

fn rfc3339(t: SystemTime) -> Option<String> {
    aws_smithy_types::DateTime::from(t)
        .fmt(aws_smithy_types::date_time::Format::DateTime)
        .ok()
}

/// Read only: a file that cannot be used is said on stderr and left as it
/// is (only the window, which shows the notice, keeps it aside).
fn load_settings() -> Settings {
    let Some(dir) = Store::default_dir() else {
        return Settings::default();
    };
    let (settings, problem) = Store::new(dir).read();
    if let Some(why) = problem {
        eprintln!("escher: {why}");
    }
    settings
}

/// `escher profiles [--json]`.
/// One profile of `escher profiles --json`, serialised as it is (no
/// `Value` tree built for 1,000 rows first); keys in alphabetical order, as
/// they have always been printed.
#[derive(serde::Serialize)]
struct ProfileRow<'a> {
    connected: bool,
    enabled: bool,
    kind: &'a str,
    name: &'a str,
    problem: Option<&'a str>,
    region: Option<&'a str>,
    sso_account_id: Option<&'a str>,
    sso_role_name: Option<&'a str>,
    sso_session: Option<&'a str>,
    sso_start_url: Option<&'a str>,
    sso_token_expires_at: Option<String>,
}

pub fn profiles(
    json_out: bool,
    env: &AwsEnv,
    settings: &Settings,
) -> (String, Vec<String>, ExitCode) {
    let d = discover(env);
    let errors: Vec<String> = d
        .problems
        .iter()
        .map(|p| format!("escher: {} cannot be read: {}", p.path.display(), p.message))
        .collect();
    let code = if d.profiles.is_empty() && !d.problems.is_empty() {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    };
    let saved = |name: &str| settings.profiles.iter().find(|p| p.name == name);
    let out = if json_out {
        let rows: Vec<ProfileRow> = d
            .profiles
            .iter()
            .map(|p| ProfileRow {
                connected: saved(&p.name).is_some(),
                enabled: saved(&p.name).is_some_and(|s| s.enabled),
                kind: p.kind.id(),
                name: &p.name,
                problem: p.problem.as_deref(),
                region: p.region.as_deref(),
                sso_account_id: p.sso_account_id.as_deref(),
                sso_role_name: p.sso_role_name.as_deref(),
                sso_session: p.sso_session.as_deref(),
                sso_start_url: p.sso_start_url.as_deref(),
                sso_token_expires_at: p.sso_token_expires_at.and_then(rfc3339),
            })
            .collect();
        let text = serde_json::to_string(&rows).unwrap_or_else(|_| "[]".to_owned());
        format!("{text}\n")
    } else {
        let mut rows = vec![
            ["PROFILE", "KIND", "REGION", "ESCHER", "NOTE"]
                .map(String::from)
                .to_vec(),
        ];
        let now = SystemTime::now();
        for p in &d.profiles {
            let escher = match saved(&p.name) {
                Some(s) if s.enabled => "on",
                Some(_) => "off",
                None => "-",
            };
            let note = match (&p.problem, p.sso_token_expires_at) {
                (Some(problem), _) => problem.clone(),
                (None, Some(at)) => format!(
                    "SSO sign-in {}",
                    crate::time_words::describe_expiry(at, now)
                ),
                (None, None) => String::new(),
            };
            rows.push(vec![
                p.name.clone(),
                p.kind.id().to_owned(),
                p.region.clone().unwrap_or_else(|| "-".into()),
                escher.to_owned(),
                note,
            ]);
        }
        table(&rows)
    };
    (out, errors, code)
}

fn table(rows: &[Vec<String>]) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..cols)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for r in rows {
        let line: Vec<String> = r
            .iter()
            .enumerate()
            .map(|(i, s)| format!("{s:<w$}", w = widths[i]))
            .collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    }
    out
}

pub struct CheckArgs {
    pub names: Vec<String>,
    pub all: bool,
    pub json: bool,
    pub timeout: Duration,
    /// Also check what each passed profile can read and write.
    pub permissions: bool,
    /// With `permissions`: also Cost Explorer (a paid request).
    pub cost_explorer: bool,
}

impl Default for CheckArgs {
    fn default() -> Self {
        CheckArgs {
            names: Vec::new(),
            all: false,
            json: false,
            timeout: DEFAULT_TIMEOUT,
            permissions: false,
            cost_explorer: false,
        }
    }
}

/// `escher check`: (stdout, stderr lines, exit code).
pub fn check(
    args: &CheckArgs,
    env: &AwsEnv,
    settings: &Settings,
) -> (String, Vec<String>, ExitCode) {
    let mut read = None;
    let names: Vec<String> = if !args.names.is_empty() {
        args.names.clone()
    } else if args.all {
        let d = std::sync::Arc::new(discover(env));
        let names = d.names().map(str::to_owned).collect();
        read = Some(d);
        names
    } else {
        settings
            .profiles
            .iter()
            .filter(|p| p.enabled)
            .map(|p| p.name.clone())
            .collect()
    };
    if names.is_empty() {
        let why = if args.all {
            "no profiles were found in your AWS config or credentials files"
        } else {
            "no profiles are switched on in Escher; name profiles (escher check NAME) or use --all"
        };
        return (
            String::new(),
            vec![format!("escher: nothing to check: {why}")],
            ExitCode::from(2),
        );
    }
    let runtime = match crate::background::new_runtime() {
        Ok(rt) => rt,
        Err(e) => {
            return (
                String::new(),
                vec![format!("escher: could not start: {e}")],
                ExitCode::from(2),
            );
        }
    };
    let reports = runtime.block_on(batch::check_in_order(
        names,
        env.clone(),
        args.timeout,
        read,
    ));
    let all_passed = reports.iter().all(CheckReport::passed);
    let perms = if args.permissions {
        let options = crate::aws::permissions::Options {
            cost_explorer: args.cost_explorer,
        };
        let checked = permissions::check_passed(&reports, env, args.timeout, options);
        Some(runtime.block_on(checked))
    } else {
        None
    };
    let out = if args.json {
        json_reports(&reports, perms.as_deref())
    } else {
        text_reports(&reports, perms.as_deref())
    };
    (
        out,
        Vec::new(),
        if all_passed {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        },
    )
}

type Perms<'a> = Option<&'a [crate::aws::permissions::PermissionReport]>;

fn perms_of<'a>(
    perms: &'a [crate::aws::permissions::PermissionReport],
    profile: &str,
) -> Option<&'a crate::aws::permissions::PermissionReport> {
    perms.iter().find(|p| p.profile == profile)
}

fn text_reports(reports: &[CheckReport], perms: Perms<'_>) -> String {
    let width = reports
        .iter()
        .map(|r| r.profile.chars().count())
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for r in reports {
        match &r.outcome {
            Outcome::Passed(id) => {
                out.push_str(&format!(
                    "{:<width$}  pass  {}  {}\n",
                    r.profile, id.account, id.arn
                ));
                if let Some(p) = perms.and_then(|all| perms_of(all, &r.profile)) {
                    out.push_str(&permissions::text(p, &" ".repeat(width + 8)));
                }
            }
            Outcome::Failed(d) => {
                out.push_str(&format!("{:<width$}  FAIL  {}\n", r.profile, d.title));
                let pad = " ".repeat(width + 8);
                out.push_str(&format!("{pad}{}\n", d.fix));
                if let Some(cmd) = &d.command {
                    out.push_str(&format!("{pad}$ {cmd}\n"));
                }
            }
        }
        for w in &r.warnings {
            out.push_str(&format!(
                "{:<width$}  warn  {}: {}\n",
                "",
                w.title,
                w.command.as_deref().unwrap_or(&w.fix)
            ));
        }
    }
    out
}

fn case_ids(ds: &[Diagnosis]) -> Vec<&'static str> {
    ds.iter().map(|d| d.case.id()).collect()
}

pub fn report_json(r: &CheckReport) -> Value {
    let mut o = json!({
        "profile": r.profile,
        "ok": r.passed(),
        "warnings": case_ids(&r.warnings),
        "elapsed_ms": u64::try_from(r.elapsed.as_millis()).unwrap_or(u64::MAX),
    });
    match &r.outcome {
        Outcome::Passed(id) => {
            o["account"] = json!(id.account);
            o["arn"] = json!(id.arn);
            o["user_id"] = json!(id.user_id);
        }
        Outcome::Failed(d) => {
            put_failure(
                &mut o,
                &FailureText {
                    case: d.case.id(),
                    title: &d.title,
                    explanation: &d.explanation,
                    fix: &d.fix,
                    command: d.command.as_deref(),
                    detail: &d.detail,
                },
            );
            if d.case == Case::ProfileNotFound {
                o["suggestions"] = json!(d.suggestions);
            }
        }
    }
    o
}

/// A failure's words as `--json` prints them, for AWS and Azure alike.
pub struct FailureText<'a> {
    pub case: &'static str,
    pub title: &'a str,
    pub explanation: &'a str,
    pub fix: &'a str,
    pub command: Option<&'a str>,
    /// Empty: the explanation stands in.
    pub detail: &'a str,
}

pub fn put_failure(o: &mut Value, f: &FailureText<'_>) {
    o["case"] = json!(f.case);
    o["title"] = json!(f.title);
    o["explanation"] = json!(f.explanation);
    o["fix"] = json!(f.fix);
    o["command"] = json!(f.command);
    o["detail"] = json!(if f.detail.is_empty() {
        f.explanation
    } else {
        f.detail
    });
}

fn json_reports(reports: &[CheckReport], perms: Perms<'_>) -> String {
    let rows = reports.iter().map(|r| {
        let mut o = report_json(r);
        if let Some(all) = perms {
            permissions::put_json(&mut o, perms_of(all, &r.profile));
        }
        o
    });
    format!("{}\n", Value::Array(rows.collect()))
}

/// Print what a command produced and turn it into the exit code.
pub fn finish((out, errors, code): (String, Vec<String>, ExitCode)) -> ExitCode {
    use std::io::Write;
    let _ = std::io::stdout().write_all(out.as_bytes());
    for e in errors {
        eprintln!("{e}");
    }
    code
}

pub fn run_profiles(json: bool) -> ExitCode {
    finish(profiles(json, &AwsEnv::from_process(), &load_settings()))
}

pub fn run_check(args: &CheckArgs) -> ExitCode {
    finish(check(args, &AwsEnv::from_process(), &load_settings()))
}
