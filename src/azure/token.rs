//! Access tokens from `az account get-access-token`, in memory only: one
//! per tenant, reused until shortly before `expires_on`. The token type
//! has no `Serialize` and its `Debug` prints a placeholder, so it cannot
//! reach settings, logs, Details or `--json` by accident.

use super::ids::Guid;
use serde::Deserialize;
use std::collections::HashMap;
use std::fmt;
use std::time::{Duration, SystemTime};

/// A token is not reused in its last minutes: a verification takes a few
/// requests, and ARM refuses a token that expires while it reads.
pub const REFRESH_BEFORE_EXPIRY: Duration = Duration::from_secs(5 * 60);

#[derive(Clone)]
pub struct AccessToken {
    secret: String,
    pub expires_at: SystemTime,
    pub tenant: Option<Guid>,
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessToken")
            .field("secret", &"<redacted>")
            .field("expires_at", &self.expires_at)
            .field("tenant", &self.tenant)
            .finish()
    }
}

impl AccessToken {
    /// The `Authorization` header's value.
    pub fn bearer(&self) -> String {
        format!("Bearer {}", self.secret)
    }

    /// Whether this token is fit for a verification started at `now`.
    pub fn fresh_at(&self, now: SystemTime) -> bool {
        self.expires_at
            .duration_since(now)
            .is_ok_and(|left| left > REFRESH_BEFORE_EXPIRY)
    }

    /// For tests and for callers holding a token from elsewhere.
    pub fn new(secret: String, expires_at: SystemTime, tenant: Option<Guid>) -> Self {
        AccessToken {
            secret,
            expires_at,
            tenant,
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Printed {
    access_token: String,
    #[serde(rename = "expires_on")]
    expires_on: Option<serde_json::Value>,
    tenant: Option<String>,
}

/// Parse what `get-access-token -o json` printed. The error never quotes
/// the output, which holds the secret.
pub fn parse(stdout: &str) -> Result<AccessToken, String> {
    let p: Printed = serde_json::from_str(stdout.trim_start_matches('\u{feff}')).map_err(|_| {
        "az account get-access-token printed something other than a token (its output is not shown: it may hold a secret)".to_owned()
    })?;
    let secs = match &p.expires_on {
        Some(serde_json::Value::Number(n)) => n.as_u64(),
        Some(serde_json::Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    }
    .ok_or("az account get-access-token printed no expires_on (az 2.54 or later prints it)")?;
    if p.access_token.is_empty() {
        return Err("az account get-access-token printed an empty token".into());
    }
    Ok(AccessToken {
        secret: p.access_token,
        expires_at: crate::time_words::from_epoch_secs(secs)
            .ok_or("az account get-access-token printed an expires_on that is no time")?,
        tenant: p.tenant.as_deref().and_then(Guid::parse),
    })
}

/// Tokens by tenant. Lives as long as the caller keeps it (the app keeps
/// one for the session); nothing is written anywhere.
#[derive(Default)]
pub struct TokenCache {
    by_tenant: HashMap<Guid, AccessToken>,
}

impl fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TokenCache({} tenants)", self.by_tenant.len())
    }
}

impl TokenCache {
    pub fn get(&self, tenant: &Guid, now: SystemTime) -> Option<&AccessToken> {
        self.by_tenant.get(tenant).filter(|t| t.fresh_at(now))
    }

    pub fn put(&mut self, tenant: Guid, token: AccessToken) {
        self.by_tenant.insert(tenant, token);
    }

    /// Forget a tenant's token (ARM refused it).
    pub fn forget(&mut self, tenant: &Guid) {
        self.by_tenant.remove(tenant);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PRINTED: &str = r#"{
  "accessToken": "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.secret-part",
  "expiresOn": "2026-12-01 20:12:44.000000",
  "expires_on": 1796155964,
  "subscription": "aaaaaaaa-0000-0000-0000-000000000001",
  "tenant": "c0000000-0000-0000-0000-00000000000c",
  "tokenType": "Bearer"
}
"#;

    #[test]
    fn debug_never_shows_the_secret() {
        let t = parse(PRINTED).unwrap();
        let shown = format!("{t:?} {:?}", Some(&t));
        assert!(!shown.contains("secret-part"), "{shown}");
        assert!(shown.contains("<redacted>"));
        assert_eq!(
            t.bearer(),
            "Bearer eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.secret-part"
        );
        assert_eq!(
            t.expires_at,
            SystemTime::UNIX_EPOCH + Duration::from_secs(1_796_155_964)
        );
        let err = parse(&PRINTED.replace("expires_on", "x")).unwrap_err();
        assert!(!err.contains("secret-part"), "{err}");
        let err = parse("{\"accessToken\": \"secret-part\"").unwrap_err();
        assert!(!err.contains("secret-part"), "{err}");
    }

    #[test]
    fn reused_until_shortly_before_expiry() {
        let tenant = Guid::parse("c0000000-0000-0000-0000-00000000000c").unwrap();
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let mut cache = TokenCache::default();
        cache.put(
            tenant.clone(),
            AccessToken::new("t".into(), now + Duration::from_secs(3600), None),
        );
        assert!(cache.get(&tenant, now).is_some());
        assert!(
            cache
                .get(&tenant, now + Duration::from_secs(3600 - 301))
                .is_some()
        );
        assert!(
            cache
                .get(&tenant, now + Duration::from_secs(3600 - 299))
                .is_none()
        );
        assert!(
            cache
                .get(&tenant, now + Duration::from_secs(7200))
                .is_none()
        );
        cache.forget(&tenant);
        assert!(cache.get(&tenant, now).is_none());
    }
}
