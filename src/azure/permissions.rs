//! Whether a sign-in can do more than read: the effective permissions ARM
//! reports (`actions` minus `notActions`), judged against Reader's
//! `*/read`. Writing is a warning, never a block: Escher only ever reads.

use serde::Deserialize;

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Permission {
    #[serde(default)]
    pub actions: Vec<String>,
    #[serde(default)]
    pub not_actions: Vec<String>,
    #[serde(default)]
    pub data_actions: Vec<String>,
    #[serde(default)]
    pub not_data_actions: Vec<String>,
}

/// The granted actions that go beyond reading and that no `notActions`
/// entry of the same grant takes away. Empty: read-only.
pub fn write_actions(perms: &[Permission]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for p in perms {
        for a in &p.actions {
            let reads_only = last_segment(a).eq_ignore_ascii_case("read");
            let removed = p.not_actions.iter().any(|n| covers(n, a));
            if !reads_only && !removed && !out.contains(a) {
                out.push(a.clone());
            }
        }
    }
    out
}

/// Whether `actions` include reading the subscription at all.
pub fn can_read(perms: &[Permission]) -> bool {
    perms.iter().any(|p| {
        p.actions.iter().any(|a| {
            let seg = last_segment(a);
            seg == "*" || seg.eq_ignore_ascii_case("read")
        })
    })
}

fn last_segment(action: &str) -> &str {
    action.rsplit('/').next().unwrap_or(action)
}

/// Whether the pattern `not` (with `*` wildcards) removes every action
/// the pattern `granted` grants: it must match `granted` itself.
fn covers(not: &str, granted: &str) -> bool {
    glob(&not.to_ascii_lowercase(), &granted.to_ascii_lowercase())
}

fn glob(pattern: &str, text: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == text,
        Some((head, tail)) => {
            let Some(rest) = text.strip_prefix(head) else {
                return false;
            };
            (0..=rest.len())
                .filter(|i| rest.is_char_boundary(*i))
                .any(|i| glob(tail, &rest[i..]))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(actions: &[&str], not: &[&str]) -> Permission {
        Permission {
            actions: actions.iter().map(|s| s.to_string()).collect(),
            not_actions: not.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        }
    }

    #[test]
    fn reader_contributor_owner_and_custom_roles() {
        let reader = p(&["*/read"], &[]);
        assert!(write_actions(std::slice::from_ref(&reader)).is_empty());
        assert!(can_read(&[reader]));
        let contributor = p(
            &["*"],
            &[
                "Microsoft.Authorization/*/Delete",
                "Microsoft.Authorization/*/Write",
                "Microsoft.Authorization/elevateAccess/Action",
            ],
        );
        assert_eq!(write_actions(&[contributor]), ["*"]);
        assert_eq!(write_actions(&[p(&["*"], &[])]), ["*"]);
        let custom = p(
            &[
                "Microsoft.Compute/*/read",
                "Microsoft.Compute/virtualMachines/start/action",
            ],
            &[],
        );
        assert_eq!(
            write_actions(&[custom]),
            ["Microsoft.Compute/virtualMachines/start/action"]
        );
        let taken_back = p(&["Microsoft.Storage/*", "*/read"], &["Microsoft.Storage/*"]);
        assert!(write_actions(&[taken_back]).is_empty());
        assert!(!can_read(&[]));
    }
}
