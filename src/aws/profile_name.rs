//! Profile names as the AWS CLI accepts them, checked before a name goes
//! anywhere near a command line.

use std::fmt;

/// The longest name Escher accepts. The CLI has no hard limit, but a label
/// longer than this is a typo or a paste accident, not a profile name.
pub const MAX_LEN: usize = 64;

/// Characters allowed besides ASCII letters and digits.
pub const ALLOWED_PUNCTUATION: &str = "-_.+=@,";

/// A profile name that passed [`ProfileName::parse`]. Only this type is
/// accepted by the code that builds commands, so an unchecked string cannot
/// reach a shell.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProfileName(String);

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NameError {
    Empty,
    TooLong(usize),
    BadFirst(char),
    NotAllowed(char),
}

impl fmt::Display for NameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NameError::Empty => write!(f, "Enter a profile name, for example prod-admin."),
            NameError::TooLong(n) => {
                write!(f, "The name is {n} characters long; use at most {MAX_LEN}.")
            }
            NameError::BadFirst(c) => write!(
                f,
                "A profile name must start with a letter or digit, not {}.",
                describe(*c)
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

fn allowed(c: char) -> bool {
    c.is_ascii_alphanumeric() || ALLOWED_PUNCTUATION.contains(c)
}

impl ProfileName {
    pub fn parse(input: &str) -> Result<Self, NameError> {
        let mut chars = input.chars();
        let first = chars.next().ok_or(NameError::Empty)?;
        if let Some(bad) = input.chars().find(|c| !allowed(*c)) {
            return Err(NameError::NotAllowed(bad));
        }
        if !first.is_ascii_alphanumeric() {
            return Err(NameError::BadFirst(first));
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
    fn accepts_cli_style_names() {
        for ok in [
            "prod-admin",
            "audit-readonly",
            "a",
            "AdministratorAccess-123456789012",
            "x.y+z=w@v,u_t",
        ] {
            assert_eq!(ProfileName::parse(ok).unwrap().as_str(), ok);
        }
    }

    #[test]
    fn names_the_offending_character() {
        assert_eq!(
            ProfileName::parse("a;rm -rf ~"),
            Err(NameError::NotAllowed(';'))
        );
        assert_eq!(ProfileName::parse("$(id)"), Err(NameError::NotAllowed('$')));
        assert_eq!(ProfileName::parse("-x"), Err(NameError::BadFirst('-')));
        assert_eq!(ProfileName::parse(""), Err(NameError::Empty));
        assert_eq!(ProfileName::parse("pród"), Err(NameError::NotAllowed('ó')));
        assert_eq!(
            ProfileName::parse(&"a".repeat(65)),
            Err(NameError::TooLong(65))
        );
        let msg = ProfileName::parse("prod admin").unwrap_err().to_string();
        assert!(msg.starts_with("A space is not allowed"), "{msg}");
        let msg = ProfileName::parse("a\nb").unwrap_err().to_string();
        assert!(msg.contains("line break"), "{msg}");
    }
}
