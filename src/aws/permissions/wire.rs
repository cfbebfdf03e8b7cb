//! One signed request and its answer: SigV4 by the SDK's own signer
//! (`aws-sigv4`), sent through the app's HTTPS client, and the error code
//! and message read from the service's own error shape (query and REST
//! XML, JSON 1.1).

use super::endpoints::{Endpoint, Service};
use aws_credential_types::Credentials;
use aws_sigv4::http_request::{
    PayloadChecksumKind, SignableBody, SignableRequest, SigningSettings, sign,
};
use aws_sigv4::sign::v4::SigningParams;
use aws_smithy_runtime_api::client::http::HttpConnector;
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::byte_stream::ByteStream;
use std::time::{Duration, SystemTime};

/// How a request is put on the wire.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Wire {
    /// AWS query protocol (EC2, IAM, RDS, CloudWatch): a form POST.
    Query {
        action: &'static str,
        version: &'static str,
        /// Names and values, form-encoded after `Action` and `Version`.
        params: Vec<(String, String)>,
    },
    /// A REST GET (S3), path and query after the host.
    Get { path: String },
    /// JSON 1.1 with `X-Amz-Target` (CloudTrail, Tagging, Cost Explorer,
    /// Organizations).
    Json { target: String, body: String },
}

/// What the service answered.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reply {
    pub status: u16,
    /// The error code (`AccessDenied`, `UnauthorizedOperation`, …), if any.
    pub code: Option<String>,
    pub message: String,
    pub body: String,
}

impl Reply {
    pub fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The service's own words: code, message and status.
    pub fn detail(&self) -> String {
        match (&self.code, self.message.is_empty()) {
            (Some(c), false) => format!("{c}: {} (HTTP {})", self.message, self.status),
            (Some(c), true) => format!("{c} (HTTP {})", self.status),
            (None, _) => format!("HTTP {}", self.status),
        }
    }
}

/// Why there was no reply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NoReply {
    TimedOut(Duration),
    Network(String),
    /// The request could not be made (a bad endpoint URL, a credential
    /// that is not a header value).
    Request(String),
}

impl NoReply {
    pub fn words(&self) -> String {
        match self {
            NoReply::TimedOut(d) => format!("no answer within {} s", d.as_secs()),
            NoReply::Network(e) => format!("could not connect: {e}"),
            NoReply::Request(e) => e.clone(),
        }
    }
}

/// Send `wire` to `service` at `endpoint`, signed with `creds`, within `limit`.
pub async fn call(
    connector: &aws_smithy_http_client::Connector,
    service: &Service,
    endpoint: &Endpoint,
    creds: &Credentials,
    wire: &Wire,
    limit: Duration,
) -> Result<Reply, NoReply> {
    let send = async {
        let req = signed_request(service, endpoint, creds, wire)?;
        let resp = connector
            .call(req)
            .await
            .map_err(|e| NoReply::Network(crate::aws::check::chain_text(&e)))?;
        let status = resp.status().as_u16();
        let bytes = ByteStream::new(resp.into_body())
            .collect()
            .await
            .map_err(|e| NoReply::Network(crate::aws::check::chain_text(&e)))?
            .into_bytes();
        Ok(read_reply(status, &String::from_utf8_lossy(&bytes), wire))
    };
    match tokio::time::timeout(limit, send).await {
        Ok(r) => r,
        Err(_) => Err(NoReply::TimedOut(limit)),
    }
}

fn signed_request(
    service: &Service,
    endpoint: &Endpoint,
    creds: &Credentials,
    wire: &Wire,
) -> Result<HttpRequest, NoReply> {
    let (method, uri, content_type, target, body) = match wire {
        Wire::Query {
            action,
            version,
            params,
        } => {
            let mut form = format!("Action={action}&Version={version}");
            for (k, v) in params {
                form.push_str(&format!("&{k}={}", form_encode(v)));
            }
            let ct = "application/x-www-form-urlencoded; charset=utf-8";
            ("POST", format!("{}/", endpoint.url), Some(ct), None, form)
        }
        Wire::Get { path } => (
            "GET",
            format!("{}{path}", endpoint.url),
            None,
            None,
            String::new(),
        ),
        Wire::Json { target, body } => (
            "POST",
            format!("{}/", endpoint.url),
            Some("application/x-amz-json-1.1"),
            Some(target.as_str()),
            body.clone(),
        ),
    };
    let bad = |e: String| NoReply::Request(format!("{uri}: {e}"));
    let mut headers: Vec<(&str, &str)> = Vec::new();
    if let Some(ct) = content_type {
        headers.push(("content-type", ct));
    }
    if let Some(t) = target {
        headers.push(("x-amz-target", t));
    }
    let mut settings = SigningSettings::default();
    if service.signing_name == "s3" {
        settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
    }
    let identity = creds.clone().into();
    let params = SigningParams::builder()
        .identity(&identity)
        .region(&endpoint.signing_region)
        .name(service.signing_name)
        .time(SystemTime::now())
        .settings(settings)
        .build()
        .map_err(|e| bad(e.to_string()))?;
    let signable = SignableRequest::new(
        method,
        uri.as_str(),
        headers.iter().copied(),
        SignableBody::Bytes(body.as_bytes()),
    )
    .map_err(|e| bad(e.to_string()))?;
    let (instructions, _) = sign(signable, &params.into())
        .map_err(|e| bad(e.to_string()))?
        .into_parts();
    let mut req = HttpRequest::new(SdkBody::from(body.clone()));
    req.set_method(method).map_err(|e| bad(e.to_string()))?;
    req.set_uri(uri.as_str()).map_err(|e| bad(e.to_string()))?;
    let h = req.headers_mut();
    for (k, v) in &headers {
        h.insert(k.to_string(), v.to_string());
    }
    h.insert("content-length", body.len().to_string());
    h.insert("user-agent", concat!("escher/", env!("CARGO_PKG_VERSION")));
    for (k, v) in instructions.headers() {
        // The error would quote the value (a session token): say only what.
        h.try_insert(k.to_owned(), v.to_owned())
            .map_err(|_| bad("a signed header is not a valid HTTP header value".into()))?;
    }
    Ok(req)
}

/// `application/x-www-form-urlencoded` for one value.
fn form_encode(v: &str) -> String {
    let mut out = String::new();
    for b in v.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn read_reply(status: u16, body: &str, wire: &Wire) -> Reply {
    let (code, message) = if (200..300).contains(&status) {
        (None, String::new())
    } else if matches!(wire, Wire::Json { .. }) {
        json_error(body)
    } else {
        (
            xml_text(body, "Code"),
            xml_text(body, "Message").unwrap_or_default(),
        )
    };
    Reply {
        status,
        code,
        message,
        body: body.to_owned(),
    }
}

/// `__type` (without its namespace) and `message`/`Message` of a JSON
/// error.
fn json_error(body: &str) -> (Option<String>, String) {
    let v: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
    let code = v["__type"].as_str().map(|t| {
        let t = t.rsplit('#').next().unwrap_or(t);
        t.split(':').next().unwrap_or(t).to_owned()
    });
    let message = v["message"]
        .as_str()
        .or_else(|| v["Message"].as_str())
        .unwrap_or_default()
        .to_owned();
    (code, message)
}

/// The text of the first `<tag>` element, entities decoded.
pub fn xml_text(body: &str, tag: &str) -> Option<String> {
    xml_texts(body, tag).into_iter().next()
}

/// The texts of every `<tag>` element, in order.
pub fn xml_texts(body: &str, tag: &str) -> Vec<String> {
    let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
    let mut out = Vec::new();
    let mut rest = body;
    while let Some(start) = rest.find(&open) {
        let after = &rest[start + open.len()..];
        let Some(end) = after.find(&close) else { break };
        out.push(unescape(&after[..end]));
        rest = &after[end + close.len()..];
    }
    out
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_shapes_of_each_protocol_are_read() {
        let query = Wire::Query {
            action: "DescribeRegions",
            version: "2016-11-15",
            params: vec![],
        };
        let ec2 = r#"<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>You are not authorized to perform this operation. User: a is not authorized to perform: ec2:DescribeRegions</Message></Error></Errors><RequestID>1</RequestID></Response>"#;
        let r = read_reply(403, ec2, &query);
        assert_eq!(r.code.as_deref(), Some("UnauthorizedOperation"));
        assert!(r.message.ends_with("ec2:DescribeRegions"));
        let json = Wire::Json {
            target: "x".into(),
            body: "{}".into(),
        };
        let r = read_reply(
            400,
            r#"{"__type":"com.amazon.coral.service#AccessDeniedException","Message":"no &amp; way"}"#,
            &json,
        );
        assert_eq!(r.code.as_deref(), Some("AccessDeniedException"));
        assert_eq!(r.message, "no &amp; way");
        assert_eq!(
            xml_text("<a><Code>A&amp;B</Code></a>", "Code").unwrap(),
            "A&B"
        );
        assert_eq!(form_encode("a b/c"), "a%20b%2Fc");
    }
}
