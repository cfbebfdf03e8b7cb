//! A stand-in IAM Identity Center OIDC service, judging each request as
//! the service does: RegisterClient (a public client; the browser flow's
//! grant types, port-less loopback redirect and issuer), the un-modeled
//! `/authorize` page (a registered client, a loopback redirect matching
//! by RFC 8252's any-port rule, S256, registered scopes), CreateToken for
//! an authorization code (one use, the verifier against the challenge, the
//! redirect URI equal to the one at authorize), a device code (pending
//! until approved, SlowDown when polled too fast, expiry) and a refresh
//! token; and the device page that approves a user code. Access tokens it
//! issues open the portal (`State::sso`) to `reaches`.

use super::{Request, State, query_param};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub type Reply = (u16, &'static str, String, String);

struct Registration {
    secret: String,
    grant_types: Vec<String>,
    scopes: Vec<String>,
}

struct CodeGrant {
    client_id: String,
    redirect_uri: String,
    challenge: String,
    used: bool,
}

struct Device {
    client_id: String,
    user_code: String,
    approved: bool,
    last_poll: Option<Instant>,
    expires: Instant,
}

#[derive(Default)]
pub struct Idc {
    /// This server's own URL (the device page is here).
    pub base: String,
    registrations: HashMap<String, Registration>,
    codes: HashMap<String, CodeGrant>,
    devices: HashMap<String, Device>,
    /// What a sign-in's access token reaches: (account, role, access key).
    pub reaches: Vec<(String, String, String)>,
    /// The user answers the authorize page with Deny.
    pub declines: bool,
    /// The device code flow's interval, and how long a device code lives.
    pub interval_secs: u64,
    pub device_lifetime: Option<Duration>,
    /// Every RegisterClient body, and how many tokens were issued.
    pub registered: Vec<serde_json::Value>,
    pub issued: usize,
    pub slow_downs: usize,
}

fn json_error(status: u16, kind: &str, error: &str, why: &str) -> Reply {
    let body = serde_json::json!({"__type": kind, "error": error, "error_description": why});
    (status, "application/json", body.to_string(), String::new())
}

pub(super) fn answer(req: &Request, state: &Mutex<State>) -> Option<Reply> {
    let path = req.path.split('?').next().unwrap_or_default();
    let mut s = state.lock().unwrap();
    let reply = match (req.method.as_str(), path) {
        ("POST", "/client/register") => register(&req.body, &mut s.idc),
        ("GET", "/authorize") => authorize(&req.path, &mut s.idc),
        ("POST", "/device_authorization") => start_device(&req.body, &mut s.idc),
        ("GET", "/device") => approve(&req.path, &mut s.idc),
        ("POST", "/token") => token(&req.body, &mut s),
        _ => return None,
    };
    Some(reply)
}

fn register(body: &str, idc: &mut Idc) -> Reply {
    let v: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
    idc.registered.push(v.clone());
    let list = |k: &str| -> Vec<String> {
        v[k].as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    let (grant_types, scopes) = (list("grantTypes"), list("scopes"));
    if v["clientType"] != "public" || v["clientName"].as_str().is_none_or(str::is_empty) {
        return json_error(
            400,
            "InvalidClientMetadataException",
            "invalid_client_metadata",
            "clientName and clientType=public are required",
        );
    }
    if grant_types.iter().any(|g| g == "authorization_code") {
        let redirects = list("redirectUris");
        if redirects != ["http://127.0.0.1/oauth/callback"] || v["issuerUrl"].as_str().is_none() {
            return json_error(
                400,
                "InvalidRedirectUriException",
                "invalid_redirect_uri",
                "the authorization code grant needs a loopback redirect URI and an issuer URL",
            );
        }
    }
    let n = idc.registrations.len() + 1;
    let client_id = format!("client-{n}");
    let secret = format!("client-secret-{n}");
    idc.registrations.insert(
        client_id.clone(),
        Registration {
            secret: secret.clone(),
            grant_types,
            scopes,
        },
    );
    let expires = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 90 * 86400;
    let body = serde_json::json!({
        "clientId": client_id, "clientSecret": secret,
        "clientIdIssuedAt": expires - 90 * 86400, "clientSecretExpiresAt": expires,
    });
    (200, "application/json", body.to_string(), String::new())
}

fn base64url(bytes: &[u8]) -> String {
    aws_smithy_types::base64::encode(bytes)
        .trim_end_matches('=')
        .replace('+', "-")
        .replace('/', "_")
}

fn decode(v: &str) -> String {
    escher::aws::sso_login::callback::percent_decode(v)
}

fn authorize(full: &str, idc: &mut Idc) -> Reply {
    let q = |k: &str| query_param(full, k).map(|v| decode(&v)).unwrap_or_default();
    let bad = |why: &str| (400, "text/plain", why.to_owned(), String::new());
    let Some(reg) = idc.registrations.get(&q("client_id")) else {
        return bad("unknown client_id");
    };
    if !reg.grant_types.iter().any(|g| g == "authorization_code") {
        return bad("client not registered for authorization_code");
    }
    let redirect = q("redirect_uri");
    // RFC 8252 §7.3: a loopback redirect matches the registered one at any port.
    let port_less = redirect
        .strip_prefix("http://127.0.0.1:")
        .and_then(|rest| rest.split_once('/'))
        .filter(|(port, _)| port.parse::<u16>().is_ok())
        .map(|(_, path)| format!("http://127.0.0.1/{path}"));
    if port_less.as_deref() != Some("http://127.0.0.1/oauth/callback") {
        return bad("redirect_uri does not match the registration");
    }
    if q("response_type") != "code"
        || q("code_challenge_method") != "S256"
        || q("code_challenge").is_empty()
    {
        return bad("response_type=code with an S256 code_challenge is required");
    }
    if q("scopes")
        .split(' ')
        .any(|s| !reg.scopes.iter().any(|r| r == s))
    {
        return bad("scopes not registered");
    }
    let state = q("state");
    let location = if idc.declines {
        format!("{redirect}?error=access_denied&state={state}")
    } else {
        let code = format!("code-{}", idc.codes.len() + 1);
        idc.codes.insert(
            code.clone(),
            CodeGrant {
                client_id: q("client_id"),
                redirect_uri: redirect.clone(),
                challenge: q("code_challenge"),
                used: false,
            },
        );
        format!("{redirect}?code={code}&state={state}")
    };
    (
        302,
        "text/plain",
        String::new(),
        format!("location: {location}\r\n"),
    )
}

fn start_device(body: &str, idc: &mut Idc) -> Reply {
    let v: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
    let client = v["clientId"].as_str().unwrap_or_default().to_owned();
    if idc
        .registrations
        .get(&client)
        .is_none_or(|r| Some(r.secret.as_str()) != v["clientSecret"].as_str())
    {
        return json_error(
            401,
            "InvalidClientException",
            "invalid_client",
            "Invalid client",
        );
    }
    let n = idc.devices.len() + 1;
    let (device_code, user_code) = (format!("device-{n}"), format!("ABCD-{n:04}"));
    let lifetime = idc.device_lifetime.unwrap_or(Duration::from_secs(600));
    idc.devices.insert(
        device_code.clone(),
        Device {
            client_id: client,
            user_code: user_code.clone(),
            approved: false,
            last_poll: None,
            expires: Instant::now() + lifetime,
        },
    );
    let body = serde_json::json!({
        "deviceCode": device_code, "userCode": user_code,
        "verificationUri": "https://device.sso.example/",
        "verificationUriComplete": format!("{}/device?user_code={user_code}", idc.base),
        "expiresIn": lifetime.as_secs(), "interval": idc.interval_secs.max(1),
    });
    (200, "application/json", body.to_string(), String::new())
}

fn approve(full: &str, idc: &mut Idc) -> Reply {
    let code = query_param(full, "user_code").unwrap_or_default();
    match idc.devices.values_mut().find(|d| d.user_code == code) {
        Some(d) => {
            d.approved = true;
            (200, "text/html", "Approved".into(), String::new())
        }
        None => (404, "text/plain", "unknown code".into(), String::new()),
    }
}

fn token(body: &str, s: &mut State) -> Reply {
    s.oidc_calls += 1;
    let v: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
    let client = v["clientId"].as_str().unwrap_or_default();
    let grant = v["grantType"].as_str().unwrap_or_default();
    if grant == "refresh_token" {
        return refresh(&v, s);
    }
    let Some(reg) = s
        .idc
        .registrations
        .get(client)
        .filter(|r| Some(r.secret.as_str()) == v["clientSecret"].as_str())
    else {
        return json_error(
            401,
            "InvalidClientException",
            "invalid_client",
            "Invalid client",
        );
    };
    let refreshable = reg.scopes.iter().any(|x| x == "sso:account:access");
    match grant {
        "authorization_code" => {
            let code = v["code"].as_str().unwrap_or_default();
            let Some(g) = s
                .idc
                .codes
                .get_mut(code)
                .filter(|g| !g.used && g.client_id == client)
            else {
                return json_error(
                    400,
                    "InvalidGrantException",
                    "invalid_grant",
                    "Invalid grant provided",
                );
            };
            g.used = true;
            let verifier = v["codeVerifier"].as_str().unwrap_or_default();
            let made = base64url(&Sha256::digest(verifier.as_bytes()));
            if made != g.challenge || v["redirectUri"].as_str() != Some(g.redirect_uri.as_str()) {
                return json_error(
                    400,
                    "InvalidGrantException",
                    "invalid_grant",
                    "code_verifier or redirect_uri does not match",
                );
            }
        }
        "urn:ietf:params:oauth:grant-type:device_code" => {
            let code = v["deviceCode"].as_str().unwrap_or_default();
            let interval = Duration::from_secs(s.idc.interval_secs.max(1));
            let Some(d) = s
                .idc
                .devices
                .get_mut(code)
                .filter(|d| d.client_id == client)
            else {
                return json_error(
                    400,
                    "InvalidGrantException",
                    "invalid_grant",
                    "Invalid grant provided",
                );
            };
            if Instant::now() > d.expires {
                return json_error(
                    400,
                    "ExpiredTokenException",
                    "expired_token",
                    "Token is expired",
                );
            }
            let too_soon = d
                .last_poll
                .is_some_and(|t| t.elapsed() + Duration::from_millis(200) < interval);
            d.last_poll = Some(Instant::now());
            if too_soon {
                s.idc.slow_downs += 1;
                return json_error(
                    400,
                    "SlowDownException",
                    "slow_down",
                    "Client is polling too quickly",
                );
            }
            if !d.approved {
                return json_error(
                    400,
                    "AuthorizationPendingException",
                    "authorization_pending",
                    "Authorization is still pending",
                );
            }
            s.idc.devices.remove(code);
        }
        _ => {
            return json_error(
                400,
                "UnsupportedGrantTypeException",
                "unsupported_grant_type",
                "Unsupported grant type",
            );
        }
    }
    s.idc.issued += 1;
    let access = format!("idc-access-{}", s.idc.issued);
    s.sso.insert(access.clone(), s.idc.reaches.clone());
    let mut out =
        serde_json::json!({"accessToken": access, "expiresIn": 3600, "tokenType": "Bearer"});
    if refreshable {
        out["refreshToken"] = format!("idc-refresh-{}", s.idc.issued).into();
    }
    (200, "application/json", out.to_string(), String::new())
}

/// A refresh token `R` yields access token `R-renewed` (what the older
/// tests register with the portal).
fn refresh(v: &serde_json::Value, s: &mut State) -> Reply {
    match v["refreshToken"].as_str() {
        Some(r) => {
            if r.starts_with("idc-refresh-") {
                s.sso.insert(format!("{r}-renewed"), s.idc.reaches.clone());
            }
            let body = format!(
                r#"{{"accessToken":"{r}-renewed","expiresIn":28800,"tokenType":"Bearer","refreshToken":"{r}"}}"#
            );
            (200, "application/json", body, String::new())
        }
        None => json_error(
            400,
            "InvalidGrantException",
            "invalid_grant",
            "Invalid grant provided",
        ),
    }
}
