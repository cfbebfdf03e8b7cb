//! The environment `az` runs in, made explicit.
//!
//! The child gets exactly [`AzEnv::vars`] (plus colour off), so tests hand
//! it their own `PATH`, `HOME` and `AZURE_CONFIG_DIR` without touching the
//! test process's environment, and the app passes its own through.

use std::collections::BTreeMap;
use std::ffi::{OsStr, OsString};
use std::path::PathBuf;
use std::time::Duration;

/// How long each step may take before Escher gives up on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// One `az` call; the child is killed after it.
    pub az: Duration,
    /// One request to Azure Resource Manager.
    pub arm: Duration,
    /// A sign-in (`az login`), waiting for the user; az is ended after it.
    pub login: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            az: Duration::from_secs(30),
            arm: Duration::from_secs(15),
            login: Duration::from_secs(600),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AzEnv {
    vars: BTreeMap<OsString, OsString>,
    /// Where to look for `az`; `None`: [`crate::azure::find::search_dirs`].
    pub az_dirs: Option<Vec<PathBuf>>,
}

impl AzEnv {
    pub fn from_process() -> Self {
        Self::from_vars(std::env::vars_os())
    }

    pub fn from_vars<K: Into<OsString>, V: Into<OsString>>(
        vars: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        AzEnv {
            vars: vars
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
            az_dirs: None,
        }
    }

    /// Look for `az` only in these folders.
    pub fn with_az_dirs(mut self, dirs: Vec<PathBuf>) -> Self {
        self.az_dirs = Some(dirs);
        self
    }

    pub fn var(&self, key: &str) -> Option<&OsStr> {
        self.vars
            .get(OsStr::new(key))
            .map(OsString::as_os_str)
            .filter(|v| !v.is_empty())
    }

    pub fn vars(&self) -> impl Iterator<Item = (&OsString, &OsString)> {
        self.vars.iter()
    }

    /// No browser can open here (SSH, WSL, no display): a sign-in uses a
    /// code, by the AWS sign-in's own rule.
    pub fn no_browser(&self) -> bool {
        let vars = |k: &str| self.var(k).map(|v| v.to_string_lossy().into_owned());
        crate::aws::sso_login::default_flow(&vars) == crate::aws::sso_login::Flow::DeviceCode
    }

    pub fn home(&self) -> Option<PathBuf> {
        self.var("HOME")
            .or_else(|| self.var("USERPROFILE"))
            .map(PathBuf::from)
    }

    /// The folder az keeps its sign-in in: `AZURE_CONFIG_DIR`, else
    /// `~/.azure`. Escher never writes there (az login, run on a click,
    /// does); it names it in messages.
    pub fn config_dir(&self) -> Option<PathBuf> {
        self.var("AZURE_CONFIG_DIR")
            .map(PathBuf::from)
            .or_else(|| self.home().map(|h| h.join(".azure")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_dir_honours_azure_config_dir() {
        let env = AzEnv::from_vars([("HOME", "/h"), ("AZURE_CONFIG_DIR", "/cfg/az")]);
        assert_eq!(env.config_dir(), Some(PathBuf::from("/cfg/az")));
        let env = AzEnv::from_vars([("HOME", "/h"), ("AZURE_CONFIG_DIR", "")]);
        assert_eq!(env.config_dir(), Some(PathBuf::from("/h/.azure")));
    }
}
