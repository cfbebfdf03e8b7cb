//! IAM action patterns (`ec2:Describe*`), matched as IAM does: case-
//! insensitive, `*` any run of characters, `?` one. Used to name the line
//! of the minimum policy that grants a missing action.

use crate::aws::policy::POLICY_JSON;
use std::sync::OnceLock;

pub fn matches(pattern: &str, action: &str) -> bool {
    let p: Vec<char> = pattern.to_ascii_lowercase().chars().collect();
    let a: Vec<char> = action.to_ascii_lowercase().chars().collect();
    glob(&p, &a)
}

fn glob(p: &[char], a: &[char]) -> bool {
    match (p.first(), a.first()) {
        (None, None) => true,
        (Some('*'), _) => glob(&p[1..], a) || (!a.is_empty() && glob(p, &a[1..])),
        (Some('?'), Some(_)) => glob(&p[1..], &a[1..]),
        (Some(x), Some(y)) if x == y => glob(&p[1..], &a[1..]),
        _ => false,
    }
}

/// The actions of the minimum read-only policy, as written there.
pub fn minimum_policy_actions() -> &'static [String] {
    static ACTIONS: OnceLock<Vec<String>> = OnceLock::new();
    ACTIONS.get_or_init(|| {
        let v: serde_json::Value = serde_json::from_str(POLICY_JSON).unwrap_or_default();
        v["Statement"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|st| st["Action"].as_array().cloned().unwrap_or_default())
            .filter_map(|a| a.as_str().map(str::to_owned))
            .collect()
    })
}

/// The minimum policy's own line that allows `action`, quoted as it is
/// written there (`"ec2:Describe*"`), if one does.
pub fn minimum_policy_line(action: &str) -> Option<String> {
    minimum_policy_actions()
        .iter()
        .find(|pattern| matches(pattern, action))
        .map(|p| format!("\"{p}\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_match_as_iam_does() {
        assert!(matches("ec2:Describe*", "ec2:DescribeRegions"));
        assert!(matches("EC2:describe*", "ec2:DescribeRegions"));
        assert!(matches("*", "s3:ListAllMyBuckets"));
        assert!(matches("s3:List?llMyBuckets", "s3:ListAllMyBuckets"));
        assert!(!matches("ec2:Describe*", "ec2:CreateTags"));
        assert!(!matches("s3:List*", "s3x:List"));
    }

    #[test]
    fn a_missing_action_is_matched_to_the_policy_line_that_grants_it() {
        assert_eq!(
            minimum_policy_line("s3:ListAllMyBuckets").as_deref(),
            Some("\"s3:List*\"")
        );
        assert_eq!(
            minimum_policy_line("cloudtrail:LookupEvents").as_deref(),
            Some("\"cloudtrail:LookupEvents\"")
        );
        assert_eq!(minimum_policy_line("ec2:CreateTags"), None);
    }
}
