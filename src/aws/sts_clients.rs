//! One STS client for the access-key profiles of a batch whose settings
//! are the same but for their keys.
//!
//! Loading a profile's SDK config and building a client from it cost more
//! than the request itself. What aws-config resolves for an access-key
//! profile besides its credentials (region, endpoints, FIPS, dual-stack,
//! user agent, checksums…) is a function of the environment, the shared
//! sections and the profile's own properties other than its keys
//! (`aws_access_key_id`, `aws_secret_access_key`, `aws_session_token`,
//! `aws_account_id`, which only its profile provider reads). So profiles
//! whose own sections match once those are taken out share one client, and
//! each request carries its own profile's credentials.

use aws_sdk_sts::Client;
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use tokio::sync::OnceCell;

/// The properties that only make up a profile's credentials.
const KEY_PROPERTIES: [&str; 4] = [
    "aws_access_key_id",
    "aws_secret_access_key",
    "aws_session_token",
    "aws_account_id",
];

/// The clients of one batch (one environment, one timeout, one reading of
/// the files), by [`settings_key`].
#[derive(Default)]
pub struct StsClients {
    by_settings: Mutex<HashMap<String, Arc<OnceCell<Client>>>>,
}

impl StsClients {
    /// The client for `key`, built by `build` by the first check that asks
    /// (the others wait for it).
    pub async fn get_or_build<F, Fut>(&self, key: String, build: F) -> Client
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Client>,
    {
        let cell = {
            let mut map = self.by_settings.lock().unwrap_or_else(|e| e.into_inner());
            map.entry(key).or_default().clone()
        };
        cell.get_or_init(build).await.clone()
    }
}

/// What tells two access-key profiles' settings apart: their own sections
/// (as `ProfileSources::own_sections` gives them, in file order) with the
/// key properties, with any lines continuing them, and the profile's name
/// taken out. Anything else stays verbatim, so profiles that differ in any
/// other way (even a comment) get clients of their own. `default` keeps
/// its name: its sections are read by rules of their own.
pub fn settings_key(name: &str, sections: &[&str]) -> String {
    let mut key = String::new();
    for section in sections {
        let mut skipping = false;
        for line in section.lines() {
            let continues = line.starts_with([' ', '\t']) && !line.trim().is_empty();
            if continues && skipping {
                continue;
            }
            skipping = false;
            if line.starts_with('[') && name != "default" {
                key.push_str(&without_name(line, name));
            } else if is_key_property(line) {
                skipping = true;
                continue;
            } else {
                key.push_str(line);
            }
            key.push('\n');
        }
        key.push('\u{1}');
    }
    key
}

/// A header line with the profile's name (its last mention) left out.
fn without_name(line: &str, name: &str) -> String {
    match line.rfind(name) {
        Some(at) => format!("{}\u{0}{}", &line[..at], &line[at + name.len()..]),
        None => line.to_owned(),
    }
}

fn is_key_property(line: &str) -> bool {
    let Some((k, _)) = line.split_once('=') else {
        return false;
    };
    let k = k.trim_matches([' ', '\t']).to_ascii_lowercase();
    !line.starts_with([' ', '\t']) && KEY_PROPERTIES.contains(&k.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_that_differ_only_in_their_keys_and_names_share_a_key() {
        let a = settings_key(
            "a",
            &[
                "[profile a]\nregion = eu-west-1\n",
                "[a]\naws_access_key_id = AKIA1\naws_secret_access_key = s1\n",
            ],
        );
        let b = settings_key(
            "b",
            &[
                "[profile b]\nregion = eu-west-1\n",
                "[b]\nAWS_ACCESS_KEY_ID = AKIA2\naws_secret_access_key = s2\naws_session_token =\n  tok\naws_account_id = 1\n",
            ],
        );
        assert_eq!(a, b);
    }

    #[test]
    fn any_other_difference_keeps_them_apart() {
        let base = settings_key("a", &["[profile a]\nregion = eu-west-1\n"]);
        for other in [
            "[profile a]\nregion = eu-west-2\n",
            "[profile a]\nregion = eu-west-1\nendpoint_url = http://x\n",
            "[profile a]\nregion = eu-west-1\n# note\n",
            "[profile a]\nregion = eu-west-1\nservices = local\n",
            // A continuation of region, not of a key: a different region.
            "[profile a]\nregion = eu-west-1\n  more\n",
        ] {
            assert_ne!(base, settings_key("a", &[other]), "{other}");
        }
        let after_key = settings_key(
            "a",
            &["[profile a]\naws_secret_access_key = s\n  more\nregion = eu-west-1\n"],
        );
        assert_eq!(base, after_key, "a key's own continuation goes with it");
        assert_ne!(
            settings_key("default", &["[default]\nregion = eu-west-1\n"]),
            settings_key("x", &["[x]\nregion = eu-west-1\n"]),
        );
    }
}
