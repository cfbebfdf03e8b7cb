//! Judging a SigV4-signed request as AWS does: the signature is computed
//! again with the secret the server knows (by aws-sigv4, the SDK's own
//! signer) over exactly the headers the client says it signed.

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4::SigningParams;
use std::collections::HashMap;
use std::time::SystemTime;

/// What the `Authorization` header says.
pub struct Authorization {
    pub access_key: String,
    pub region: String,
    pub service: String,
    pub signed_headers: Vec<String>,
    pub signature: String,
}

pub fn authorization(headers: &HashMap<String, String>) -> Option<Authorization> {
    let auth = headers.get("authorization")?;
    let rest = auth.strip_prefix("AWS4-HMAC-SHA256 ")?;
    let field = |name: &str| {
        rest.split(", ")
            .find_map(|kv| kv.strip_prefix(&format!("{name}=")))
            .map(str::to_owned)
    };
    let credential = field("Credential")?;
    let mut scope = credential.split('/');
    let access_key = scope.next()?.to_owned();
    let _date = scope.next()?;
    let region = scope.next()?.to_owned();
    let service = scope.next()?.to_owned();
    Some(Authorization {
        access_key,
        region,
        service,
        signed_headers: field("SignedHeaders")?
            .split(';')
            .map(str::to_owned)
            .collect(),
        signature: field("Signature")?,
    })
}

/// `X-Amz-Date` (`20260101T000000Z`) as a time.
pub fn amz_date(value: &str) -> Option<SystemTime> {
    let iso = format!(
        "{}-{}-{}T{}:{}:{}Z",
        value.get(0..4)?,
        value.get(4..6)?,
        value.get(6..8)?,
        value.get(9..11)?,
        value.get(11..13)?,
        value.get(13..15)?
    );
    let t =
        aws_smithy_types::DateTime::from_str(&iso, aws_smithy_types::date_time::Format::DateTime)
            .ok()?;
    SystemTime::try_from(t).ok()
}

pub fn amz_date_text(t: SystemTime) -> String {
    let s = aws_smithy_types::DateTime::from(t)
        .fmt(aws_smithy_types::date_time::Format::DateTime)
        .unwrap();
    // 2026-01-01T00:00:00Z (or with fractional seconds) -> 20260101T000000Z
    let digits: String = s[..19]
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == 'T')
        .collect();
    format!("{digits}Z")
}

/// Whether `signature` is what `secret` (and `token`) give for this request.
#[allow(clippy::too_many_arguments)]
pub fn signature_matches(
    auth: &Authorization,
    secret: &str,
    token: Option<&str>,
    method: &str,
    path: &str,
    headers: &HashMap<String, String>,
    body: &[u8],
    time: SystemTime,
) -> bool {
    let host = headers.get("host").cloned().unwrap_or_default();
    // Through a proxy the request line holds the whole URL.
    let uri = if path.starts_with("http") {
        path.to_owned()
    } else {
        format!("http://{host}{path}")
    };
    let signed: Vec<(&str, &str)> = auth
        .signed_headers
        .iter()
        .filter_map(|h| headers.get(h).map(|v| (h.as_str(), v.as_str())))
        .collect();
    let Ok(request) =
        SignableRequest::new(method, uri, signed.into_iter(), SignableBody::Bytes(body))
    else {
        return false;
    };
    let identity = Credentials::new(
        &auth.access_key,
        secret,
        token.map(str::to_owned),
        None,
        "fake",
    )
    .into();
    let Ok(params) = SigningParams::builder()
        .identity(&identity)
        .region(&auth.region)
        .name(&auth.service)
        .time(time)
        .settings(SigningSettings::default())
        .build()
    else {
        return false;
    };
    match sign(request, &params.into()) {
        Ok(out) => out.signature() == auth.signature,
        Err(_) => false,
    }
}
