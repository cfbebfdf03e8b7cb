//! The exact text Escher appends for new profiles, and the equivalent
//! `aws configure set` commands for people who keep their config by hand.

use super::{Reach, SignIn};
use crate::aws::profile_name::ProfileName;
use crate::shell::posix_join;

/// The first words of the comment line above every section Escher adds;
/// Remove finds its sections by it.
pub const MARKER: &str = "# Added by Escher on ";

/// One profile to add.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewProfile {
    pub name: ProfileName,
    pub account_id: String,
    pub role_name: String,
    pub region: Option<String>,
}

/// Why a value from the portal cannot go into the config file as it is
/// (it could break the file or add keys of its own); `None` when it can.
/// Account names never go into the file, only the names made from them.
pub fn unsafe_value(r: &Reach) -> Option<String> {
    if r.account_id.len() != 12 || !r.account_id.bytes().all(|b| b.is_ascii_digit()) {
        return Some(format!(
            "the portal gave an account id that is not 12 digits ({:?})",
            r.account_id
        ));
    }
    // IAM Identity Center's own rule for permission set names.
    let role_ok = |c: char| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c);
    if r.role_name.is_empty() || r.role_name.len() > 64 || !r.role_name.chars().all(role_ok) {
        return Some(format!(
            "the portal gave a role name with characters a config file cannot hold safely ({:?})",
            r.role_name
        ));
    }
    None
}

/// A region as the user typed it, if it is one (`eu-west-1`).
pub fn region_problem(region: &str) -> Option<String> {
    let ok = !region.is_empty()
        && region.len() <= 32
        && region
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    (!ok).then(|| {
        format!("“{region}” is not a region name; use one like eu-west-1, or leave it empty")
    })
}

/// The lines of one section: `sso_session` (or, for a legacy sign-in, the
/// start URL and SSO region), the account and role, and the region.
fn keys(sign_in: &SignIn, p: &NewProfile) -> Vec<(&'static str, String)> {
    let mut out = match &sign_in.session {
        Some(s) => vec![("sso_session", s.clone())],
        None => vec![
            ("sso_start_url", sign_in.start_url.clone()),
            ("sso_region", sign_in.sso_region.clone()),
        ],
    };
    out.push(("sso_account_id", p.account_id.clone()));
    out.push(("sso_role_name", p.role_name.clone()));
    if let Some(r) = &p.region {
        out.push(("region", r.clone()));
    }
    out
}

/// What is appended: a blank line, then for each profile Escher's comment
/// line and the section. `added_at` is an RFC 3339 time; `eol` is the
/// file's own line ending.
pub fn block(sign_in: &SignIn, profiles: &[NewProfile], added_at: &str, eol: &str) -> String {
    let mut out = String::new();
    for p in profiles {
        out.push_str(eol);
        out.push_str(&format!(
            "{MARKER}{added_at} from {}{eol}",
            sign_in.marker_words()
        ));
        out.push_str(&format!("[profile {}]{eol}", p.name));
        for (k, v) in keys(sign_in, p) {
            out.push_str(&format!("{k} = {v}{eol}"));
        }
    }
    out
}

/// The same profiles as `aws configure set` commands, quoted for `sh`.
/// The CLI writes a profile's keys into `[profile NAME]` of the config.
pub fn configure_commands(sign_in: &SignIn, profiles: &[NewProfile]) -> Vec<String> {
    profiles
        .iter()
        .flat_map(|p| {
            keys(sign_in, p).into_iter().map(|(k, v)| {
                posix_join(&[
                    "aws",
                    "configure",
                    "set",
                    k,
                    &v,
                    "--profile",
                    p.name.as_str(),
                ])
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn corp(session: Option<&str>) -> SignIn {
        SignIn {
            profile: "me".into(),
            session: session.map(str::to_owned),
            start_url: "https://corp.awsapps.com/start".into(),
            sso_region: "us-east-1".into(),
            region: Some("eu-west-1".into()),
        }
    }

    fn prod() -> NewProfile {
        NewProfile {
            name: ProfileName::parse("Prod-Admin").unwrap(),
            account_id: "111111111111".into(),
            role_name: "Admin".into(),
            region: Some("eu-west-1".into()),
        }
    }

    #[test]
    fn the_block_uses_the_session_and_says_who_added_it() {
        let text = block(&corp(Some("corp")), &[prod()], "2026-12-01T21:30:00Z", "\n");
        assert_eq!(
            text,
            "\n# Added by Escher on 2026-12-01T21:30:00Z from sso-session corp\n\
             [profile Prod-Admin]\nsso_session = corp\nsso_account_id = 111111111111\n\
             sso_role_name = Admin\nregion = eu-west-1\n"
        );
        let legacy = block(&corp(None), &[prod()], "T", "\r\n");
        assert!(legacy.contains("from sso_start_url https://corp.awsapps.com/start\r\n"));
        assert!(legacy.contains(
            "sso_start_url = https://corp.awsapps.com/start\r\nsso_region = us-east-1\r\n"
        ));
    }

    #[test]
    fn commands_are_quoted_for_the_shell() {
        let mut p = prod();
        p.name = ProfileName::parse("a%b@c").unwrap();
        let cmds = configure_commands(&corp(Some("corp")), &[p]);
        assert_eq!(
            cmds[0],
            "aws configure set sso_session corp --profile 'a%b@c'"
        );
        assert_eq!(cmds.len(), 4);
    }

    #[test]
    fn values_that_could_break_the_file_are_refused() {
        let r = |id: &str, role: &str| Reach {
            account_name: "x".into(),
            account_id: id.into(),
            role_name: role.into(),
        };
        assert_eq!(unsafe_value(&r("111111111111", "Admin")), None);
        assert!(unsafe_value(&r("1111\n[profile x]", "Admin")).is_some());
        assert!(unsafe_value(&r("111111111111", "Admin\nrole_arn = x")).is_some());
        assert!(unsafe_value(&r("111111111111", "")).is_some());
        assert!(region_problem("eu-west-1").is_none());
        assert!(region_problem("eu west").is_some());
    }
}
