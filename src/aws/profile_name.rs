//! Profile names as aws-config reads them, checked before a name goes
//! anywhere near a command line.
//!
//! The rule is the SDK's own (`validate_identifier` in aws-runtime's
//! `env_config/normalize.rs`): ASCII letters, digits and `_-/.%@:+`. The
//! AWS CLI writes other names too (`a=b`, `a,b`), but the SDK drops such a
//! section with only a log line, so a check would then say "no profile by
//! that name": Escher refuses them up front and says why.

use std::fmt;

/// Characters allowed besides ASCII letters and digits (aws-config's set).
pub const ALLOWED_PUNCTUATION: &str = "_-/.%@:+";

/// A sanity bound, not an AWS rule: a longer "name" is a paste accident.
pub const MAX_LEN: usize = 256;

/// The name the wizard's commands show while the name field is empty.
pub const PLACEHOLDER: &str = "my-sso-profile";

/// A profile name that passed [`ProfileName::parse`]. Only this type is
/// accepted by the code that builds commands, so an unchecked string cannot
/// reach a shell.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProfileName(String);

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NameError {
    Empty,
    TooLong(usize),
    /// A leading `-` would be read by the AWS CLI as an option.
    LeadingDash,
    /// A character the CLI may accept but the SDK drops the profile for.
    DroppedBySdk(char),
    NotAllowed(char),
}

impl fmt::Display for NameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NameError::Empty => write!(f, "Enter a profile name, for example prod-admin."),
            NameError::TooLong(n) => {
                write!(f, "The name is {n} characters long; use at most {MAX_LEN}.")
            }
            NameError::LeadingDash => write!(
                f,
                "A profile name cannot start with “-”: the AWS CLI would read it as an option."
            ),
            NameError::DroppedBySdk(c) => write!(
                f,
                "{} is not allowed in a profile name: the AWS CLI writes such a profile, but the AWS SDKs \
                 (Escher among them) ignore it, so it would never be found. Use letters, digits and \
                 {ALLOWED_PUNCTUATION}",
                capitalise(&describe(*c))
            ),
            NameError::NotAllowed(c) => write!(
                f,
                "{} is not allowed in a profile name. Use letters, digits and {ALLOWED_PUNCTUATION}",
                capitalise(&describe(*c))
            ),
        }
    }
}

impl std::error::Error for NameError {}

fn describe(c: char) -> String {
    match c {
        ' ' => "a space".into(),
        '\t' => "a tab".into(),
        '\n' | '\r' => "a line break".into(),
        c if c.is_control() => format!("the control character U+{:04X}", c as u32),
        c => format!("“{c}”"),
    }
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The SDK's rule for a profile (and section) name character.
pub fn sdk_allows(c: char) -> bool {
    c.is_ascii_alphanumeric() || ALLOWED_PUNCTUATION.contains(c)
}

/// Printable characters `aws configure --profile` writes into a section
/// header that the SDK then ignores.
fn cli_only(c: char) -> bool {
    c.is_ascii_graphic() && !"[]".contains(c)
}

impl ProfileName {
    /// [`PLACEHOLDER`], which the tests hold to the same rule as any name.
    pub fn placeholder() -> Self {
        ProfileName(PLACEHOLDER.to_owned())
    }

    pub fn parse(input: &str) -> Result<Self, NameError> {
        if input.is_empty() {
            return Err(NameError::Empty);
        }
        if let Some(bad) = input.chars().find(|c| !sdk_allows(*c)) {
            return Err(if cli_only(bad) {
                NameError::DroppedBySdk(bad)
            } else {
                NameError::NotAllowed(bad)
            });
        }
        if input.starts_with('-') {
            return Err(NameError::LeadingDash);
        }
        let len = input.chars().count();
        if len > MAX_LEN {
            return Err(NameError::TooLong(len));
        }
        Ok(ProfileName(input.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ProfileName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_placeholder_is_a_name_the_sdk_reads() {
        assert_eq!(
            ProfileName::parse(PLACEHOLDER),
            Ok(ProfileName::placeholder())
        );
    }

    #[test]
    fn accepts_every_name_the_sdk_reads() {
        for ok in [
            "prod-admin",
            "audit-readonly",
            "a",
            "AdministratorAccess-123456789012",
            "team/prod",
            "x:y",
            "50%",
            "a.b+c@d_e",
            "_hidden",
            ".dot",
        ] {
            assert_eq!(ProfileName::parse(ok).unwrap().as_str(), ok);
        }
    }

    #[test]
    fn a_name_the_sdk_would_drop_says_why() {
        for c in ['=', ','] {
            let name = format!("a{c}b");
            assert_eq!(ProfileName::parse(&name), Err(NameError::DroppedBySdk(c)));
            let msg = ProfileName::parse(&name).unwrap_err().to_string();
            assert!(
                msg.contains("the AWS SDKs (Escher among them) ignore it"),
                "{msg}"
            );
        }
    }

    #[test]
    fn names_the_offending_character() {
        assert_eq!(
            ProfileName::parse("a;rm -rf ~"),
            Err(NameError::DroppedBySdk(';'))
        );
        assert_eq!(
            ProfileName::parse("$(id)"),
            Err(NameError::DroppedBySdk('$'))
        );
        assert_eq!(ProfileName::parse("-x"), Err(NameError::LeadingDash));
        assert_eq!(ProfileName::parse(""), Err(NameError::Empty));
        assert_eq!(ProfileName::parse("pród"), Err(NameError::NotAllowed('ó')));
        assert_eq!(
            ProfileName::parse(&"a".repeat(MAX_LEN + 1)),
            Err(NameError::TooLong(MAX_LEN + 1))
        );
        let msg = ProfileName::parse("prod admin").unwrap_err().to_string();
        assert!(msg.starts_with("A space is not allowed"), "{msg}");
        let msg = ProfileName::parse("a\nb").unwrap_err().to_string();
        assert!(msg.contains("line break"), "{msg}");
    }
}
