use crate::common::Home;
use escher::aws::env::AwsEnv;
use escher::aws::profiles::{Kind, discover};
use std::path::Path;

fn fixture_env(dir: &Path) -> AwsEnv {
    AwsEnv::from_vars([
        ("HOME", "/nonexistent-home".to_owned()),
        ("AWS_CONFIG_FILE", dir.join("config").display().to_string()),
        (
            "AWS_SHARED_CREDENTIALS_FILE",
            dir.join("credentials").display().to_string(),
        ),
    ])
}

#[test]
fn files_written_by_the_aws_cli_list_as_the_cli_lists_them() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cli-written");
    let d = discover(&fixture_env(&dir));
    assert!(d.problems.is_empty(), "{:?}", d.problems);
    // What botocore (the AWS CLI's parser) lists, in its file order;
    // Escher lists the same names sorted (as its README says).
    let expected = std::fs::read_to_string(dir.join("list-profiles.txt")).unwrap();
    let mut expected: Vec<&str> = expected.lines().collect();
    assert_ne!(
        expected.first(),
        Some(&"audit-readonly"),
        "file order, not sorted"
    );
    expected.sort_unstable();
    let names: Vec<&str> = d.names().collect();
    assert_eq!(names, expected);
    let kind = |n: &str| d.get(n).unwrap().kind;
    assert_eq!(kind("default"), Kind::AccessKeys);
    assert_eq!(kind("dev"), Kind::AccessKeys);
    assert_eq!(kind("prod-admin"), Kind::Sso);
    assert_eq!(kind("legacy-sso"), Kind::SsoLegacy);
    assert_eq!(kind("audit-readonly"), Kind::AssumeRole);
    assert_eq!(kind("ci"), Kind::WebIdentity);
    assert_eq!(kind("vault"), Kind::CredentialProcess);
    assert_eq!(kind("region-only"), Kind::Unusable);
    let prod = d.get("prod-admin").unwrap();
    assert_eq!(
        prod.sso_start_url.as_deref(),
        Some("https://corp.awsapps.com/start")
    );
    assert_eq!(prod.sso_region.as_deref(), Some("us-east-1"));
    assert_eq!(prod.sso_account_id.as_deref(), Some("123456789012"));
    assert_eq!(prod.sso_role_name.as_deref(), Some("AdministratorAccess"));
    assert_eq!(d.get("dev").unwrap().region.as_deref(), Some("eu-west-1"));
    assert!(
        d.get("region-only")
            .unwrap()
            .problem
            .as_deref()
            .unwrap()
            .contains("no credentials")
    );
}

#[test]
fn hand_written_edge_cases() {
    let home = Home::new();
    home.config(
        "# a comment\r\n; another\r\n[default]\r\nregion = us-east-1\r\n\r\n\
         [profile dup]\r\nregion = eu-west-1\r\n[profile dup]\r\ncredential_process = echo\r\n\
         [profile loop-a]\r\nrole_arn = arn:aws:iam::1:role/A\r\nsource_profile = loop-b\r\n\
         [profile loop-b]\r\nrole_arn = arn:aws:iam::1:role/B\r\nsource_profile = loop-a\r\n\
         [profile orphan]\r\nrole_arn = arn:aws:iam::1:role/O\r\nsource_profile = nowhere\r\n\
         [profile self-keys]\r\nrole_arn = arn:aws:iam::1:role/S\r\nsource_profile = self-keys\r\n\
         [profile half-sso]\r\nsso_session = corp\r\nsso_account_id = 1\r\n\
         [profile no-session]\r\nsso_session = missing\r\nsso_account_id = 1\r\nsso_role_name = R\r\n\
         [sso-session corp]\r\nsso_start_url = https://c.awsapps.com/start\r\nsso_region = us-east-1\r\n\
         [not-a-profile]\r\nregion = x\r\n",
    );
    home.credentials("[self-keys]\naws_access_key_id = A\naws_secret_access_key = B\n[only-key-id]\naws_access_key_id = A\n");
    let d = discover(&home.env("http://127.0.0.1:9"));
    assert!(d.problems.is_empty(), "{:?}", d.problems);
    let names: Vec<&str> = d.names().collect();
    assert_eq!(
        names,
        [
            "default",
            "dup",
            "half-sso",
            "loop-a",
            "loop-b",
            "no-session",
            "only-key-id",
            "orphan",
            "self-keys"
        ]
    );
    let problem = |n: &str| d.get(n).unwrap().problem.clone().unwrap_or_default();
    assert_eq!(
        d.get("dup").unwrap().kind,
        Kind::CredentialProcess,
        "duplicate sections merge"
    );
    assert_eq!(d.get("dup").unwrap().region.as_deref(), Some("eu-west-1"));
    assert!(
        problem("loop-a").contains("loop-a → loop-b → loop-a"),
        "{}",
        problem("loop-a")
    );
    assert!(problem("orphan").contains("nowhere"));
    assert_eq!(d.get("self-keys").unwrap().kind, Kind::AssumeRole);
    assert!(problem("half-sso").contains("sso_role_name is missing"));
    assert!(problem("no-session").contains("[sso-session missing]"));
    assert!(problem("only-key-id").contains("aws_secret_access_key is missing"));
}

#[test]
fn a_malformed_file_names_its_line_and_the_other_file_still_loads() {
    let home = Home::new();
    home.config("[profile ok]\nregion = us-east-1\nthis is not ini\n");
    home.credentials("[keys]\naws_access_key_id = A\naws_secret_access_key = B\n");
    let d = discover(&home.env("http://127.0.0.1:9"));
    assert_eq!(d.problems.len(), 1);
    assert!(d.problems[0].path.ends_with(".aws/config"));
    assert!(
        d.problems[0].message.contains("line 3"),
        "{}",
        d.problems[0].message
    );
    assert_eq!(d.names().collect::<Vec<_>>(), ["keys"]);
}

#[test]
fn empty_missing_and_non_utf8_files() {
    let home = Home::new();
    let d = discover(&home.env("http://127.0.0.1:9"));
    assert!(
        d.profiles.is_empty() && d.problems.is_empty(),
        "missing files are empty: {:?}",
        d.problems
    );
    home.config("");
    home.credentials("");
    let d = discover(&home.env("http://127.0.0.1:9"));
    assert!(d.profiles.is_empty() && d.problems.is_empty());
    std::fs::write(
        home.path().join(".aws/config"),
        b"[profile latin]\nregion = caf\xe9\n",
    )
    .unwrap();
    home.credentials("[keys]\naws_access_key_id = A\naws_secret_access_key = B\n");
    let d = discover(&home.env("http://127.0.0.1:9"));
    assert_eq!(d.problems.len(), 1, "a non-UTF-8 file is reported");
    assert!(
        d.problems[0].message.contains("line 2 is not UTF-8"),
        "{}",
        d.problems[0].message
    );
    assert_eq!(
        d.names().collect::<Vec<_>>(),
        ["keys"],
        "and the other file still loads"
    );
}
