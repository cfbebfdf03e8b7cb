//! Lookups over the connected profiles and the AWS files, rebuilt when
//! either changes rather than searched every frame, so that a frame costs
//! the same with ten profiles as with a thousand.

use crate::aws::profiles::Discovery;
use crate::settings::SavedProfile;
use std::collections::HashMap;

#[derive(Clone, Debug, Default)]
pub(super) struct Lookup {
    /// Name → position in `Discovery::profiles`.
    pub in_files: HashMap<String, usize>,
    /// Name → position in the connected profiles.
    pub connected: HashMap<String, usize>,
    /// Positions in `Discovery::profiles` of those not connected, in file order.
    pub found_not_connected: Vec<usize>,
    pub any_enabled: bool,
    /// Connected profiles that passed a check.
    pub verified: usize,
}

impl Lookup {
    pub fn build(profiles: &[SavedProfile], discovery: Option<&Discovery>) -> Self {
        let connected: HashMap<String, usize> = profiles
            .iter()
            .enumerate()
            .map(|(i, p)| (p.name.clone(), i))
            .collect();
        let files = discovery.map(|d| d.profiles.as_slice()).unwrap_or_default();
        // The first of a repeated name wins, as `Discovery::get` finds it.
        let mut in_files = HashMap::with_capacity(files.len());
        for (i, p) in files.iter().enumerate() {
            in_files.entry(p.name.clone()).or_insert(i);
        }
        let found_not_connected = files
            .iter()
            .enumerate()
            .filter(|(_, p)| !connected.contains_key(&p.name))
            .map(|(i, _)| i)
            .collect();
        Lookup {
            in_files,
            connected,
            found_not_connected,
            any_enabled: profiles.iter().any(|p| p.enabled),
            verified: profiles.iter().filter(|p| p.identity.is_some()).count(),
        }
    }
}
