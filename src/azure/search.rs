//! The picker's search box: which subscriptions match what was typed.
//! The text to search is lower-cased once per listing, so each keystroke
//! is one pass of substring tests, fast at hundreds of subscriptions.

use super::ids::Guid;
use super::subscriptions::Listing;

pub struct SearchIndex {
    /// Per tenant: its searchable text (name, domain, id) and, per
    /// subscription, the subscription's (name, id, state).
    tenants: Vec<(String, Vec<String>)>,
}

/// What matched, in the listing's order: per tenant index, the indices of
/// its matching subscriptions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Matches {
    pub tenants: Vec<(usize, Vec<usize>)>,
}

impl Matches {
    pub fn count(&self) -> usize {
        self.tenants.iter().map(|(_, s)| s.len()).sum()
    }
}

impl SearchIndex {
    pub fn new(listing: &Listing) -> Self {
        let tenants = listing
            .tenants
            .iter()
            .map(|t| {
                let own =
                    format!("{}\n{}\n{}", t.display_name, t.default_domain, t.id).to_lowercase();
                let subs = t
                    .subscriptions
                    .iter()
                    .map(|s| format!("{}\n{}\n{}", s.name, s.id, s.state.label()).to_lowercase())
                    .collect();
                (own, subs)
            })
            .collect();
        SearchIndex { tenants }
    }

    /// Every word of `query` must appear, in the subscription's name, id
    /// or state, or in its tenant's name, domain or id. An empty query
    /// matches everything, tenants without subscriptions included.
    pub fn search(&self, query: &str) -> Matches {
        let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
        let mut out = Vec::new();
        for (ti, (own, subs)) in self.tenants.iter().enumerate() {
            let hit = |text: &str| {
                words
                    .iter()
                    .all(|w| text.contains(w.as_str()) || own.contains(w.as_str()))
            };
            let matching: Vec<usize> = subs
                .iter()
                .enumerate()
                .filter(|(_, text)| hit(text))
                .map(|(si, _)| si)
                .collect();
            if !matching.is_empty() || (subs.is_empty() && hit("")) {
                out.push((ti, matching));
            }
        }
        Matches { tenants: out }
    }

    /// The ids of the matches, for "select all shown".
    pub fn ids(listing: &Listing, m: &Matches) -> Vec<Guid> {
        m.tenants
            .iter()
            .flat_map(|(ti, subs)| {
                subs.iter().filter_map(move |si| {
                    listing
                        .tenants
                        .get(*ti)
                        .and_then(|t| t.subscriptions.get(*si))
                        .map(|s| s.id.clone())
                })
            })
            .collect()
    }
}
