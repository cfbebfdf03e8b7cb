//! The minimum read-only IAM policy from the product reference, shipped in
//! `assets/` and embedded in the binary.

use std::io::Write;
use std::path::Path;

pub const POLICY_JSON: &str = include_str!("../../assets/escher-readonly-policy.json");
pub const FILE_NAME: &str = "escher-readonly-policy.json";
pub const MANAGED_ALTERNATIVE: &str = "ReadOnlyAccess";
pub const MANAGED_ALTERNATIVE_ARN: &str = "arn:aws:iam::aws:policy/ReadOnlyAccess";
pub const COST_EXPLORER_URL: &str =
    "https://console.aws.amazon.com/cost-management/home#/cost-explorer";

/// Write the policy to `path` through a temporary file and a rename, so an
/// existing file is either replaced whole or left as it was.
pub fn save_to(path: &Path) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let tmp = dir.join(format!(".{FILE_NAME}.tmp-{}", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(POLICY_JSON.as_bytes())?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_is_the_reference_policy() {
        let v: serde_json::Value = serde_json::from_str(POLICY_JSON).unwrap();
        assert_eq!(v["Version"], "2012-10-17");
        let st = &v["Statement"][0];
        assert_eq!(st["Sid"], "EscherReadOnly");
        assert_eq!(st["Effect"], "Allow");
        assert_eq!(st["Resource"], "*");
        let actions: Vec<&str> = st["Action"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap())
            .collect();
        assert_eq!(actions.len(), 15);
        assert!(actions.iter().all(|a| a.contains(":Describe")
            || a.contains(":List")
            || a.contains(":Get")
            || a.ends_with(":LookupEvents")));
    }
}
