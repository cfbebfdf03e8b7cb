//! Check permissions in the window: after a passing Re-check, the button
//! asks the local services (which enforce a policy per key) and the rows
//! show what the sign-in can read and whether it can write.

use super::wizard::{
    PROD_CONFIG, PROD_KEYS, World, click, harness, step_until, to_connect_aws, type_name,
};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use escher::ui::EscherApp;

fn connected(w: &World) -> Harness<'static, EscherApp> {
    let mut h = harness(w.app());
    to_connect_aws(&mut h);
    type_name(&mut h, "prod-admin");
    click(&mut h, "Re-check");
    step_until(&mut h, "the verdict", |h| {
        h.query_by_label_contains("is verified").is_some()
    });
    h
}

#[test]
fn check_permissions_after_a_passing_check_shows_a_row_per_capability() {
    let w = World::new(PROD_CONFIG, PROD_KEYS);
    w.aws
        .policy("AKIAPROD", &["ec2:Describe*", "iam:List*"])
        .account_alias("acme-prod");
    let mut h = connected(&w);
    assert!(
        h.query_by_label_contains("✔ EC2").is_none(),
        "not before the click"
    );
    click(&mut h, "Check permissions of prod-admin");
    step_until(&mut h, "the permission rows", |h| {
        h.query_by_label_contains("✖ S3:").is_some()
    });
    assert!(h.query_by_label("✔ EC2: Escher can read EC2.").is_some());
    assert!(
        h.query_by_label_contains(
            "✖ S3: Denied: may not call s3:ListAllMyBuckets. Add \"s3:List*\""
        )
        .is_some()
    );
    assert!(h.query_by_label_contains("✖ CloudTrail:").is_some());
    // Only the EC2 dry run could be asked: not shown as read-only throughout.
    assert!(h.query_by_label_contains("✔ Read-only").is_none());
    assert!(
        h.query_by_label_contains("⚠ This sign-in cannot change EC2 resources")
            .is_some()
    );
    assert!(
        h.query_by_label("Account 123456789012 (alias acme-prod)")
            .is_some()
    );
    assert!(
        h.query_by_label_contains("Cost Explorer:").is_none(),
        "Cost Explorer only when asked"
    );
    assert!(!w.aws.service_calls().iter().any(|c| c.starts_with("ce:")));

    click(&mut h, "Settings");
    step_until(&mut h, "the profiles pane", |h| {
        h.query_by_label("Settings → Profiles").is_some()
    });
    assert!(
        h.query_by_label_contains("123456789012 (alias acme-prod) · verified")
            .is_some()
    );
    drop(h);
    // Kept with the profile: names of capabilities, never the words or keys.
    let text = std::fs::read_to_string(w.config_dir.path().join("settings.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let saved = &v["profiles"][0]["permissions"];
    assert_eq!(saved["allowed"], serde_json::json!(["ec2"]));
    assert!(
        saved["denied"].as_array().unwrap().contains(&"s3".into()),
        "{saved}"
    );
    assert_eq!(saved["can_write"], false);
    assert_eq!(
        saved["writes_checked"],
        serde_json::json!(["ec2:CreateTags"])
    );
    assert_eq!(saved["account_alias"], "acme-prod");
    assert!(
        !text.contains("AKIAPROD") && !text.contains("wJalrXUtnFEMI"),
        "{text}"
    );

    // The app starts again: Settings shows what was kept, without asking AWS.
    let calls = w.aws.service_calls().len();
    let mut h = harness(w.app());
    click(&mut h, "Settings");
    step_until(&mut h, "the profiles pane", |h| {
        h.query_by_label("Settings → Profiles").is_some()
    });
    assert!(
        h.query_by_label_contains("123456789012 (alias acme-prod) · verified")
            .is_some()
    );
    let summary = ": ✔ EC2 · ✖ S3, IAM, RDS, CloudTrail, CloudWatch, Tags · ⚠ read-only where checked (EC2); other writes not checked";
    assert!(h.query_by_label_contains(summary).is_some());
    assert_eq!(w.aws.service_calls().len(), calls);
}

#[test]
fn a_sign_in_that_can_write_is_warned_and_cost_explorer_is_asked_on_request() {
    let w = World::new(PROD_CONFIG, PROD_KEYS);
    w.aws.policy("AKIAPROD", &["*"]);
    let mut h = connected(&w);
    click(
        &mut h,
        "Check permissions of prod-admin and Cost Explorer (AWS charges $0.01 per request)",
    );
    step_until(&mut h, "the permission rows", |h| {
        h.query_by_label_contains("✔ Cost Explorer:").is_some()
    });
    assert!(
        h.query_by_label_contains("This sign-in can change resources")
            .is_some()
    );
    assert!(h.query_by_label_contains("ReadOnlyAccess").is_some());
    assert!(h.query_by_label("✔ S3: Escher can read S3.").is_some());
    assert!(w.aws.mutations().is_empty(), "{:?}", w.aws.mutations());
}
