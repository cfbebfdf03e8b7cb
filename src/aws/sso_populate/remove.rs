//! Taking out the profiles Escher added from one sign-in, found by the
//! comment line above each; every other byte of the file stays.

use super::SignIn;
use super::render::MARKER;
use super::write::{self, Change, Snapshot, WriteError};
use crate::aws::profiles::Discovery;
use std::ops::Range;
use std::path::PathBuf;
use std::time::SystemTime;

/// A section Escher added, as it stands in the file now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddedSection {
    pub name: String,
    /// The sign-in its comment names (`sso-session corp`).
    pub from: String,
    /// Its bytes: the blank line Escher put before it, the comment, the
    /// header and the lines under it up to the next section or comment.
    pub range: Range<usize>,
}

fn is_blank(line: &str) -> bool {
    line.trim().is_empty()
}

fn profile_header(line: &str) -> Option<&str> {
    let inner = line.trim().strip_prefix('[')?.strip_suffix(']')?.trim();
    let name = inner.strip_prefix("profile")?;
    name.starts_with([' ', '\t']).then(|| name.trim())
}

/// Every section under an Escher comment line, in file order.
pub fn find(text: &str) -> Vec<AddedSection> {
    let mut lines: Vec<(usize, &str)> = Vec::new();
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        lines.push((at, line));
        at += line.len();
    }
    let mut out = Vec::new();
    for (i, (start, line)) in lines.iter().enumerate() {
        let Some(rest) = line.strip_prefix(MARKER) else {
            continue;
        };
        let Some((_, from)) = rest.trim_end().split_once(" from ") else {
            continue;
        };
        let Some(name) = lines.get(i + 1).and_then(|(_, l)| profile_header(l)) else {
            continue;
        };
        let mut end = i + 2;
        let mut last_filled = i + 1;
        while let Some((_, l)) = lines.get(end) {
            let t = l.trim_start();
            if t.starts_with('[') || t.starts_with('#') || t.starts_with(';') {
                break;
            }
            if !is_blank(l) {
                last_filled = end;
            }
            end += 1;
        }
        let from_byte = match i.checked_sub(1).map(|j| lines[j]) {
            Some((s, l)) if is_blank(l) => s,
            _ => *start,
        };
        let (s, l) = lines[last_filled];
        out.push(AddedSection {
            name: name.to_owned(),
            from: from.to_owned(),
            range: from_byte..s + l.len(),
        });
    }
    out
}

/// What Remove would write.
#[derive(Clone, Debug)]
pub struct RemovePlan {
    pub snapshot: Snapshot,
    /// Each section taken out: its profile name and its text.
    pub sections: Vec<(String, String)>,
    /// The profiles that stay and would lose their source.
    pub orphans: Vec<Orphan>,
    new_text: String,
}

/// A profile that stays while the profile its `source_profile` leads to
/// (directly or through others) is removed: it would stop working.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Orphan {
    pub name: String,
    /// The profiles between it and the removed one, nearest first.
    pub through: Vec<String>,
    /// The removed profile its chain ends at.
    pub source: String,
}

impl std::fmt::Display for Orphan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.through.as_slice() {
            [] => write!(f, "{} (its source_profile is {})", self.name, self.source),
            through => write!(
                f,
                "{} (through {} to {})",
                self.name,
                through.join(" → "),
                self.source
            ),
        }
    }
}

/// Whether Remove may leave profiles without their source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Orphans {
    /// Refuse ([`WriteError::WouldOrphan`]): the command line's answer.
    Refuse,
    /// Leave them: the user was shown each and confirmed.
    Leave,
}

/// Every profile in `files` not in `gone` whose `source_profile` chain
/// reaches a profile in `gone`, in name order.
pub fn orphans(files: &Discovery, gone: &[&str]) -> Vec<Orphan> {
    let source_of = |name: &str| files.get(name).and_then(|p| p.source_profile.clone());
    files
        .profiles
        .iter()
        .filter(|p| !gone.contains(&p.name.as_str()))
        .filter_map(|p| {
            let mut through = Vec::new();
            let mut next = source_of(&p.name)?;
            // A chain longer than the file is a loop (discovery says so).
            for _ in 0..files.profiles.len() {
                if gone.contains(&next.as_str()) {
                    return Some(Orphan {
                        name: p.name.clone(),
                        through,
                        source: next,
                    });
                }
                let after = source_of(&next)?;
                through.push(std::mem::replace(&mut next, after));
            }
            None
        })
        .collect()
}

/// The plan for removing the sections Escher added from `sign_in`, checked:
/// every other profile must read as before. `files` (both AWS files, as
/// discovered) tell which profiles would lose their source.
pub fn plan(
    snapshot: Snapshot,
    sign_in: &SignIn,
    files: &Discovery,
) -> Result<RemovePlan, WriteError> {
    let words = sign_in.marker_words();
    let found: Vec<AddedSection> = find(&snapshot.text)
        .into_iter()
        .filter(|s| s.from == words)
        .collect();
    let mut new_text = String::new();
    let mut kept_from = 0;
    let mut sections = Vec::new();
    for s in &found {
        new_text.push_str(&snapshot.text[kept_from..s.range.start]);
        sections.push((s.name.clone(), snapshot.text[s.range.clone()].to_owned()));
        kept_from = s.range.end;
    }
    new_text.push_str(&snapshot.text[kept_from..]);
    let before = write::parse(&snapshot.text).map_err(|why| WriteError::Unreadable {
        path: snapshot.path.clone(),
        why,
    })?;
    let after = write::parse(&new_text).map_err(|why| WriteError::WouldChange { why })?;
    let gone: Vec<&str> = found.iter().map(|s| s.name.as_str()).collect();
    write::same_except(&before, &after, &gone).map_err(|why| WriteError::WouldChange { why })?;
    Ok(RemovePlan {
        snapshot,
        sections,
        orphans: orphans(files, &gone),
        new_text,
    })
}

impl RemovePlan {
    /// The removed text, as the preview shows it.
    pub fn text(&self) -> String {
        self.sections.iter().map(|(_, t)| t.as_str()).collect()
    }

    pub fn names(&self) -> Vec<String> {
        self.sections.iter().map(|(n, _)| n.clone()).collect()
    }

    /// Write it, if the file is still as read and no profile would lose its
    /// source (unless `orphans` says to leave them); returns the backup's
    /// path.
    pub fn apply(&self, now: SystemTime, orphans: Orphans) -> Result<PathBuf, WriteError> {
        if orphans == Orphans::Refuse && !self.orphans.is_empty() {
            return Err(WriteError::WouldOrphan {
                orphans: self.orphans.iter().map(ToString::to_string).collect(),
            });
        }
        let (_, stamp) = write::stamps(now);
        let names = self.names();
        let landed = |set: &aws_config::profile::ProfileSet| {
            names.iter().all(|n| set.get_profile(n).is_none())
        };
        write::commit(
            &self.snapshot,
            &self.new_text,
            &stamp,
            Change::Remove,
            &landed,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OLD: &str = "# mine\n[profile a]\nregion = x\n";

    fn added() -> String {
        format!(
            "{OLD}\n{MARKER}T from sso-session corp\n[profile p1]\nsso_session = corp\n\n\
             {MARKER}T from sso-session other\n[profile p2]\nsso_session = other\n\
             {MARKER}T from sso-session corp\n[profile p3]\nsso_session = corp\n\n\n# user note\n[profile b]\n"
        )
    }

    #[test]
    fn finds_only_sections_under_escher_comments() {
        let text = added();
        let found = find(&text);
        let names: Vec<&str> = found.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["p1", "p2", "p3"]);
        assert_eq!(found[1].from, "sso-session other");
        assert_eq!(
            &text[found[0].range.clone()],
            format!("\n{MARKER}T from sso-session corp\n[profile p1]\nsso_session = corp\n")
        );
        // The user's comment and the blank lines before it stay outside.
        assert!(text[found[2].range.clone()].ends_with("sso_session = corp\n"));
    }

    #[test]
    fn a_comment_without_its_section_is_left_alone() {
        let text = format!("{MARKER}T from sso-session corp\n# something else\n[profile p]\n");
        assert!(find(&text).is_empty());
    }
}
