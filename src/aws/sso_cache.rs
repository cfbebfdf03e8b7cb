//! Reading the AWS CLI's SSO token cache (`~/.aws/sso/cache`) for status
//! only: whether a token exists and when it expires. Tokens are never
//! copied, logged or kept.

use aws_smithy_types::DateTime;
use aws_smithy_types::date_time::Format;
use sha1::{Digest, Sha1};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TokenStatus {
    Missing {
        path: PathBuf,
    },
    Unreadable {
        path: PathBuf,
        reason: String,
    },
    Valid {
        expires_at: SystemTime,
    },
    Expired {
        expires_at: SystemTime,
        refreshable: bool,
    },
}

/// `<cache dir>/<hex sha1(key)>.json`, key being the sso-session name or,
/// for legacy profiles, the start URL.
pub fn cache_file(cache_dir: &Path, key: &str) -> PathBuf {
    let digest = Sha1::digest(key.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    cache_dir.join(format!("{hex}.json"))
}

/// The cached access token itself, for the portal calls that need it
/// (never stored or logged).
pub fn access_token(cache_dir: &Path, key: &str) -> Option<String> {
    let json = read_json(&cache_file(cache_dir, key)).ok()?;
    json.get("accessToken")?.as_str().map(str::to_owned)
}

fn read_json(path: &Path) -> Result<serde_json::Value, TokenStatus> {
    let path = path.to_path_buf();
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(TokenStatus::Missing { path });
        }
        Err(e) => {
            return Err(TokenStatus::Unreadable {
                path,
                reason: e.to_string(),
            });
        }
    };
    serde_json::from_str(&text).map_err(|_| TokenStatus::Unreadable {
        path,
        reason: "the file is not valid JSON".to_owned(),
    })
}

pub fn token_status(cache_dir: &Path, key: &str, now: SystemTime) -> TokenStatus {
    let path = cache_file(cache_dir, key);
    let json = match read_json(&path) {
        Ok(json) => json,
        Err(status) => return status,
    };
    let unreadable = |reason: &str| TokenStatus::Unreadable {
        path: path.clone(),
        reason: reason.to_owned(),
    };
    if json.get("accessToken").and_then(|t| t.as_str()).is_none() {
        return unreadable("the file has no accessToken");
    }
    let Some(expires) = json.get("expiresAt").and_then(|t| t.as_str()) else {
        return unreadable("the file has no expiresAt");
    };
    let Some(expires_at) = parse_time(expires) else {
        return unreadable("expiresAt is not an RFC 3339 time");
    };
    if expires_at > now {
        TokenStatus::Valid { expires_at }
    } else {
        let refreshable = ["refreshToken", "clientId", "clientSecret"]
            .iter()
            .all(|k| json.get(*k).and_then(|v| v.as_str()).is_some());
        TokenStatus::Expired {
            expires_at,
            refreshable,
        }
    }
}

fn parse_time(s: &str) -> Option<SystemTime> {
    let t = DateTime::from_str(s, Format::DateTimeWithOffset).ok()?;
    SystemTime::try_from(t).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_name_is_sha1_of_key() {
        // A known vector: sha1("abc").
        let f = cache_file(Path::new("/c"), "abc");
        assert_eq!(
            f,
            PathBuf::from("/c/a9993e364706816aba3e25717850c26c9cd0d89d.json")
        );
    }
}
