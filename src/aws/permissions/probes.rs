//! The probes: one cheap read-only call per service of the minimum
//! policy, a write that changes nothing (EC2 `CreateTags` with
//! `DryRun=true`), and what each answer means in words.

use super::endpoints::{self, Service};
use super::policy_match::minimum_policy_line;
use super::wire::{NoReply, Reply, Wire};
use super::{Capability, CapabilityCheck};
use std::time::{Duration, SystemTime};

/// One call: the service, the IAM action it needs, and its request.
#[derive(Clone, Debug)]
pub struct Probe {
    pub service: Service,
    pub action: &'static str,
    pub wire: Wire,
}

fn query(
    service: Service,
    action: &'static str,
    version: &'static str,
    params: Vec<(&'static str, String)>,
) -> Probe {
    let op = action.split_once(':').map(|(_, op)| op).unwrap_or(action);
    Probe {
        service,
        action,
        wire: Wire::Query {
            action: op,
            version,
            params: params.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
        },
    }
}

fn json(service: Service, action: &'static str, target_prefix: &str, body: &str) -> Probe {
    let op = action.split_once(':').map(|(_, op)| op).unwrap_or(action);
    Probe {
        service,
        action,
        wire: Wire::Json {
            target: format!("{target_prefix}.{op}"),
            body: body.to_owned(),
        },
    }
}

const CLOUDTRAIL_TARGET: &str = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101";

/// The calls that tell whether `capability` is readable; `now` dates the
/// Cost Explorer request (the day before it).
pub fn probes_for(capability: Capability, now: SystemTime) -> Vec<Probe> {
    use endpoints::*;
    match capability {
        Capability::Ec2 => vec![query(EC2, "ec2:DescribeRegions", "2016-11-15", vec![])],
        Capability::S3 => vec![Probe {
            service: S3,
            action: "s3:ListAllMyBuckets",
            wire: Wire::Get {
                path: "/?max-buckets=1".into(),
            },
        }],
        Capability::Iam => vec![query(IAM, "iam:GetAccountSummary", "2010-05-08", vec![])],
        Capability::Rds => vec![query(
            RDS,
            "rds:DescribeDBInstances",
            "2014-10-31",
            vec![("MaxRecords", "20".into())],
        )],
        Capability::CloudTrail => vec![
            json(
                CLOUDTRAIL,
                "cloudtrail:LookupEvents",
                CLOUDTRAIL_TARGET,
                r#"{"MaxResults":1}"#,
            ),
            json(
                CLOUDTRAIL,
                "cloudtrail:DescribeTrails",
                CLOUDTRAIL_TARGET,
                "{}",
            ),
        ],
        Capability::CloudWatch => vec![query(
            CLOUDWATCH,
            "cloudwatch:DescribeAlarms",
            "2010-08-01",
            vec![("MaxRecords", "1".into())],
        )],
        Capability::Tag => vec![json(
            TAGGING,
            "tag:GetTagKeys",
            "ResourceGroupsTaggingAPI_20170126",
            "{}",
        )],
        Capability::CostExplorer => {
            let day = |t: SystemTime| {
                aws_smithy_types::DateTime::from(t)
                    .fmt(aws_smithy_types::date_time::Format::DateTime)
                    .map(|s| s.chars().take(10).collect::<String>())
                    .unwrap_or_default()
            };
            let start = day(now - Duration::from_secs(86_400));
            let body = format!(
                r#"{{"TimePeriod":{{"Start":"{start}","End":"{}"}},"Granularity":"DAILY","Metrics":["UnblendedCost"]}}"#,
                day(now)
            );
            vec![json(
                COST_EXPLORER,
                "ce:GetCostAndUsage",
                "AWSInsightsIndexService",
                &body,
            )]
        }
    }
}

/// The write probe: tag a made-up instance, as a dry run. AWS answers
/// `DryRunOperation` when the write would be allowed and
/// `UnauthorizedOperation` when not; nothing is changed either way.
pub fn write_probe() -> Probe {
    query(
        endpoints::EC2,
        "ec2:CreateTags",
        "2016-11-15",
        vec![
            ("DryRun", "true".into()),
            ("ResourceId.1", "i-00000000000000000".into()),
            ("Tag.1.Key", "escher-permission-check".into()),
            ("Tag.1.Value", String::new()),
        ],
    )
}

pub fn alias_probe() -> Probe {
    query(
        endpoints::IAM,
        "iam:ListAccountAliases",
        "2010-05-08",
        vec![],
    )
}

pub fn organization_probe() -> Probe {
    json(
        endpoints::ORGANIZATIONS,
        "organizations:DescribeOrganization",
        "AWSOrganizationsV20161128",
        "{}",
    )
}

/// What one answer says about one action.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    Allowed,
    /// Denied; the action AWS named (else the probe's own).
    Denied(String),
    /// Cost Explorer has not been enabled for the account.
    CeNotEnabled,
    /// Allowed, but Cost Explorer has no data for the day yet.
    CeNoData,
    /// Neither: in words.
    Unknown(String),
}

const DENIED: &[&str] = &[
    "AccessDenied",
    "AccessDeniedException",
    "UnauthorizedOperation",
    "UnauthorizedAccess",
    "AuthorizationError",
    "UnauthorizedException",
];
const THROTTLED: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "RequestLimitExceeded",
    "TooManyRequestsException",
    "RequestThrottled",
    "RequestThrottledException",
    "SlowDown",
];
/// A regional service refusing credentials STS just accepted: the region
/// is not enabled for the account.
const REGION_REFUSED: &[&str] = &[
    "OptInRequired",
    "AuthFailure",
    "InvalidClientTokenId",
    "UnrecognizedClientException",
];

pub fn verdict(probe: &Probe, answer: &Result<Reply, NoReply>, region: &str) -> Verdict {
    let reply = match answer {
        Ok(r) if r.ok() => return Verdict::Allowed,
        Ok(r) => r,
        Err(no) => return Verdict::Unknown(format!("{}: {}", probe.action, no.words())),
    };
    let code = reply.code.as_deref().unwrap_or_default();
    if probe.service == endpoints::COST_EXPLORER {
        if code == "DataUnavailableException" {
            return Verdict::CeNoData;
        }
        if reply.message.contains("not enabled for cost explorer") {
            return Verdict::CeNotEnabled;
        }
    }
    if DENIED.contains(&code) {
        return Verdict::Denied(named_action(&reply.message).unwrap_or(probe.action.to_owned()));
    }
    if THROTTLED.contains(&code) || reply.status == 429 {
        return Verdict::Unknown(format!(
            "AWS asked Escher to slow down ({}); whether {} is allowed is not known yet. Check permissions \
             again in a minute.",
            reply.detail(),
            probe.action
        ));
    }
    if REGION_REFUSED.contains(&code) && !probe.service.global {
        return Verdict::Unknown(format!(
            "{} did not accept this sign-in in {region} ({}), though STS did: the region is most likely \
             not enabled for this account. Enable it in the console (Account → AWS Regions), or give the \
             profile an enabled region.",
            probe.service.sdk_id,
            reply.detail()
        ));
    }
    Verdict::Unknown(format!(
        "{} answered {}; whether {} is allowed could not be told.",
        probe.service.sdk_id,
        reply.detail(),
        probe.action
    ))
}

/// The action in "… is not authorized to perform: ec2:DescribeRegions …".
fn named_action(message: &str) -> Option<String> {
    let rest = message.split_once("perform: ")?.1;
    let action: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == ':' || *c == '-')
        .collect();
    action.contains(':').then_some(action)
}

/// One row from its probes' verdicts (and the service's own words).
pub fn row(capability: Capability, verdicts: &[Verdict], details: &[String]) -> CapabilityCheck {
    let title = capability.title();
    let missing: Vec<String> = verdicts
        .iter()
        .filter_map(|v| match v {
            Verdict::Denied(a) => Some(a.clone()),
            _ => None,
        })
        .collect();
    let unknown: Vec<&str> = verdicts
        .iter()
        .filter_map(|v| match v {
            Verdict::Unknown(w) => Some(w.as_str()),
            _ => None,
        })
        .collect();
    let detail = details.join("; ");
    let (allowed, explanation) = if !missing.is_empty() {
        let lines = add_lines(&missing);
        let add = if lines.is_empty() {
            String::new()
        } else {
            format!(
                " Add {} (the minimum policy's own {}) to its policy's Action list.",
                lines.join(", "),
                if lines.len() == 1 { "line" } else { "lines" }
            )
        };
        (
            Some(false),
            format!("Denied: may not call {}.{add}", missing.join(", ")),
        )
    } else if verdicts.contains(&Verdict::CeNotEnabled) {
        (
            None,
            "Cost Explorer is not enabled for this account. Enable it once in the Billing console \
             (Billing → Cost Explorer → Enable); its API answers up to 24 hours later."
                .to_owned(),
        )
    } else if !unknown.is_empty() {
        (None, unknown.join(" "))
    } else if verdicts.contains(&Verdict::CeNoData) {
        (
            Some(true),
            "Allowed, and Cost Explorer is enabled, but it has no data yet (it can take up to 24 hours \
             after enabling)."
                .to_owned(),
        )
    } else {
        (Some(true), format!("Escher can read {title}."))
    };
    CapabilityCheck {
        capability,
        allowed,
        missing,
        explanation,
        detail,
    }
}

/// The minimum policy's lines that grant `missing`, each once.
pub fn add_lines(missing: &[String]) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for line in missing.iter().filter_map(|a| minimum_policy_line(a)) {
        if !lines.contains(&line) {
            lines.push(line);
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(status: u16, code: &str, message: &str) -> Result<Reply, NoReply> {
        Ok(Reply {
            status,
            code: Some(code.into()),
            message: message.into(),
            body: String::new(),
        })
    }

    #[test]
    fn each_kind_of_answer_has_its_verdict() {
        let ec2 = &probes_for(Capability::Ec2, SystemTime::now())[0];
        let denied = reply(
            403,
            "UnauthorizedOperation",
            "You are not authorized to perform this operation. User: arn:aws:iam::1:user/u is not \
             authorized to perform: ec2:DescribeRegions because no identity-based policy allows it",
        );
        assert_eq!(
            verdict(ec2, &denied, "eu-west-1"),
            Verdict::Denied("ec2:DescribeRegions".into())
        );
        let throttled = reply(503, "RequestLimitExceeded", "Request limit exceeded.");
        assert!(
            matches!(verdict(ec2, &throttled, "eu-west-1"), Verdict::Unknown(w) if w.contains("slow down"))
        );
        let opt_in = reply(
            401,
            "AuthFailure",
            "AWS was not able to validate the provided access credentials",
        );
        assert!(
            matches!(verdict(ec2, &opt_in, "me-south-1"), Verdict::Unknown(w) if w.contains("me-south-1") && w.contains("not enabled"))
        );
        let ce = &probes_for(Capability::CostExplorer, SystemTime::now())[0];
        let off = reply(
            400,
            "AccessDeniedException",
            "User not enabled for cost explorer access",
        );
        assert_eq!(verdict(ce, &off, "us-east-1"), Verdict::CeNotEnabled);
        let no_data = reply(400, "DataUnavailableException", "Data is not available.");
        assert_eq!(verdict(ce, &no_data, "us-east-1"), Verdict::CeNoData);
    }

    #[test]
    fn a_denied_row_names_the_action_and_the_policy_line_to_add() {
        let r = row(
            Capability::S3,
            &[Verdict::Denied("s3:ListAllMyBuckets".into())],
            &[],
        );
        assert_eq!(r.allowed, Some(false));
        assert_eq!(r.missing, vec!["s3:ListAllMyBuckets"]);
        assert!(r.explanation.contains("\"s3:List*\""), "{}", r.explanation);
    }

    #[test]
    fn the_cost_explorer_request_asks_for_one_day() {
        let t = SystemTime::UNIX_EPOCH + Duration::from_secs(1_764_547_200); // 2025-12-01
        let p = &probes_for(Capability::CostExplorer, t)[0];
        let Wire::Json { target, body } = &p.wire else {
            panic!("JSON")
        };
        assert_eq!(target, "AWSInsightsIndexService.GetCostAndUsage");
        assert!(
            body.contains(r#""Start":"2025-11-30","End":"2025-12-01""#),
            "{body}"
        );
    }
}
