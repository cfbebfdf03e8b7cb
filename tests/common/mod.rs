//! Test fixtures: a real HTTP server on 127.0.0.1 that plays AWS STS
//! (query protocol, XML; it checks SigV4 signatures with the secret it
//! knows) and the SSO portal (JSON), and a home directory in a temp dir
//! with real AWS profile files.
#![allow(dead_code)]

mod identity_center;
mod services;
mod sigv4;

#[allow(unused_imports)] // only the engine tests use them
pub use services::{CostExplorer, Trouble};

use escher::aws::env::AwsEnv;
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Clone, Debug)]
pub struct FakeIdentity {
    pub account: String,
    pub arn: String,
    pub user_id: String,
}

impl FakeIdentity {
    pub fn user(account: &str, name: &str) -> Self {
        FakeIdentity {
            account: account.into(),
            arn: format!("arn:aws:iam::{account}:user/{name}"),
            user_id: format!("AIDA{}", name.to_uppercase()),
        }
    }
}

/// How STS answers GetCallerIdentity.
#[derive(Clone, Debug)]
pub enum StsMode {
    /// Judge each request as STS does: the key must be known, the
    /// signature made with its secret, the session token current and the
    /// request time within 5 minutes of the server's clock.
    Normal,
    /// Never answer.
    Hang,
    /// 403 with a body the SDK cannot parse.
    Bare403,
}

/// An access key the fake knows.
#[derive(Clone, Debug)]
struct Key {
    secret: String,
    /// Temporary credentials carry a session token.
    token: Option<String>,
    expired: bool,
    identity: Option<FakeIdentity>,
}

/// The secret and session token the fake portal hands out for `access_key`.
pub fn sso_secret(access_key: &str) -> (String, String) {
    (
        format!("sso-secret-{access_key}"),
        format!("sso-session-{access_key}"),
    )
}

#[derive(Default)]
struct State {
    keys: HashMap<String, Key>,
    /// How far the server's clock is from this machine's (seconds).
    clock_offset: i64,
    /// Leave out the `Date` header, so the SDK cannot correct its clock.
    no_date_header: bool,
    /// SSO bearer token → (account, role) → access key id it yields.
    sso: HashMap<String, Vec<(String, String, String)>>,
    sts_mode: Option<StsMode>,
    /// Answer STS only after this long (a slow network).
    sts_delay: Option<Duration>,
    /// Answer ListAccounts/ListAccountRoles only after this long.
    listing_delay: Option<Duration>,
    /// Answer GetRoleCredentials only after this long.
    role_credentials_delay: Option<Duration>,
    sts_calls: usize,
    sso_calls: usize,
    /// The portal's name for each account (default `acct-<id>`).
    account_names: HashMap<String, String>,
    /// At most this many items per ListAccounts/ListAccountRoles page.
    page_size: Option<usize>,
    /// Every n-th listing request is refused with 429 TooManyRequests.
    throttle_every: Option<usize>,
    listing_calls: usize,
    throttled_calls: usize,
    oidc_calls: usize,
    /// The region each GetCallerIdentity was signed for.
    signed_regions: Vec<String>,
    /// Each GetCallerIdentity as asked: see [`FakeAws::sts_requests`].
    sts_requests: Vec<String>,
    /// Check permissions' services (`services`): the actions each access
    /// key may call (IAM wildcards), and every action asked, in order.
    policies: HashMap<String, Vec<String>>,
    service_calls: Vec<String>,
    /// Actions that would have changed something (never a dry run).
    mutations: Vec<String>,
    account_alias: Option<String>,
    organization: Option<String>,
    cost_explorer: services::CostExplorer,
    /// Actions answered with this trouble instead (throttled, region off).
    troubles: HashMap<String, services::Trouble>,
    /// The stand-in IAM Identity Center's own state.
    idc: identity_center::Idc,
    /// EC2 refuses as AWS-compatible endpoints do: `AccessDenied`, naming
    /// the action, instead of `UnauthorizedOperation`.
    compatible_ec2_denials: bool,
}

pub struct FakeAws {
    pub url: String,
    state: Arc<Mutex<State>>,
}

impl FakeAws {
    pub fn start() -> Self {
        Self::start_with(None)
    }

    /// The same service over HTTPS, with this certificate and key: the
    /// `url` is `https://localhost:PORT`.
    pub fn start_tls(config: Arc<rustls::ServerConfig>) -> Self {
        Self::start_with(Some(config))
    }

    fn start_with(tls: Option<Arc<rustls::ServerConfig>>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let port = listener.local_addr().unwrap().port();
        let url = match tls {
            Some(_) => format!("https://localhost:{port}"),
            None => format!("http://127.0.0.1:{port}"),
        };
        let state = Arc::new(Mutex::new(State::default()));
        state.lock().unwrap().idc.base = url.clone();
        let s = state.clone();
        std::thread::spawn(move || {
            let idle = Idle::default();
            for stream in listener.incoming().flatten() {
                let _ = stream.set_nodelay(true);
                let s = s.clone();
                let tls = tls.clone();
                run_on_idle_thread(
                    &idle,
                    Box::new(move || match tls {
                        None => serve(stream, s),
                        Some(config) => {
                            if let Ok(conn) = rustls::ServerConnection::new(config) {
                                serve(rustls::StreamOwned::new(conn, stream), s);
                            }
                        }
                    }),
                );
            }
        });
        FakeAws { url, state }
    }

    /// Long-term access keys with their secret, answering as `id`.
    pub fn user(&self, access_key: &str, secret: &str, id: FakeIdentity) -> &Self {
        self.state.lock().unwrap().keys.insert(
            access_key.into(),
            Key {
                secret: secret.into(),
                token: None,
                expired: false,
                identity: Some(id),
            },
        );
        self
    }

    /// Who the temporary credentials the portal issued as `access_key` are.
    pub fn identity(&self, access_key: &str, id: FakeIdentity) -> &Self {
        let (secret, token) = sso_secret(access_key);
        let mut s = self.state.lock().unwrap();
        let key = s.keys.entry(access_key.into()).or_insert(Key {
            secret,
            token: Some(token),
            expired: false,
            identity: None,
        });
        key.identity = Some(id);
        self
    }

    /// Temporary credentials: a key with a session token, for profiles
    /// that hold `aws_session_token`.
    pub fn session(&self, access_key: &str, secret: &str, token: &str, id: FakeIdentity) -> &Self {
        self.user(access_key, secret, id);
        self.state
            .lock()
            .unwrap()
            .keys
            .get_mut(access_key)
            .unwrap()
            .token = Some(token.into());
        self
    }

    /// The session of `access_key` has passed its expiry.
    pub fn expire(&self, access_key: &str) -> &Self {
        if let Some(k) = self.state.lock().unwrap().keys.get_mut(access_key) {
            k.expired = true;
        }
        self
    }

    /// The server's clock runs `seconds` ahead of (or behind) this machine's.
    pub fn clock_offset(&self, seconds: i64) -> &Self {
        self.state.lock().unwrap().clock_offset = seconds;
        self
    }

    /// Answer without a `Date` header (as some proxies do).
    pub fn without_date_header(&self) -> &Self {
        self.state.lock().unwrap().no_date_header = true;
        self
    }

    /// An SSO access token that may get credentials for `account`/`role`;
    /// those credentials use `access_key`.
    pub fn sso_assignment(
        &self,
        token: &str,
        account: &str,
        role: &str,
        access_key: &str,
    ) -> &Self {
        self.state
            .lock()
            .unwrap()
            .sso
            .entry(token.into())
            .or_default()
            .push((account.into(), role.into(), access_key.into()));
        self
    }

    pub fn sts_mode(&self, mode: StsMode) -> &Self {
        self.state.lock().unwrap().sts_mode = Some(mode);
        self
    }

    pub fn sts_delay(&self, delay: Duration) -> &Self {
        self.state.lock().unwrap().sts_delay = Some(delay);
        self
    }

    pub fn role_credentials_delay(&self, delay: Duration) -> &Self {
        self.state.lock().unwrap().role_credentials_delay = Some(delay);
        self
    }

    pub fn listing_delay(&self, delay: Duration) -> &Self {
        self.state.lock().unwrap().listing_delay = Some(delay);
        self
    }

    /// The name the portal gives `account`.
    pub fn account_name(&self, account: &str, name: &str) -> &Self {
        self.state
            .lock()
            .unwrap()
            .account_names
            .insert(account.into(), name.into());
        self
    }

    /// Listings come in pages of at most `n` items, with a next token.
    pub fn page_size(&self, n: usize) -> &Self {
        self.state.lock().unwrap().page_size = Some(n);
        self
    }

    /// Every `n`-th listing request is throttled (429 TooManyRequests).
    pub fn throttle_every(&self, n: usize) -> &Self {
        self.state.lock().unwrap().throttle_every = Some(n);
        self
    }

    /// ListAccounts and ListAccountRoles requests, throttled ones included.
    pub fn listing_calls(&self) -> usize {
        self.state.lock().unwrap().listing_calls
    }

    pub fn throttled_calls(&self) -> usize {
        self.state.lock().unwrap().throttled_calls
    }

    pub fn sts_calls(&self) -> usize {
        self.state.lock().unwrap().sts_calls
    }

    pub fn sso_calls(&self) -> usize {
        self.state.lock().unwrap().sso_calls
    }

    pub fn signed_regions(&self) -> Vec<String> {
        self.state.lock().unwrap().signed_regions.clone()
    }

    /// Each GetCallerIdentity as asked, one line each: the access key, the
    /// path, the Host, the scope and headers it was signed for, its session
    /// token, the user agent's `app/` part and the body.
    pub fn sts_requests(&self) -> Vec<String> {
        self.state.lock().unwrap().sts_requests.clone()
    }

    /// The actions `access_key` may call, as a policy's `Action` list.
    pub fn policy(&self, access_key: &str, actions: &[&str]) -> &Self {
        self.state.lock().unwrap().policies.insert(
            access_key.into(),
            actions.iter().map(|a| a.to_string()).collect(),
        );
        self
    }

    pub fn account_alias(&self, alias: &str) -> &Self {
        self.state.lock().unwrap().account_alias = Some(alias.into());
        self
    }

    pub fn organization(&self, id: &str) -> &Self {
        self.state.lock().unwrap().organization = Some(id.into());
        self
    }

    pub fn cost_explorer(&self, mode: services::CostExplorer) -> &Self {
        self.state.lock().unwrap().cost_explorer = mode;
        self
    }

    /// Answer `action` (`rds:DescribeDBInstances`) with `trouble`.
    /// What an access token from a sign-in with the stand-in IAM Identity
    /// Center reaches in the portal: (account, role, access key).
    pub fn sign_in_reaches(&self, reaches: &[(&str, &str, &str)]) -> &Self {
        self.state.lock().unwrap().idc.reaches = reaches
            .iter()
            .map(|(a, r, k)| ((*a).to_owned(), (*r).to_owned(), (*k).to_owned()))
            .collect();
        self
    }

    /// The user answers the authorize page with Deny.
    pub fn sign_in_declined(&self) -> &Self {
        self.state.lock().unwrap().idc.declines = true;
        self
    }

    /// The device code flow's polling interval.
    pub fn device_interval(&self, secs: u64) -> &Self {
        self.state.lock().unwrap().idc.interval_secs = secs;
        self
    }

    /// Every RegisterClient request's body.
    pub fn registrations(&self) -> Vec<serde_json::Value> {
        self.state.lock().unwrap().idc.registered.clone()
    }

    pub fn tokens_issued(&self) -> usize {
        self.state.lock().unwrap().idc.issued
    }

    pub fn slow_downs(&self) -> usize {
        self.state.lock().unwrap().idc.slow_downs
    }

    pub fn compatible_ec2_denials(&self) -> &Self {
        self.state.lock().unwrap().compatible_ec2_denials = true;
        self
    }

    pub fn trouble(&self, action: &str, trouble: services::Trouble) -> &Self {
        self.state
            .lock()
            .unwrap()
            .troubles
            .insert(action.into(), trouble);
        self
    }

    /// Every action the probed services were asked for, in order.
    pub fn service_calls(&self) -> Vec<String> {
        self.state.lock().unwrap().service_calls.clone()
    }

    /// Actions that would have changed something.
    pub fn mutations(&self) -> Vec<String> {
        self.state.lock().unwrap().mutations.clone()
    }

    pub fn oidc_calls(&self) -> usize {
        self.state.lock().unwrap().oidc_calls
    }
}

/// A loopback address where nothing listens.
/// One connection's work, start to end.
type Job = Box<dyn FnOnce() + Send>;

/// Threads whose connection has ended, each waiting for its next one.
type Idle = Arc<Mutex<Vec<std::sync::mpsc::Sender<Job>>>>;

/// Serve a connection on a thread that served one before, or on a new one.
/// A thread per connection, as before, but not a new one each time: the
/// benchmarks open 32 connections per run, and starting and ending 32
/// threads (their stacks, their malloc arenas) made the stand-in's CPU,
/// which shares the machine with Escher's, count against Escher.
fn run_on_idle_thread(idle: &Idle, job: Job) {
    let waiting = idle.lock().unwrap().pop();
    let job = match waiting {
        Some(thread) => match thread.send(job) {
            Ok(()) => return,
            Err(e) => e.0,
        },
        None => job,
    };
    let idle = idle.clone();
    std::thread::spawn(move || {
        let (tx, rx) = std::sync::mpsc::channel::<Job>();
        let mut job = job;
        loop {
            job();
            idle.lock().unwrap().push(tx.clone());
            match rx.recv() {
                Ok(next) => job = next,
                Err(_) => return,
            }
        }
    });
}

pub fn refused_url() -> String {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", l.local_addr().unwrap());
    drop(l);
    url
}

/// A port on this machine that counts the connections made to it (and
/// answers none): `host:port` and the count.
pub fn counting_listener() -> (String, Arc<std::sync::atomic::AtomicUsize>) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap().to_string();
    let count = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let c = count.clone();
    std::thread::spawn(move || {
        for stream in l.incoming().flatten() {
            c.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            drop(stream);
        }
    });
    (addr, count)
}

struct Request {
    method: String,
    path: String,
    headers: HashMap<String, String>,
    body: String,
}

fn read_request<S: Read>(reader: &mut BufReader<S>) -> Option<Request> {
    let mut line = String::new();
    if reader.read_line(&mut line).ok()? == 0 {
        return None;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_owned();
    let path = parts.next()?.to_owned();
    let mut headers = HashMap::new();
    loop {
        let mut h = String::new();
        reader.read_line(&mut h).ok()?;
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_owned());
        }
    }
    let len: usize = headers
        .get("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; len];
    reader.read_exact(&mut body).ok()?;
    Some(Request {
        method,
        path,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

fn answer(req: &Request, state: &Mutex<State>) -> Option<(u16, &'static str, String)> {
    let reply = if req.path.starts_with("/federation/credentials") {
        let delay = state.lock().unwrap().role_credentials_delay;
        if let Some(d) = delay {
            std::thread::sleep(d);
        }
        sso_role_credentials(req, state)
    } else if req.path.starts_with("/assignment/") {
        let delay = state.lock().unwrap().listing_delay;
        if let Some(d) = delay {
            std::thread::sleep(d);
        }
        sso_assignments(req, state)
    } else if req.method == "POST" && req.body.contains("Action=GetCallerIdentity") {
        let delay = state.lock().unwrap().sts_delay;
        if let Some(d) = delay {
            std::thread::sleep(d);
        }
        return sts(req, state);
    } else if let Some(answer) = services::answer(req, state) {
        answer
    } else {
        (404, "text/plain", "not found".to_owned())
    };
    Some(reply)
}

fn serve<S: Read + Write>(stream: S, state: Arc<Mutex<State>>) {
    let mut reader = BufReader::new(stream);
    while let Some(req) = read_request(&mut reader) {
        let answered = match identity_center::answer(&req, &state) {
            Some(reply) => Some(reply),
            None => {
                answer(&req, &state).map(|(status, kind, body)| (status, kind, body, String::new()))
            }
        };
        // None: hang, holding the connection open without answering.
        let Some((status, content_type, body, extra)) = answered else {
            std::thread::sleep(Duration::from_secs(120));
            return;
        };
        let reason = match status {
            200 => "OK",
            401 => "Unauthorized",
            302 => "Found",
            403 => "Forbidden",
            _ => "Error",
        };
        let date = {
            let s = state.lock().unwrap();
            (!s.no_date_header).then(|| {
                let t = aws_smithy_types::DateTime::from(server_now(s.clock_offset));
                format!(
                    "date: {}\r\n",
                    t.fmt(aws_smithy_types::date_time::Format::HttpDate)
                        .unwrap()
                )
            })
        };
        let head = format!(
            "HTTP/1.1 {status} {reason}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\n{extra}{}x-amzn-requestid: 00000000-0000-0000-0000-000000000000\r\n\r\n",
            body.len(),
            date.unwrap_or_default()
        );
        // One write: a head and a body in two small segments would meet
        // Nagle's algorithm and the client's delayed ACK (40 ms a reply on
        // a reused connection), which no real AWS endpoint makes anyone wait.
        let reply = [head.as_bytes(), body.as_bytes()].concat();
        let writer = reader.get_mut();
        if writer.write_all(&reply).is_err() || writer.flush().is_err() {
            return;
        }
    }
}

fn server_now(offset: i64) -> std::time::SystemTime {
    let now = std::time::SystemTime::now();
    if offset >= 0 {
        now + Duration::from_secs(offset as u64)
    } else {
        now - Duration::from_secs(offset.unsigned_abs())
    }
}

fn sts_error(code: &str, message: &str) -> (u16, &'static str, String) {
    (
        403,
        "text/xml",
        format!(
            r#"<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ErrorResponse>"#
        ),
    )
}

fn sts(req: &Request, state: &Mutex<State>) -> Option<(u16, &'static str, String)> {
    let mut s = state.lock().unwrap();
    s.sts_calls += 1;
    match s.sts_mode.clone().unwrap_or(StsMode::Normal) {
        StsMode::Hang => None,
        StsMode::Bare403 => Some((
            403,
            "text/html",
            "<html><body>Forbidden</body></html>".into(),
        )),
        StsMode::Normal => {
            if let Some(auth) = sigv4::authorization(&req.headers) {
                let seen = seen_request(req, &auth);
                s.sts_requests.push(seen);
                s.signed_regions.push(auth.region);
            }
            Some(judge(req, &s))
        }
    }
}

fn seen_request(req: &Request, auth: &sigv4::Authorization) -> String {
    let header = |name: &str| req.headers.get(name).map(String::as_str).unwrap_or("-");
    let app: Vec<&str> = header("user-agent")
        .split(' ')
        .filter(|t| t.starts_with("app/"))
        .collect();
    format!(
        "{} {} {} host={} scope={}/{} signed={} token={} app={} body={}",
        auth.access_key,
        req.method,
        req.path,
        header("host"),
        auth.region,
        auth.service,
        auth.signed_headers.join(";"),
        header("x-amz-security-token"),
        app.join(","),
        req.body
    )
}

/// GetCallerIdentity as STS answers it, in STS's order of checks.
fn judge(req: &Request, s: &State) -> (u16, &'static str, String) {
    let Some(auth) = sigv4::authorization(&req.headers) else {
        return sts_error(
            "MissingAuthenticationToken",
            "Request is missing Authentication Token",
        );
    };
    let Some(key) = s.keys.get(&auth.access_key) else {
        return sts_error(
            "InvalidClientTokenId",
            "The security token included in the request is invalid.",
        );
    };
    let now = server_now(s.clock_offset);
    let Some(signed_at) = req
        .headers
        .get("x-amz-date")
        .and_then(|d| sigv4::amz_date(d))
    else {
        return sts_error(
            "IncompleteSignature",
            "Date must be in ISO-8601 'basic format'.",
        );
    };
    let skew = Duration::from_secs(300);
    if signed_at + skew < now {
        return sts_error(
            "SignatureDoesNotMatch",
            &format!(
                "Signature expired: {} is now earlier than {} ({} - 5 min.)",
                sigv4::amz_date_text(signed_at),
                sigv4::amz_date_text(now - skew),
                sigv4::amz_date_text(now)
            ),
        );
    }
    if signed_at > now + skew {
        return sts_error(
            "SignatureDoesNotMatch",
            &format!(
                "Signature not yet current: {} is still later than {} ({} + 5 min.)",
                sigv4::amz_date_text(signed_at),
                sigv4::amz_date_text(now + skew),
                sigv4::amz_date_text(now)
            ),
        );
    }
    let sent_token = req.headers.get("x-amz-security-token");
    if sent_token != key.token.as_ref() {
        return sts_error(
            "InvalidClientTokenId",
            "The security token included in the request is invalid.",
        );
    }
    if key.expired {
        return sts_error(
            "ExpiredToken",
            "The security token included in the request is expired",
        );
    }
    let (method, path, body) = (&req.method, &req.path, req.body.as_bytes());
    let token = key.token.as_deref();
    if !sigv4::signature_matches(
        &auth,
        &key.secret,
        token,
        method,
        path,
        &req.headers,
        body,
        signed_at,
    ) {
        return sts_error(
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided. Check your AWS \
             Secret Access Key and signing method. Consult the service documentation for details.",
        );
    }
    match &key.identity {
        Some(id) => (
            200,
            "text/xml",
            format!(
                r#"<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>{}</Arn><UserId>{}</UserId><Account>{}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ResponseMetadata></GetCallerIdentityResponse>"#,
                id.arn, id.user_id, id.account
            ),
        ),
        None => sts_error(
            "InvalidClientTokenId",
            "The security token included in the request is invalid.",
        ),
    }
}

fn query_param(path: &str, key: &str) -> Option<String> {
    let q = path.split_once('?')?.1;
    q.split('&').find_map(|kv| {
        let (k, v) = kv.split_once('=')?;
        (k == key).then(|| v.to_owned())
    })
}

fn sso_role_credentials(req: &Request, state: &Mutex<State>) -> (u16, &'static str, String) {
    let mut s = state.lock().unwrap();
    s.sso_calls += 1;
    let s = &mut *s;
    let token = req
        .headers
        .get("x-amz-sso_bearer_token")
        .cloned()
        .unwrap_or_default();
    let account = query_param(&req.path, "account_id").unwrap_or_default();
    let role = query_param(&req.path, "role_name").unwrap_or_default();
    let Some(assignments) = s.sso.get(&token) else {
        return (
            401,
            "application/json",
            r#"{"message":"Session token not found or invalid","__type":"com.amazonaws.switchboard.portal#UnauthorizedException"}"#.into(),
        );
    };
    let found = assignments
        .iter()
        .find(|(a, r, _)| *a == account && *r == role)
        .map(|(_, _, key)| key.clone());
    match found {
        Some(key) => {
            let (secret, token) = sso_secret(&key);
            s.keys.entry(key.clone()).or_insert(Key {
                secret: secret.clone(),
                token: Some(token.clone()),
                expired: false,
                identity: None,
            });
            let expiration = (std::time::SystemTime::now() + Duration::from_secs(3600))
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_millis();
            (
                200,
                "application/json",
                format!(
                    r#"{{"roleCredentials":{{"accessKeyId":"{key}","secretAccessKey":"{secret}","sessionToken":"{token}","expiration":{expiration}}}}}"#
                ),
            )
        }
        None => (
            403,
            "application/json",
            r#"{"message":"No access","__type":"com.amazonaws.switchboard.portal#ForbiddenException"}"#.into(),
        ),
    }
}

/// ListAccounts and ListAccountRoles for a bearer token, paged as the
/// portal pages (`max_result`, `next_token`), throttled when asked.
fn sso_assignments(req: &Request, state: &Mutex<State>) -> (u16, &'static str, String) {
    let mut s = state.lock().unwrap();
    s.listing_calls += 1;
    if s.throttle_every
        .is_some_and(|n| s.listing_calls.is_multiple_of(n))
    {
        s.throttled_calls += 1;
        return (
            429,
            "application/json",
            r#"{"message":"Rate exceeded","__type":"com.amazonaws.switchboard.portal#TooManyRequestsException"}"#.into(),
        );
    }
    let token = req
        .headers
        .get("x-amz-sso_bearer_token")
        .cloned()
        .unwrap_or_default();
    let Some(assignments) = s.sso.get(&token) else {
        return (
            401,
            "application/json",
            r#"{"message":"Session token not found or invalid","__type":"com.amazonaws.switchboard.portal#UnauthorizedException"}"#.into(),
        );
    };
    let from: usize = query_param(&req.path, "next_token")
        .and_then(|t| t.parse().ok())
        .unwrap_or(0);
    let max: usize = query_param(&req.path, "max_result")
        .and_then(|t| t.parse().ok())
        .unwrap_or(usize::MAX)
        .min(s.page_size.unwrap_or(usize::MAX));
    let page = |items: Vec<serde_json::Value>, key: &str| {
        let end = from.saturating_add(max).min(items.len());
        let mut body = serde_json::json!({ key: items[from.min(end)..end] });
        if end < items.len() {
            body["nextToken"] = end.to_string().into();
        }
        (200, "application/json", body.to_string())
    };
    if req.path.starts_with("/assignment/accounts") {
        let mut ids: Vec<&str> = Vec::new();
        for (a, _, _) in assignments {
            if !ids.contains(&a.as_str()) {
                ids.push(a);
            }
        }
        let list = ids
            .iter()
            .map(|a| {
                let name = s.account_names.get(*a).cloned().unwrap_or(format!("acct-{a}"));
                serde_json::json!({"accountId": a, "accountName": name, "emailAddress": "a@example.com"})
            })
            .collect();
        page(list, "accountList")
    } else {
        let account = query_param(&req.path, "account_id").unwrap_or_default();
        let list = assignments
            .iter()
            .filter(|(a, _, _)| *a == account)
            .map(|(a, r, _)| serde_json::json!({"roleName": r, "accountId": a}))
            .collect();
        page(list, "roleList")
    }
}

/// A home directory with `.aws/config` and `.aws/credentials`.
pub struct Home {
    pub dir: tempfile::TempDir,
    pub extra: Vec<(String, String)>,
}

impl Home {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(".aws/sso/cache")).unwrap();
        Home {
            dir,
            extra: Vec::new(),
        }
    }

    pub fn path(&self) -> PathBuf {
        self.dir.path().to_path_buf()
    }

    pub fn config(&self, text: &str) -> &Self {
        std::fs::write(self.dir.path().join(".aws/config"), text).unwrap();
        self
    }

    pub fn credentials(&self, text: &str) -> &Self {
        let p = self.dir.path().join(".aws/credentials");
        std::fs::write(&p, text).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        self
    }

    /// Write an SSO token cache file as the AWS CLI does after `aws sso login`.
    pub fn sso_token(&self, key: &str, token: &str, expires_in_secs: i64) -> PathBuf {
        write_sso_token(
            &self.dir.path().join(".aws/sso/cache"),
            key,
            token,
            expires_in_secs,
        )
    }

    /// A sign-in as `aws sso login` leaves it when the SSO session can be
    /// renewed: with a refresh token and a client registration.
    pub fn sso_token_refreshable(
        &self,
        key: &str,
        token: &str,
        refresh: &str,
        expires_in_secs: i64,
    ) -> PathBuf {
        let path = self.sso_token(key, token, expires_in_secs);
        let mut v: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        let later = aws_smithy_types::DateTime::from(
            std::time::SystemTime::now() + Duration::from_secs(90 * 86400),
        )
        .fmt(aws_smithy_types::date_time::Format::DateTime)
        .unwrap();
        v["refreshToken"] = refresh.into();
        v["clientId"] = "client-1".into();
        v["clientSecret"] = "client-secret-1".into();
        v["registrationExpiresAt"] = later.into();
        std::fs::write(&path, v.to_string()).unwrap();
        path
    }

    /// Every file under this home and its bytes.
    pub fn snapshot(&self) -> std::collections::BTreeMap<PathBuf, Vec<u8>> {
        fn walk(dir: &std::path::Path, out: &mut std::collections::BTreeMap<PathBuf, Vec<u8>>) {
            for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                let p = e.path();
                if p.is_dir() {
                    walk(&p, out);
                } else if let Ok(bytes) = std::fs::read(&p) {
                    out.insert(p, bytes);
                }
            }
        }
        let mut out = std::collections::BTreeMap::new();
        walk(self.dir.path(), &mut out);
        out
    }

    /// The environment a check runs in: this home, and every AWS endpoint
    /// at `endpoint`.
    pub fn env(&self, endpoint: &str) -> AwsEnv {
        let mut vars = vec![
            ("HOME".to_owned(), self.dir.path().display().to_string()),
            ("AWS_ENDPOINT_URL".to_owned(), endpoint.to_owned()),
        ];
        vars.extend(self.extra.iter().cloned());
        AwsEnv::from_vars(vars)
    }
}

/// An SSO token cache file in `cache_dir`, as the AWS CLI writes it after
/// `aws sso login`, expiring `expires_in_secs` from now (past when negative).
pub fn write_sso_token(cache_dir: &Path, key: &str, token: &str, expires_in_secs: i64) -> PathBuf {
    let expires = std::time::SystemTime::now()
        .checked_add(Duration::from_secs(expires_in_secs.max(0) as u64))
        .unwrap()
        .checked_sub(Duration::from_secs((-expires_in_secs).max(0) as u64))
        .unwrap();
    let expires = aws_smithy_types::DateTime::from(expires)
        .fmt(aws_smithy_types::date_time::Format::DateTime)
        .unwrap();
    let path = escher::aws::sso_cache::cache_file(cache_dir, key);
    std::fs::write(
        &path,
        format!(r#"{{"startUrl":"https://example.awsapps.com/start","region":"us-east-1","accessToken":"{token}","expiresAt":"{expires}"}}"#),
    )
    .unwrap();
    path
}

/// A CA made here, and the TLS config of a server for `localhost` it signed.
pub fn company_ca() -> (String, std::sync::Arc<rustls::ServerConfig>) {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "Escher Test Inspecting Proxy CA");
    let ca_key = KeyPair::generate().unwrap();
    let ca_cert = ca_params.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca_params, ca_key);
    let leaf_key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(vec!["localhost".to_owned()])
        .unwrap()
        .signed_by(&leaf_key, &issuer)
        .unwrap();
    let provider = std::sync::Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![leaf.der().clone()],
            rustls::pki_types::PrivateKeyDer::Pkcs8(leaf_key.serialize_der().into()),
        )
        .unwrap();
    (ca_cert.pem(), std::sync::Arc::new(config))
}

/// A browser for the window's tests (the process's own PATH is shared by
/// parallel tests, so no script): it opens `url` on a thread as a browser
/// would, following redirects (the authorize page sends it back to the
/// app's callback). Plain http only: every stand-in is on this machine.
pub fn browser_stand_in(url: &str) -> bool {
    let url = url.to_owned();
    std::thread::spawn(move || {
        let mut next = Some(url);
        for _ in 0..5 {
            let Some(u) = next.take() else { break };
            next = http_get_location(&u);
        }
    });
    true
}

/// GET `url`; the `location` of a redirect.
pub fn http_get_location(url: &str) -> Option<String> {
    let rest = url.strip_prefix("http://")?;
    let (authority, path) = rest.split_once('/').map_or((rest, ""), |(a, p)| (a, p));
    let mut stream = std::net::TcpStream::connect(authority).ok()?;
    let req = format!("GET /{path} HTTP/1.1\r\nhost: {authority}\r\nconnection: close\r\n\r\n");
    stream.write_all(req.as_bytes()).ok()?;
    // The head only: a stand-in may keep the connection open after it.
    let mut location = None;
    for line in BufReader::new(stream).lines() {
        let line = line.ok()?;
        if line.is_empty() {
            break;
        }
        location = location.or_else(|| line.strip_prefix("location: ").map(str::to_owned));
    }
    location
}
