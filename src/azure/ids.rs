//! Tenant and subscription ids: GUIDs, checked before they reach an `az`
//! argument or a URL path, so neither can carry anything else.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A GUID in its usual text form (`8-4-4-4-12` hex digits), lower-cased.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Guid(String);

impl Guid {
    pub fn parse(text: &str) -> Option<Guid> {
        let t = text.trim();
        let groups: Vec<&str> = t.split('-').collect();
        let lens = [8, 4, 4, 4, 12];
        let ok = groups.len() == lens.len()
            && groups
                .iter()
                .zip(lens)
                .all(|(g, n)| g.len() == n && g.chars().all(|c| c.is_ascii_hexdigit()));
        ok.then(|| Guid(t.to_ascii_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Guid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Guid {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Guid::parse(&s).ok_or_else(|| format!("{s:?} is not a GUID"))
    }
}

impl From<Guid> for String {
    fn from(g: Guid) -> String {
        g.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_guids_pass() {
        let g = Guid::parse("0B1F6471-1BF0-4DDA-AEC3-CB9272F09590").unwrap();
        assert_eq!(g.as_str(), "0b1f6471-1bf0-4dda-aec3-cb9272f09590");
        for bad in [
            "",
            "N/A(tenant level account)",
            "0b1f6471-1bf0-4dda-aec3-cb9272f0959",
            "0b1f6471-1bf0-4dda-aec3-cb9272f0959g",
            "0b1f6471-1bf0-4dda-aec3-cb9272f09590; rm -rf /",
            "../../providers/x",
        ] {
            assert_eq!(Guid::parse(bad), None, "{bad}");
        }
    }
}
