//! Azure Resource Manager, GET only, through the app's HTTPS client
//! (rustls, HTTPS_PROXY honoured). Each request is bounded by its own
//! limit; the bearer token goes into the header and nowhere else.

use super::ids::Guid;
use super::permissions::Permission;
use super::token::AccessToken;
use aws_smithy_runtime_api::client::http::HttpConnector;
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_types::byte_stream::ByteStream;
use serde::Deserialize;
use std::sync::OnceLock;
use std::time::Duration;

pub const SUBSCRIPTION_API: &str = "2022-12-01";
pub const PERMISSIONS_API: &str = "2022-04-01";
pub const RESOURCE_GROUPS_API: &str = "2021-04-01";
/// Pages of a permissions list followed at most.
const MAX_PAGES: usize = 20;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ArmError {
    TimedOut(Duration),
    /// The connection itself: DNS, refused, TLS, proxy.
    Network(String),
    /// ARM answered with an error.
    Status {
        status: u16,
        code: String,
        message: String,
    },
    /// A body Escher cannot read.
    Body(String),
}

impl ArmError {
    /// ARM's own words, for Details (never the token).
    pub fn detail(&self) -> String {
        match self {
            ArmError::TimedOut(d) => format!("no answer within {} s", d.as_secs()),
            ArmError::Network(e) => e.clone(),
            ArmError::Status {
                status,
                code,
                message,
            } => format!("HTTP {status} {code}: {message}"),
            ArmError::Body(e) => e.clone(),
        }
    }

    pub fn code(&self) -> Option<&str> {
        match self {
            ArmError::Status { code, .. } => Some(code),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ArmSubscription {
    pub subscription_id: String,
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub tenant_id: Option<String>,
    #[serde(default)]
    pub state: String,
}

/// One ARM endpoint and one connection pool, for a whole verification.
pub struct Arm {
    base: String,
    limit: Duration,
    connector: OnceLock<aws_smithy_http_client::Connector>,
}

impl Arm {
    /// `base`: the cloud's `resourceManager`, ending in `/` (see
    /// [`super::cloud::resource_manager_url`]).
    pub fn new(base: &str, limit: Duration) -> Self {
        Arm {
            base: base.to_owned(),
            limit,
            connector: OnceLock::new(),
        }
    }

    pub async fn subscription(
        &self,
        id: &Guid,
        token: &AccessToken,
    ) -> Result<ArmSubscription, ArmError> {
        let url = format!(
            "{}subscriptions/{id}?api-version={SUBSCRIPTION_API}",
            self.base
        );
        let body = self.get(&url, token).await?;
        serde_json::from_slice(&body).map_err(|e| ArmError::Body(format!("subscription: {e}")))
    }

    /// The caller's effective permissions at `scope` (`/subscriptions/…`),
    /// every page.
    pub async fn permissions(
        &self,
        scope: &str,
        token: &AccessToken,
    ) -> Result<Vec<Permission>, ArmError> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Page {
            #[serde(default)]
            value: Vec<Permission>,
            next_link: Option<String>,
        }
        let mut url = format!(
            "{}{}/providers/Microsoft.Authorization/permissions?api-version={PERMISSIONS_API}",
            self.base,
            scope.trim_start_matches('/')
        );
        let mut all = Vec::new();
        for _ in 0..MAX_PAGES {
            let body = self.get(&url, token).await?;
            let page: Page = serde_json::from_slice(&body)
                .map_err(|e| ArmError::Body(format!("permissions: {e}")))?;
            all.extend(page.value);
            match page.next_link {
                // The token goes only to the endpoint az named.
                Some(next) if next.starts_with(&self.base) => url = next,
                _ => break,
            }
        }
        Ok(all)
    }

    /// The first resource group's name, for the permissions fallback.
    pub async fn first_resource_group(
        &self,
        id: &Guid,
        token: &AccessToken,
    ) -> Result<Option<String>, ArmError> {
        #[derive(Deserialize)]
        struct Groups {
            #[serde(default)]
            value: Vec<Group>,
        }
        #[derive(Deserialize)]
        struct Group {
            name: String,
        }
        let url = format!(
            "{}subscriptions/{id}/resourcegroups?api-version={RESOURCE_GROUPS_API}&%24top=1",
            self.base
        );
        let body = self.get(&url, token).await?;
        let groups: Groups = serde_json::from_slice(&body)
            .map_err(|e| ArmError::Body(format!("resource groups: {e}")))?;
        Ok(groups.value.into_iter().next().map(|g| g.name))
    }

    async fn get(&self, url: &str, token: &AccessToken) -> Result<Vec<u8>, ArmError> {
        match tokio::time::timeout(self.limit, self.get_unbounded(url, token)).await {
            Ok(r) => r,
            Err(_) => Err(ArmError::TimedOut(self.limit)),
        }
    }

    async fn get_unbounded(&self, url: &str, token: &AccessToken) -> Result<Vec<u8>, ArmError> {
        let mut req = HttpRequest::get(url).map_err(|e| ArmError::Body(format!("{url}: {e}")))?;
        let headers = req.headers_mut();
        headers
            .try_insert("authorization", token.bearer())
            // The error would quote the header: say only what it is.
            .map_err(|_| {
                ArmError::Body("the token az printed is not a valid HTTP header value".into())
            })?;
        headers.insert("accept", "application/json");
        headers.insert("user-agent", concat!("escher/", env!("CARGO_PKG_VERSION")));
        let connector = self
            .connector
            .get_or_init(|| crate::aws::check::https_connector(None, None, None));
        let resp = connector
            .call(req)
            .await
            .map_err(|e| ArmError::Network(crate::aws::check::chain_text(&e)))?;
        let status = resp.status().as_u16();
        let body = ByteStream::new(resp.into_body())
            .collect()
            .await
            .map_err(|e| ArmError::Network(crate::aws::check::chain_text(&e)))?
            .into_bytes()
            .to_vec();
        if (200..300).contains(&status) {
            return Ok(body);
        }
        Err(status_error(status, &body))
    }
}

fn status_error(status: u16, body: &[u8]) -> ArmError {
    #[derive(Deserialize)]
    struct Wrapped {
        error: Inner,
    }
    #[derive(Deserialize)]
    struct Inner {
        #[serde(default)]
        code: String,
        #[serde(default)]
        message: String,
    }
    let (code, message) = match serde_json::from_slice::<Wrapped>(body) {
        Ok(w) => (w.error.code, w.error.message),
        Err(_) => (
            String::new(),
            String::from_utf8_lossy(body).chars().take(500).collect(),
        ),
    };
    ArmError::Status {
        status,
        code,
        message,
    }
}
