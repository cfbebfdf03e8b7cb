use super::wizard::{PROD_CONFIG, PROD_KEYS, World, click, harness, step_until, to_connect_aws};
use egui_kittest::kittest::Queryable;

#[test]
fn a_missing_cli_is_named_and_found_after_installing() {
    let w = World::new(PROD_CONFIG, PROD_KEYS);
    std::fs::remove_file(w.stand_ins.path().join("aws")).unwrap();
    let mut h = harness(w.app());
    to_connect_aws(&mut h);
    step_until(&mut h, "detection", |h| {
        h.query_by_label("The AWS CLI is not installed").is_some()
    });
    assert!(h.query_by_label("Install the AWS CLI").is_some());
    w.stand_in_aws("aws-cli/2.15.30 Python/3.11.8 Linux/6.1 exe/x86_64");
    click(&mut h, "I installed it — check again");
    step_until(&mut h, "detection", |h| {
        h.query_by_label("AWS CLI 2.15.30 is installed.").is_some()
    });
    assert!(h.query_by_label("The AWS CLI is not installed").is_none());
}

#[test]
fn version_1_is_told_it_has_no_sso() {
    let w = World::new(PROD_CONFIG, PROD_KEYS);
    w.stand_in_aws("aws-cli/1.46.3 Python/3.11.7 Linux/6.1 botocore/1.43.62");
    let mut h = harness(w.app());
    to_connect_aws(&mut h);
    step_until(&mut h, "detection", |h| {
        h.query_by_label("AWS CLI version 1 has no SSO commands")
            .is_some()
    });
    assert!(
        h.query_by_label_contains("Access keys still work")
            .is_some()
    );
    assert!(h.query_by_label("Upgrade to version 2").is_some());
}
