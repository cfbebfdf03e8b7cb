//! Real components for the Azure tests: a stand-in `az` (a shell script
//! first on PATH) that replays what the real Azure CLI printed, byte for
//! byte, from tests/fixtures/az; and a local Azure Resource Manager on
//! 127.0.0.1 that judges bearer tokens as ARM does.
#![allow(dead_code)]

use escher::azure::env::{AzEnv, Limits};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

pub const CONTOSO: &str = "c0000000-0000-0000-0000-00000000000c";
pub const FABRIKAM: &str = "f0000000-0000-0000-0000-00000000000f";
pub const EMPTY_ORG: &str = "e0000000-0000-0000-0000-00000000000e";
pub const PROD: &str = "aaaaaaaa-0000-0000-0000-000000000001";
pub const DEV: &str = "aaaaaaaa-0000-0000-0000-000000000002";
pub const LEGACY: &str = "aaaaaaaa-0000-0000-0000-000000000003";
pub const OLD: &str = "aaaaaaaa-0000-0000-0000-000000000004";
pub const BILLING: &str = "aaaaaaaa-0000-0000-0000-000000000005";
pub const TRIAL: &str = "aaaaaaaa-0000-0000-0000-000000000006";
pub const ANALYTICS: &str = "bbbbbbbb-0000-0000-0000-000000000001";
pub const GOV: &str = "dddddddd-0000-0000-0000-000000000001";

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/az")
}

/// Short limits: a hanging az or ARM is given up on quickly.
pub fn quick() -> Limits {
    Limits {
        az: Duration::from_secs(3),
        arm: Duration::from_secs(3),
        login: Duration::from_secs(3),
    }
}

const SCRIPT: &str = r#"#!/bin/sh
# Stand-in for the Azure CLI: replays recorded replies chosen by argv.
d="$AZ_STANDIN"
printf '%s|%s|%s|%s\n' "$*" "${AZURE_CONFIG_DIR-}" "${AZURE_CORE_NO_COLOR-}" "$$" >> "$d/calls"
case "$*" in
  "version -o json") k=version ;;
  "cloud show -o json") k=cloud-show ;;
  "account list --all -o json") k=account-list ;;
  "account get-access-token --subscription "*" -o json")
    k="token-$4"
    [ -e "$d/replies/$k.exit" ] || [ -e "$d/replies/$k.hang" ] || k=token ;;
  "login"|"login "*) k=login ;;
  "cloud set --name "*) k=cloud-set ;;
  *) echo "ERROR: the stand-in az was asked for: $*" >&2; exit 64 ;;
esac
r="$d/replies/$k"
if [ "$k" = login ]; then
  # What az prints first (the browser page or the device code), then the
  # user: never (a grandchild sleeps, as az.cmd's python would), or once
  # the test approves; then az's last words and, signed in, the profile
  # az writes (with its BOM) and the listing that now answers.
  if [ -e "$r.stderr" ]; then cat "$r.stderr" >&2; fi
  if [ -e "$r.hang" ]; then sleep 600 & echo $! > "$d/grandchild"; wait $!; fi
  if [ -e "$r.wait" ]; then while [ ! -e "$d/approved" ]; do sleep 0.05; done; fi
  if [ -e "$r.stderr-after" ]; then cat "$r.stderr-after" >&2; fi
  code=$(cat "$r.exit")
  if [ "$code" = 0 ]; then
    if [ -d "$d/replies/after-login" ]; then cp "$d/replies/after-login/"* "$d/replies/"; fi
    if [ -e "$r.profile" ]; then cp "$r.profile" "$AZURE_CONFIG_DIR/azureProfile.json"; fi
  fi
  exit "$code"
fi
# Not exec'd: like az.cmd's python, a grandchild keeps the pipes open.
if [ -e "$r.hang" ]; then sleep 60; fi
if [ -e "$r.stdout" ]; then cat "$r.stdout"; fi
if [ -e "$r.stderr" ]; then cat "$r.stderr" >&2; fi
if [ ! -e "$r.exit" ]; then echo "ERROR: the stand-in az has no reply for $k" >&2; exit 65; fi
exit "$(cat "$r.exit")"
"#;

/// A temp dir with `bin/az`, its replies, and a scratch AZURE_CONFIG_DIR.
pub struct StandIn {
    dir: tempfile::TempDir,
}

impl StandIn {
    /// Answers version, cloud show (AzureCloud) and the recorded listing.
    pub fn new() -> Self {
        let s = Self::bare();
        s.recorded("version", "version");
        s.recorded("cloud-show", "cloud-show-public");
        s.recorded("account-list", "listing");
        s
    }

    /// No replies at all.
    pub fn bare() -> Self {
        let dir = tempfile::tempdir().unwrap();
        for sub in ["bin", "replies", "azure-config"] {
            std::fs::create_dir_all(dir.path().join(sub)).unwrap();
        }
        let az = dir.path().join("bin/az");
        std::fs::write(&az, SCRIPT).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&az, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        StandIn { dir }
    }

    pub fn bin(&self) -> PathBuf {
        self.dir.path().join("bin")
    }

    pub fn az(&self) -> PathBuf {
        self.bin().join("az")
    }

    pub fn config_dir(&self) -> PathBuf {
        self.dir.path().join("azure-config")
    }

    pub fn home(&self) -> &Path {
        self.dir.path()
    }

    /// The environment az gets: the stand-in first on PATH.
    pub fn vars(&self) -> Vec<(String, String)> {
        vec![
            (
                "PATH".into(),
                format!("{}:/usr/bin:/bin", self.bin().display()),
            ),
            ("HOME".into(), self.dir.path().display().to_string()),
            (
                "AZURE_CONFIG_DIR".into(),
                self.config_dir().display().to_string(),
            ),
            ("AZ_STANDIN".into(), self.dir.path().display().to_string()),
        ]
    }

    pub fn env(&self) -> AzEnv {
        AzEnv::from_vars(self.vars()).with_az_dirs(vec![self.bin()])
    }

    /// The same on a desktop: a browser can open, so Sign in uses it.
    pub fn env_with_display(&self) -> AzEnv {
        let mut vars = self.vars();
        vars.push(("DISPLAY".into(), ":0".into()));
        AzEnv::from_vars(vars).with_az_dirs(vec![self.bin()])
    }

    fn reply_path(&self, key: &str, ext: &str) -> PathBuf {
        self.dir.path().join(format!("replies/{key}.{ext}"))
    }

    /// Reply to `key` with a recording from tests/fixtures/az/NAME.
    pub fn recorded(&self, key: &str, name: &str) -> &Self {
        let from = fixtures().join(name);
        for ext in ["stdout", "stderr", "exit"] {
            std::fs::copy(from.join(ext), self.reply_path(key, ext))
                .unwrap_or_else(|e| panic!("fixture {name}/{ext}: {e}"));
        }
        self
    }

    /// Reply to `key` with these bytes (hand-written cases).
    pub fn reply(&self, key: &str, stdout: &str, stderr: &str, exit: i32) -> &Self {
        std::fs::write(self.reply_path(key, "stdout"), stdout).unwrap();
        std::fs::write(self.reply_path(key, "stderr"), stderr).unwrap();
        std::fs::write(self.reply_path(key, "exit"), format!("{exit}\n")).unwrap();
        let _ = std::fs::remove_file(self.reply_path(key, "hang"));
        self
    }

    /// `az login` opens the browser (az's words, from azure-cli 2.91's
    /// `login_with_auth_code`) and, once [`Self::approve`]d, signs in:
    /// writes the recorded profile and answers the listing from then on.
    pub fn login_in_browser(&self) -> &Self {
        self.login_asks(BROWSER_OPENED)
    }

    /// The same with a device code (the message Entra ID sends, as az
    /// prints it with colour off).
    pub fn login_with_code(&self) -> &Self {
        self.login_asks(DEVICE_CODE)
    }

    fn login_asks(&self, first: &str) -> &Self {
        std::fs::write(self.reply_path("login", "stderr"), first).unwrap();
        std::fs::write(self.reply_path("login", "wait"), "").unwrap();
        std::fs::write(self.reply_path("login", "exit"), "0\n").unwrap();
        let mut profile = b"\xef\xbb\xbf".to_vec();
        profile.extend(std::fs::read(fixtures().join("azureProfile.json.in")).unwrap());
        std::fs::write(self.reply_path("login", "profile"), profile).unwrap();
        let after = self.dir.path().join("replies/after-login");
        std::fs::create_dir_all(&after).unwrap();
        for ext in ["stdout", "stderr", "exit"] {
            std::fs::copy(
                fixtures().join("listing").join(ext),
                after.join(format!("account-list.{ext}")),
            )
            .unwrap();
        }
        self
    }

    /// Once signed in, the listing answers with this recording instead.
    pub fn login_lists(&self, name: &str) -> &Self {
        let after = self.dir.path().join("replies/after-login");
        for ext in ["stdout", "stderr", "exit"] {
            std::fs::copy(
                fixtures().join(name).join(ext),
                after.join(format!("account-list.{ext}")),
            )
            .unwrap();
        }
        self
    }

    /// Once approved, az ends with these last words and exit code instead.
    pub fn login_ends(&self, stderr_after: &str, exit: i32) -> &Self {
        std::fs::write(self.reply_path("login", "stderr-after"), stderr_after).unwrap();
        std::fs::write(self.reply_path("login", "exit"), format!("{exit}\n")).unwrap();
        if exit != 0 {
            let _ = std::fs::remove_dir_all(self.dir.path().join("replies/after-login"));
        }
        self
    }

    /// The user finishes signing in (in the browser, or with the code).
    pub fn approve(&self) {
        std::fs::write(self.dir.path().join("approved"), "").unwrap();
    }

    /// A user who never finishes: az waits, its child process holding the pipe.
    pub fn login_never_finishes(&self) -> &Self {
        std::fs::write(self.reply_path("login", "stderr"), BROWSER_OPENED).unwrap();
        std::fs::write(self.reply_path("login", "hang"), "").unwrap();
        std::fs::write(self.reply_path("login", "exit"), "0\n").unwrap();
        self
    }

    /// The processes a login left: the stand-in's own (from `calls`) and
    /// the grandchild it started, those still alive.
    pub fn live_login_processes(&self) -> Vec<u32> {
        let mut pids: Vec<u32> = self
            .calls()
            .into_iter()
            .filter(|c| c.0.starts_with("login"))
            .map(|c| c.3)
            .collect();
        if let Ok(g) = std::fs::read_to_string(self.dir.path().join("grandchild")) {
            pids.extend(g.trim().parse::<u32>().ok());
        }
        pids.retain(|p| alive(*p));
        pids
    }

    /// Never answer `key`.
    pub fn hang(&self, key: &str) -> &Self {
        std::fs::write(self.reply_path(key, "hang"), "").unwrap();
        self
    }

    /// `get-access-token` for subscriptions of `tenant`: the documented
    /// fields, the token `tok-<tenant>`, valid for `secs`.
    pub fn token_for(&self, sub: &str, tenant: &str, secs: u64) -> &Self {
        self.reply(
            &format!("token-{sub}"),
            &token_json(sub, tenant, secs),
            "",
            0,
        )
    }

    /// Reply to `cloud show` with the recorded loopback cloud, pointed at `arm`.
    pub fn local_cloud(&self, arm: &FakeArm) -> &Self {
        let recorded = std::fs::read_to_string(fixtures().join("cloud-show-local/stdout")).unwrap();
        let port = arm.url.rsplit(':').next().unwrap().trim_end_matches('/');
        self.reply(
            "cloud-show",
            &recorded.replace("127.0.0.1:8765", &format!("127.0.0.1:{port}")),
            "",
            0,
        )
    }

    /// Each call az received: (argv after `az`, AZURE_CONFIG_DIR, AZURE_CORE_NO_COLOR, pid).
    pub fn calls(&self) -> Vec<(String, String, String, u32)> {
        std::fs::read_to_string(self.dir.path().join("calls"))
            .unwrap_or_default()
            .lines()
            .map(|l| {
                let p: Vec<&str> = l.split('|').collect();
                (p[0].into(), p[1].into(), p[2].into(), p[3].parse().unwrap())
            })
            .collect()
    }

    pub fn token_calls(&self) -> usize {
        self.calls()
            .iter()
            .filter(|c| c.0.starts_with("account get-access-token"))
            .count()
    }
}

/// What az 2.91 prints on stderr when it has opened the browser
/// (`login_with_auth_code` in azure/cli/core/auth/identity.py).
pub const BROWSER_OPENED: &str = "WARNING: A web browser has been opened at https://login.microsoftonline.com/organizations/oauth2/v2.0/authorize. Please continue the login in the web browser. If no web browser is available or if the web browser fails to open, use device code flow with `az login --use-device-code`.\n";

/// The device-code message (Entra ID's `message`, printed as is by
/// `login_with_device_code`).
pub const DEVICE_CODE: &str = "To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code DMQ6BL7XK to authenticate.\n";

/// A process that is running (not gone, not a zombie).
pub fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| {
        !s.rsplit(')')
            .next()
            .unwrap_or("")
            .trim_start()
            .starts_with('Z')
    })
}

pub fn token_json(sub: &str, tenant: &str, secs: u64) -> String {
    let expires = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + secs;
    format!(
        "{{\n  \"accessToken\": \"tok-{tenant}\",\n  \"expiresOn\": \"2026-12-01 20:00:00.000000\",\n  \"expires_on\": {expires},\n  \"subscription\": \"{sub}\",\n  \"tenant\": \"{tenant}\",\n  \"tokenType\": \"Bearer\"\n}}\n"
    )
}

/// az's own shape for a sign-in error (see AZURE-NOTES.md), hand-written:
/// real az cannot produce these offline.
pub fn aadsts_stderr(code: u32, text: &str, tenant: &str) -> String {
    format!(
        "ERROR: AADSTS{code}: {text} Trace ID: 0e4a3c1f-9d2b-4c77-8a01-5b7f3e2d1c00 Correlation ID: 7b3f9a12-4e5d-4f60-9c21-0a8b7c6d5e4f Timestamp: 2026-12-01 18:00:00Z\n\
         Run the command below to authenticate interactively; additional arguments may be added as needed:\n\
         az logout\n\
         az login --tenant \"{tenant}\" --scope \"https://management.core.windows.net//.default\"\n"
    )
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Reader,
    Contributor,
    Owner,
    /// 403 AuthorizationFailed.
    None,
}

#[derive(Clone, Debug)]
pub struct FakeSub {
    pub tenant: String,
    pub name: String,
    pub state: String,
    pub role: Role,
    /// The permissions call at subscription scope fails (400), so the
    /// resource-group fallback is needed.
    pub no_subscription_scope: bool,
    /// No resource group to fall back to.
    pub no_groups: bool,
    /// The permissions list comes in two pages.
    pub paged: bool,
    /// Never answer the subscription GET.
    pub hang: bool,
}

impl FakeSub {
    pub fn new(tenant: &str, name: &str, role: Role) -> Self {
        FakeSub {
            tenant: tenant.into(),
            name: name.into(),
            state: "Enabled".into(),
            role,
            no_subscription_scope: false,
            no_groups: false,
            paged: false,
            hang: false,
        }
    }
}

#[derive(Default)]
struct ArmState {
    base: String,
    /// token → tenant it was issued for
    tokens: HashMap<String, String>,
    subs: HashMap<String, FakeSub>,
    /// (path and query, whether a bearer token came with it)
    requests: Vec<(String, bool)>,
}

pub struct FakeArm {
    /// `http://127.0.0.1:PORT/`
    pub url: String,
    state: Arc<Mutex<ArmState>>,
}

impl FakeArm {
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let url = format!("http://{}/", listener.local_addr().unwrap());
        let state = Arc::new(Mutex::new(ArmState {
            base: url.clone(),
            ..Default::default()
        }));
        let s = state.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let s = s.clone();
                std::thread::spawn(move || serve(stream, &s));
            }
        });
        FakeArm { url, state }
    }

    /// Accept `tok-<tenant>` for `tenant`.
    pub fn tenant(&self, tenant: &str) -> &Self {
        self.state
            .lock()
            .unwrap()
            .tokens
            .insert(format!("tok-{tenant}"), tenant.to_owned());
        self
    }

    pub fn sub(&self, id: &str, sub: FakeSub) -> &Self {
        self.state.lock().unwrap().subs.insert(id.to_owned(), sub);
        self
    }

    pub fn requests(&self) -> Vec<(String, bool)> {
        self.state.lock().unwrap().requests.clone()
    }
}

fn serve(mut stream: TcpStream, state: &Mutex<ArmState>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    let mut auth = None;
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
            break;
        }
        if let Some((k, v)) = h.split_once(':')
            && k.eq_ignore_ascii_case("authorization")
        {
            auth = Some(v.trim().to_owned());
        }
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_owned();
    let target = parts.next().unwrap_or_default().to_owned();
    let (status, body, hang) = answer(state, &method, &target, auth.as_deref());
    if hang {
        std::thread::sleep(Duration::from_secs(60));
        return;
    }
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        _ => "Error",
    };
    let _ = write!(
        stream,
        "HTTP/1.1 {status} {reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
}

fn err(status: u16, code: &str, message: &str) -> (u16, String, bool) {
    let body = serde_json::json!({"error": {"code": code, "message": message}}).to_string();
    (status, body, false)
}

fn permissions(role: Role) -> serde_json::Value {
    let (actions, not_actions): (Vec<&str>, Vec<&str>) = match role {
        Role::Reader => (vec!["*/read"], vec![]),
        Role::Contributor => (
            vec!["*"],
            vec![
                "Microsoft.Authorization/*/Delete",
                "Microsoft.Authorization/*/Write",
                "Microsoft.Authorization/elevateAccess/Action",
            ],
        ),
        Role::Owner => (vec!["*"], vec![]),
        Role::None => (vec![], vec![]),
    };
    serde_json::json!({"actions": actions, "notActions": not_actions, "dataActions": [], "notDataActions": []})
}

/// What ARM would answer: checks the api-version, the bearer token and its
/// tenant, then the caller's role.
fn answer(
    state: &Mutex<ArmState>,
    method: &str,
    target: &str,
    auth: Option<&str>,
) -> (u16, String, bool) {
    let mut st = state.lock().unwrap();
    st.requests.push((
        target.to_owned(),
        auth.is_some_and(|a| a.starts_with("Bearer ")),
    ));
    if method != "GET" {
        return err(405, "MethodNotAllowed", "Escher's tests expect GET only");
    }
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let segs: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let Some(tenant) = auth
        .and_then(|a| a.strip_prefix("Bearer "))
        .and_then(|t| st.tokens.get(t))
        .cloned()
    else {
        return err(
            401,
            "InvalidAuthenticationToken",
            "The access token is invalid.",
        );
    };
    if segs.first() != Some(&"subscriptions") || segs.len() < 2 {
        return err(
            404,
            "InvalidResourceType",
            "The resource type could not be found.",
        );
    }
    let id = segs[1];
    let Some(sub) = st.subs.get(id).cloned() else {
        return err(
            404,
            "SubscriptionNotFound",
            &format!("The subscription '{id}' could not be found."),
        );
    };
    if sub.tenant != tenant {
        return err(
            401,
            "InvalidAuthenticationTokenTenant",
            &format!(
                "The access token is from the wrong issuer 'https://sts.windows.net/{tenant}/'. It must match the tenant 'https://sts.windows.net/{}/' associated with this subscription. Please use the authority (URL) 'https://login.windows.net/{}' to get the token.",
                sub.tenant, sub.tenant
            ),
        );
    }
    let api = |v: &str| query.split('&').any(|p| p == format!("api-version={v}"));
    let rest: Vec<&str> = segs[2..].to_vec();
    let denied = || {
        err(
            403,
            "AuthorizationFailed",
            &format!(
                "The client 'alice@contoso.com' with object id '0f0f0f0f-1111-2222-3333-444444444444' does not have authorization to perform action 'Microsoft.Resources/subscriptions/read' over scope '/subscriptions/{id}' or the scope is invalid. If access was recently granted, please refresh your credentials."
            ),
        )
    };
    let perms_path = ["providers", "Microsoft.Authorization", "permissions"];
    match rest.as_slice() {
        [] => {
            if !api("2022-12-01") {
                return err(
                    400,
                    "MissingApiVersionParameter",
                    "The api-version query parameter is required.",
                );
            }
            if sub.hang {
                return (0, String::new(), true);
            }
            if sub.role == Role::None {
                return denied();
            }
            let body = serde_json::json!({
                "id": format!("/subscriptions/{id}"),
                "subscriptionId": id,
                "tenantId": sub.tenant,
                "displayName": sub.name,
                "state": sub.state,
                "subscriptionPolicies": {"locationPlacementId": "Public_2014-09-01", "quotaId": "PayAsYouGo_2014-09-01", "spendingLimit": "Off"},
                "authorizationSource": "RoleBased"
            });
            (200, body.to_string(), false)
        }
        [p, a, q] if [*p, *a, *q] == perms_path => {
            if !api("2022-04-01") {
                return err(
                    400,
                    "MissingApiVersionParameter",
                    "The api-version query parameter is required.",
                );
            }
            if sub.no_subscription_scope {
                return err(
                    400,
                    "InvalidScope",
                    "Permissions are available at resource group scope only here.",
                );
            }
            if sub.paged && !query.contains("page=2") {
                let next = format!(
                    "{}{}?{}&page=2",
                    st.base,
                    path.trim_start_matches('/'),
                    query
                );
                let body =
                    serde_json::json!({"value": [permissions(Role::Reader)], "nextLink": next});
                return (200, body.to_string(), false);
            }
            (
                200,
                serde_json::json!({"value": [permissions(sub.role)]}).to_string(),
                false,
            )
        }
        ["resourcegroups"] => {
            let groups = if sub.no_groups {
                serde_json::json!({"value": []})
            } else {
                serde_json::json!({"value": [{"id": format!("/subscriptions/{id}/resourceGroups/rg-app"), "name": "rg-app", "location": "westeurope"}]})
            };
            (200, groups.to_string(), false)
        }
        ["resourceGroups", "rg-app", p, a, q] if [*p, *a, *q] == perms_path => (
            200,
            serde_json::json!({"value": [permissions(sub.role)]}).to_string(),
            false,
        ),
        _ => err(
            404,
            "InvalidResourceType",
            "The resource type could not be found.",
        ),
    }
}
