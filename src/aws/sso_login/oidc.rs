//! IAM Identity Center's OIDC service (unsigned calls, as the CLI makes
//! them), reached as the SDK would: its endpoint settings, else the
//! partition's `https://oidc.{region}.…`, through Escher's HTTPS client.

use super::cache::Registration;
use super::error::LoginError;
use super::secret::Secret;
use crate::aws::env::AwsEnv;
use aws_config::BehaviorVersion;
use aws_config::timeout::TimeoutConfig;
use aws_sdk_ssooidc::config::endpoint::{DefaultResolver, Params, ResolveEndpoint};
use aws_sdk_ssooidc::error::{ProvideErrorMetadata, SdkError};
use aws_smithy_runtime_api::client::http::SharedHttpClient;
use std::time::{Duration, SystemTime};

/// The scope without which no refresh token is issued.
pub const SCOPE: &str = "sso:account:access";
/// The redirect URI registered: no port (RFC 8252 §7.3: any loopback port matches).
pub const REDIRECT_URI: &str = "http://127.0.0.1/oauth/callback";

pub struct Oidc {
    client: aws_sdk_ssooidc::Client,
    /// Where `/authorize` is (the same host as the API).
    pub base: String,
}

pub async fn connect(
    env: &AwsEnv,
    region: &str,
    http: SharedHttpClient,
    timeout: Duration,
) -> Result<Oidc, LoginError> {
    if !crate::aws::permissions::endpoints::is_valid_region(region) {
        return Err(LoginError::BadRegion(format!(
            "{region:?} is not a region name."
        )));
    }
    let sdk = aws_config::defaults(BehaviorVersion::latest())
        .env(env.sdk_env())
        .region(aws_config::Region::new(region.to_owned()))
        .no_credentials()
        .http_client(http)
        .timeout_config(
            TimeoutConfig::builder()
                .operation_timeout(timeout)
                .connect_timeout(timeout.min(Duration::from_secs(5)))
                .build(),
        )
        .load()
        .await;
    let conf = aws_sdk_ssooidc::config::Builder::from(&sdk).build();
    let params = Params::builder()
        .region(region)
        .use_fips(sdk.use_fips().unwrap_or(false))
        .use_dual_stack(sdk.use_dual_stack().unwrap_or(false))
        .set_endpoint(configured_endpoint(&sdk))
        .build()
        .map_err(|e| LoginError::BadRegion(format!("{region:?} cannot be used: {e}.")))?;
    let endpoint = DefaultResolver::new()
        .resolve_endpoint(&params)
        .await
        .map_err(|e| {
            LoginError::BadRegion(format!(
                "{region:?} has no IAM Identity Center endpoint ({e})."
            ))
        })?;
    Ok(Oidc {
        client: aws_sdk_ssooidc::Client::from_conf(conf),
        base: endpoint.url().trim_end_matches('/').to_owned(),
    })
}

fn configured_endpoint(sdk: &aws_types::SdkConfig) -> Option<String> {
    use aws_types::service_config::ServiceConfigKey;
    let key = ServiceConfigKey::builder()
        .service_id("SSO OIDC")
        .env("AWS_ENDPOINT_URL")
        .profile("endpoint_url")
        .build()
        .ok()?;
    sdk.service_config()
        .and_then(|c| c.load_config(key))
        .or_else(|| sdk.endpoint_url().map(str::to_owned))
}

/// The sign-in's new tokens.
pub struct Tokens {
    pub access_token: Secret,
    pub expires_at: SystemTime,
    pub refresh_token: Option<Secret>,
}

impl Oidc {
    /// Register Escher as the CLI registers itself (`botocore-client-NAME`,
    /// public, the refresh scope), for the browser flow or the device flow.
    pub async fn register(
        &self,
        session: &str,
        start_url: &str,
        browser: bool,
    ) -> Result<Registration, LoginError> {
        let mut req = self
            .client
            .register_client()
            .client_name(format!("botocore-client-{session}"))
            .client_type("public")
            .scopes(SCOPE);
        let grant_types: Vec<String> = if browser {
            vec!["authorization_code".into(), "refresh_token".into()]
        } else {
            Vec::new()
        };
        if browser {
            req = req
                .grant_types("authorization_code")
                .grant_types("refresh_token")
                .redirect_uris(REDIRECT_URI)
                .issuer_url(start_url);
        }
        let out = req.send().await.map_err(|e| failure(e, start_url))?;
        let secs = u64::try_from(out.client_secret_expires_at()).unwrap_or_default();
        Ok(Registration {
            client_id: out.client_id().unwrap_or_default().to_owned(),
            client_secret: Secret::new(out.client_secret().unwrap_or_default()),
            expires_at: SystemTime::UNIX_EPOCH + Duration::from_secs(secs.min(u64::from(u32::MAX))),
            scopes: vec![SCOPE.to_owned()],
            grant_types,
        })
    }

    pub async fn exchange_code(
        &self,
        reg: &Registration,
        code: &str,
        redirect_uri: &str,
        verifier: &Secret,
        start_url: &str,
    ) -> Result<Tokens, LoginError> {
        let sent = SystemTime::now();
        let out = self
            .client
            .create_token()
            .client_id(&reg.client_id)
            .client_secret(reg.client_secret.expose())
            .grant_type("authorization_code")
            .code(code)
            .redirect_uri(redirect_uri)
            .code_verifier(verifier.expose())
            .send()
            .await
            .map_err(|e| failure(e, start_url))?;
        Ok(tokens(&out, sent))
    }

    pub async fn start_device(
        &self,
        reg: &Registration,
        start_url: &str,
    ) -> Result<DeviceStart, LoginError> {
        let out = self
            .client
            .start_device_authorization()
            .client_id(&reg.client_id)
            .client_secret(reg.client_secret.expose())
            .start_url(start_url)
            .send()
            .await
            .map_err(|e| failure(e, start_url))?;
        Ok(DeviceStart {
            device_code: Secret::new(out.device_code().unwrap_or_default()),
            user_code: out.user_code().unwrap_or_default().to_owned(),
            verification_uri: out.verification_uri().unwrap_or_default().to_owned(),
            verification_uri_complete: out
                .verification_uri_complete()
                .unwrap_or_default()
                .to_owned(),
            expires_in: Duration::from_secs(u64::try_from(out.expires_in()).unwrap_or(600)),
            interval: Duration::from_secs(u64::try_from(out.interval()).unwrap_or(5).max(1)),
        })
    }

    /// One poll of the device flow.
    pub async fn poll_device(
        &self,
        reg: &Registration,
        device_code: &Secret,
        start_url: &str,
    ) -> Result<Poll, LoginError> {
        let sent = SystemTime::now();
        let result = self
            .client
            .create_token()
            .client_id(&reg.client_id)
            .client_secret(reg.client_secret.expose())
            .grant_type("urn:ietf:params:oauth:grant-type:device_code")
            .device_code(device_code.expose())
            .send()
            .await;
        match result {
            Ok(out) => Ok(Poll::Done(tokens(&out, sent))),
            Err(SdkError::ServiceError(e)) if e.err().is_authorization_pending_exception() => {
                Ok(Poll::Pending)
            }
            Err(SdkError::ServiceError(e)) if e.err().is_slow_down_exception() => {
                Ok(Poll::SlowDown)
            }
            Err(e) => Err(failure(e, start_url)),
        }
    }
}

pub struct DeviceStart {
    pub device_code: Secret,
    pub user_code: String,
    pub verification_uri: String,
    pub verification_uri_complete: String,
    pub expires_in: Duration,
    pub interval: Duration,
}

pub enum Poll {
    Done(Tokens),
    Pending,
    SlowDown,
}

fn tokens(
    out: &aws_sdk_ssooidc::operation::create_token::CreateTokenOutput,
    sent: SystemTime,
) -> Tokens {
    let secs = u64::try_from(out.expires_in()).unwrap_or_default();
    Tokens {
        access_token: Secret::new(out.access_token().unwrap_or_default()),
        expires_at: sent + Duration::from_secs(secs),
        refresh_token: out.refresh_token().map(Secret::new),
    }
}

/// An OIDC error in words. Its message may echo what was sent, never a
/// token: the service's own text is kept, the SDK's Debug dump is not.
fn failure<E>(
    err: SdkError<E, aws_smithy_runtime_api::http::Response>,
    start_url: &str,
) -> LoginError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let text = crate::aws::check::chain_text(&err);
    let (code, message) = match &err {
        SdkError::ServiceError(e) => (
            e.err().code().unwrap_or_default().to_owned(),
            e.err().message().unwrap_or_default().to_owned(),
        ),
        _ => (String::new(), text.clone()),
    };
    let said = if message.is_empty() {
        code.clone()
    } else {
        format!("{code}: {message}")
    };
    match code.as_str() {
        "AccessDeniedException" => LoginError::Declined,
        "ExpiredTokenException" => LoginError::TookTooLong { minutes: 10 },
        "InvalidClientException" | "InvalidGrantException" | "UnauthorizedClientException" => {
            LoginError::RegistrationRefused(format!("IAM Identity Center said {said}"))
        }
        "InvalidRequestRegionException" => {
            LoginError::BadRegion(format!("IAM Identity Center said {said}."))
        }
        "InvalidRequestException" if message.to_lowercase().contains("url") => {
            LoginError::BadStartUrl(format!(
                "IAM Identity Center does not know {start_url} ({said})."
            ))
        }
        "" if text.contains("certificate") || text.contains("UnknownIssuer") => {
            LoginError::Tls(text)
        }
        "" if matches!(
            err,
            SdkError::DispatchFailure(_) | SdkError::TimeoutError(_)
        ) =>
        {
            LoginError::Network(text)
        }
        _ => LoginError::Service(format!("IAM Identity Center said {said}")),
    }
}
