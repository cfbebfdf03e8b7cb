//! The AWS config and credentials files as read once, and the part of them
//! one profile's check needs.
//!
//! aws-config parses both files in full on every `ConfigLoader::load`, so
//! checking N profiles from one file costs N×N section parses. A check only
//! reads its own profile's sections, those of its `source_profile` chain,
//! and the non-profile sections (`sso-session`, `services`); handing the
//! loader just those, verbatim, resolves exactly what the full files would.

use super::env::AwsEnv;
use aws_runtime::env_config::file::{EnvConfigFileKind, EnvConfigFiles};
use aws_types::os_shim_internal::Fs;
use std::collections::{HashMap, HashSet};
use std::ffi::OsString;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::OnceLock;

/// A config or credentials file that could not be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileProblem {
    pub path: PathBuf,
    /// The parser's words, which name the line.
    pub message: String,
}

/// One file's bytes, as read.
#[derive(Clone, Debug, Default)]
pub struct SourceFile {
    pub path: PathBuf,
    pub bytes: Vec<u8>,
    /// Its permission bits as read (Unix), for the warning about a
    /// credentials file others can read: one look per reading, not per check.
    pub mode: Option<u32>,
}

#[derive(Clone, Debug, Default)]
pub struct ProfileSources {
    pub config: Option<SourceFile>,
    pub credentials: Option<SourceFile>,
    /// Files that exist but could not be read.
    unreadable: Vec<FileProblem>,
    /// Where each file's sections are, found once for every check that
    /// follows (config, credentials); `None` for a file that is not UTF-8.
    index: OnceLock<[Option<FileSections>; 2]>,
}

/// One file's sections by byte range, in file order.
#[derive(Clone, Debug, Default)]
struct FileSections {
    by_profile: HashMap<String, Vec<Range<usize>>>,
    /// Non-profile sections (`sso-session`, `services`): every check gets them.
    always: Vec<Range<usize>>,
}

impl FileSections {
    fn of(text: &str, kind: EnvConfigFileKind) -> Self {
        let mut out = FileSections::default();
        let mut open: Option<(Header<'_>, usize)> = None;
        let close =
            |open: Option<(Header<'_>, usize)>, end: usize, out: &mut FileSections| match open {
                Some((Header::Profile(name), start)) => out
                    .by_profile
                    .entry(name.to_owned())
                    .or_default()
                    .push(start..end),
                Some((Header::Other, start)) => out.always.push(start..end),
                _ => {}
            };
        let mut at = 0;
        for line in text.split_inclusive('\n') {
            if line.starts_with('[') {
                close(open.take(), at, &mut out);
                open = Some((header(line.trim_end_matches(['\r', '\n']), kind), at));
            }
            at += line.len();
        }
        close(open, at, &mut out);
        out
    }

    /// The sections of `profiles` and the shared ones, verbatim, in file order.
    fn slice(&self, text: &str, profiles: &HashSet<&str>) -> String {
        let mut ranges: Vec<&Range<usize>> = self.always.iter().collect();
        for p in profiles {
            ranges.extend(self.by_profile.get(*p).into_iter().flatten());
        }
        ranges.sort_by_key(|r| r.start);
        let mut out = String::new();
        for r in ranges {
            out.push_str(&text[r.clone()]);
            if !out.ends_with('\n') {
                out.push('\n');
            }
        }
        out
    }
}

impl ProfileSources {
    /// Read each file once. A missing file is an empty one, as for the CLI
    /// (aws-config would call an explicitly named missing file an error).
    pub fn read(env: &AwsEnv) -> Self {
        let mut sources = ProfileSources::default();
        let mut read = |path: Option<PathBuf>| {
            let path = path?;
            match read_file(&path) {
                Ok((bytes, mode)) => Some(SourceFile { path, bytes, mode }),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
                Err(e) => {
                    sources.unreadable.push(FileProblem {
                        message: format!("it cannot be read: {e}"),
                        path,
                    });
                    None
                }
            }
        };
        let config = read(env.config_file());
        let credentials = read(env.credentials_file());
        sources.config = config;
        sources.credentials = credentials;
        sources
    }

    /// The files as aws-config's file system, so it parses what was read.
    pub fn fs(&self) -> Fs {
        let map: HashMap<OsString, Vec<u8>> = [&self.config, &self.credentials]
            .into_iter()
            .flatten()
            .map(|f| (f.path.clone().into_os_string(), f.bytes.clone()))
            .collect();
        Fs::from_raw_map(map)
    }

    /// Files that could not be read, and files that are not UTF-8 (which
    /// aws-config reads as empty without a word, so the user's profiles
    /// would silently vanish).
    pub fn problems(&self) -> Vec<FileProblem> {
        let mut out = self.unreadable.clone();
        for f in [&self.config, &self.credentials].into_iter().flatten() {
            if let Err(err) = std::str::from_utf8(&f.bytes) {
                let line = f.bytes[..err.valid_up_to()]
                    .iter()
                    .filter(|b| **b == b'\n')
                    .count()
                    + 1;
                out.push(FileProblem {
                    path: f.path.clone(),
                    message: format!(
                        "line {line} is not UTF-8 text, so AWS tools ignore the whole file; save it as UTF-8"
                    ),
                });
            }
        }
        out
    }

    /// The sections a check of the `profiles` needs, as file contents for
    /// the loader; `None` when the files cannot be sliced (not UTF-8).
    pub fn sections_for(&self, profiles: &HashSet<&str>) -> Option<EnvConfigFiles> {
        let index = self.index();
        let mut b = EnvConfigFiles::builder()
            .include_default_config_file(false)
            .include_default_credentials_file(false);
        let mut any = false;
        for ((file, kind), sections) in [
            (&self.config, EnvConfigFileKind::Config),
            (&self.credentials, EnvConfigFileKind::Credentials),
        ]
        .into_iter()
        .zip(index)
        {
            let Some(file) = file else { continue };
            let text = std::str::from_utf8(&file.bytes).ok()?;
            b = b.with_contents(kind, sections.as_ref()?.slice(text, profiles));
            any = true;
        }
        any.then(|| b.build())
    }
}

/// A file's bytes and its permission bits, from one open.
fn read_file(path: &std::path::Path) -> std::io::Result<(Vec<u8>, Option<u32>)> {
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let meta = file.metadata()?;
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.read_to_end(&mut bytes)?;
    #[cfg(unix)]
    let mode = {
        use std::os::unix::fs::PermissionsExt;
        Some(meta.permissions().mode())
    };
    #[cfg(not(unix))]
    let mode = None;
    Ok((bytes, mode))
}

impl ProfileSources {
    fn index(&self) -> &[Option<FileSections>; 2] {
        self.index.get_or_init(|| {
            [
                (&self.config, EnvConfigFileKind::Config),
                (&self.credentials, EnvConfigFileKind::Credentials),
            ]
            .map(|(file, kind)| {
                let text = std::str::from_utf8(&file.as_ref()?.bytes).ok()?;
                Some(FileSections::of(text, kind))
            })
        })
    }

    /// The profile's own sections in both files, verbatim: what tells
    /// whether editing the files changed this profile (see `auto_recheck`).
    pub fn own_sections(&self, name: &str) -> Vec<&str> {
        let mut out = Vec::new();
        for (file, sections) in [&self.config, &self.credentials]
            .into_iter()
            .zip(self.index())
        {
            let (Some(file), Some(sections)) = (file, sections) else {
                continue;
            };
            let Ok(text) = std::str::from_utf8(&file.bytes) else {
                continue;
            };
            for r in sections.by_profile.get(name).into_iter().flatten() {
                out.push(&text[r.clone()]);
            }
        }
        out
    }
}

/// What a section header names, read as aws-runtime's parser reads it.
#[derive(Debug, PartialEq, Eq)]
enum Header<'a> {
    Profile(&'a str),
    /// `sso-session`, `services` and other prefixed sections of the config.
    Other,
    /// A section the SDK ignores in this kind of file.
    Ignored,
}

fn header(line: &str, kind: EnvConfigFileKind) -> Header<'_> {
    const WS: &[char] = &[' ', '\t'];
    let line = line.trim_matches(WS);
    let line = line.split(['#', ';']).next().unwrap_or("").trim_matches(WS);
    let Some(inner) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) else {
        return Header::Ignored;
    };
    let inner = inner.trim_matches(WS);
    let (prefix, name) = match inner.split_once(WS) {
        Some((p, n)) => (Some(p.trim()), n.trim()),
        None => (None, inner.trim()),
    };
    match (kind, prefix) {
        (EnvConfigFileKind::Config, Some("profile")) => Header::Profile(name),
        (EnvConfigFileKind::Config, None) if name == "default" => Header::Profile(name),
        (EnvConfigFileKind::Config, Some(_)) => Header::Other,
        (EnvConfigFileKind::Credentials, None) => Header::Profile(name),
        _ => Header::Ignored,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::block_on::block_on;
    use aws_config::profile::ProfileSet;

    const CONFIG: &str = "# a comment\n\
        [default]\nregion = eu-west-1\n\
        [profile default]\nregion = us-east-2\n\
        [profile base]\nregion = us-west-2\n\
        [profile admin] ; trailing comment\nrole_arn = arn:aws:iam::1:role/A\nsource_profile = base\n\
        [profile  spaced ]\r\nregion = ap-south-1\r\nservices = local\r\n\
        [profile admin]\nexternal_id = merged\n\
        [sso-session corp]\nsso_start_url = https://c.awsapps.com/start\nsso_region = us-east-1\n\
        [profile sso]\nsso_session = corp\nsso_account_id = 1\nsso_role_name = R\n\
        [services local]\nsts =\n  endpoint_url = http://127.0.0.1:1\n\
        [orphan]\nregion = x\n";
    const CREDENTIALS: &str = "[base]\naws_access_key_id = AKIABASE\naws_secret_access_key = s\n\
        [spaced]\naws_access_key_id = AKIASP\naws_secret_access_key = t\n\
        [profile nope]\nregion = y\n";

    fn parse(files: &EnvConfigFiles, fs: &Fs) -> ProfileSet {
        block_on(aws_config::profile::load(
            fs,
            &aws_types::os_shim_internal::Env::from_slice(&[]),
            files,
            None,
        ))
        .unwrap()
    }

    fn sources() -> ProfileSources {
        ProfileSources {
            config: Some(SourceFile {
                path: "/h/.aws/config".into(),
                bytes: CONFIG.into(),
                mode: None,
            }),
            credentials: Some(SourceFile {
                path: "/h/.aws/credentials".into(),
                bytes: CREDENTIALS.into(),
                mode: None,
            }),
            unreadable: Vec::new(),
            index: OnceLock::new(),
        }
    }

    #[test]
    fn a_slice_reads_exactly_as_the_whole_files_for_its_profiles() {
        let s = sources();
        let full_files = EnvConfigFiles::builder()
            .include_default_config_file(false)
            .include_default_credentials_file(false)
            .with_file(EnvConfigFileKind::Config, "/h/.aws/config")
            .with_file(EnvConfigFileKind::Credentials, "/h/.aws/credentials")
            .build();
        let full = parse(&full_files, &s.fs());
        let names: Vec<&str> = full.profiles().collect();
        assert!(names.len() >= 5, "{names:?}");
        for group in [
            vec!["default"],
            vec!["admin", "base"],
            vec!["spaced"],
            vec!["sso"],
        ] {
            let wanted: HashSet<&str> = group.iter().copied().collect();
            let sliced = parse(&s.sections_for(&wanted).unwrap(), &Fs::from_slice(&[]));
            for name in &group {
                assert_eq!(sliced.get_profile(name), full.get_profile(name), "{name}");
            }
            assert_eq!(sliced.sso_session("corp"), full.sso_session("corp"));
            assert_eq!(sliced.other_sections(), full.other_sections());
            let others: Vec<&str> = sliced.profiles().filter(|p| !wanted.contains(p)).collect();
            assert!(others.is_empty(), "{group:?} also got {others:?}");
        }
    }

    #[test]
    fn headers_are_read_as_the_sdk_reads_them() {
        use EnvConfigFileKind::{Config, Credentials};
        assert_eq!(header("[profile  a ]", Config), Header::Profile("a"));
        assert_eq!(header("[default] # x", Config), Header::Profile("default"));
        assert_eq!(header("[a]", Config), Header::Ignored);
        assert_eq!(header("[sso-session s]", Config), Header::Other);
        assert_eq!(header("[a]", Credentials), Header::Profile("a"));
        assert_eq!(header("[profile a]", Credentials), Header::Ignored);
    }
}
