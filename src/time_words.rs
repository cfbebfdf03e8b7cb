//! Durations and moments in the words people use: "5 h 12 m", "expired 2 h 0 m ago".

use std::time::SystemTime;

/// The moment `secs` after the Unix epoch, or None when the clock cannot
/// hold it (a damaged file's number must never panic).
pub fn from_epoch_secs(secs: u64) -> Option<SystemTime> {
    SystemTime::UNIX_EPOCH.checked_add(std::time::Duration::from_secs(secs))
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

/// "3 m ago", or "just now".
pub fn ago(t: SystemTime) -> String {
    match SystemTime::now().duration_since(t) {
        Ok(d) if d.as_secs() >= 5 => format!("{} ago", human_duration(d)),
        _ => "just now".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

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
