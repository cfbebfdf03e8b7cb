//! Proposed profile names: a template the user edits, filled per row, made
//! into a name the SDK reads, and kept apart from every name already taken.

use super::{Reach, Row};
use crate::aws::profile_name::{ProfileName, sdk_allows};
use std::collections::HashSet;
use std::fmt;

pub const DEFAULT_TEMPLATE: &str = "{account_name}-{role_name}";

/// The placeholders a template may use.
pub const PLACEHOLDERS: &[&str] = &["account_name", "account_id", "role_name", "prefix"];

/// The profile `aws` uses without `--profile`: never proposed, so adding
/// accounts never changes what a bare `aws` command does.
pub const DEFAULT_PROFILE: &str = "default";

/// Long enough for an account name and a role, short enough to type.
pub const MAX_NAME: usize = 64;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TemplateError {
    Unknown(String),
    Unclosed,
    Empty,
}

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let known = PLACEHOLDERS
            .iter()
            .map(|p| format!("{{{p}}}"))
            .collect::<Vec<_>>()
            .join(", ");
        match self {
            TemplateError::Unknown(p) => {
                write!(f, "{{{p}}} is not a placeholder; use {known}.")
            }
            TemplateError::Unclosed => write!(f, "A “{{” has no closing “}}”; use {known}."),
            TemplateError::Empty => {
                write!(f, "Enter a name template, for example {DEFAULT_TEMPLATE}.")
            }
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Part {
    Text(String),
    Field(&'static str),
}

/// A checked template, such as `{prefix}-{account_name}-{role_name}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Template(Vec<Part>);

impl Default for Template {
    /// [`DEFAULT_TEMPLATE`].
    fn default() -> Self {
        Template(vec![
            Part::Field("account_name"),
            Part::Text("-".into()),
            Part::Field("role_name"),
        ])
    }
}

impl Template {
    pub fn parse(text: &str) -> Result<Self, TemplateError> {
        if text.trim().is_empty() {
            return Err(TemplateError::Empty);
        }
        let mut parts = Vec::new();
        let mut rest = text;
        while let Some(open) = rest.find('{') {
            if open > 0 {
                parts.push(Part::Text(rest[..open].to_owned()));
            }
            let after = &rest[open + 1..];
            let close = after.find('}').ok_or(TemplateError::Unclosed)?;
            let name = &after[..close];
            let field = PLACEHOLDERS
                .iter()
                .find(|p| **p == name)
                .ok_or_else(|| TemplateError::Unknown(name.to_owned()))?;
            parts.push(Part::Field(field));
            rest = &after[close + 1..];
        }
        if !rest.is_empty() {
            parts.push(Part::Text(rest.to_owned()));
        }
        Ok(Template(parts))
    }

    /// The template filled in, before it is made safe.
    pub fn fill(&self, r: &Reach, prefix: &str) -> String {
        self.0
            .iter()
            .map(|p| match p {
                Part::Text(t) => t.as_str(),
                Part::Field("account_name") => r.account_name.as_str(),
                Part::Field("account_id") => r.account_id.as_str(),
                Part::Field("role_name") => r.role_name.as_str(),
                Part::Field(_) => prefix,
            })
            .collect()
    }
}

/// `raw` as a name the SDK reads: every other character (spaces, brackets,
/// `$`, `;`, quotes, line breaks, non-ASCII) becomes `-`, runs of `-` are
/// one, none leads or trails, and it is at most [`MAX_NAME`] long. `None`
/// when nothing is left.
pub fn safe_name(raw: &str) -> Option<ProfileName> {
    let mut out = String::new();
    for c in raw.chars() {
        let c = if sdk_allows(c) { c } else { '-' };
        if c == '-' && (out.is_empty() || out.ends_with('-')) {
            continue;
        }
        out.push(c);
    }
    out.truncate(MAX_NAME);
    let out = out.trim_matches('-');
    ProfileName::parse(out).ok()
}

/// The name proposed for one row, and why it differs from the template's
/// when it had to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proposed {
    pub name: ProfileName,
    pub note: Option<String>,
}

/// A name for every row that can be added (`None` for rows already in the
/// files or that cannot be written); no two alike, none in `taken`.
pub fn propose(
    rows: &[Row],
    template: &Template,
    prefix: &str,
    taken: &HashSet<String>,
) -> Vec<Option<Proposed>> {
    let mut used: HashSet<String> = HashSet::new();
    rows.iter()
        .map(|row| {
            if row.existing.is_some() || row.problem.is_some() {
                return None;
            }
            let r = &row.reach;
            let wanted = safe_name(&template.fill(r, prefix))
                .or_else(|| safe_name(&format!("{}-{}", r.account_id, r.role_name)))?;
            let mut note = None;
            let mut name = wanted.clone();
            let mut n = 2;
            let clashes =
                |name: &str| name == DEFAULT_PROFILE || taken.contains(name) || used.contains(name);
            while clashes(name.as_str()) {
                let why = if wanted.as_str() == DEFAULT_PROFILE {
                    "is the profile every aws command without --profile uses"
                } else if taken.contains(wanted.as_str()) {
                    "is already a profile in your files"
                } else {
                    "is proposed for another row too"
                };
                let suffix = format!("-{n}");
                let mut base = wanted.as_str().to_owned();
                base.truncate(MAX_NAME - suffix.len());
                name = ProfileName::parse(&format!("{base}{suffix}")).ok()?;
                note = Some(format!("“{wanted}” {why}; named {name} instead"));
                n += 1;
            }
            used.insert(name.as_str().to_owned());
            Some(Proposed { name, note })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reach(name: &str, id: &str, role: &str) -> Reach {
        Reach {
            account_name: name.into(),
            account_id: id.into(),
            role_name: role.into(),
        }
    }

    fn row(r: Reach) -> Row {
        Row {
            reach: r,
            existing: None,
            problem: None,
        }
    }

    #[test]
    fn the_default_template_names_account_and_role() {
        let t = Template::parse(DEFAULT_TEMPLATE).unwrap();
        let names = propose(
            &[row(reach("Prod", "111111111111", "Admin"))],
            &t,
            "",
            &HashSet::new(),
        );
        assert_eq!(names[0].as_ref().unwrap().name.as_str(), "Prod-Admin");
        let t = Template::parse("{prefix}-{account_id}.{role_name}").unwrap();
        assert_eq!(
            t.fill(&reach("P", "1", "R"), "org2"),
            "org2-1.R",
            "every placeholder is filled"
        );
        assert_eq!(
            safe_name(&t.fill(&reach("P", "1", "R"), ""))
                .unwrap()
                .as_str(),
            "1.R",
            "an empty prefix leaves no leading dash"
        );
    }

    #[test]
    fn the_default_is_the_default_template() {
        assert_eq!(
            Template::default(),
            Template::parse(DEFAULT_TEMPLATE).unwrap()
        );
    }

    #[test]
    fn a_bad_template_says_what_is_wrong() {
        assert_eq!(
            Template::parse("{account}-{role_name}"),
            Err(TemplateError::Unknown("account".into()))
        );
        assert_eq!(Template::parse("{role_name"), Err(TemplateError::Unclosed));
        assert_eq!(Template::parse(" "), Err(TemplateError::Empty));
        let msg = TemplateError::Unknown("x".into()).to_string();
        assert!(
            msg.contains("{account_name}, {account_id}, {role_name}, {prefix}"),
            "{msg}"
        );
    }

    #[test]
    fn hostile_account_names_become_names_the_sdk_reads() {
        let long = "x".repeat(300);
        for hostile in [
            "Prod (EU) [main]",
            "$(rm -rf ~)",
            "a;b|c&d`e`",
            "it's \"quoted\"",
            "line\nbreak\r\n[profile evil]",
            long.as_str(),
            "Прод 生产 ünïcode",
            "   ",
            "-leading",
        ] {
            let name = safe_name(&format!("{hostile}-Admin")).expect(hostile);
            let s = name.as_str();
            assert!(s.chars().all(sdk_allows), "{s}");
            assert!(!s.starts_with('-') && s.len() <= MAX_NAME, "{s}");
            assert!(s.ends_with("Admin") || s.len() == MAX_NAME, "{s}");
        }
        assert_eq!(
            safe_name("Prod (EU) [main]").unwrap().as_str(),
            "Prod-EU-main"
        );
        assert_eq!(safe_name("$(id)").unwrap().as_str(), "id");
        assert_eq!(safe_name("生产"), None);
    }

    #[test]
    fn collisions_get_a_number_and_say_why() {
        let t = Template::parse("{account_name}").unwrap();
        let rows = [
            row(reach("Prod", "1", "Admin")),
            row(reach("Prod", "1", "ReadOnly")),
            row(reach("Dev", "2", "Admin")),
            row(reach("生产", "3", "Admin")),
        ];
        let taken: HashSet<String> = ["Dev".to_owned()].into();
        let got = propose(&rows, &t, "", &taken);
        let names: Vec<&str> = got
            .iter()
            .map(|p| p.as_ref().unwrap().name.as_str())
            .collect();
        assert_eq!(names, ["Prod", "Prod-2", "Dev-2", "3-Admin"]);
        assert_eq!(got[0].as_ref().unwrap().note, None);
        assert_eq!(
            got[1].as_ref().unwrap().note.as_deref(),
            Some("“Prod” is proposed for another row too; named Prod-2 instead")
        );
        assert_eq!(
            got[2].as_ref().unwrap().note.as_deref(),
            Some("“Dev” is already a profile in your files; named Dev-2 instead")
        );
    }

    #[test]
    fn default_is_never_proposed() {
        let rows = [
            row(reach("default", "1", "Admin")),
            row(reach("Prod", "2", "default")),
        ];
        let by_account = propose(
            &rows,
            &Template::parse("{account_name}").unwrap(),
            "",
            &HashSet::new(),
        );
        let by_role = propose(
            &rows,
            &Template::parse("{role_name}").unwrap(),
            "",
            &HashSet::new(),
        );
        let literal = propose(
            &rows,
            &Template::parse("default").unwrap(),
            "",
            &HashSet::new(),
        );
        let names = |got: &[Option<Proposed>]| -> Vec<String> {
            got.iter()
                .map(|p| p.as_ref().unwrap().name.to_string())
                .collect()
        };
        assert_eq!(names(&by_account), ["default-2", "Prod"]);
        assert_eq!(names(&by_role), ["Admin", "default-2"]);
        assert_eq!(names(&literal), ["default-2", "default-3"]);
        assert_eq!(
            by_account[0].as_ref().unwrap().note.as_deref(),
            Some(
                "“default” is the profile every aws command without --profile uses; named default-2 instead"
            )
        );
    }

    #[test]
    fn rows_already_in_the_files_get_no_name() {
        let t = Template::parse(DEFAULT_TEMPLATE).unwrap();
        let mut r = row(reach("Prod", "1", "Admin"));
        r.existing = Some("prod".into());
        assert_eq!(propose(&[r], &t, "", &HashSet::new()), [None]);
    }
}
