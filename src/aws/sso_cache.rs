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

pub fn token_status(cache_dir: &Path, key: &str, now: SystemTime) -> TokenStatus {
    let path = cache_file(cache_dir, key);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return TokenStatus::Missing { path },
        Err(e) => {
            return TokenStatus::Unreadable {
                path,
                reason: e.to_string(),
            };
        }
    };
    let unreadable = |reason: &str| TokenStatus::Unreadable {
        path: path.clone(),
        reason: reason.to_owned(),
    };
    let Ok(json) = serde_json::from_str::<serde_json::Value>(&text) else {
        return unreadable("the file is not valid JSON");
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

/// "5 h 12 m", "3 m", "40 s": how long from now to then (or then to now).
pub fn human_duration(d: std::time::Duration) -> String {
    let s = d.as_secs();
    match s {
        0..60 => format!("{s} s"),
        60..3600 => format!("{} m", s / 60),
        3600..86400 => format!("{} h {} m", s / 3600, (s % 3600) / 60),
        _ => format!("{} d {} h", s / 86400, (s % 86400) / 3600),
    }
}

/// "expires in 5 h 12 m" / "expired 2 h 0 m ago".
pub fn describe_expiry(expires_at: SystemTime, now: SystemTime) -> String {
    match expires_at.duration_since(now) {
        Ok(left) => format!("expires in {}", human_duration(left)),
        Err(e) => format!("expired {} ago", human_duration(e.duration())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn file_name_is_sha1_of_key() {
        // A known vector: sha1("abc").
        let f = cache_file(Path::new("/c"), "abc");
        assert_eq!(
            f,
            PathBuf::from("/c/a9993e364706816aba3e25717850c26c9cd0d89d.json")
        );
    }

    #[test]
    fn durations_read_as_people_say_them() {
        assert_eq!(
            human_duration(Duration::from_secs(5 * 3600 + 12 * 60 + 3)),
            "5 h 12 m"
        );
        assert_eq!(human_duration(Duration::from_secs(59)), "59 s");
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        assert_eq!(
            describe_expiry(now - Duration::from_secs(7200), now),
            "expired 2 h 0 m ago"
        );
        assert_eq!(
            describe_expiry(now + Duration::from_secs(600), now),
            "expires in 10 m"
        );
    }
}
