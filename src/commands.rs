//! The commands the wizard asks the user to run, per method, with the
//! profile's name filled in and quoted for the shell.

use crate::aws::profile_name::ProfileName;
use crate::shell::posix_join;

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Method {
    Sso,
    AccessKeys,
}

impl Method {
    pub fn label(self) -> &'static str {
        match self {
            Method::Sso => "SSO (recommended)",
            Method::AccessKeys => "Access keys",
        }
    }
    pub fn other(self) -> Method {
        match self {
            Method::Sso => Method::AccessKeys,
            Method::AccessKeys => Method::Sso,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommandStep {
    pub number: usize,
    pub explanation: &'static str,
    /// One word per element, as a shell would split the line.
    pub argv: Vec<String>,
}

impl CommandStep {
    /// The line to copy or type, quoted for a POSIX shell.
    pub fn line(&self) -> String {
        posix_join(&self.argv)
    }
}

const SSO: [(&str, &[&str]); 3] = [
    (
        "Prompts for your SSO Start URL and region, then the account and role. The command names the profile; \
         left to itself the CLI proposes <Role>-<Account> as the name, and Re-check would look for the wrong one.",
        &["aws", "configure", "sso"],
    ),
    (
        "Opens a browser to complete sign-in via your IdP (Okta, Entra ID, etc.).",
        &["aws", "sso", "login"],
    ),
    (
        "Confirms the SSO session is active: it prints your AWS account and ARN.",
        &["aws", "sts", "get-caller-identity"],
    ),
];

const ACCESS_KEYS: [(&str, &[&str]); 2] = [
    (
        "Prompts for Access Key ID, Secret, default region (e.g. us-east-1), and output format.",
        &["aws", "configure"],
    ),
    ("Verify the credentials work.", &["aws", "s3", "ls"]),
];

pub fn steps(method: Method, name: &ProfileName) -> Vec<CommandStep> {
    let table: &[(&str, &[&str])] = match method {
        Method::Sso => &SSO,
        Method::AccessKeys => &ACCESS_KEYS,
    };
    table
        .iter()
        .enumerate()
        .map(|(i, (explanation, words))| {
            let mut argv: Vec<String> = words.iter().map(|w| (*w).to_owned()).collect();
            argv.extend(["--profile".to_owned(), name.as_str().to_owned()]);
            CommandStep {
                number: i + 1,
                explanation,
                argv,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sso_and_key_commands_carry_the_name() {
        let name = ProfileName::parse("prod-admin").unwrap();
        let lines: Vec<String> = steps(Method::Sso, &name)
            .iter()
            .map(CommandStep::line)
            .collect();
        assert_eq!(
            lines,
            [
                "aws configure sso --profile prod-admin",
                "aws sso login --profile prod-admin",
                "aws sts get-caller-identity --profile prod-admin"
            ]
        );
        let lines: Vec<String> = steps(Method::AccessKeys, &name)
            .iter()
            .map(CommandStep::line)
            .collect();
        assert_eq!(
            lines,
            [
                "aws configure --profile prod-admin",
                "aws s3 ls --profile prod-admin"
            ]
        );
    }
}
