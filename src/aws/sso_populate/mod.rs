//! Adding every account and role one SSO sign-in reaches as profiles of
//! their own, safely: list what the portal offers (`list`), name each row
//! from a template (`naming`), show the exact text (`render`), and append
//! it to the config file, or take it out again, with a backup and an atomic
//! rename (`append`, `remove`, `write`). The window and `escher sso` share
//! all of it.

pub mod append;
pub mod list;
pub mod naming;
pub mod remove;
pub mod render;
pub mod write;

use super::profiles::{Discovery, Kind, ProfileInfo};
use serde::Serialize;

/// The sign-in new profiles are made from, as the source profile has it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignIn {
    /// The profile the user started from.
    pub profile: String,
    /// The `[sso-session …]` it uses; `None` for a legacy profile, whose
    /// start URL and SSO region go into every new profile.
    pub session: Option<String>,
    pub start_url: String,
    pub sso_region: String,
    /// The source profile's own `region`: the default for new profiles
    /// (the SSO region is where the portal is, not where the work is).
    pub region: Option<String>,
}

impl SignIn {
    /// The sign-in of an SSO profile; `None` for any other kind.
    pub fn of(info: &ProfileInfo) -> Option<Self> {
        let session = match info.kind {
            Kind::Sso => Some(info.sso_session.clone()?),
            Kind::SsoLegacy => None,
            _ => return None,
        };
        Some(SignIn {
            profile: info.name.clone(),
            session,
            start_url: info.sso_start_url.clone()?,
            sso_region: info.sso_region.clone()?,
            region: info.region.clone(),
        })
    }

    /// How Escher's comment line names this sign-in, so Remove finds the
    /// profiles it added from it (and only those).
    pub fn marker_words(&self) -> String {
        match &self.session {
            Some(s) => format!("sso-session {s}"),
            None => format!("sso_start_url {}", self.start_url),
        }
    }

    /// Whether `p` signs in through this same sign-in.
    fn same_sign_in(&self, p: &ProfileInfo) -> bool {
        let url = |u: &str| u.trim_end_matches('/').to_owned();
        let by_url = p.sso_start_url.as_deref().map(url) == Some(url(&self.start_url));
        let by_session = self.session.is_some() && p.sso_session == self.session;
        p.kind.is_sso() && (by_url || by_session)
    }
}

/// One account and role the sign-in reaches.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Reach {
    pub account_name: String,
    pub account_id: String,
    pub role_name: String,
}

/// A row of the list: what the portal offers, and the profile already in
/// the files for it, if any.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub reach: Reach,
    pub existing: Option<String>,
    /// Why this row cannot become a profile (a value that cannot be
    /// written into the file safely).
    pub problem: Option<String>,
}

/// Mark each reach with the profile that already uses that sign-in,
/// account and role.
pub fn rows(sign_in: &SignIn, reach: Vec<Reach>, files: &Discovery) -> Vec<Row> {
    reach
        .into_iter()
        .map(|r| {
            let existing = files
                .profiles
                .iter()
                .find(|p| {
                    sign_in.same_sign_in(p)
                        && p.sso_account_id.as_deref() == Some(r.account_id.as_str())
                        && p.sso_role_name.as_deref() == Some(r.role_name.as_str())
                })
                .map(|p| p.name.clone());
            let problem = render::unsafe_value(&r);
            Row {
                reach: r,
                existing,
                problem,
            }
        })
        .collect()
}

/// The sign-in of the profile named `profile`, or why it has none to list.
pub fn sign_in_of(files: &Discovery, profile: &str) -> Result<SignIn, String> {
    let Some(info) = files.get(profile) else {
        return session_sign_in(files, profile);
    };
    if let Some(problem) = &info.problem {
        return Err(format!("Profile {profile} cannot be used: {problem}."));
    }
    SignIn::of(info).ok_or_else(|| {
        format!(
            "Profile {profile} does not sign in with IAM Identity Center (it is {}); start from an SSO profile.",
            info.kind.label()
        )
    })
}

/// A name that is no profile: the sign-in of the `[sso-session]` so
/// named, which no profile uses yet (right after a sign-in in Escher).
/// `escher sso … --session NAME` asks for it by this name alone.
pub fn session_sign_in(files: &Discovery, name: &str) -> Result<SignIn, String> {
    let missing = || {
        format!(
            "There is no profile or sso-session named {name} in your AWS files; `escher profiles` lists the profiles."
        )
    };
    let s = files.sso_session(name).ok_or_else(missing)?;
    match (&s.start_url, &s.region) {
        (Some(url), Some(region)) => Ok(SignIn {
            profile: name.to_owned(),
            session: Some(name.to_owned()),
            start_url: url.clone(),
            sso_region: region.clone(),
            region: None,
        }),
        _ => Err(format!(
            "[sso-session {name}] lacks sso_start_url or sso_region; add them (aws configure sso-session)."
        )),
    }
}

/// Every profile name in the files: a new profile takes none of them.
pub fn taken_names(files: &Discovery) -> std::collections::HashSet<String> {
    files.names().map(str::to_owned).collect()
}

/// The profiles to add: the `chosen` rows that have a proposed name, each
/// with `region` (none when empty).
pub fn to_add(
    rows: &[Row],
    names: &[Option<naming::Proposed>],
    chosen: impl Fn(usize) -> bool,
    region: &str,
) -> Vec<render::NewProfile> {
    let region = Some(region.trim()).filter(|r| !r.is_empty());
    rows.iter()
        .zip(names)
        .enumerate()
        .filter(|(i, _)| chosen(*i))
        .filter_map(|(_, (row, name))| {
            Some(render::NewProfile {
                name: name.as_ref()?.name.clone(),
                account_id: row.reach.account_id.clone(),
                role_name: row.reach.role_name.clone(),
                region: region.map(str::to_owned),
            })
        })
        .collect()
}

/// Why no row can become a profile, when none can: each is already one,
/// or the portal gave values a config file cannot hold, or some of each.
pub fn nothing_to_add(rows: &[Row]) -> Option<String> {
    let existing = rows.iter().filter(|r| r.existing.is_some()).count();
    let refused = rows
        .iter()
        .filter(|r| r.existing.is_none() && r.problem.is_some())
        .count();
    if existing + refused < rows.len() {
        return None;
    }
    Some(match (existing, refused) {
        (0, 0) => "the sign-in reaches no account and role".into(),
        (_, 0) => "every account and role the sign-in reaches is already a profile".into(),
        (0, _) => {
            "every account and role the portal gave has a value a config file cannot hold safely"
                .into()
        }
        (e, r) => format!(
            "{e} of the accounts and roles are already profiles, and the other {r} have values a config file cannot hold safely"
        ),
    })
}

/// Text from the portal as a terminal or the window may show it: control
/// characters (line breaks, escape sequences) become `�`.
pub fn printable(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { '\u{FFFD}' } else { c })
        .collect()
}
