//! Appending new profiles: the preview is the exact text added, and the
//! file written is the old bytes followed by it, nothing else.

use super::SignIn;
use super::naming::DEFAULT_PROFILE;
use super::render::{NewProfile, block};
use super::write::{self, Change, Snapshot, WriteError};
use aws_config::profile::ProfileSet;
use std::path::PathBuf;
use std::time::SystemTime;

/// What Add would write, made from the file as read.
#[derive(Clone, Debug)]
pub struct AppendPlan {
    pub snapshot: Snapshot,
    sign_in: SignIn,
    pub profiles: Vec<NewProfile>,
    /// The text appended, exactly as the file will read.
    pub text: String,
    new_text: String,
}

/// What was written, and where the old file is kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Written {
    pub path: PathBuf,
    pub backup: PathBuf,
    pub names: Vec<String>,
}

/// The plan for adding `profiles` to the file of `snapshot`, checked: the
/// result must read back with every old profile as it was and every new one
/// as chosen.
pub fn plan(
    snapshot: Snapshot,
    sign_in: &SignIn,
    profiles: Vec<NewProfile>,
    now: SystemTime,
) -> Result<AppendPlan, WriteError> {
    // `[profile default]` would change what every `aws` command without
    // `--profile` uses.
    if profiles.iter().any(|p| p.name.as_str() == DEFAULT_PROFILE) {
        return Err(WriteError::WouldChange {
            why: "a profile named default is never added".into(),
        });
    }
    let (added_at, _) = write::stamps(now);
    let eol = snapshot.eol();
    let mut text = String::new();
    if !snapshot.text.is_empty() && !snapshot.text.ends_with('\n') {
        // The old last line ends here, so the comment starts a line.
        text.push_str(eol);
    }
    text.push_str(&block(sign_in, &profiles, &added_at, eol));
    let new_text = format!("{}{text}", snapshot.text);
    let before = write::parse(&snapshot.text).map_err(|why| WriteError::Unreadable {
        path: snapshot.path.clone(),
        why,
    })?;
    let after = write::parse(&new_text).map_err(|why| WriteError::WouldChange { why })?;
    write::same_except(&before, &after, &[]).map_err(|why| WriteError::WouldChange { why })?;
    for p in &profiles {
        reads_as_chosen(&before, &after, sign_in, p)
            .map_err(|why| WriteError::WouldChange { why })?;
    }
    Ok(AppendPlan {
        snapshot,
        sign_in: sign_in.clone(),
        profiles,
        text,
        new_text,
    })
}

fn reads_as_chosen(
    before: &ProfileSet,
    after: &ProfileSet,
    sign_in: &SignIn,
    p: &NewProfile,
) -> Result<(), String> {
    let name = p.name.as_str();
    if before.get_profile(name).is_some() {
        return Err(format!("profile {name} is already in the file"));
    }
    reads_as(after, sign_in, p)
}

/// Whether `after` reads profile `p` as it was chosen.
fn reads_as(after: &ProfileSet, sign_in: &SignIn, p: &NewProfile) -> Result<(), String> {
    let name = p.name.as_str();
    let got = after
        .get_profile(name)
        .ok_or_else(|| format!("profile {name} would not be read"))?;
    if let Some(s) = &sign_in.session
        && after.sso_session(s).is_none()
    {
        return Err(format!(
            "profile {name} would use [sso-session {s}], which would not be in the file"
        ));
    }
    let expect = [
        ("sso_account_id", Some(p.account_id.as_str())),
        ("sso_role_name", Some(p.role_name.as_str())),
        ("region", p.region.as_deref()),
        ("sso_session", sign_in.session.as_deref()),
    ];
    for (key, want) in expect {
        if got.get(key) != want {
            return Err(format!(
                "profile {name} would read {key} = {:?}",
                got.get(key)
            ));
        }
    }
    Ok(())
}

impl AppendPlan {
    /// Write it, if the file is still as read; the backup is stamped `now`.
    /// A program that rewrote the file meanwhile is an error
    /// ([`WriteError::Lost`]): nothing is added, nothing is to be verified.
    pub fn apply(&self, now: SystemTime) -> Result<Written, WriteError> {
        let (_, stamp) = write::stamps(now);
        let landed = |set: &ProfileSet| {
            self.profiles
                .iter()
                .all(|p| reads_as(set, &self.sign_in, p).is_ok())
        };
        let backup = write::commit(&self.snapshot, &self.new_text, &stamp, Change::Add, &landed)?;
        Ok(Written {
            path: self.snapshot.path.clone(),
            backup,
            names: self.profiles.iter().map(|p| p.name.to_string()).collect(),
        })
    }
}
