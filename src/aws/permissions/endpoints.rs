//! Where each probe goes, resolved as the SDK's own clients would: an
//! endpoint configured for the service (`AWS_ENDPOINT_URL_<SERVICE>`, the
//! profile's `services` section), else the one configured for all
//! (`AWS_ENDPOINT_URL`, the profile's `endpoint_url`), else the
//! partition's default for the region, with FIPS and dual-stack as set.
//! IAM, Cost Explorer and Organizations are global: one endpoint per
//! partition, signed for its home region.

use aws_types::SdkConfig;
use aws_types::service_config::ServiceConfigKey;

/// One AWS service as the probes need it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Service {
    /// The SDK's service id: `AWS_ENDPOINT_URL_<ID>` and the `services`
    /// section key are made from it (upper case with `_`, lower case with `-`).
    pub sdk_id: &'static str,
    /// The first label of its default host name.
    pub host_prefix: &'static str,
    /// The name requests are signed for.
    pub signing_name: &'static str,
    pub global: bool,
}

pub const EC2: Service = regional("EC2", "ec2", "ec2");
pub const S3: Service = regional("S3", "s3", "s3");
pub const IAM: Service = global("IAM", "iam", "iam");
pub const RDS: Service = regional("RDS", "rds", "rds");
pub const CLOUDTRAIL: Service = regional("CloudTrail", "cloudtrail", "cloudtrail");
pub const CLOUDWATCH: Service = regional("CloudWatch", "monitoring", "monitoring");
pub const TAGGING: Service = regional("Resource Groups Tagging API", "tagging", "tagging");
pub const COST_EXPLORER: Service = global("Cost Explorer", "ce", "ce");
pub const ORGANIZATIONS: Service = global("Organizations", "organizations", "organizations");
/// Regional, as the SDK's STS client resolves it now.
pub const STS: Service = regional("STS", "sts", "sts");

const fn regional(sdk_id: &'static str, host: &'static str, signing: &'static str) -> Service {
    Service {
        sdk_id,
        host_prefix: host,
        signing_name: signing,
        global: false,
    }
}

const fn global(sdk_id: &'static str, host: &'static str, signing: &'static str) -> Service {
    Service {
        global: true,
        ..regional(sdk_id, host, signing)
    }
}

/// Where to send a request and how to sign it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    /// Scheme and host (and port), with no trailing `/`.
    pub url: String,
    pub signing_region: String,
}

/// What decides an endpoint, read from the SDK's resolved configuration.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Settings {
    pub region: String,
    pub fips: bool,
    pub dual_stack: bool,
    /// The endpoint configured for every service, if any.
    pub endpoint_url: Option<String>,
    /// Endpoints configured per service, by SDK service id.
    pub per_service: Vec<(&'static str, String)>,
}

impl Settings {
    /// Everything the SDK resolved for `services`, the way each service's
    /// `Config::from(&SdkConfig)` reads it.
    pub fn from_sdk(sdk: &SdkConfig, services: &[Service]) -> Self {
        let per_service = services
            .iter()
            .filter_map(|s| {
                let key = ServiceConfigKey::builder()
                    .service_id(s.sdk_id)
                    .env("AWS_ENDPOINT_URL")
                    .profile("endpoint_url")
                    .build()
                    .ok()?;
                let url = sdk.service_config()?.load_config(key)?;
                Some((s.sdk_id, url))
            })
            .collect();
        Settings {
            region: sdk
                .region()
                .map(|r| r.as_ref().to_owned())
                .unwrap_or_else(|| crate::aws::check::FALLBACK_REGION.to_owned()),
            fips: sdk.use_fips().unwrap_or(false),
            dual_stack: sdk.use_dual_stack().unwrap_or(false),
            endpoint_url: sdk.endpoint_url().map(str::to_owned),
            per_service,
        }
    }
}

/// Whether the SDK would build a host name from `region`: labels of ASCII
/// letters, digits and `-`, each 1 to 63 long and not starting with `-`,
/// joined by dots. Every aws-sdk-* endpoint resolver refuses any other
/// region ("must be a valid host label"), even with an endpoint set.
pub fn is_valid_region(region: &str) -> bool {
    region.split('.').all(|label| {
        (1..=63).contains(&label.len())
            && !label.starts_with('-')
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    })
}

/// An AWS partition: its DNS suffixes and where its global services live.
struct Partition {
    dns: &'static str,
    dual_stack_dns: &'static str,
    /// The region global IAM and Organizations are signed for.
    global_region: &'static str,
    /// Cost Explorer's home region.
    ce_region: &'static str,
}

fn partition(region: &str) -> Partition {
    let p = |dns, dual_stack_dns, global_region, ce_region| Partition {
        dns,
        dual_stack_dns,
        global_region,
        ce_region,
    };
    if region.starts_with("cn-") {
        p(
            "amazonaws.com.cn",
            "api.amazonwebservices.com.cn",
            "cn-north-1",
            "cn-northwest-1",
        )
    } else if region.starts_with("us-gov-") {
        p("amazonaws.com", "api.aws", "us-gov-west-1", "us-gov-west-1")
    } else if region.starts_with("us-isob-") {
        p(
            "sc2s.sgov.gov",
            "sc2s.sgov.gov",
            "us-isob-east-1",
            "us-isob-east-1",
        )
    } else if region.starts_with("us-isof-") {
        p(
            "csp.hci.ic.gov",
            "csp.hci.ic.gov",
            "us-isof-south-1",
            "us-isof-south-1",
        )
    } else if region.starts_with("us-iso-") {
        p("c2s.ic.gov", "c2s.ic.gov", "us-iso-east-1", "us-iso-east-1")
    } else if region.starts_with("eu-isoe-") {
        p(
            "cloud.adc-e.uk",
            "cloud.adc-e.uk",
            "eu-isoe-west-1",
            "eu-isoe-west-1",
        )
    } else if region.starts_with("eusc-") {
        p(
            "amazonaws.eu",
            "amazonaws.eu",
            "eusc-de-east-1",
            "eusc-de-east-1",
        )
    } else {
        p("amazonaws.com", "api.aws", "us-east-1", "us-east-1")
    }
}

/// The endpoint for `service` under `settings`.
pub fn resolve(service: &Service, settings: &Settings) -> Endpoint {
    let configured = settings
        .per_service
        .iter()
        .find(|(id, _)| *id == service.sdk_id)
        .map(|(_, url)| url.clone())
        .or_else(|| settings.endpoint_url.clone());
    if let Some(url) = configured {
        return Endpoint {
            url: url.trim_end_matches('/').to_owned(),
            signing_region: settings.region.clone(),
        };
    }
    let part = partition(&settings.region);
    let fips = if settings.fips { "-fips" } else { "" };
    if service.global {
        return global_endpoint(service, settings, &part);
    }
    let url = if service.host_prefix == "s3" && settings.dual_stack {
        format!(
            "https://s3{fips}.dualstack.{}.{}",
            settings.region, part.dns
        )
    } else if settings.dual_stack {
        format!(
            "https://{}{fips}.{}.{}",
            service.host_prefix, settings.region, part.dual_stack_dns
        )
    } else {
        format!(
            "https://{}{fips}.{}.{}",
            service.host_prefix, settings.region, part.dns
        )
    };
    Endpoint {
        url,
        signing_region: settings.region.clone(),
    }
}

fn global_endpoint(service: &Service, settings: &Settings, part: &Partition) -> Endpoint {
    let fips = if settings.fips { "-fips" } else { "" };
    let home = if service.host_prefix == "ce" {
        part.ce_region
    } else {
        part.global_region
    };
    let url = match (service.host_prefix, home) {
        ("iam", "us-east-1") if settings.dual_stack => format!("https://iam{fips}.global.api.aws"),
        ("iam", "us-east-1") => format!("https://iam{fips}.amazonaws.com"),
        ("iam", "us-gov-west-1") => "https://iam.us-gov.amazonaws.com".to_owned(),
        // Organizations in GovCloud is FIPS already, under the plain name.
        ("organizations", "us-gov-west-1") => {
            "https://organizations.us-gov-west-1.amazonaws.com".to_owned()
        }
        (prefix, region) => {
            let dns = if settings.dual_stack {
                part.dual_stack_dns
            } else {
                part.dns
            };
            format!("https://{prefix}{fips}.{region}.{dns}")
        }
    };
    Endpoint {
        url,
        signing_region: home.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(region: &str) -> Settings {
        Settings {
            region: region.into(),
            ..Default::default()
        }
    }

    #[test]
    fn regions_are_judged_by_the_sdks_host_label_rule() {
        // The SDK's own cases (aws-sdk-sts endpoint_lib/host.rs, dots allowed).
        for (region, valid) in [
            ("", false),
            (".", false),
            ("a.b", true),
            ("a.b.", false),
            ("a.b.c", true),
            ("a_b", false),
            ("-foo", false),
            (".foo", false),
            ("a-b.foo", true),
            ("café", false),
            ("abc123", true),
        ] {
            assert_eq!(is_valid_region(region), valid, "{region:?}");
        }
        assert!(!is_valid_region(&"a".repeat(64)));
        assert!(is_valid_region(&format!("{0}.{0}", "a".repeat(63))));
        for region in ["eu-west-1", "us-gov-west-1", "cn-north-1", "eusc-de-east-1"] {
            assert!(is_valid_region(region), "{region}");
        }
        for region in [
            "x@127.0.0.1:18082/",
            "eu-west-1/",
            "eu-west-1 ",
            "evil.example:443#",
        ] {
            assert!(!is_valid_region(region), "{region:?}");
        }
    }

    #[test]
    fn regional_services_follow_the_region_and_partition() {
        let ep = resolve(&EC2, &at("eu-west-1"));
        assert_eq!(ep.url, "https://ec2.eu-west-1.amazonaws.com");
        assert_eq!(ep.signing_region, "eu-west-1");
        assert_eq!(
            resolve(&CLOUDWATCH, &at("cn-north-1")).url,
            "https://monitoring.cn-north-1.amazonaws.com.cn"
        );
        let fips = Settings {
            fips: true,
            ..at("us-gov-west-1")
        };
        assert_eq!(
            resolve(&RDS, &fips).url,
            "https://rds-fips.us-gov-west-1.amazonaws.com"
        );
        let dual = Settings {
            dual_stack: true,
            ..at("us-east-2")
        };
        assert_eq!(
            resolve(&S3, &dual).url,
            "https://s3.dualstack.us-east-2.amazonaws.com"
        );
        assert_eq!(resolve(&EC2, &dual).url, "https://ec2.us-east-2.api.aws");
    }

    #[test]
    fn global_services_are_signed_for_their_home_region() {
        let ep = resolve(&IAM, &at("eu-central-1"));
        assert_eq!(ep.url, "https://iam.amazonaws.com");
        assert_eq!(ep.signing_region, "us-east-1");
        let ce = resolve(&COST_EXPLORER, &at("ap-south-1"));
        assert_eq!(ce.url, "https://ce.us-east-1.amazonaws.com");
        assert_eq!(ce.signing_region, "us-east-1");
        let org = resolve(&ORGANIZATIONS, &at("eu-west-3"));
        assert_eq!(org.url, "https://organizations.us-east-1.amazonaws.com");
        let cn = resolve(&IAM, &at("cn-northwest-1"));
        assert_eq!(cn.url, "https://iam.cn-north-1.amazonaws.com.cn");
        assert_eq!(cn.signing_region, "cn-north-1");
        assert_eq!(
            resolve(&IAM, &at("us-gov-east-1")).url,
            "https://iam.us-gov.amazonaws.com"
        );
    }

    #[test]
    fn a_configured_endpoint_wins_and_the_service_specific_one_first() {
        let s = Settings {
            endpoint_url: Some("http://127.0.0.1:4566/".into()),
            per_service: vec![("S3", "http://localhost:9000".into())],
            ..at("eu-west-1")
        };
        assert_eq!(resolve(&EC2, &s).url, "http://127.0.0.1:4566");
        assert_eq!(resolve(&S3, &s).url, "http://localhost:9000");
        let iam = resolve(&IAM, &s);
        assert_eq!(iam.url, "http://127.0.0.1:4566");
        assert_eq!(iam.signing_region, "eu-west-1");
    }
}
