//! Test fixtures: a real HTTP server on 127.0.0.1 that plays AWS STS
//! (query protocol, XML) and the SSO portal (JSON), and a home directory
//! in a temp dir with real AWS profile files.
#![allow(dead_code)]

use escher::aws::env::AwsEnv;
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
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
    /// Known access keys get their identity; others InvalidClientTokenId.
    Normal,
    /// Never answer.
    Hang,
    /// 403 with a body the SDK cannot parse.
    Bare403,
    /// Always this error code and message, status 403.
    Error(String, String),
}

#[derive(Default)]
struct State {
    identities: HashMap<String, FakeIdentity>,
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
}

pub struct FakeAws {
    pub url: String,
    state: Arc<Mutex<State>>,
}

impl FakeAws {
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let url = format!("http://{}", listener.local_addr().unwrap());
        let state = Arc::new(Mutex::new(State::default()));
        let s = state.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let s = s.clone();
                std::thread::spawn(move || serve(stream, s));
            }
        });
        FakeAws { url, state }
    }

    pub fn identity(&self, access_key: &str, id: FakeIdentity) -> &Self {
        self.state
            .lock()
            .unwrap()
            .identities
            .insert(access_key.into(), id);
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

    pub fn sts_calls(&self) -> usize {
        self.state.lock().unwrap().sts_calls
    }

    pub fn sso_calls(&self) -> usize {
        self.state.lock().unwrap().sso_calls
    }
}

/// A loopback address where nothing listens.
pub fn refused_url() -> String {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", l.local_addr().unwrap());
    drop(l);
    url
}

struct Request {
    method: String,
    path: String,
    headers: HashMap<String, String>,
    body: String,
}

fn read_request(reader: &mut BufReader<TcpStream>) -> Option<Request> {
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

fn serve(stream: TcpStream, state: Arc<Mutex<State>>) {
    let mut writer = stream.try_clone().unwrap();
    let mut reader = BufReader::new(stream);
    while let Some(req) = read_request(&mut reader) {
        let (status, content_type, body) = if req.path.starts_with("/federation/credentials") {
            let delay = state.lock().unwrap().role_credentials_delay;
            if let Some(d) = delay {
                std::thread::sleep(d);
            }
            sso_role_credentials(&req, &state)
        } else if req.path.starts_with("/assignment/") {
            let delay = state.lock().unwrap().listing_delay;
            if let Some(d) = delay {
                std::thread::sleep(d);
            }
            sso_assignments(&req, &state)
        } else if req.method == "POST" && req.body.contains("Action=GetCallerIdentity") {
            let delay = state.lock().unwrap().sts_delay;
            if let Some(d) = delay {
                std::thread::sleep(d);
            }
            match sts(&req, &state) {
                Some(r) => r,
                None => {
                    // Hang: hold the connection open without answering.
                    std::thread::sleep(Duration::from_secs(120));
                    return;
                }
            }
        } else {
            (404, "text/plain", "not found".to_owned())
        };
        let reason = match status {
            200 => "OK",
            401 => "Unauthorized",
            403 => "Forbidden",
            _ => "Error",
        };
        let head = format!(
            "HTTP/1.1 {status} {reason}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nx-amzn-requestid: 00000000-0000-0000-0000-000000000000\r\n\r\n",
            body.len()
        );
        if writer.write_all(head.as_bytes()).is_err() || writer.write_all(body.as_bytes()).is_err()
        {
            return;
        }
    }
}

fn access_key_of(req: &Request) -> Option<String> {
    let auth = req.headers.get("authorization")?;
    let cred = auth.split("Credential=").nth(1)?;
    Some(cred.split('/').next()?.to_owned())
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
        StsMode::Error(code, msg) => Some(sts_error(&code, &msg)),
        StsMode::Normal => {
            let key = access_key_of(req).unwrap_or_default();
            Some(match s.identities.get(&key) {
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
            })
        }
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
    match assignments.iter().find(|(a, r, _)| *a == account && *r == role) {
        Some((_, _, key)) => {
            let expiration = (std::time::SystemTime::now() + Duration::from_secs(3600))
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_millis();
            (
                200,
                "application/json",
                format!(
                    r#"{{"roleCredentials":{{"accessKeyId":"{key}","secretAccessKey":"sso-secret","sessionToken":"sso-session-token","expiration":{expiration}}}}}"#
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

/// ListAccounts and ListAccountRoles for a bearer token.
fn sso_assignments(req: &Request, state: &Mutex<State>) -> (u16, &'static str, String) {
    let s = state.lock().unwrap();
    let token = req
        .headers
        .get("x-amz-sso_bearer_token")
        .cloned()
        .unwrap_or_default();
    let Some(assignments) = s.sso.get(&token) else {
        return (
            401,
            "application/json",
            r#"{"message":"Session token not found or invalid"}"#.into(),
        );
    };
    if req.path.starts_with("/assignment/accounts") {
        let mut ids: Vec<&str> = assignments.iter().map(|(a, _, _)| a.as_str()).collect();
        ids.dedup();
        let list: Vec<String> = ids
            .iter()
            .map(|a| format!(r#"{{"accountId":"{a}","accountName":"acct-{a}","emailAddress":"a@example.com"}}"#))
            .collect();
        (
            200,
            "application/json",
            format!(r#"{{"accountList":[{}]}}"#, list.join(",")),
        )
    } else {
        let account = query_param(&req.path, "account_id").unwrap_or_default();
        let list: Vec<String> = assignments
            .iter()
            .filter(|(a, _, _)| *a == account)
            .map(|(a, r, _)| format!(r#"{{"roleName":"{r}","accountId":"{a}"}}"#))
            .collect();
        (
            200,
            "application/json",
            format!(r#"{{"roleList":[{}]}}"#, list.join(",")),
        )
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
        let expires = std::time::SystemTime::now()
            .checked_add(Duration::from_secs(expires_in_secs.max(0) as u64))
            .unwrap()
            .checked_sub(Duration::from_secs((-expires_in_secs).max(0) as u64))
            .unwrap();
        let expires = aws_smithy_types::DateTime::from(expires)
            .fmt(aws_smithy_types::date_time::Format::DateTime)
            .unwrap();
        let path = escher::aws::sso_cache::cache_file(&self.dir.path().join(".aws/sso/cache"), key);
        std::fs::write(
            &path,
            format!(r#"{{"startUrl":"https://example.awsapps.com/start","region":"us-east-1","accessToken":"{token}","expiresAt":"{expires}"}}"#),
        )
        .unwrap();
        path
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
