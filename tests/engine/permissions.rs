//! Check permissions against a loopback server that judges every probe's
//! SigV4 signature and enforces a policy per access key, in each
//! service's own wire protocol and error shapes.

use crate::common::{CostExplorer, FakeAws, FakeIdentity, Home, Trouble, refused_url};
use escher::aws::permissions::{Capability, Options, PermissionReport, check_profile_permissions};
use escher::aws::profile_name::ProfileName;
use std::time::Duration;

const T: Duration = Duration::from_secs(10);

/// The seed's minimum read-only policy, as shipped.
fn minimum_policy() -> Vec<String> {
    let v: serde_json::Value =
        serde_json::from_str(include_str!("../../assets/escher-readonly-policy.json")).unwrap();
    v["Statement"][0]["Action"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap().to_owned())
        .collect()
}

/// A server with one access-key profile `p` whose key may call `actions`.
fn principal(actions: &[&str]) -> (FakeAws, Home) {
    let aws = FakeAws::start();
    aws.user(
        "AKIAPERM",
        "s3cr3t",
        FakeIdentity::user("111122223333", "escher"),
    )
    .policy("AKIAPERM", actions)
    .account_alias("acme-prod")
    .organization("o-a1b2c3d4e5");
    let home = Home::new();
    home.config("[profile p]\nregion = eu-west-1\n");
    home.credentials("[p]\naws_access_key_id = AKIAPERM\naws_secret_access_key = s3cr3t\n");
    (aws, home)
}

fn run(home: &Home, url: &str, options: Options) -> PermissionReport {
    let env = home.env(url);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(check_profile_permissions(
        &ProfileName::parse("p").unwrap(),
        &env,
        T,
        options,
    ))
}

fn allowed(r: &PermissionReport, c: Capability) -> Option<bool> {
    r.row(c).unwrap_or_else(|| panic!("no {c:?} row")).allowed
}

#[test]
fn the_minimum_policy_reads_everything_and_cannot_write() {
    let policy = minimum_policy();
    let actions: Vec<&str> = policy.iter().map(String::as_str).collect();
    let (aws, home) = principal(&actions);
    let r = run(&home, &aws.url, Options::default());
    for c in Capability::FREE {
        let row = r.row(c).unwrap();
        assert_eq!(row.allowed, Some(true), "{c:?}: {}", row.explanation);
        assert!(row.missing.is_empty());
    }
    assert!(r.row(Capability::CostExplorer).is_none(), "not asked for");
    assert_eq!(r.write.can_write, Some(false), "{}", r.write.explanation);
    assert!(r.write.explanation.contains("cannot change"));
    assert_eq!(r.account_alias.as_deref(), Some("acme-prod"));
    // organizations:DescribeOrganization is not in the minimum policy.
    assert_eq!(r.organization, None);
    let calls = aws.service_calls();
    assert!(
        calls.contains(&"cloudtrail:LookupEvents".to_owned()),
        "{calls:?}"
    );
    assert!(
        calls.contains(&"cloudtrail:DescribeTrails".to_owned()),
        "{calls:?}"
    );
    assert!(
        !calls.iter().any(|c| c.starts_with("ce:")),
        "Cost Explorer costs money: {calls:?}"
    );
    assert!(aws.mutations().is_empty(), "{:?}", aws.mutations());
}

#[test]
fn only_ec2_describe_denies_the_rest_and_names_what_to_add() {
    let (aws, home) = principal(&["ec2:Describe*"]);
    let r = run(&home, &aws.url, Options::default());
    assert_eq!(allowed(&r, Capability::Ec2), Some(true));
    let expect = [
        (Capability::S3, vec!["s3:ListAllMyBuckets"], "\"s3:List*\""),
        (
            Capability::Iam,
            vec!["iam:GetAccountSummary"],
            "\"iam:Get*\"",
        ),
        (
            Capability::Rds,
            vec!["rds:DescribeDBInstances"],
            "\"rds:Describe*\"",
        ),
        (
            Capability::CloudTrail,
            vec!["cloudtrail:LookupEvents", "cloudtrail:DescribeTrails"],
            "\"cloudtrail:Describe*\"",
        ),
        (
            Capability::CloudWatch,
            vec!["cloudwatch:DescribeAlarms"],
            "\"cloudwatch:Describe*\"",
        ),
        (
            Capability::Tag,
            vec!["tag:GetTagKeys"],
            "\"tag:GetTagKeys\"",
        ),
    ];
    for (c, missing, line) in expect {
        let row = r.row(c).unwrap();
        assert_eq!(row.allowed, Some(false), "{c:?}: {}", row.explanation);
        assert_eq!(row.missing, missing, "{c:?}");
        assert!(row.explanation.contains(line), "{c:?}: {}", row.explanation);
    }
    assert_eq!(r.write.can_write, Some(false));
    assert_eq!(r.account_alias, None, "iam:ListAccountAliases is denied");
}

#[test]
fn a_principal_allowed_everything_reads_all_and_is_warned_it_can_write() {
    let (aws, home) = principal(&["*"]);
    let r = run(
        &home,
        &aws.url,
        Options {
            cost_explorer: true,
        },
    );
    for c in Capability::FREE
        .into_iter()
        .chain([Capability::CostExplorer])
    {
        assert_eq!(allowed(&r, c), Some(true), "{c:?}");
    }
    assert_eq!(r.write.can_write, Some(true));
    assert!(
        r.write.explanation.contains("can change resources"),
        "{}",
        r.write.explanation
    );
    assert!(
        r.write.explanation.contains("ReadOnlyAccess"),
        "{}",
        r.write.explanation
    );
    assert_eq!(r.organization.as_deref(), Some("o-a1b2c3d4e5"));
    assert!(aws.service_calls().contains(&"ec2:CreateTags".to_owned()));
    assert!(
        aws.mutations().is_empty(),
        "the write was a dry run: {:?}",
        aws.mutations()
    );
}

#[test]
fn where_the_simulator_may_be_asked_it_finds_writes_the_dry_run_cannot() {
    // No EC2 write, so the dry run is refused; but S3 writes are allowed.
    let (aws, home) = principal(&[
        "ec2:Describe*",
        "iam:SimulatePrincipalPolicy",
        "s3:PutObject",
    ]);
    let r = run(&home, &aws.url, Options::default());
    assert_eq!(r.write.can_write, Some(true), "{}", r.write.explanation);
    assert!(
        r.write
            .explanation
            .contains("policy simulator allows s3:PutObject"),
        "{}",
        r.write.explanation
    );
    assert!(
        aws.service_calls()
            .contains(&"iam:SimulatePrincipalPolicy".to_owned())
    );
    // With the simulator and no writes at all, it says so.
    let (aws, home) = principal(&["ec2:Describe*", "iam:SimulatePrincipalPolicy"]);
    let r = run(&home, &aws.url, Options::default());
    assert_eq!(r.write.can_write, Some(false));
    assert!(
        r.write.explanation.contains("allows none of"),
        "{}",
        r.write.explanation
    );
    assert!(aws.mutations().is_empty());
}

#[test]
fn an_assumed_role_is_simulated_as_its_role_with_its_path() {
    let aws = FakeAws::start();
    let role = FakeIdentity {
        account: "111122223333".into(),
        arn: "arn:aws:sts::111122223333:assumed-role/EscherRead/alice".into(),
        user_id: "AROAEXAMPLE:alice".into(),
    };
    aws.session("ASIAROLE", "s3cr3t", "tok", role).policy(
        "ASIAROLE",
        &[
            "iam:GetRole",
            "iam:SimulatePrincipalPolicy",
            "rds:DeleteDBInstance",
        ],
    );
    let home = Home::new();
    home.config("[profile p]\nregion = eu-west-1\n");
    home.credentials(
        "[p]\naws_access_key_id = ASIAROLE\naws_secret_access_key = s3cr3t\naws_session_token = tok\n",
    );
    let r = run(&home, &aws.url, Options::default());
    assert_eq!(r.write.can_write, Some(true), "{}", r.write.explanation);
    assert!(
        r.write.explanation.contains("allows rds:DeleteDBInstance"),
        "{}",
        r.write.explanation
    );
    let calls = aws.service_calls();
    assert!(calls.contains(&"iam:GetRole".to_owned()), "{calls:?}");
}

#[test]
fn throttling_and_a_region_not_enabled_are_said_in_words_not_taken_for_denials() {
    let (aws, home) = principal(&["*"]);
    aws.trouble("rds:DescribeDBInstances", Trouble::Throttled)
        .trouble("ec2:DescribeRegions", Trouble::RegionNotEnabled)
        .trouble("tag:GetTagKeys", Trouble::RegionNotEnabled);
    let r = run(&home, &aws.url, Options::default());
    let rds = r.row(Capability::Rds).unwrap();
    assert_eq!(rds.allowed, None);
    assert!(rds.explanation.contains("slow down"), "{}", rds.explanation);
    for c in [Capability::Ec2, Capability::Tag] {
        let row = r.row(c).unwrap();
        assert_eq!(row.allowed, None, "{c:?}");
        assert!(
            row.explanation.contains("eu-west-1") && row.explanation.contains("not enabled"),
            "{c:?}: {}",
            row.explanation
        );
    }
    assert_eq!(allowed(&r, Capability::S3), Some(true));
}

fn cost_explorer_row(
    mode: CostExplorer,
    actions: &[&str],
) -> escher::aws::permissions::CapabilityCheck {
    let (aws, home) = principal(actions);
    aws.cost_explorer(mode);
    let r = run(
        &home,
        &aws.url,
        Options {
            cost_explorer: true,
        },
    );
    r.row(Capability::CostExplorer).unwrap().clone()
}

#[test]
fn cost_explorer_tells_not_enabled_no_data_yet_and_denied_apart() {
    let not_enabled = cost_explorer_row(CostExplorer::NotEnabled, &["ce:GetCostAndUsage"]);
    assert_eq!(not_enabled.allowed, None);
    assert!(
        not_enabled
            .explanation
            .contains("Billing → Cost Explorer → Enable")
            && not_enabled.explanation.contains("24 hours"),
        "{}",
        not_enabled.explanation
    );
    let no_data = cost_explorer_row(CostExplorer::NoData, &["ce:GetCostAndUsage"]);
    assert_eq!(no_data.allowed, Some(true));
    assert!(
        no_data.explanation.contains("no data yet"),
        "{}",
        no_data.explanation
    );
    let enabled = cost_explorer_row(CostExplorer::Enabled, &["ce:*"]);
    assert_eq!(enabled.allowed, Some(true));
    let denied = cost_explorer_row(CostExplorer::Enabled, &["ec2:Describe*"]);
    assert_eq!(denied.allowed, Some(false));
    assert_eq!(denied.missing, vec!["ce:GetCostAndUsage"]);
    assert!(
        denied.explanation.contains("\"ce:GetCostAndUsage\""),
        "{}",
        denied.explanation
    );
}

#[test]
fn each_service_goes_where_its_own_endpoint_setting_says() {
    let (aws, home) = principal(&["*"]);
    // The profile's endpoint_url is the main server; its `services`
    // section sends S3 to a second one (which knows the same key), and
    // AWS_ENDPOINT_URL_CLOUDWATCH sends CloudWatch where nothing listens.
    let s3 = FakeAws::start();
    s3.user(
        "AKIAPERM",
        "s3cr3t",
        FakeIdentity::user("111122223333", "escher"),
    )
    .policy("AKIAPERM", &["s3:*"]);
    home.config(&format!(
        "[profile p]\nregion = eu-west-1\nendpoint_url = {}\nservices = local\n\n[services local]\ns3 =\n  endpoint_url = {}\n",
        aws.url, s3.url
    ));
    let env = escher::aws::env::AwsEnv::from_vars([
        ("HOME".to_owned(), home.path().display().to_string()),
        ("AWS_ENDPOINT_URL_CLOUDWATCH".to_owned(), refused_url()),
    ]);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let r = rt.block_on(check_profile_permissions(
        &ProfileName::parse("p").unwrap(),
        &env,
        T,
        Options::default(),
    ));
    assert_eq!(allowed(&r, Capability::S3), Some(true));
    assert_eq!(s3.service_calls(), vec!["s3:ListAllMyBuckets"]);
    assert!(!aws.service_calls().iter().any(|c| c.starts_with("s3:")));
    let cw = r.row(Capability::CloudWatch).unwrap();
    assert_eq!(cw.allowed, None);
    assert!(
        cw.explanation.contains("could not connect"),
        "{}",
        cw.explanation
    );
    assert_eq!(allowed(&r, Capability::Ec2), Some(true));
}

#[test]
fn a_wrong_secret_is_never_taken_for_an_answer() {
    let (aws, home) = principal(&["*"]);
    home.credentials("[p]\naws_access_key_id = AKIAPERM\naws_secret_access_key = wrong\n");
    let r = run(&home, &aws.url, Options::default());
    for row in &r.rows {
        assert_ne!(
            row.allowed,
            Some(true),
            "{:?}: {}",
            row.capability,
            row.explanation
        );
    }
    assert_eq!(r.write.can_write, None);
}

fn escher_cli(home: &Home, url: &str, args: &[&str]) -> std::process::Output {
    let cfg = tempfile::tempdir().unwrap();
    std::process::Command::new(env!("CARGO_BIN_EXE_escher"))
        .args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home.path())
        .env("ESCHER_CONFIG_DIR", cfg.path())
        .env("AWS_ENDPOINT_URL", url)
        .output()
        .expect("escher runs")
}

#[test]
fn check_json_gains_permissions_can_write_and_the_alias() {
    let (aws, home) = principal(&["ec2:Describe*", "iam:List*", "ce:GetCostAndUsage"]);
    home.credentials(
        "[p]\naws_access_key_id = AKIAPERM\naws_secret_access_key = s3cr3t\n\
         [gone]\naws_access_key_id = AKIAGONE\naws_secret_access_key = x\n",
    );
    let o = escher_cli(
        &home,
        &aws.url,
        &[
            "check",
            "p",
            "gone",
            "--permissions",
            "--cost-explorer",
            "--json",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "gone fails its check");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let p = &v[0];
    let perms = p["permissions"].as_object().unwrap();
    let keys: Vec<&str> = perms.keys().map(String::as_str).collect();
    let mut want = vec![
        "ce",
        "cloudtrail",
        "cloudwatch",
        "ec2",
        "iam",
        "rds",
        "s3",
        "tag",
    ];
    want.sort();
    assert_eq!(keys, want);
    assert_eq!(perms["ec2"]["allowed"], true);
    assert_eq!(perms["ec2"]["missing"], serde_json::json!([]));
    assert_eq!(perms["s3"]["allowed"], false);
    assert_eq!(
        perms["s3"]["missing"],
        serde_json::json!(["s3:ListAllMyBuckets"])
    );
    assert!(
        perms["s3"]["explanation"]
            .as_str()
            .unwrap()
            .contains("\"s3:List*\"")
    );
    assert_eq!(
        perms["iam"]["allowed"], false,
        "iam:GetAccountSummary is a Get"
    );
    assert_eq!(perms["ce"]["allowed"], true);
    assert_eq!(p["can_write"], false);
    // Refused where checked, and a script can tell where that was.
    assert_eq!(p["writes_checked"], serde_json::json!(["ec2:CreateTags"]));
    assert_eq!(
        p["writes_not_checked"],
        serde_json::json!(["s3", "iam", "rds", "cloudtrail", "cloudwatch", "tag"])
    );
    assert_eq!(p["account_alias"], "acme-prod");
    let gone = &v[1];
    assert_eq!(gone["ok"], false);
    assert_eq!(gone["permissions"], serde_json::Value::Null);
    assert_eq!(gone["can_write"], serde_json::Value::Null);
    assert_eq!(gone["writes_not_checked"], serde_json::Value::Null);
    assert_eq!(gone["account_alias"], serde_json::Value::Null);
}

#[test]
fn check_permissions_as_lines_and_cost_explorer_only_with_permissions() {
    let (aws, home) = principal(&["*"]);
    let o = escher_cli(&home, &aws.url, &["check", "p", "--permissions"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("✔ EC2"), "{text}");
    assert!(text.contains("account alias: acme-prod"), "{text}");
    assert!(
        text.contains("⚠ can write: This sign-in can change resources"),
        "{text}"
    );
    assert!(!aws.service_calls().iter().any(|c| c.starts_with("ce:")));
    let o = escher_cli(&home, &aws.url, &["check", "p", "--cost-explorer"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--permissions"));
}

#[test]
fn a_region_that_is_not_a_host_label_sends_nothing_anywhere() {
    let (listener, connections) = crate::common::counting_listener();
    let home = Home::new();
    home.config(&format!("[profile p]\nregion = x@{listener}/\n"));
    home.credentials("[p]\naws_access_key_id = AKIAPERM\naws_secret_access_key = s3cr3t\n");
    // No endpoint configured: every host would be made from the region.
    let env = escher::aws::env::AwsEnv::from_vars([("HOME", home.path().display().to_string())]);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let r = rt.block_on(check_profile_permissions(
        &ProfileName::parse("p").unwrap(),
        &env,
        Duration::from_secs(3),
        Options::default(),
    ));
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(connections.load(std::sync::atomic::Ordering::SeqCst), 0);
    for row in &r.rows {
        assert_eq!(row.allowed, None, "{:?}", row.capability);
        assert!(
            row.explanation.contains("not a region"),
            "{}",
            row.explanation
        );
        assert!(
            row.explanation
                .contains("aws configure set region us-east-1 --profile p"),
            "{}",
            row.explanation
        );
    }
    assert_eq!(r.write.can_write, None);
}

#[test]
fn a_refused_dry_run_without_the_simulator_says_only_ec2_writes_were_checked() {
    // ReadOnlyAccess plus AmazonS3FullAccess: S3 writes are allowed, and
    // without iam:SimulatePrincipalPolicy only the EC2 dry run can be asked.
    let (aws, home) = principal(&["ec2:Describe*", "s3:*", "iam:List*", "tag:Get*"]);
    let r = run(&home, &aws.url, Options::default());
    assert_eq!(r.write.can_write, Some(false), "{}", r.write.explanation);
    assert_eq!(r.write.checked, ["ec2:CreateTags"]);
    assert!(
        r.write.explanation.contains("cannot change EC2 resources")
            && r.write
                .explanation
                .contains("S3, IAM, RDS, CloudTrail, CloudWatch, Tags were not checked"),
        "{}",
        r.write.explanation
    );
    assert!(!r.write.explanation.contains("cannot change resources"));

    // The same refusal, in the words of an AWS-compatible endpoint.
    aws.compatible_ec2_denials();
    let r = run(&home, &aws.url, Options::default());
    assert_eq!(r.write.can_write, Some(false), "{}", r.write.explanation);
    assert!(
        r.write.detail.starts_with("AccessDenied"),
        "{}",
        r.write.detail
    );
}
