//! The environment the AWS side of Escher runs in, made explicit.
//!
//! The SDK is handed a filtered copy of the process environment: the
//! variables that locate files, endpoints and the home directory pass
//! through; credential and profile variables (`AWS_ACCESS_KEY_ID`,
//! `AWS_PROFILE`, …) do not, so a check verifies the named profile's own
//! credentials. Tests build an `AwsEnv` from their own values, which keeps
//! parallel tests from sharing process-wide state.

use std::collections::BTreeMap;
use std::path::PathBuf;

/// Variables that would make the AWS CLI use other credentials than the
/// profile's own. Escher ignores them and warns that they are set.
pub const OVERRIDING_VARS: &[&str] = &[
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
];

const PASSED_VARS: &[&str] = &[
    "HOME",
    "USERPROFILE",
    "HOMEDRIVE",
    "HOMEPATH",
    "AWS_CONFIG_FILE",
    "AWS_SHARED_CREDENTIALS_FILE",
    "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
    "AWS_USE_FIPS_ENDPOINT",
    "AWS_USE_DUALSTACK_ENDPOINT",
];

fn passed(key: &str) -> bool {
    PASSED_VARS.contains(&key) || key.starts_with("AWS_ENDPOINT_URL")
}

/// Read by Escher itself (the SDK ignores it): the CLI's CA bundle.
pub const CA_BUNDLE_VAR: &str = "AWS_CA_BUNDLE";

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AwsEnv {
    vars: BTreeMap<String, String>,
    /// Which [`OVERRIDING_VARS`] are set: names only, since their values
    /// are secrets Escher never needs.
    overriding: Vec<&'static str>,
}

impl AwsEnv {
    /// The relevant part of this process's environment.
    pub fn from_process() -> Self {
        Self::from_vars(std::env::vars())
    }

    pub fn from_vars<K: Into<String>, V: Into<String>>(
        vars: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        let mut kept = BTreeMap::new();
        let mut overriding = Vec::new();
        for (k, v) in vars {
            let (k, v): (String, String) = (k.into(), v.into());
            if let Some(name) = OVERRIDING_VARS.iter().find(|n| **n == k) {
                if !v.is_empty() {
                    overriding.push(*name);
                }
            } else if passed(&k) || k == CA_BUNDLE_VAR {
                kept.insert(k, v);
            }
        }
        overriding.sort_by_key(|n| OVERRIDING_VARS.iter().position(|o| o == n));
        overriding.dedup();
        AwsEnv {
            vars: kept,
            overriding,
        }
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.vars.get(key).map(String::as_str)
    }

    /// The variables kept here whose names start with `prefix`, with their values.
    pub fn vars_starting_with<'a>(
        &'a self,
        prefix: &'a str,
    ) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        self.vars
            .range(prefix.to_owned()..)
            .take_while(move |(k, _)| k.starts_with(prefix))
            .map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// The variables set here that the CLI would let override a profile.
    pub fn overriding_vars(&self) -> Vec<&'static str> {
        self.overriding.clone()
    }

    pub fn home_dir(&self) -> Option<PathBuf> {
        self.get("HOME")
            .or_else(|| self.get("USERPROFILE"))
            .filter(|h| !h.is_empty())
            .map(PathBuf::from)
    }

    /// `~/.aws/config`, or `AWS_CONFIG_FILE`.
    pub fn config_file(&self) -> Option<PathBuf> {
        self.file_var("AWS_CONFIG_FILE", "config")
    }

    /// `~/.aws/credentials`, or `AWS_SHARED_CREDENTIALS_FILE`.
    pub fn credentials_file(&self) -> Option<PathBuf> {
        self.file_var("AWS_SHARED_CREDENTIALS_FILE", "credentials")
    }

    pub fn sso_cache_dir(&self) -> Option<PathBuf> {
        self.home_dir()
            .map(|h| h.join(".aws").join("sso").join("cache"))
    }

    fn file_var(&self, var: &str, default_name: &str) -> Option<PathBuf> {
        match self.get(var).filter(|v| !v.is_empty()) {
            Some(path) => Some(self.expand_home(path)),
            None => self.home_dir().map(|h| h.join(".aws").join(default_name)),
        }
    }

    pub fn expand_home(&self, path: &str) -> PathBuf {
        match (path.strip_prefix("~/"), self.home_dir()) {
            (Some(rest), Some(home)) => home.join(rest),
            _ => PathBuf::from(path),
        }
    }

    /// What the SDK sees: the passed-through variables, and IMDS switched
    /// off so that a desktop check never probes the EC2 metadata address.
    pub fn sdk_env(&self) -> aws_types::os_shim_internal::Env {
        let mut map: std::collections::HashMap<String, String> = self
            .vars
            .iter()
            .filter(|(k, _)| passed(k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        map.insert("AWS_EC2_METADATA_DISABLED".into(), "true".into());
        map.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_in_the_environment_never_reach_the_sdk() {
        let env = AwsEnv::from_vars([
            ("HOME", "/home/u"),
            ("AWS_ACCESS_KEY_ID", "AKIAENV"),
            ("AWS_PROFILE", "other"),
            ("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:1"),
            ("PATH", "/bin"),
        ]);
        assert_eq!(
            env.overriding_vars(),
            vec!["AWS_ACCESS_KEY_ID", "AWS_PROFILE"]
        );
        let sdk = env.sdk_env();
        assert!(sdk.get("AWS_ACCESS_KEY_ID").is_err());
        assert!(sdk.get("AWS_PROFILE").is_err());
        assert_eq!(
            sdk.get("AWS_ENDPOINT_URL_STS").unwrap(),
            "http://127.0.0.1:1"
        );
        assert_eq!(sdk.get("AWS_EC2_METADATA_DISABLED").unwrap(), "true");
        assert_eq!(
            env.config_file().unwrap(),
            PathBuf::from("/home/u/.aws/config")
        );
    }

    #[test]
    fn file_variables_win_and_expand_tilde() {
        let env = AwsEnv::from_vars([
            ("HOME", "/h"),
            ("AWS_CONFIG_FILE", "~/alt/config"),
            ("AWS_SHARED_CREDENTIALS_FILE", "/etc/creds"),
        ]);
        assert_eq!(env.config_file().unwrap(), PathBuf::from("/h/alt/config"));
        assert_eq!(env.credentials_file().unwrap(), PathBuf::from("/etc/creds"));
    }

    #[test]
    fn secret_values_are_never_kept() {
        let env = AwsEnv::from_vars([
            ("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMIsecret"),
            ("AWS_SESSION_TOKEN", "FwoGZXIvYXdzEBsessiontoken"),
            ("AWS_ACCESS_KEY_ID", ""),
        ]);
        assert_eq!(
            env.overriding_vars(),
            vec!["AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"]
        );
        let shown = format!("{env:?}");
        assert!(!shown.contains("wJalrXUtnFEMIsecret"), "{shown}");
        assert!(!shown.contains("FwoGZXIvYXdzEBsessiontoken"), "{shown}");
    }
}
