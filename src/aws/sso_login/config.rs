//! The config side of a sign-in: an `[sso-session]` already in the files,
//! or the one to append for a new sign-in, as `aws configure sso-session`
//! writes it (with the scope that makes it renew), through the same
//! checked append as added profiles: the old bytes followed by the
//! section, read back by the SDK's parser, after a backup.

use super::Session;
use crate::aws::env::AwsEnv;
use crate::aws::sso_populate::write::{self, Change, WriteError};
use std::path::PathBuf;
use std::time::SystemTime;

/// The `[sso-session NAME]` of the config, if there is one: its start URL
/// and SSO region (`None` when either is missing).
pub fn existing(env: &AwsEnv, name: &str) -> Result<Option<Session>, WriteError> {
    let snapshot = match write::read(env) {
        Ok(s) => s,
        Err(WriteError::Io { err, .. }) if err.kind() == std::io::ErrorKind::NotFound => {
            return Ok(None);
        }
        Err(e) => return Err(e),
    };
    let set = write::parse(&snapshot.text).map_err(|why| WriteError::Unreadable {
        path: snapshot.path.clone(),
        why,
    })?;
    let Some(section) = set.sso_session(name) else {
        return Ok(None);
    };
    Ok(
        match (section.get("sso_start_url"), section.get("sso_region")) {
            (Some(url), Some(region)) => Some(Session {
                name: name.to_owned(),
                start_url: url.to_owned(),
                region: region.to_owned(),
            }),
            _ => None,
        },
    )
}

/// The section's text, with `eol` line endings.
pub fn section_text(session: &Session, now: SystemTime, eol: &str) -> String {
    let (at, _) = write::stamps(now);
    [
        format!("# Added by Escher on {at}: an IAM Identity Center sign-in"),
        format!("[sso-session {}]", session.name),
        format!("sso_start_url = {}", session.start_url),
        format!("sso_region = {}", session.region),
        format!("sso_registration_scopes = {}", super::oidc::SCOPE),
    ]
    .iter()
    .fold(String::new(), |acc, line| acc + line + eol)
}

/// Append the section. Returns the config file and the backup made of it
/// (none when the file did not exist and was created).
pub fn append(
    env: &AwsEnv,
    session: &Session,
    now: SystemTime,
) -> Result<(PathBuf, Option<PathBuf>), WriteError> {
    let snapshot = match write::read(env) {
        Ok(s) => s,
        Err(WriteError::Io { err, .. }) if err.kind() == std::io::ErrorKind::NotFound => {
            return create(env, session, now);
        }
        Err(e) => return Err(e),
    };
    let eol = snapshot.eol();
    let mut added = String::new();
    if !snapshot.text.is_empty() && !snapshot.text.ends_with('\n') {
        added.push_str(eol);
    }
    if !snapshot.text.is_empty() {
        added.push_str(eol);
    }
    added.push_str(&section_text(session, now, eol));
    let new_text = format!("{}{added}", snapshot.text);
    let before = write::parse(&snapshot.text).map_err(|why| WriteError::Unreadable {
        path: snapshot.path.clone(),
        why,
    })?;
    let after = write::parse(&new_text).map_err(|why| WriteError::WouldChange { why })?;
    write::same_except(&before, &after, &[]).map_err(|why| WriteError::WouldChange { why })?;
    reads_as_given(&after, session)?;
    let (_, stamp) = write::stamps(now);
    let landed = |set: &aws_config::profile::ProfileSet| reads_as_given(set, session).is_ok();
    let backup = write::commit(&snapshot, &new_text, &stamp, Change::Add, &landed)?;
    Ok((snapshot.path, Some(backup)))
}

fn reads_as_given(set: &aws_config::profile::ProfileSet, s: &Session) -> Result<(), WriteError> {
    let section = set.sso_session(&s.name);
    let reads = section.is_some_and(|sec| {
        sec.get("sso_start_url") == Some(s.start_url.as_str())
            && sec.get("sso_region") == Some(s.region.as_str())
    });
    if reads {
        Ok(())
    } else {
        Err(WriteError::WouldChange {
            why: format!("[sso-session {}] would not read back as given", s.name),
        })
    }
}

fn create(
    env: &AwsEnv,
    session: &Session,
    now: SystemTime,
) -> Result<(PathBuf, Option<PathBuf>), WriteError> {
    let path = env.config_file().ok_or(WriteError::NoConfigFile)?;
    let text = section_text(session, now, "\n");
    let set = write::parse(&text).map_err(|why| WriteError::WouldChange { why })?;
    reads_as_given(&set, session)?;
    let io = |what: &str| {
        let (what, path) = (what.to_owned(), path.clone());
        move |err| WriteError::Io { what, path, err }
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io("create the folder of"))?;
    }
    crate::atomic_file::prepare_with(&path, text.as_bytes(), crate::atomic_file::owner_only())
        .and_then(|p| p.commit())
        .map_err(io("write"))?;
    Ok((path, None))
}
