//! `escher sso accounts|add|remove`: the "add more accounts from this
//! sign-in" engine for scripts. Exit 0 done, 1 nothing could be done (the
//! sign-in expired, nothing new to add, the file changed), 2 usage.

use crate::aws::check::Connections;
use crate::aws::env::AwsEnv;
use crate::aws::profiles::{Discovery, discover};
use crate::aws::sso_populate::list::{ListError, Pace, list};
use crate::aws::sso_populate::naming::{DEFAULT_TEMPLATE, Proposed, Template, propose};
use crate::aws::sso_populate::render::region_problem;
use crate::aws::sso_populate::{
    Row, SignIn, append, nothing_to_add, printable, remove, rows, sign_in_of, taken_names, to_add,
    write,
};
use serde_json::{Value, json};
use std::process::ExitCode;
use std::time::SystemTime;

type Outcome = (String, Vec<String>, ExitCode);

fn fail(lines: Vec<String>, code: u8) -> Outcome {
    (String::new(), lines, ExitCode::from(code))
}

struct Listed {
    files: Discovery,
    sign_in: SignIn,
    rows: Vec<Row>,
}

/// Where the sign-in comes from: a profile (or, failing one, a session of
/// that name), or `--session NAME`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    Profile(String),
    Session(String),
}

impl Source {
    pub fn name(&self) -> &str {
        match self {
            Source::Profile(n) | Source::Session(n) => n,
        }
    }

    /// As typed after `escher sso accounts`, quoted for the shell.
    pub fn argument(&self) -> String {
        let name = crate::shell::posix_join(&[self.name().to_owned()]);
        match self {
            Source::Profile(_) => name,
            Source::Session(_) => format!("--session {name}"),
        }
    }
}

fn listed(env: &AwsEnv, source: &Source) -> Result<Listed, Outcome> {
    let files = discover(env);
    let sign_in = match source {
        Source::Profile(p) => sign_in_of(&files, p),
        Source::Session(s) => crate::aws::sso_populate::session_sign_in(&files, s),
    }
    .map_err(|why| fail(vec![format!("escher: {why}")], 1))?;
    let runtime = crate::background::new_runtime()
        .map_err(|e| fail(vec![format!("escher: could not start: {e}")], 1))?;
    let conns = Connections::default();
    let reach = runtime
        .block_on(list(env, &files, &sign_in, &conns, &Pace::default()))
        .map_err(|e| fail(list_error(&e), 1))?;
    let rows = rows(&sign_in, reach, &files);
    Ok(Listed {
        files,
        sign_in,
        rows,
    })
}

fn list_error(e: &ListError) -> Vec<String> {
    match e {
        ListError::SignIn(d) => {
            let mut lines = vec![
                format!("escher: {}", d.title),
                format!("  {} {}", d.explanation, d.fix),
            ];
            if let Some(cmd) = &d.command {
                lines.push(format!("  $ {cmd}"));
            }
            lines
        }
        other => vec![format!("escher: {other}")],
    }
}

fn names(l: &Listed, template: &Template) -> Vec<Option<Proposed>> {
    propose(&l.rows, template, "", &taken_names(&l.files))
}

/// `escher sso accounts (PROFILE | --session NAME) [--json]`.
pub fn accounts(env: &AwsEnv, source: &Source, json_out: bool) -> Outcome {
    let l = match listed(env, source) {
        Ok(l) => l,
        Err(o) => return o,
    };
    let template = Template::default();
    let names = names(&l, &template);
    let out = if json_out {
        let rows: Vec<Value> = l
            .rows
            .iter()
            .zip(&names)
            .map(|(r, n)| {
                json!({
                    "account_id": r.reach.account_id,
                    "account_name": r.reach.account_name,
                    "role_name": r.reach.role_name,
                    "existing_profile": r.existing,
                    "proposed_name": n.as_ref().map(|p| p.name.to_string()),
                })
            })
            .collect();
        format!("{}\n", Value::Array(rows))
    } else {
        let mut out = String::new();
        for (r, n) in l.rows.iter().zip(&names) {
            let profile = match (&r.existing, n, &r.problem) {
                (Some(e), _, _) => format!("already {e}"),
                (None, Some(p), _) => format!("new: {}", p.name),
                (None, None, Some(why)) => format!("cannot add: {why}"),
                (None, None, None) => "cannot add".into(),
            };
            out.push_str(&format!(
                "{}  {}  {}  {}\n",
                printable(&r.reach.account_id),
                printable(&r.reach.role_name),
                printable(&r.reach.account_name),
                printable(&profile)
            ));
        }
        out
    };
    let notes = nothing_to_add(&l.rows)
        .map(|why| format!("escher: nothing to add: {why}"))
        .into_iter()
        .collect();
    (out, notes, ExitCode::SUCCESS)
}

pub struct AddArgs {
    pub source: Source,
    pub template: Option<String>,
    pub region: Option<String>,
    pub dry_run: bool,
}

/// `escher sso add PROFILE [--template T] [--region R] [--dry-run]`.
pub fn add(env: &AwsEnv, args: &AddArgs) -> Outcome {
    let template = match Template::parse(args.template.as_deref().unwrap_or(DEFAULT_TEMPLATE)) {
        Ok(t) => t,
        Err(e) => return fail(vec![format!("escher: --template: {e}")], 2),
    };
    if let Some(why) = args.region.as_deref().and_then(region_problem) {
        return fail(vec![format!("escher: --region: {why}")], 2);
    }
    let l = match listed(env, &args.source) {
        Ok(l) => l,
        Err(o) => return o,
    };
    let names = names(&l, &template);
    let region = args
        .region
        .clone()
        .or(l.sign_in.region.clone())
        .unwrap_or_default();
    let profiles = to_add(&l.rows, &names, |_| true, &region);
    let mut notes: Vec<String> = names
        .iter()
        .flatten()
        .filter_map(|p| p.note.clone())
        .map(|n| format!("escher: {n}"))
        .collect();
    notes.extend(l.rows.iter().filter_map(|r| {
        r.problem.as_ref().map(|why| {
            format!(
                "escher: {} {} left out: {}",
                printable(&r.reach.account_id),
                printable(&r.reach.role_name),
                printable(why)
            )
        })
    }));
    if profiles.is_empty() {
        let why = nothing_to_add(&l.rows)
            .unwrap_or_else(|| "no account and role got a profile name".into());
        notes.push(format!(
            "escher: nothing to add from the sign-in of {}: {why} (escher sso accounts {} lists them)",
            args.source.name(),
            args.source.argument()
        ));
        return fail(notes, 1);
    }
    let snapshot = match write::read(env) {
        Ok(s) => s,
        Err(e) => return fail(vec![format!("escher: {e}")], 1),
    };
    let plan = match append::plan(snapshot, &l.sign_in, profiles, SystemTime::now()) {
        Ok(p) => p,
        Err(e) => return fail(vec![format!("escher: {e}")], 1),
    };
    let count = plan.profiles.len();
    let path = plan.snapshot.path.display().to_string();
    if args.dry_run {
        let out = format!(
            "{count} profiles would be added to the end of {path}:\n{}",
            plan.text
        );
        return (out, notes, ExitCode::SUCCESS);
    }
    match plan.apply(SystemTime::now()) {
        Ok(w) => {
            let mut out = format!(
                "Added {count} profiles to {path}; the file as it was is kept as {} ({}):\n",
                w.backup.display(),
                backups_kept()
            );
            for p in &plan.profiles {
                out.push_str(&format!(
                    "  {}  {}  {}\n",
                    p.name, p.account_id, p.role_name
                ));
            }
            (out, notes, ExitCode::SUCCESS)
        }
        Err(e) => fail(vec![format!("escher: {e}")], 1),
    }
}

/// `escher sso remove PROFILE [--dry-run]`.
pub fn remove(env: &AwsEnv, profile: &str, dry_run: bool) -> Outcome {
    let files = discover(env);
    let sign_in = match sign_in_of(&files, profile) {
        Ok(s) => s,
        Err(why) => return fail(vec![format!("escher: {why}")], 1),
    };
    let plan = match write::read(env).and_then(|s| remove::plan(s, &sign_in, &files)) {
        Ok(p) => p,
        Err(e) => return fail(vec![format!("escher: {e}")], 1),
    };
    let path = plan.snapshot.path.display().to_string();
    let count = plan.sections.len();
    if count == 0 {
        return fail(
            vec![format!(
                "escher: nothing to remove: {path} has no profiles Escher added from the sign-in of {profile}"
            )],
            1,
        );
    }
    if !plan.orphans.is_empty() {
        let mut lines = vec![format!(
            "escher: nothing was removed from {path}: these profiles would stop working, because their source_profile leads to a profile Escher added:"
        )];
        lines.extend(plan.orphans.iter().map(|o| format!("  {o}")));
        lines.push(format!(
            "  Point their source_profile at another profile (or remove them) first, then run `escher sso remove {profile}` again."
        ));
        return fail(lines, 1);
    }
    if dry_run {
        return (
            format!(
                "{count} profiles Escher added would be removed from {path}:\n{}",
                plan.text()
            ),
            Vec::new(),
            ExitCode::SUCCESS,
        );
    }
    match plan.apply(SystemTime::now(), remove::Orphans::Refuse) {
        Ok(backup) => (
            format!(
                "Removed {count} profiles Escher added from {path}: {}; the file as it was is kept as {} ({})\n",
                plan.names().join(", "),
                backup.display(),
                backups_kept()
            ),
            Vec::new(),
            ExitCode::SUCCESS,
        ),
        Err(e) => fail(vec![format!("escher: {e}")], 1),
    }
}

/// Where the backups are, said once per write.
fn backups_kept() -> String {
    format!(
        "Escher keeps its last {} backups of the file there",
        write::BACKUPS_KEPT
    )
}

pub fn run_accounts(source: &Source, json: bool) -> ExitCode {
    crate::cli::finish(accounts(&AwsEnv::from_process(), source, json))
}

pub fn run_add(args: &AddArgs) -> ExitCode {
    crate::cli::finish(add(&AwsEnv::from_process(), args))
}

pub fn run_remove(profile: &str, dry_run: bool) -> ExitCode {
    crate::cli::finish(remove(&AwsEnv::from_process(), profile, dry_run))
}
