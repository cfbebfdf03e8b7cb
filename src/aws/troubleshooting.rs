//! The troubleshooting table of the product reference, word for word.
//! `X` in a fix stands for the profile name and is filled in when shown.

pub struct Row {
    pub error: &'static str,
    pub fix: &'static str,
}

pub const ROWS: [Row; 4] = [
    Row {
        error: "aws configure sso fails",
        fix: "Confirm your SSO Start URL with your team's AWS admin. URL pattern: https://<your-org>.awsapps.com/start/.",
    },
    Row {
        error: "aws sso login opens browser but returns no token",
        fix: "Make sure you have access to at least one account/role in IAM Identity Center. If not, ask your admin to assign you.",
    },
    Row {
        error: "InvalidClientTokenId from aws sts get-caller-identity",
        fix: "Re-run aws sso login --profile X (SSO sessions expire) or re-run aws configure --profile X (access keys may have been rotated).",
    },
    Row {
        error: "Escher's Re-check still fails after the CLI command succeeds",
        fix: "Confirm the profile name in Escher matches the one you used (aws configure list-profiles). Re-open the wizard if needed.",
    },
];

impl Row {
    /// The fix with the profile's name in place of `X`.
    pub fn fix_for(&self, profile: &str) -> String {
        self.fix
            .replace("--profile X", &format!("--profile {profile}"))
    }
}
