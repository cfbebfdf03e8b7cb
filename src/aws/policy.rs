//! The minimum read-only IAM policy from the product reference, shipped in
//! `assets/` and embedded in the binary.

use std::path::Path;

pub const POLICY_JSON: &str = include_str!("../../assets/escher-readonly-policy.json");
pub const FILE_NAME: &str = "escher-readonly-policy.json";
pub const MANAGED_ALTERNATIVE: &str = "ReadOnlyAccess";
pub const MANAGED_ALTERNATIVE_ARN: &str = "arn:aws:iam::aws:policy/ReadOnlyAccess";
pub const COST_EXPLORER_URL: &str =
    "https://console.aws.amazon.com/cost-management/home#/cost-explorer";

/// Write the policy to `path`, replacing an existing file whole or not at
/// all.
pub fn save_to(path: &Path) -> std::io::Result<()> {
    crate::atomic_file::write(path, POLICY_JSON.as_bytes())
}

/// Open the folder holding `saved` in the file manager (the platform's
/// opener, looked up on `path_var` when given), so the user can find the
/// file to upload. The opener is not waited for.
pub fn show_in_folder(saved: &Path, path_var: Option<&std::ffi::OsStr>) -> Result<(), String> {
    let folder = saved.parent().unwrap_or(Path::new("."));
    let mut last = None;
    for mut cmd in open::commands(folder) {
        if let Some(p) = path_var {
            cmd.env("PATH", p);
        }
        match cmd
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
        {
            Ok(mut child) => {
                std::thread::spawn(move || child.wait());
                return Ok(());
            }
            Err(e) => last = Some(e),
        }
    }
    Err(format!(
        "Could not open {} in a file manager{}. The policy is saved there.",
        folder.display(),
        last.map(|e| format!(" ({e})")).unwrap_or_default()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_os = "linux")]
    #[test]
    fn show_in_folder_opens_the_folder_of_the_saved_file() {
        use std::os::unix::fs::PermissionsExt;
        let bin = tempfile::tempdir().unwrap();
        let record = bin.path().join("argv");
        let opener = bin.path().join("xdg-open");
        // Only shell builtins: the opener sees no PATH but its own folder.
        std::fs::write(
            &opener,
            format!(
                "#!/bin/sh\nprintf '%s\\n' \"$@\" > '{}'\n",
                record.display()
            ),
        )
        .unwrap();
        std::fs::set_permissions(&opener, std::fs::Permissions::from_mode(0o755)).unwrap();
        let saved = tempfile::tempdir().unwrap();
        let file = saved.path().join(FILE_NAME);
        save_to(&file).unwrap();
        show_in_folder(&file, Some(bin.path().as_os_str())).unwrap();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        let argv = loop {
            let text = std::fs::read_to_string(&record).unwrap_or_default();
            if text.ends_with('\n') {
                break text;
            }
            assert!(std::time::Instant::now() < deadline, "the opener never ran");
            std::thread::sleep(std::time::Duration::from_millis(20));
        };
        assert_eq!(argv.trim_end(), saved.path().display().to_string());
    }

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
