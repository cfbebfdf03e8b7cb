//! Asking the IAM Identity Center portal what an SSO sign-in can reach
//! (ListAccounts, ListAccountRoles), to tell a user without access which
//! accounts and roles they do have.

use super::env::AwsEnv;
use super::profiles::ProfileInfo;
use aws_config::BehaviorVersion;
use aws_config::timeout::TimeoutConfig;
use aws_smithy_runtime_api::client::http::SharedHttpClient;
use std::time::Duration;

/// One account the sign-in reaches, with its roles.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reachable {
    pub account_id: String,
    pub account_name: Option<String>,
    pub roles: Vec<String>,
}

/// What the profile's sign-in can reach; `None` when the portal cannot be
/// asked (no token, no answer within `timeout`).
pub async fn reachable(
    env: &AwsEnv,
    info: &ProfileInfo,
    timeout: Duration,
    http: SharedHttpClient,
) -> Option<Vec<Reachable>> {
    let token = super::sso_cache::access_token(&env.sso_cache_dir()?, info.sso_cache_key()?)?;
    let region = info.sso_region.clone()?;
    let sdk = aws_config::defaults(BehaviorVersion::latest())
        .env(env.sdk_env())
        .profile_name(&info.name)
        .region(aws_config::Region::new(region))
        .no_credentials()
        .http_client(http)
        .timeout_config(TimeoutConfig::builder().operation_timeout(timeout).build())
        .load()
        .await;
    let client = aws_sdk_sso::Client::new(&sdk);
    let work = async {
        let accounts = client
            .list_accounts()
            .access_token(&token)
            .max_results(100)
            .send()
            .await
            .ok()?;
        let mut out = Vec::new();
        for a in accounts.account_list() {
            let Some(id) = a.account_id() else { continue };
            let roles = client
                .list_account_roles()
                .access_token(&token)
                .account_id(id)
                .max_results(100)
                .send()
                .await
                .ok()?;
            out.push(Reachable {
                account_id: id.to_owned(),
                account_name: a.account_name().map(str::to_owned),
                roles: roles
                    .role_list()
                    .iter()
                    .filter_map(|r| r.role_name().map(str::to_owned))
                    .collect(),
            });
        }
        Some(out)
    };
    tokio::time::timeout(timeout, work).await.ok().flatten()
}

/// "123456789012 (Prod): ReadOnly, Billing; 210987654321: Audit"
pub fn describe(reach: &[Reachable]) -> String {
    reach
        .iter()
        .map(|r| {
            let name = r
                .account_name
                .as_deref()
                .map(|n| format!(" ({n})"))
                .unwrap_or_default();
            let roles = if r.roles.is_empty() {
                "no roles".to_owned()
            } else {
                r.roles.join(", ")
            };
            format!("{}{name}: {roles}", r.account_id)
        })
        .collect::<Vec<_>>()
        .join("; ")
}
