//! The services Check permissions probes, played on the same loopback
//! server as STS: EC2, IAM, RDS and CloudWatch (query protocol, XML), S3
//! (REST XML), CloudTrail, Resource Groups Tagging, Cost Explorer and
//! Organizations (JSON 1.1 with `X-Amz-Target`). Each request is judged
//! as AWS would: the SigV4 signature with the key's secret, then the
//! key's policy (a list of allowed actions, IAM wildcards), and answered
//! in the service's own error shape and code.

use super::{Request, State, sigv4};
use std::sync::Mutex;

/// How Cost Explorer answers an allowed GetCostAndUsage.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CostExplorer {
    #[default]
    Enabled,
    /// Never enabled in the Billing console.
    NotEnabled,
    /// Enabled less than a day ago.
    NoData,
}

/// An answer that is neither yes nor no, as each service gives it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trouble {
    Throttled,
    /// The profile's region is an opt-in region not enabled for the
    /// account: the regional endpoint does not know the credentials.
    RegionNotEnabled,
}

type Answer = (u16, &'static str, String);

const REQUEST_ID: &str = "11111111-2222-3333-4444-555555555555";

/// IAM's matching: case-insensitive, `*` any run, `?` one character.
pub fn action_matches(pattern: &str, action: &str) -> bool {
    fn glob(p: &[u8], a: &[u8]) -> bool {
        match (p.first(), a.first()) {
            (None, None) => true,
            (Some(b'*'), _) => glob(&p[1..], a) || (!a.is_empty() && glob(p, &a[1..])),
            (Some(b'?'), Some(_)) => glob(&p[1..], &a[1..]),
            (Some(x), Some(y)) if x.eq_ignore_ascii_case(y) => glob(&p[1..], &a[1..]),
            _ => false,
        }
    }
    glob(pattern.as_bytes(), action.as_bytes())
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Protocol {
    /// Query protocol with its API version and error namespace (EC2 has
    /// its own error shape: `namespace` None).
    Query {
        version: &'static str,
        namespace: Option<&'static str>,
    },
    RestXml,
    Json {
        target_prefix: &'static str,
    },
}

/// A signing name → (IAM action prefix, protocol).
fn service(signing_name: &str) -> Option<(&'static str, Protocol)> {
    let q = |version, namespace| Protocol::Query { version, namespace };
    let j = |target_prefix| Protocol::Json { target_prefix };
    Some(match signing_name {
        "ec2" => ("ec2", q("2016-11-15", None)),
        "iam" => (
            "iam",
            q(
                "2010-05-08",
                Some("https://iam.amazonaws.com/doc/2010-05-08/"),
            ),
        ),
        "rds" => (
            "rds",
            q(
                "2014-10-31",
                Some("http://rds.amazonaws.com/doc/2014-10-31/"),
            ),
        ),
        "monitoring" => (
            "cloudwatch",
            q(
                "2010-08-01",
                Some("http://monitoring.amazonaws.com/doc/2010-08-01/"),
            ),
        ),
        "s3" => ("s3", Protocol::RestXml),
        "cloudtrail" => (
            "cloudtrail",
            j("com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101"),
        ),
        "tagging" => ("tag", j("ResourceGroupsTaggingAPI_20170126")),
        "ce" => ("ce", j("AWSInsightsIndexService")),
        "organizations" => ("organizations", j("AWSOrganizationsV20161128")),
        _ => return None,
    })
}

fn form(body: &str) -> Vec<(String, String)> {
    body.split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_owned(), decode(v)))
        .collect()
}

fn decode(v: &str) -> String {
    let bytes = v.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b'+', _) => {
                out.push(b' ');
                i += 1;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The answer for a request to one of these services, or None when the
/// request is for none of them.
pub(super) fn answer(req: &Request, state: &Mutex<State>) -> Option<Answer> {
    let auth = sigv4::authorization(&req.headers)?;
    let (prefix, protocol) = service(&auth.service)?;
    let mut s = state.lock().unwrap();
    let params = form(&req.body);
    let param = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    // Which operation, read as the service reads it.
    let op = match protocol {
        Protocol::Query { version, .. } => {
            if !req.method.eq_ignore_ascii_case("POST")
                || !req
                    .headers
                    .get("content-type")
                    .is_some_and(|c| c.starts_with("application/x-www-form-urlencoded"))
            {
                return Some(query_error(
                    protocol,
                    400,
                    "InvalidRequest",
                    "Expected a form POST",
                ));
            }
            if param("Version").as_deref() != Some(version) {
                return Some(query_error(
                    protocol,
                    400,
                    "InvalidAction",
                    "The action or operation requested is invalid. Verify that the action is typed correctly.",
                ));
            }
            param("Action").unwrap_or_default()
        }
        Protocol::RestXml => {
            if req.method == "GET" && (req.path == "/" || req.path.starts_with("/?")) {
                "ListAllMyBuckets".to_owned()
            } else {
                return Some(s3_error(
                    405,
                    "MethodNotAllowed",
                    "The specified method is not allowed",
                ));
            }
        }
        Protocol::Json { target_prefix } => {
            let target = req.headers.get("x-amz-target").cloned().unwrap_or_default();
            let json = req
                .headers
                .get("content-type")
                .is_some_and(|c| c == "application/x-amz-json-1.1");
            match target.rsplit_once('.') {
                Some((p, op)) if p == target_prefix && json => op.to_owned(),
                _ => {
                    return Some(json_error(
                        "UnknownOperationException",
                        &format!("Unknown operation {target}"),
                    ));
                }
            }
        }
    };
    let action = format!("{prefix}:{op}");
    s.service_calls.push(action.clone());
    if let Some(t) = s.troubles.get(&action) {
        return Some(trouble(protocol, *t));
    }
    let who = match authenticate(req, &auth, &s) {
        Ok(who) => who,
        Err(code) => return Some(auth_error(protocol, code)),
    };
    let allowed = s
        .policies
        .get(&auth.access_key)
        .is_some_and(|p| p.iter().any(|pat| action_matches(pat, &action)));
    let dry_run = param("DryRun").as_deref() == Some("true");
    if !allowed && s.compatible_ec2_denials && prefix == "ec2" {
        let why = format!("User: {} is not authorized to perform: {action}", who.arn);
        return Some(ec2_error(403, "AccessDenied", &why));
    }
    if !allowed {
        return Some(denied(protocol, &who.arn, &action));
    }
    if dry_run {
        return Some(ec2_error(
            412,
            "DryRunOperation",
            "Request would have succeeded, but DryRun flag is set.",
        ));
    }
    let reads = ["Describe", "List", "Get", "Lookup", "Simulate"];
    if !reads.iter().any(|r| op.starts_with(r)) {
        // A real change: the tests assert this never happens.
        s.mutations.push(action.clone());
    }
    Some(success(&action, &req.body, &s, &who))
}

struct Who {
    arn: String,
    account: String,
}

/// The key must be known, its session token the one sent, and the
/// signature made with its secret.
fn authenticate(
    req: &Request,
    auth: &sigv4::Authorization,
    s: &State,
) -> Result<Who, &'static str> {
    let key = s.keys.get(&auth.access_key).ok_or("InvalidClientTokenId")?;
    if req.headers.get("x-amz-security-token") != key.token.as_ref() || key.expired {
        return Err("InvalidClientTokenId");
    }
    let signed_at = req
        .headers
        .get("x-amz-date")
        .and_then(|d| sigv4::amz_date(d))
        .ok_or("IncompleteSignature")?;
    if !sigv4::signature_matches(
        auth,
        &key.secret,
        key.token.as_deref(),
        &req.method,
        &req.path,
        &req.headers,
        req.body.as_bytes(),
        signed_at,
    ) {
        return Err("SignatureDoesNotMatch");
    }
    let id = key.identity.as_ref().ok_or("InvalidClientTokenId")?;
    Ok(Who {
        arn: id.arn.clone(),
        account: id.account.clone(),
    })
}

fn auth_error(protocol: Protocol, code: &'static str) -> Answer {
    let message = match code {
        "SignatureDoesNotMatch" => {
            "The request signature we calculated does not match the signature you provided."
        }
        _ => "The security token included in the request is invalid.",
    };
    match protocol {
        Protocol::Query {
            namespace: None, ..
        } => ec2_error(
            401,
            "AuthFailure",
            "AWS was not able to validate the provided access credentials",
        ),
        Protocol::Query { .. } => query_error(protocol, 403, code, message),
        Protocol::RestXml => s3_error(
            403,
            if code == "SignatureDoesNotMatch" {
                code
            } else {
                "InvalidAccessKeyId"
            },
            message,
        ),
        Protocol::Json { .. } => json_error(
            if code == "SignatureDoesNotMatch" {
                "InvalidSignatureException"
            } else {
                "UnrecognizedClientException"
            },
            message,
        ),
    }
}

fn denied(protocol: Protocol, arn: &str, action: &str) -> Answer {
    let why = format!(
        "User: {arn} is not authorized to perform: {action} because no identity-based policy allows the {action} action"
    );
    match protocol {
        Protocol::Query {
            namespace: None, ..
        } => ec2_error(
            403,
            "UnauthorizedOperation",
            &format!("You are not authorized to perform this operation. {why}"),
        ),
        Protocol::Query { .. } => query_error(protocol, 403, "AccessDenied", &why),
        Protocol::RestXml => s3_error(403, "AccessDenied", &why),
        Protocol::Json { .. } => json_error("AccessDeniedException", &why),
    }
}

fn ec2_error(status: u16, code: &str, message: &str) -> Answer {
    (
        status,
        "text/xml;charset=UTF-8",
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message></Error></Errors><RequestID>{REQUEST_ID}</RequestID></Response>"#
        ),
    )
}

fn query_error(protocol: Protocol, status: u16, code: &str, message: &str) -> Answer {
    let Protocol::Query {
        namespace: Some(ns),
        ..
    } = protocol
    else {
        return ec2_error(status, code, message);
    };
    (
        status,
        "text/xml",
        format!(
            r#"<ErrorResponse xmlns="{ns}"><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>{REQUEST_ID}</RequestId></ErrorResponse>"#
        ),
    )
}

fn s3_error(status: u16, code: &str, message: &str) -> Answer {
    (
        status,
        "application/xml",
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>{code}</Code><Message>{message}</Message><RequestId>{REQUEST_ID}</RequestId><HostId>aGVsbG8=</HostId></Error>"#
        ),
    )
}

fn json_error(code: &str, message: &str) -> Answer {
    (
        400,
        "application/x-amz-json-1.1",
        serde_json::json!({ "__type": code, "Message": message }).to_string(),
    )
}

fn xml(body: String) -> Answer {
    (200, "text/xml", body)
}

fn json(body: serde_json::Value) -> Answer {
    (200, "application/x-amz-json-1.1", body.to_string())
}

fn success(action: &str, body: &str, s: &State, who: &Who) -> Answer {
    let meta = format!("<ResponseMetadata><RequestId>{REQUEST_ID}</RequestId></ResponseMetadata>");
    match action {
        "ec2:DescribeRegions" => xml(format!(
            r#"<DescribeRegionsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>{REQUEST_ID}</requestId><regionInfo><item><regionName>us-east-1</regionName><regionEndpoint>ec2.us-east-1.amazonaws.com</regionEndpoint><optInStatus>opt-in-not-required</optInStatus></item></regionInfo></DescribeRegionsResponse>"#
        )),
        "s3:ListAllMyBuckets" => (
            200,
            "application/xml",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?>
<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Owner><ID>{}</ID></Owner><Buckets></Buckets></ListAllMyBucketsResult>"#,
                who.account
            ),
        ),
        "iam:GetAccountSummary" => xml(format!(
            r#"<GetAccountSummaryResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GetAccountSummaryResult><SummaryMap><entry><key>Users</key><value>1</value></entry></SummaryMap></GetAccountSummaryResult>{meta}</GetAccountSummaryResponse>"#
        )),
        "iam:ListAccountAliases" => {
            let members: String = s
                .account_alias
                .iter()
                .map(|a| format!("<member>{a}</member>"))
                .collect();
            xml(format!(
                r#"<ListAccountAliasesResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ListAccountAliasesResult><IsTruncated>false</IsTruncated><AccountAliases>{members}</AccountAliases></ListAccountAliasesResult>{meta}</ListAccountAliasesResponse>"#
            ))
        }
        "iam:SimulatePrincipalPolicy" => simulate(body, s),
        "iam:GetRole" => {
            let role = form(body)
                .into_iter()
                .find(|(k, _)| k == "RoleName")
                .map(|(_, v)| v)
                .unwrap_or_default();
            xml(format!(
                r#"<GetRoleResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GetRoleResult><Role><Path>/escher/</Path><RoleName>{role}</RoleName><Arn>arn:aws:iam::{}:role/escher/{role}</Arn></Role></GetRoleResult>{meta}</GetRoleResponse>"#,
                who.account
            ))
        }
        "rds:DescribeDBInstances" => xml(format!(
            r#"<DescribeDBInstancesResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><DescribeDBInstancesResult><DBInstances/></DescribeDBInstancesResult>{meta}</DescribeDBInstancesResponse>"#
        )),
        "cloudwatch:DescribeAlarms" => xml(format!(
            r#"<DescribeAlarmsResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/"><DescribeAlarmsResult><MetricAlarms/><CompositeAlarms/></DescribeAlarmsResult>{meta}</DescribeAlarmsResponse>"#
        )),
        "cloudtrail:LookupEvents" => json(serde_json::json!({ "Events": [] })),
        "cloudtrail:DescribeTrails" => json(serde_json::json!({ "trailList": [] })),
        "tag:GetTagKeys" => json(serde_json::json!({ "TagKeys": ["team"] })),
        "ce:GetCostAndUsage" => cost_and_usage(body, s.cost_explorer),
        "organizations:DescribeOrganization" => match &s.organization {
            Some(id) => json(serde_json::json!({ "Organization": {
                "Id": id,
                "Arn": format!("arn:aws:organizations::{}:organization/{id}", who.account),
                "MasterAccountId": who.account,
            }})),
            None => json_error(
                "AWSOrganizationsNotInUseException",
                "Your account is not a member of an organization.",
            ),
        },
        other => json_error(
            "InvalidAction",
            &format!("{other} is not played by this stand-in"),
        ),
    }
}

fn cost_and_usage(body: &str, mode: CostExplorer) -> Answer {
    let v: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
    let (start, end) = (
        v["TimePeriod"]["Start"].as_str().unwrap_or_default(),
        v["TimePeriod"]["End"].as_str().unwrap_or_default(),
    );
    if start.len() != 10 || end.len() != 10 || start >= end || v["Granularity"].is_null() {
        return json_error("ValidationException", "Start date must be before end date");
    }
    match mode {
        CostExplorer::NotEnabled => json_error(
            "AccessDeniedException",
            "User not enabled for cost explorer access",
        ),
        CostExplorer::NoData => json_error(
            "DataUnavailableException",
            "Data is not available. Please try to adjust the time period. If just enabled Cost Explorer, data might not be ingested yet",
        ),
        CostExplorer::Enabled => json(serde_json::json!({
            "ResultsByTime": [{ "TimePeriod": { "Start": start, "End": end },
                "Total": { "UnblendedCost": { "Amount": "0", "Unit": "USD" } }, "Estimated": true }],
            "DimensionValueAttributes": []
        })),
    }
}

/// IAM's policy simulator: each action named, judged by the policy of the
/// principal named (found by its ARN), as `allowed` or `implicitDeny`.
fn simulate(body: &str, s: &State) -> Answer {
    let params = form(body);
    let source = params
        .iter()
        .find(|(k, _)| k == "PolicySourceArn")
        .map(|(_, v)| v.as_str())
        .unwrap_or_default();
    // A user by its ARN; an assumed role's session by its role's ARN,
    // with the path GetRole gives (`/escher/`).
    let key = s.keys.iter().find(|(_, k)| {
        k.identity.as_ref().is_some_and(|id| {
            let role = id
                .arn
                .split(":assumed-role/")
                .nth(1)
                .and_then(|r| r.split('/').next());
            match role {
                Some(role) => source == format!("arn:aws:iam::{}:role/escher/{role}", id.account),
                None => id.arn == source,
            }
        })
    });
    let Some((access_key, _)) = key else {
        return query_error(
            Protocol::Query {
                version: "2010-05-08",
                namespace: Some("https://iam.amazonaws.com/doc/2010-05-08/"),
            },
            404,
            "NoSuchEntity",
            &format!("The principal {source} cannot be found."),
        );
    };
    let policy = s.policies.get(access_key).cloned().unwrap_or_default();
    let members: String = params
        .iter()
        .filter(|(k, _)| k.starts_with("ActionNames.member."))
        .map(|(_, action)| {
            let decision = if policy.iter().any(|p| action_matches(p, action)) {
                "allowed"
            } else {
                "implicitDeny"
            };
            format!(
                "<member><EvalDecision>{decision}</EvalDecision><EvalActionName>{action}</EvalActionName><EvalResourceName>*</EvalResourceName><MatchedStatements/><MissingContextValues/></member>"
            )
        })
        .collect();
    xml(format!(
        r#"<SimulatePrincipalPolicyResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><SimulatePrincipalPolicyResult><IsTruncated>false</IsTruncated><EvaluationResults>{members}</EvaluationResults></SimulatePrincipalPolicyResult><ResponseMetadata><RequestId>{REQUEST_ID}</RequestId></ResponseMetadata></SimulatePrincipalPolicyResponse>"#
    ))
}

fn trouble(protocol: Protocol, t: Trouble) -> Answer {
    let token = "The security token included in the request is invalid.";
    match (protocol, t) {
        (
            Protocol::Query {
                namespace: None, ..
            },
            Trouble::Throttled,
        ) => ec2_error(503, "RequestLimitExceeded", "Request limit exceeded."),
        (
            Protocol::Query {
                namespace: None, ..
            },
            Trouble::RegionNotEnabled,
        ) => ec2_error(
            401,
            "AuthFailure",
            "AWS was not able to validate the provided access credentials",
        ),
        (Protocol::Query { .. }, Trouble::Throttled) => {
            query_error(protocol, 400, "Throttling", "Rate exceeded")
        }
        (Protocol::Query { .. }, Trouble::RegionNotEnabled) => {
            query_error(protocol, 403, "InvalidClientTokenId", token)
        }
        (Protocol::RestXml, Trouble::Throttled) => {
            s3_error(503, "SlowDown", "Please reduce your request rate.")
        }
        (Protocol::RestXml, Trouble::RegionNotEnabled) => s3_error(400, "InvalidToken", token),
        (Protocol::Json { .. }, Trouble::Throttled) => {
            json_error("ThrottlingException", "Rate exceeded")
        }
        (Protocol::Json { .. }, Trouble::RegionNotEnabled) => {
            json_error("UnrecognizedClientException", token)
        }
    }
}
