//! The two files `aws sso login` leaves in `~/.aws/sso/cache`, written as
//! the AWS CLI v2 writes them, so the CLI, the SDKs and Escher share one
//! sign-in that renews: the token (`<sha1 of the session name>.json`) and
//! the client registration (named by the SHA-1 of the CLI's own JSON of
//! tool, start URL, region, scopes and session name). Times are UTC as
//! `YYYY-MM-DDTHH:MM:SSZ` (the Rust SDK refuses offsets); each file is
//! private to its owner (0600) and replaced by a rename, never truncated.

use super::secret::Secret;
use crate::aws::sso_cache;
use aws_smithy_types::DateTime;
use aws_smithy_types::date_time::Format;
use serde_json::{Value, json};
use sha1::{Digest, Sha1};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// A registration this close to its end is not reused (the CLI's window).
pub const REUSE_MARGIN: Duration = Duration::from_secs(15 * 60);

/// A client registration with IAM Identity Center.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Registration {
    pub client_id: String,
    pub client_secret: Secret,
    pub expires_at: SystemTime,
    pub scopes: Vec<String>,
    /// `authorization_code` and `refresh_token` for the browser flow;
    /// empty for a device-flow registration (the CLI writes none).
    pub grant_types: Vec<String>,
}

/// A sign-in as the token file holds it.
#[derive(Clone, Debug)]
pub struct Token {
    pub start_url: String,
    pub region: String,
    pub access_token: Secret,
    pub expires_at: SystemTime,
    pub refresh_token: Option<Secret>,
    pub registration: Registration,
}

/// What names a registration file: as `sso_registration_scopes` is in the
/// config (`None`: absent).
pub struct RegistrationKey<'a> {
    pub start_url: &'a str,
    pub region: &'a str,
    pub scopes: Option<&'a [String]>,
    pub session_name: &'a str,
}

/// `<dir>/<sha1 of the CLI's JSON>.json`: Python's `json.dumps(…,
/// sort_keys=True)`, whose separators are `", "` and `": "` and which
/// escapes every non-ASCII character.
pub fn registration_file(dir: &Path, key: &RegistrationKey<'_>) -> PathBuf {
    let scopes = match key.scopes {
        Some(list) => {
            let items: Vec<String> = list.iter().map(|s| py_string(s)).collect();
            format!("[{}]", items.join(", "))
        }
        None => "null".to_owned(),
    };
    let text = format!(
        "{{\"region\": {}, \"scopes\": {scopes}, \"session_name\": {}, \"startUrl\": {}, \"tool\": \"botocore\"}}",
        py_string(key.region),
        py_string(key.session_name),
        py_string(key.start_url),
    );
    let hex: String = Sha1::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    dir.join(format!("{hex}.json"))
}

/// A string as Python's `json.dumps` writes it (`ensure_ascii`).
fn py_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if c.is_ascii() && !c.is_ascii_control() => out.push(c),
            c => {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{u:04x}"));
                }
            }
        }
    }
    out.push('"');
    out
}

/// The token file of an sso-session.
pub fn token_file(dir: &Path, session_name: &str) -> PathBuf {
    sso_cache::cache_file(dir, session_name)
}

/// `YYYY-MM-DDTHH:MM:SSZ`, UTC.
pub fn time_text(t: SystemTime) -> String {
    let secs = t
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    DateTime::from_secs(i64::try_from(secs).unwrap_or(i64::MAX))
        .fmt(Format::DateTime)
        .unwrap_or_default()
}

fn parse_time(v: &Value) -> Option<SystemTime> {
    let t = DateTime::from_str(v.as_str()?, Format::DateTime).ok()?;
    SystemTime::try_from(t).ok()
}

/// A cached registration this flow may reuse: readable, not near its end,
/// and made for the same grants (the CLI never mixes device-flow and
/// browser-flow registrations).
pub fn reusable_registration(path: &Path, browser: bool, now: SystemTime) -> Option<Registration> {
    let v: Value = serde_json::from_slice(&std::fs::read(path).ok()?).ok()?;
    let grant_types: Vec<String> = v["grantTypes"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|g| g.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    if browser != grant_types.iter().any(|g| g == "authorization_code") {
        return None;
    }
    let expires_at = parse_time(&v["expiresAt"])?;
    if expires_at < now + REUSE_MARGIN {
        return None;
    }
    Some(Registration {
        client_id: v["clientId"].as_str()?.to_owned(),
        client_secret: Secret::new(v["clientSecret"].as_str()?),
        expires_at,
        scopes: v["scopes"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|s| s.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default(),
        grant_types,
    })
}

pub fn write_registration(path: &Path, r: &Registration) -> Result<(), String> {
    let mut v = json!({
        "clientId": r.client_id,
        "clientSecret": r.client_secret.expose(),
        "expiresAt": time_text(r.expires_at),
        "scopes": r.scopes,
    });
    if !r.grant_types.is_empty() {
        v["grantTypes"] = json!(r.grant_types);
    }
    write_private(path, &v)
}

/// Write the token file, unless another tool wrote a later sign-in to it
/// since this one began (`began`): re-read just before, so a refresh made
/// meanwhile is never replaced by older tokens. Returns whether it wrote.
pub fn write_token(path: &Path, t: &Token, began: SystemTime) -> Result<bool, String> {
    if let Ok(bytes) = std::fs::read(path)
        && let Ok(old) = serde_json::from_slice::<Value>(&bytes)
        && let Some(old_expiry) = parse_time(&old["expiresAt"])
        && old["startUrl"].as_str() == Some(t.start_url.as_str())
        && old_expiry > t.expires_at
        && modified_since(path, began)
    {
        return Ok(false);
    }
    let mut v = json!({
        "startUrl": t.start_url,
        "region": t.region,
        "accessToken": t.access_token.expose(),
        "expiresAt": time_text(t.expires_at),
        "clientId": t.registration.client_id,
        "clientSecret": t.registration.client_secret.expose(),
        "registrationExpiresAt": time_text(t.registration.expires_at),
    });
    if let Some(refresh) = &t.refresh_token {
        v["refreshToken"] = json!(refresh.expose());
    }
    write_private(path, &v).map(|()| true)
}

fn modified_since(path: &Path, began: SystemTime) -> bool {
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .is_ok_and(|m| m >= began)
}

fn write_private(path: &Path, v: &Value) -> Result<(), String> {
    let dir = path.parent().unwrap_or(Path::new("."));
    create_private_dir(dir).map_err(|e| format!("{} could not be made: {e}", dir.display()))?;
    let bytes = serde_json::to_vec(v).map_err(|e| e.to_string())?;
    crate::atomic_file::prepare_with(path, &bytes, crate::atomic_file::owner_only())
        .and_then(|p| p.commit())
        .map_err(|e| format!("{} could not be written: {e}", path.display()))
}

fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
    b.create(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key<'a>(scopes: Option<&'a [String]>, session: &'a str) -> RegistrationKey<'a> {
        RegistrationKey {
            start_url: "https://my-sso-portal.awsapps.com/start",
            region: "us-east-1",
            scopes,
            session_name: session,
        }
    }

    #[test]
    fn files_are_named_as_the_aws_cli_names_them() {
        let dir = Path::new("/c");
        // The CLI's and aws-config's own test vectors.
        assert_eq!(
            token_file(dir, "admin"),
            dir.join("d033e22ae348aeb5660fc2140aec35850c4da997.json")
        );
        let scopes = vec!["sso:account:access".to_owned()];
        assert_eq!(
            registration_file(dir, &key(Some(&scopes), "my-sso")),
            dir.join("c5cfae6e3e4f067423a532368c8b514b6a4b0ace.json")
        );
        assert_eq!(py_string("é\"\n"), "\"\\u00e9\\\"\\n\"");
    }

    #[test]
    fn times_are_utc_with_a_z() {
        let t = SystemTime::UNIX_EPOCH + Duration::from_millis(1_765_090_800_900);
        assert_eq!(time_text(t), "2025-12-07T07:00:00Z");
    }

    #[test]
    fn the_token_file_is_private_and_never_replaced_by_an_older_sign_in() {
        let dir = tempfile::tempdir().unwrap();
        let path = token_file(dir.path(), "corp");
        let now = SystemTime::now();
        let reg = Registration {
            client_id: "c".into(),
            client_secret: Secret::new("s"),
            expires_at: now + Duration::from_secs(90 * 86400),
            scopes: vec!["sso:account:access".into()],
            grant_types: vec![],
        };
        let token = |access: &str, hours: u64| Token {
            start_url: "https://d-1.awsapps.com/start".into(),
            region: "eu-west-1".into(),
            access_token: Secret::new(access),
            expires_at: now + Duration::from_secs(hours * 3600),
            refresh_token: Some(Secret::new("r")),
            registration: reg.clone(),
        };
        let began = SystemTime::now();
        assert!(write_token(&path, &token("newer", 8), began).unwrap());
        assert!(!write_token(&path, &token("older", 1), began).unwrap());
        let v: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        assert_eq!(v["accessToken"], "newer");
        assert_eq!(v["refreshToken"], "r");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
