//! Which profiles the screen in view checks again by itself when their
//! state changes in the files (see `auto_recheck`).

use super::{Pane, Step, Wizard};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AutoCheck {
    /// Being connected: a pass connects it, as Re-check's would.
    Connect,
    /// Connected and switched on: the check updates its row.
    Update,
}

impl Wizard {
    /// Connect AWS: the profile named in the field. Settings → Profiles:
    /// the connected profiles switched on, and those found in the files
    /// whose Connect failed.
    pub fn auto_check(&self, name: &str) -> Option<AutoCheck> {
        match self.pane {
            Pane::Wizard if self.step == Step::ConnectAws => self
                .profile_name()
                .is_ok_and(|n| n.as_str() == name)
                .then_some(AutoCheck::Connect),
            Pane::Wizard => None,
            Pane::Profiles => match self.lookup.connected.get(name) {
                Some(&i) => self
                    .profiles
                    .get(i)
                    .filter(|p| p.enabled)
                    .map(|_| AutoCheck::Update),
                None => self
                    .reports
                    .get(name)
                    .filter(|r| !r.passed())
                    .map(|_| AutoCheck::Connect),
            },
        }
    }
}
