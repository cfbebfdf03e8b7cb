//! Which profiles to check again by themselves when the AWS files have been
//! read again: those whose state may have changed since the last reading.
//!
//! A profile's state is what the files say of it (its kind and settings,
//! its own sections verbatim, and the same of its `source_profile` chain)
//! and the SSO sign-in it uses (when that token expires). Each reading is
//! compared with the one before, profile by profile; a profile that
//! appears counts as changed, so `aws configure sso`, which writes the
//! token before the profile's sections, is checked once the sections come.
//!
//! Escher's own writes never count: its settings live elsewhere and the
//! watch ignores every file but the config, the credentials and the
//! tokens. Writes made on Escher's behalf come from its checks: the SDK
//! renewing an SSO token, or a `credential_process` helper that caches
//! what it fetched in the credentials file (as saml2aws-style helpers
//! do). So a change to a profile seen while a check of it, or of a profile
//! its `source_profile` chain shares, ran (or before the first reading
//! that started after that check finished) is taken as the check's own
//! doing and not as news; a change seen then from the terminal needs
//! Re-check, which stays. And one profile is checked by itself at most
//! once per `MIN_GAP`; a click still checks at once.

use crate::aws::profiles::{Discovery, ProfileInfo};
use crate::aws::sso_cache::TokenStatus;
use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::time::{Duration, Instant, SystemTime};

/// The shortest time between two automatic checks of one profile.
pub const MIN_GAP: Duration = Duration::from_secs(5);

/// What one reading said of each profile, as hashes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Reading {
    /// Profile → hash of what the files say of it and its chain.
    files: HashMap<String, u64>,
    /// Profile → the SSO cache keys it uses (its own, or its chain's).
    keys: HashMap<String, Vec<String>>,
    /// SSO cache key → hash of its token's expiry.
    tokens: HashMap<String, u64>,
}

#[derive(Debug, Default)]
pub struct AutoRecheck {
    last: Option<(Instant, Reading)>,
    /// Profiles whose check finished (when its report arrived) and that no
    /// reading started after since.
    checked: HashMap<String, Instant>,
    /// Changed, waiting to be checked.
    changed: BTreeSet<String>,
    /// When each profile's last automatic check started.
    started: HashMap<String, Instant>,
}

impl AutoRecheck {
    /// Take in a reading of the files started at `started`. The first one
    /// is only remembered; an older one than the last is ignored.
    /// `in_flight` tells which profiles are being checked now.
    pub fn discovered(
        &mut self,
        started: Instant,
        d: &Discovery,
        in_flight: &dyn Fn(&str) -> bool,
    ) {
        if self.last.as_ref().is_some_and(|(t, _)| *t > started) {
            return;
        }
        let now = read(d);
        if let Some((_, before)) = &self.last {
            let busy: Vec<&str> = d
                .names()
                .filter(|n| in_flight(n) || self.checked.contains_key(*n))
                .collect();
            let own: HashSet<&str> = busy
                .iter()
                .flat_map(|n| now.keys.get(*n).into_iter().flatten())
                .map(String::as_str)
                .collect();
            let quiet = related(d, &busy);
            let renewed =
                |key: &str| !own.contains(key) && before.tokens.get(key) != now.tokens.get(key);
            for name in d.names().filter(|n| !quiet.contains(*n)) {
                let files_changed = before.files.get(name) != now.files.get(name);
                let token_changed = now.keys.get(name).into_iter().flatten().any(|k| renewed(k));
                if files_changed || token_changed {
                    self.changed.insert(name.to_owned());
                }
            }
        }
        self.checked.retain(|_, at| *at > started);
        self.last = Some((started, now));
    }

    /// A check of `name` finished (its report just arrived).
    pub fn checked(&mut self, name: &str) {
        self.checked.insert(name.to_owned(), Instant::now());
    }

    /// The changed profiles to check now: those `wanted` (the screen shows
    /// them being connected or connected) and not being checked. One being
    /// checked stays waiting, so a change during its check is checked
    /// once it finishes; changed ones not wanted are forgotten.
    pub fn due(
        &mut self,
        wanted: &dyn Fn(&str) -> bool,
        in_flight: &dyn Fn(&str) -> bool,
    ) -> Vec<String> {
        self.due_at(Instant::now(), wanted, in_flight)
    }

    /// The same at `now`; one checked by itself less than `MIN_GAP` ago
    /// waits (see `wait`).
    pub fn due_at(
        &mut self,
        now: Instant,
        wanted: &dyn Fn(&str) -> bool,
        in_flight: &dyn Fn(&str) -> bool,
    ) -> Vec<String> {
        if self.changed.is_empty() {
            return Vec::new();
        }
        self.changed.retain(|n| wanted(n));
        let rested = |n: &str| {
            self.started
                .get(n)
                .is_none_or(|t| now.saturating_duration_since(*t) >= MIN_GAP)
        };
        let due: Vec<String> = self
            .changed
            .iter()
            .filter(|n| !in_flight(n) && rested(n))
            .cloned()
            .collect();
        for n in &due {
            self.changed.remove(n);
            self.started.insert(n.clone(), now);
        }
        due
    }

    /// How long until a waiting profile may be checked by itself, if one waits.
    pub fn wait(&self, now: Instant) -> Option<Duration> {
        self.changed
            .iter()
            .filter_map(|n| self.started.get(n))
            .map(|t| MIN_GAP.saturating_sub(now.saturating_duration_since(*t)))
            .min()
    }
}

/// `busy` and every profile that shares a `source_profile` chain with one
/// of them (either way): a check of one may write what the others read.
fn related<'a>(d: &'a Discovery, busy: &[&str]) -> HashSet<&'a str> {
    let chain_of = |name: &'a str| -> HashSet<&'a str> {
        let mut seen = HashSet::new();
        let mut at = d.get(name);
        while let Some(p) = at.filter(|p| seen.insert(p.name.as_str())) {
            at = p.source_profile.as_deref().and_then(|s| d.get(s));
        }
        seen
    };
    let busy_chains: Vec<HashSet<&str>> = busy
        .iter()
        .filter_map(|b| d.get(b))
        .map(|p| chain_of(&p.name))
        .collect();
    d.names()
        .filter(|n| {
            let mine = chain_of(n);
            busy_chains.iter().any(|c| !c.is_disjoint(&mine))
        })
        .collect()
}

fn read(d: &Discovery) -> Reading {
    let mut r = Reading::default();
    for p in &d.profiles {
        let mut h = DefaultHasher::new();
        let mut keys = Vec::new();
        chain(d, p, &mut h, &mut keys);
        r.files.insert(p.name.clone(), h.finish());
        for key in &keys {
            r.tokens
                .entry(key.clone())
                .or_insert_with(|| token_hash(d.sso_token(key)));
        }
        r.keys.insert(p.name.clone(), keys);
    }
    r
}

/// Hash `p` and its `source_profile` chain (each once: a loop in the files
/// ends here as it does for the SDK, with an error), collecting SSO keys.
fn chain(d: &Discovery, p: &ProfileInfo, h: &mut DefaultHasher, keys: &mut Vec<String>) {
    let mut seen = HashSet::new();
    let mut at = Some(p);
    while let Some(p) = at.filter(|p| seen.insert(p.name.as_str())) {
        profile_hash(d, p, h);
        if let Some(key) = p.sso_cache_key() {
            keys.push(key.to_owned());
        }
        at = p.source_profile.as_deref().and_then(|s| d.get(s));
    }
}

fn profile_hash(d: &Discovery, p: &ProfileInfo, h: &mut DefaultHasher) {
    // Every field but the token's expiry, which `tokens` follows.
    let settings = [
        &p.region,
        &p.sso_session,
        &p.sso_start_url,
        &p.sso_region,
        &p.sso_account_id,
        &p.sso_role_name,
        &p.source_profile,
        &p.ca_bundle,
        &p.problem,
    ];
    (&p.name, p.kind.id(), settings, p.missing_sso_region).hash(h);
    d.sources.own_sections(&p.name).hash(h);
}

/// A token's expiry: a new sign-in moves it. Whether it has passed is left
/// out, so the clock alone changes nothing.
fn token_hash(status: Option<&TokenStatus>) -> u64 {
    let mut h = DefaultHasher::new();
    match status {
        None => 0u8.hash(&mut h),
        Some(TokenStatus::Missing { .. }) => 1u8.hash(&mut h),
        Some(TokenStatus::Unreadable { reason, .. }) => (2u8, reason).hash(&mut h),
        Some(TokenStatus::Valid { expires_at } | TokenStatus::Expired { expires_at, .. }) => {
            (3u8, expires_at.duration_since(SystemTime::UNIX_EPOCH).ok()).hash(&mut h)
        }
    }
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::env::AwsEnv;
    use std::time::Duration;

    struct Files {
        dir: tempfile::TempDir,
    }

    impl Files {
        fn new() -> Self {
            let dir = tempfile::tempdir().unwrap();
            std::fs::create_dir_all(dir.path().join(".aws/sso/cache")).unwrap();
            Files { dir }
        }

        fn write(&self, name: &str, text: &str) {
            std::fs::write(self.dir.path().join(".aws").join(name), text).unwrap();
        }

        fn token(&self, key: &str, expires: &str) {
            let path =
                crate::aws::sso_cache::cache_file(&self.dir.path().join(".aws/sso/cache"), key);
            let json = format!(r#"{{"accessToken":"t","expiresAt":"{expires}"}}"#);
            std::fs::write(path, json).unwrap();
        }

        fn read(&self) -> Discovery {
            let home = self.dir.path().display().to_string();
            crate::aws::profiles::discover(&AwsEnv::from_vars([("HOME", home)]))
        }
    }

    const CONFIG: &str = "[profile keys]\nregion = us-east-1\n\
        [profile sso]\nsso_session = corp\nsso_account_id = 1\nsso_role_name = R\n\
        [profile role]\nrole_arn = arn:aws:iam::1:role/A\nsource_profile = keys\n\
        [sso-session corp]\nsso_start_url = https://c.awsapps.com/start\nsso_region = us-east-1\n";
    const KEYS: &str = "[keys]\naws_access_key_id = AKIAOLD\naws_secret_access_key = s\n";

    /// When readings start: one after another, on the real clock that
    /// reports arrive by.
    struct Clock;

    impl Clock {
        fn next(&mut self) -> Instant {
            std::thread::sleep(Duration::from_millis(2));
            Instant::now()
        }
    }

    fn nobody(_: &str) -> bool {
        false
    }

    fn everyone(_: &str) -> bool {
        true
    }

    fn setup() -> (Files, AutoRecheck, Clock) {
        let f = Files::new();
        f.write("config", CONFIG);
        f.write("credentials", KEYS);
        f.token("corp", "2030-01-01T00:00:00Z");
        let mut a = AutoRecheck::default();
        let mut c = Clock;
        a.discovered(c.next(), &f.read(), &nobody);
        assert!(
            a.due(&everyone, &nobody).is_empty(),
            "the first reading is not news"
        );
        (f, a, c)
    }

    #[test]
    fn new_keys_change_the_profile_and_those_that_start_from_it() {
        let (f, mut a, mut c) = setup();
        a.discovered(c.next(), &f.read(), &nobody);
        assert!(a.due(&everyone, &nobody).is_empty(), "nothing changed");
        f.write("credentials", &KEYS.replace("AKIAOLD", "AKIANEW"));
        a.discovered(c.next(), &f.read(), &nobody);
        assert_eq!(a.due(&everyone, &nobody), ["keys", "role"]);
    }

    #[test]
    fn a_new_sign_in_changes_the_profiles_that_use_it() {
        let (f, mut a, mut c) = setup();
        f.token("corp", "2031-01-01T00:00:00Z");
        a.discovered(c.next(), &f.read(), &nobody);
        assert_eq!(a.due(&everyone, &nobody), ["sso"]);
    }

    #[test]
    fn a_profile_that_appears_is_checked_when_its_sections_come() {
        let (f, mut a, mut c) = setup();
        // `aws configure sso`: the token first, for a session no profile uses yet …
        f.token("new", "2031-01-01T00:00:00Z");
        a.discovered(c.next(), &f.read(), &nobody);
        assert!(a.due(&everyone, &nobody).is_empty());
        // … then the sections.
        f.write(
            "config",
            &format!(
                "{CONFIG}[profile fresh]\nsso_session = new\nsso_account_id = 1\nsso_role_name = R\n\
                 [sso-session new]\nsso_start_url = https://n.awsapps.com/start\nsso_region = us-east-1\n"
            ),
        );
        a.discovered(c.next(), &f.read(), &nobody);
        assert_eq!(a.due(&everyone, &nobody), ["fresh"]);
    }

    #[test]
    fn the_sdk_renewing_a_token_during_escher_s_check_is_not_news() {
        let (f, mut a, mut c) = setup();
        // Renewed while the check ran, read while it still runs.
        f.token("corp", "2031-01-01T00:00:00Z");
        a.discovered(c.next(), &f.read(), &|n| n == "sso");
        assert!(a.due(&everyone, &nobody).is_empty());
        // Renewed again, read after the report arrived but by a reading
        // started before: still Escher's own.
        let started_before = c.next();
        c.next();
        a.checked("sso");
        f.token("corp", "2032-01-01T00:00:00Z");
        a.discovered(started_before, &f.read(), &nobody);
        assert!(a.due(&everyone, &nobody).is_empty());
        // The first reading started after the report takes it in; a later
        // sign-in is news again.
        a.discovered(c.next(), &f.read(), &nobody);
        assert!(a.due(&everyone, &nobody).is_empty());
        f.token("corp", "2033-01-01T00:00:00Z");
        a.discovered(c.next(), &f.read(), &nobody);
        assert_eq!(a.due(&everyone, &nobody), ["sso"]);
    }

    #[test]
    fn a_change_during_a_check_is_checked_after_it_and_only_once() {
        let (f, mut a, mut c) = setup();
        f.write("credentials", &KEYS.replace("AKIAOLD", "AKIANEW"));
        a.discovered(c.next(), &f.read(), &nobody);
        let only_keys = |n: &str| n == "keys";
        assert!(a.due(&only_keys, &only_keys).is_empty(), "in flight: waits");
        assert_eq!(a.due(&only_keys, &nobody), ["keys"]);
        assert!(a.due(&only_keys, &nobody).is_empty(), "checked once");
    }

    #[test]
    fn a_change_read_while_the_profiles_own_check_runs_starts_no_other_check() {
        let (f, mut a, mut c) = setup();
        // A credential_process helper caching its keys during the check.
        f.write("credentials", &KEYS.replace("AKIAOLD", "AKIAHELPER1"));
        a.discovered(c.next(), &f.read(), &|n| n == "keys");
        assert!(a.due(&everyone, &nobody).is_empty());
        // … and during a check of a profile that starts from it.
        f.write("credentials", &KEYS.replace("AKIAOLD", "AKIAHELPER2"));
        a.discovered(c.next(), &f.read(), &|n| n == "role");
        assert!(
            a.due(&everyone, &nobody).is_empty(),
            "keys and role share a chain"
        );
        // A change no check made is news again.
        f.write("credentials", &KEYS.replace("AKIAOLD", "AKIAUSER"));
        a.discovered(c.next(), &f.read(), &nobody);
        assert_eq!(a.due(&everyone, &nobody), ["keys", "role"]);
    }

    #[test]
    fn one_profile_is_checked_by_itself_at_most_once_per_gap() {
        let (f, mut a, mut c) = setup();
        f.write("credentials", &KEYS.replace("AKIAOLD", "AKIA1"));
        a.discovered(c.next(), &f.read(), &nobody);
        let t = Instant::now();
        let only_keys = |n: &str| n == "keys";
        assert_eq!(a.due_at(t, &only_keys, &nobody), ["keys"]);
        f.write("credentials", &KEYS.replace("AKIAOLD", "AKIA2"));
        a.discovered(c.next(), &f.read(), &nobody);
        let soon = t + Duration::from_secs(1);
        assert!(a.due_at(soon, &only_keys, &nobody).is_empty(), "waits");
        assert_eq!(a.wait(soon), Some(MIN_GAP - Duration::from_secs(1)));
        assert_eq!(a.due_at(t + MIN_GAP, &only_keys, &nobody), ["keys"]);
        assert_eq!(a.wait(t + MIN_GAP), None);
    }

    #[test]
    fn an_older_reading_is_ignored() {
        let (f, mut a, mut c) = setup();
        let older = c.next();
        let newer = c.next();
        a.discovered(newer, &f.read(), &nobody);
        f.write("credentials", &KEYS.replace("AKIAOLD", "AKIANEW"));
        a.discovered(older, &f.read(), &nobody);
        assert!(a.due(&everyone, &nobody).is_empty());
    }
}
