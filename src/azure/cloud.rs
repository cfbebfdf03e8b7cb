//! The active cloud, from `az cloud show`: its name and the Azure Resource
//! Manager endpoint every verification talks to, so sovereign clouds work
//! unchanged.

use crate::url_host::{host_of, is_loopback};
use serde::Deserialize;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cloud {
    /// `AzureCloud`, `AzureUSGovernment`, `AzureChinaCloud` or a custom name.
    pub name: String,
    /// Always ends with `/`: `https://management.azure.com/`.
    pub resource_manager: String,
}

pub const PUBLIC_CLOUD: &str = "AzureCloud";

impl Cloud {
    pub fn is_public(&self) -> bool {
        self.name == PUBLIC_CLOUD
    }
}

#[derive(Deserialize)]
struct Shown {
    name: String,
    endpoints: Endpoints,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Endpoints {
    resource_manager: Option<String>,
}

/// Parse `az cloud show -o json`.
pub fn parse(stdout: &str) -> Result<Cloud, String> {
    let shown: Shown = serde_json::from_str(stdout.trim_start_matches('\u{feff}'))
        .map_err(|e| format!("az cloud show printed something Escher cannot read: {e}"))?;
    let endpoint = shown
        .endpoints
        .resource_manager
        .ok_or_else(|| format!("the cloud {} has no resourceManager endpoint", shown.name))?;
    Ok(Cloud {
        resource_manager: resource_manager_url(&endpoint)?,
        name: shown.name,
    })
}

/// The endpoint as a base URL: `https://` anywhere, plain `http://` only
/// for this machine (a test server), always with a trailing `/`.
pub fn resource_manager_url(endpoint: &str) -> Result<String, String> {
    let endpoint = endpoint.trim();
    let (scheme, rest) = endpoint
        .split_once("://")
        .ok_or_else(|| format!("{endpoint:?} is not a URL"))?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = host_of(authority);
    if host.is_empty() || authority.contains('@') {
        return Err(format!("{endpoint:?} has no usable host"));
    }
    match scheme.to_ascii_lowercase().as_str() {
        "https" => {}
        "http" if is_loopback(host) => {}
        "http" => {
            return Err(format!(
                "{endpoint:?} is plain http; Escher sends tokens only over https (or to this machine)"
            ));
        }
        other => return Err(format!("{endpoint:?} uses {other}:, not https:")),
    }
    let mut url = endpoint
        .split(['?', '#'])
        .next()
        .unwrap_or(endpoint)
        .to_owned();
    if !url.ends_with('/') {
        url.push('/');
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_only_for_loopback() {
        assert_eq!(
            resource_manager_url("https://management.usgovcloudapi.net").unwrap(),
            "https://management.usgovcloudapi.net/"
        );
        assert_eq!(
            resource_manager_url("http://127.0.0.1:4321/").unwrap(),
            "http://127.0.0.1:4321/"
        );
        assert!(resource_manager_url("http://[::1]:80/").is_ok());
        assert!(resource_manager_url("http://localhost:80/").is_ok());
        assert!(resource_manager_url("http://management.azure.com/").is_err());
        assert!(resource_manager_url("http://127.0.0.1.evil.example/").is_err());
        assert!(resource_manager_url("http://127.0.0.1@evil.example/").is_err());
        assert!(resource_manager_url("ftp://127.0.0.1/").is_err());
        assert!(resource_manager_url("management.azure.com").is_err());
    }
}
