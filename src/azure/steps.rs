//! The commands the Connect Azure step asks the user to run, as data:
//! numbered, each with its explanation and alternatives, ids and names
//! quoted for the shell.

use super::cloud::Cloud;
use super::ids::Guid;
use crate::shell::posix_join;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    pub number: usize,
    pub explanation: &'static str,
    /// One word per element, as a shell would split the line.
    pub argv: Vec<String>,
    /// Other ways to do the same, each with when to use it.
    pub alternatives: Vec<(&'static str, Vec<String>)>,
}

impl Step {
    /// The line to copy or type, quoted for a POSIX shell.
    pub fn line(&self) -> String {
        posix_join(&self.argv)
    }
}

fn words(w: &[&str]) -> Vec<String> {
    w.iter().map(|s| (*s).to_owned()).collect()
}

/// Shown under the sign-in command.
pub const SELECT_HINT: &str =
    "If az asks you to \"Select a subscription\", press Enter: Escher asks which ones next.";

/// The steps for the active cloud (`None`: not known yet). A cloud other
/// than AzureCloud is selected first, so the sign-in goes to it. `tenant`
/// fills the one-tenant alternative; without it the user types theirs.
pub fn steps(cloud: Option<&Cloud>, tenant: Option<&Guid>) -> Vec<Step> {
    let mut out = Vec::new();
    if let Some(c) = cloud.filter(|c| !c.is_public()) {
        out.push((
            "Selects the Azure cloud your subscriptions are in; sign-in and every check then go there.",
            words(&["az", "cloud", "set", "--name", &c.name]),
            Vec::new(),
        ));
    }
    let tenant_word = tenant.map_or_else(|| "TENANT".to_owned(), |t| t.to_string());
    out.push((
        "Opens a browser to sign in to Azure with your own account.",
        words(&["az", "login"]),
        vec![
            (
                "when no browser can open here",
                words(&["az", "login", "--use-device-code"]),
            ),
            (
                "for one tenant, or one that asks for MFA",
                words(&["az", "login", "--tenant", &tenant_word]),
            ),
        ],
    ));
    out.push((
        "Lists what the sign-in reaches: every subscription, with its tenant and state.",
        words(&["az", "account", "list", "--all", "--output", "table"]),
        Vec::new(),
    ));
    out.into_iter()
        .enumerate()
        .map(|(i, (explanation, argv, alternatives))| Step {
            number: i + 1,
            explanation,
            argv,
            alternatives,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sovereign_cloud_is_selected_first() {
        let public = Cloud {
            name: "AzureCloud".into(),
            resource_manager: "https://management.azure.com/".into(),
        };
        let lines: Vec<String> = steps(Some(&public), None).iter().map(Step::line).collect();
        assert_eq!(lines, ["az login", "az account list --all --output table"]);
        let gov = Cloud {
            name: "AzureUSGovernment".into(),
            resource_manager: "https://management.usgovcloudapi.net/".into(),
        };
        let s = steps(
            Some(&gov),
            Guid::parse("c0000000-0000-0000-0000-00000000000c").as_ref(),
        );
        assert_eq!(s[0].line(), "az cloud set --name AzureUSGovernment");
        assert_eq!(s[1].number, 2);
        assert_eq!(
            posix_join(&s[1].alternatives[1].1),
            "az login --tenant c0000000-0000-0000-0000-00000000000c"
        );
        let custom = Cloud {
            name: "My Cloud".into(),
            resource_manager: "https://arm.example/".into(),
        };
        assert_eq!(
            steps(Some(&custom), None)[0].line(),
            "az cloud set --name 'My Cloud'"
        );
    }
}
