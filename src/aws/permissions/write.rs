//! Can this sign-in write? A dry-run EC2 `CreateTags` always; and where
//! the sign-in may call `iam:SimulatePrincipalPolicy`, IAM's policy
//! simulator over a handful of writes across the services Escher reads,
//! for a broader answer. Neither changes anything; the simulator is never
//! required.

use super::{Capability, Context, READ_ONLY_ADVICE, WriteCheck, endpoints, probes, send, wire};
use probes::Probe;
use std::time::Duration;

/// Writes the simulator is asked about: one or two per service of the
/// minimum policy.
pub const SIMULATED_WRITES: &[&str] = &[
    "ec2:RunInstances",
    "ec2:TerminateInstances",
    "s3:PutObject",
    "s3:DeleteBucket",
    "iam:CreateUser",
    "iam:AttachRolePolicy",
    "rds:DeleteDBInstance",
    "cloudtrail:StopLogging",
    "cloudwatch:DeleteAlarms",
    "tag:TagResources",
];

/// The write the dry run tries.
pub const DRY_RUN_WRITE: &str = "ec2:CreateTags";

/// What the dry run said.
#[derive(Clone, Debug, PartialEq, Eq)]
enum DryRun {
    Allowed,
    Refused,
    Unknown(String),
}

impl DryRun {
    /// EC2 says `UnauthorizedOperation`; AWS-compatible endpoints say
    /// `AccessDenied`, naming the action.
    fn of(code: Option<&str>, message: &str, detail: &str) -> DryRun {
        match code {
            Some("DryRunOperation") => DryRun::Allowed,
            Some("UnauthorizedOperation") => DryRun::Refused,
            Some("AccessDenied" | "AccessDeniedException") if message.contains("CreateTags") => {
                DryRun::Refused
            }
            _ => DryRun::Unknown(detail.to_owned()),
        }
    }
}

pub(super) async fn can_write(ctx: &Context, timeout: Duration) -> WriteCheck {
    let probe = probes::write_probe();
    let (answer, simulated) = tokio::join!(send(ctx, &probe, timeout), simulate(ctx, timeout));
    let detail = match &answer {
        Ok(r) => r.detail(),
        Err(no) => no.words(),
    };
    let dry = match &answer {
        Ok(r) => DryRun::of(r.code.as_deref(), &r.message, &detail),
        Err(_) => DryRun::Unknown(detail.clone()),
    };
    verdict(&dry, simulated.as_deref(), detail)
}

fn verdict(dry: &DryRun, simulated: Option<&[String]>, detail: String) -> WriteCheck {
    let mut checked: Vec<String> = Vec::new();
    if !matches!(dry, DryRun::Unknown(_)) {
        checked.push(DRY_RUN_WRITE.to_owned());
    }
    if simulated.is_some() {
        checked.extend(SIMULATED_WRITES.iter().map(|w| (*w).to_owned()));
    }
    let allowed_by_simulator = simulated.filter(|a| !a.is_empty());
    let (can_write, explanation) = match (dry, allowed_by_simulator) {
        (DryRun::Allowed, _) => (
            Some(true),
            format!(
                "This sign-in can change resources: AWS would have let it tag an EC2 instance \
                 (CreateTags, tried as a dry run, so nothing changed){}. {READ_ONLY_ADVICE}",
                simulated_words(allowed_by_simulator, ", and IAM's policy simulator allows ")
            ),
        ),
        (_, Some(_)) => (
            Some(true),
            format!(
                "This sign-in can change resources{}. {READ_ONLY_ADVICE}",
                simulated_words(allowed_by_simulator, ": IAM's policy simulator allows ")
            ),
        ),
        (dry, None) if simulated.is_some() => (
            Some(false),
            format!(
                "This sign-in cannot change resources, as Escher asks: {}IAM's policy simulator allows \
                 none of {}.",
                if dry == &DryRun::Refused {
                    "a dry-run EC2 CreateTags was refused, and "
                } else {
                    ""
                },
                SIMULATED_WRITES.join(", ")
            ),
        ),
        (DryRun::Refused, None) => (
            Some(false),
            format!(
                "This sign-in cannot change EC2 resources (a dry-run CreateTags was refused). Its writes to \
                 {} were not checked: that needs IAM's policy simulator (iam:SimulatePrincipalPolicy), \
                 which this sign-in may not call.",
                unchecked_titles(&checked)
            ),
        ),
        (DryRun::Unknown(why), None) => (
            None,
            format!("Whether this sign-in can write could not be told ({why})."),
        ),
    };
    WriteCheck {
        can_write,
        checked,
        explanation,
        detail,
    }
}

fn unchecked_titles(checked: &[String]) -> String {
    let titles: Vec<&str> = not_checked(checked)
        .into_iter()
        .map(Capability::title)
        .collect();
    titles.join(", ")
}

/// The services of the minimum policy none of whose writes is among
/// `checked` (their IAM prefixes are their capability keys).
pub fn not_checked(checked: &[String]) -> Vec<Capability> {
    Capability::FREE
        .into_iter()
        .filter(|c| !checked.iter().any(|a| a.split(':').next() == Some(c.key())))
        .collect()
}

fn simulated_words(allowed: Option<&[String]>, lead: &str) -> String {
    match allowed {
        Some(a) => format!("{lead}{}", a.join(", ")),
        None => String::new(),
    }
}

/// The writes IAM's simulator allows this principal, or None when it
/// cannot be asked (not allowed, the root user, a federated user, no
/// answer).
async fn simulate(ctx: &Context, timeout: Duration) -> Option<Vec<String>> {
    let arn = caller_arn(ctx, timeout).await?;
    let source = principal_arn(ctx, &arn, timeout).await?;
    let mut params = vec![("PolicySourceArn".to_owned(), source)];
    for (i, action) in SIMULATED_WRITES.iter().enumerate() {
        params.push((
            format!("ActionNames.member.{}", i + 1),
            (*action).to_owned(),
        ));
    }
    let reply = iam(ctx, "iam:SimulatePrincipalPolicy", params, timeout).await?;
    let actions = wire::xml_texts(&reply, "EvalActionName");
    let decisions = wire::xml_texts(&reply, "EvalDecision");
    if actions.is_empty() || actions.len() != decisions.len() {
        return None;
    }
    Some(
        actions
            .into_iter()
            .zip(decisions)
            .filter(|(_, d)| d == "allowed")
            .map(|(a, _)| a)
            .collect(),
    )
}

/// Who the credentials are, from STS.
async fn caller_arn(ctx: &Context, timeout: Duration) -> Option<String> {
    let probe = Probe {
        service: endpoints::STS,
        action: "sts:GetCallerIdentity",
        wire: wire::Wire::Query {
            action: "GetCallerIdentity",
            version: "2011-06-15",
            params: Vec::new(),
        },
    };
    let reply = send(ctx, &probe, timeout).await.ok().filter(|r| r.ok())?;
    wire::xml_text(&reply.body, "Arn")
}

/// The IAM principal the simulator takes: a user's ARN as it is; an
/// assumed role's session as its role (with the role's path, which only
/// `iam:GetRole` tells).
async fn principal_arn(ctx: &Context, arn: &str, timeout: Duration) -> Option<String> {
    if arn.contains(":user/") {
        return Some(arn.to_owned());
    }
    let role = arn.split(":assumed-role/").nth(1)?.split('/').next()?;
    let reply = iam(
        ctx,
        "iam:GetRole",
        vec![("RoleName".to_owned(), role.to_owned())],
        timeout,
    )
    .await?;
    wire::xml_text(&reply, "Arn")
}

/// An IAM query call's body when it succeeded.
async fn iam(
    ctx: &Context,
    action: &'static str,
    params: Vec<(String, String)>,
    timeout: Duration,
) -> Option<String> {
    let op = action.split_once(':').map(|(_, op)| op)?;
    let probe = Probe {
        service: endpoints::IAM,
        action,
        wire: wire::Wire::Query {
            action: op,
            version: "2010-05-08",
            params,
        },
    };
    let reply = send(ctx, &probe, timeout).await.ok().filter(|r| r.ok())?;
    Some(reply.body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_simulator_widens_the_answer_but_is_never_needed() {
        let refused = verdict(&DryRun::Refused, None, String::new());
        assert_eq!(refused.can_write, Some(false));
        let wider = verdict(
            &DryRun::Refused,
            Some(&["s3:PutObject".to_owned()]),
            String::new(),
        );
        assert_eq!(wider.can_write, Some(true));
        assert!(
            wider.explanation.contains("s3:PutObject"),
            "{}",
            wider.explanation
        );
        let none = verdict(&DryRun::Refused, Some(&[]), String::new());
        assert_eq!(none.can_write, Some(false));
        assert!(none.explanation.contains("allows none of"));
        let unknown = verdict(&DryRun::Unknown("HTTP 500".into()), None, String::new());
        assert_eq!(unknown.can_write, None);
        assert!(unknown.checked.is_empty());
    }

    #[test]
    fn a_refused_dry_run_alone_says_only_ec2_writes_were_checked() {
        let ec2_only = verdict(&DryRun::Refused, None, String::new());
        assert_eq!(ec2_only.checked, ["ec2:CreateTags"]);
        assert_eq!(not_checked(&ec2_only.checked).len(), 6);
        assert!(
            ec2_only.explanation.contains("cannot change EC2 resources")
                && ec2_only
                    .explanation
                    .contains("S3, IAM, RDS, CloudTrail, CloudWatch, Tags were not checked"),
            "{}",
            ec2_only.explanation
        );
        let everywhere = verdict(&DryRun::Refused, Some(&[]), String::new());
        assert!(not_checked(&everywhere.checked).is_empty());
        // The simulator alone covers EC2 too.
        let simulated = verdict(
            &DryRun::Unknown("HTTP 500".into()),
            Some(&[]),
            String::new(),
        );
        assert_eq!(simulated.can_write, Some(false));
        assert!(!simulated.checked.contains(&DRY_RUN_WRITE.to_owned()));
        assert!(not_checked(&simulated.checked).is_empty());
    }

    #[test]
    fn an_access_denied_naming_create_tags_is_a_refusal() {
        let compatible = "User: arn:aws:iam::1:user/x is not authorized to perform: ec2:CreateTags";
        assert_eq!(
            DryRun::of(Some("AccessDenied"), compatible, ""),
            DryRun::Refused
        );
        assert_eq!(
            DryRun::of(Some("UnauthorizedOperation"), "", ""),
            DryRun::Refused
        );
        assert_eq!(
            DryRun::of(
                Some("AccessDenied"),
                "not authorized to perform: ec2:DescribeRegions",
                "d"
            ),
            DryRun::Unknown("d".into())
        );
        assert_eq!(DryRun::of(Some("DryRunOperation"), "", ""), DryRun::Allowed);
    }
}
