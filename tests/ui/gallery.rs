//! Every diagnosis case, AWS and Azure, drawn as the user sees its card,
//! in light and dark: `tests/snapshots/gallery_aws*.png` and
//! `gallery_azure*.png`. Each card is made by the engine's own diagnosis
//! functions from the failure that leads to it; a case added to either
//! enum fails to compile here until it has a card.

use egui::Theme;
use egui_kittest::Harness;
use escher::aws::diagnose::{self as aws, Case as AwsCase, Failure, SdkFailure, Stage};
use escher::azure::diagnose::{self as az, Case as AzCase};
use escher::azure::ids::Guid;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

fn aws_cards() -> Vec<(aws::Diagnosis, bool)> {
    let subject = aws::Subject {
        profile: "prod-admin",
        kind: Some(escher::aws::profiles::Kind::AccessKeys),
        timeout: Duration::from_secs(15),
    };
    let sso = aws::Subject {
        profile: "dev-sso",
        kind: Some(escher::aws::profiles::Kind::Sso),
        timeout: Duration::from_secs(15),
    };
    let now = SystemTime::now();
    let sdk = |stage, code: Option<&str>, message: &str| {
        Failure::Sdk(SdkFailure {
            stage,
            code: code.map(str::to_owned),
            status: None,
            message: message.into(),
            detail: message.into(),
        })
    };
    let failures = [
        (&subject, Failure::ConfigParse {
            path: PathBuf::from("/home/alice/.aws/config"),
            message: "line 7: a profile section must start with [profile NAME]".into(),
        }),
        (&subject, Failure::ProfileMissing {
            suggestions: vec!["prod-admins".into()],
        }),
        (&subject, Failure::Unusable {
            problem: "it has no credentials: no access keys, SSO settings, role or credential_process".into(),
            sso: false,
        }),
        (&sso, Failure::MissingRegion {
            problem: "sso_region is missing from [sso-session corp]".into(),
        }),
        (&sso, Failure::SsoToken {
            status: escher::aws::sso_cache::TokenStatus::Missing {
                path: PathBuf::from("/home/alice/.aws/sso/cache/3f2d.json"),
            },
            now,
        }),
        (&sso, Failure::SsoToken {
            status: escher::aws::sso_cache::TokenStatus::Expired {
                expires_at: now - Duration::from_secs(3 * 3600),
                refreshable: false,
            },
            now,
        }),
        (&sso, sdk(Stage::Credentials, None, "ForbiddenException: No access")),
        (&subject, sdk(Stage::Service, Some("InvalidClientTokenId"), "The security token included in the request is invalid.")),
        (&subject, sdk(Stage::Service, Some("SignatureDoesNotMatch"), "The request signature we calculated does not match the signature you provided.")),
        (&subject, sdk(Stage::Service, Some("ExpiredToken"), "The security token included in the request is expired")),
        (&subject, sdk(Stage::Service, Some("RequestExpired"), "Request has expired.")),
        (&subject, sdk(Stage::Credentials, None, "the credential_process helper exited with code 3: vault is sealed")),
        (&subject, sdk(Stage::Io, None, "dispatch failure: dns error: failed to lookup address information")),
        (&subject, sdk(Stage::Timeout, None, "operation timed out")),
        (&subject, Failure::Crashed("the check stopped unexpectedly".into())),
        (&subject, Failure::InvalidName(escher::aws::profile_name::NameError::LeadingDash)),
        (&subject, Failure::CaBundle(escher::aws::ca_bundle::BundleProblem {
            path: PathBuf::from("/etc/ssl/corp-ca.pem"),
            origin: "AWS_CA_BUNDLE".into(),
            reason: "it holds no certificate".into(),
        })),
        (&subject, Failure::InvalidRegion("x@127.0.0.1:18082/".into())),
    ];
    let mut cards: Vec<(aws::Diagnosis, bool)> = failures
        .iter()
        .map(|(s, f)| (aws::diagnose(s, f), false))
        .collect();
    cards.extend(aws::aws_cli_problem(&escher::aws_cli::CliStatus::Missing).map(|d| (d, false)));
    cards.push((
        aws::env_override_warning(&["AWS_ACCESS_KEY_ID"], "prod-admin"),
        true,
    ));
    cards.push((
        aws::plain_http_warning(
            "endpoint_url in profile prod-admin",
            "http://sts.example.com",
        ),
        true,
    ));
    cards.push((
        aws::permissions_warning(std::path::Path::new("/home/alice/.aws/credentials"), 0o644),
        true,
    ));
    cards
}

/// Names every case: a new one must get a card above.
fn aws_case_is_drawn(c: AwsCase) -> bool {
    use AwsCase::*;
    match c {
        ConfigParseError
        | ProfileNotFound
        | ProfileUnusable
        | MissingRegion
        | SsoTokenMissing
        | SsoTokenExpired
        | SsoNoAccess
        | InvalidClientToken
        | SignatureMismatch
        | ExpiredToken
        | ClockSkew
        | EnvOverride
        | CredentialProcessFailed
        | Network
        | Timeout
        | AwsCliMissing
        | Unknown
        | CredentialsFilePermissions
        | InvalidProfileName
        | CaBundleInvalid
        | InvalidRegion
        | PlainHttpEndpoint => true,
    }
}

const AWS_CASES: [AwsCase; 22] = {
    use AwsCase::*;
    [
        ConfigParseError,
        ProfileNotFound,
        ProfileUnusable,
        MissingRegion,
        SsoTokenMissing,
        SsoTokenExpired,
        SsoNoAccess,
        InvalidClientToken,
        SignatureMismatch,
        ExpiredToken,
        ClockSkew,
        EnvOverride,
        CredentialProcessFailed,
        Network,
        Timeout,
        AwsCliMissing,
        Unknown,
        CredentialsFilePermissions,
        InvalidProfileName,
        CaBundleInvalid,
        InvalidRegion,
        PlainHttpEndpoint,
    ]
};

fn g(s: &str) -> Guid {
    Guid::parse(s).unwrap()
}

fn azure_cards() -> Vec<(az::Diagnosis, bool)> {
    let tenant = g("c0000000-0000-0000-0000-00000000000c");
    let sub = g("aaaaaaaa-0000-0000-0000-000000000001");
    let subject = az::Subject {
        tenant: Some(&tenant),
        subscription: Some(&sub),
        user_name: Some("alice@contoso.com"),
        config_dir: Some(std::path::Path::new("/home/alice/.azure")),
    };
    let login = az::login_argv(Some(&tenant));
    let said = |code: &str, words: &str| {
        format!(
            "ERROR: {code}: {words}\nRun the command below to authenticate interactively; additional arguments may be added as needed:\naz logout\naz login --tenant \"{tenant}\" --scope \"https://management.core.windows.net//.default\"\n"
        )
    };
    let old = escher::azure::find::AzCli {
        path: PathBuf::from("/usr/bin/az"),
        version: "2.53.1".into(),
    };
    vec![
        (az::az_missing(), false),
        (az::az_too_old(&old), false),
        (
            az::not_signed_in("WARNING: Please run \"az login\" to access your accounts."),
            false,
        ),
        (
            az::network(
                "The Azure CLI",
                "ERROR: HTTPSConnectionPool(host='login.microsoftonline.com', port=443): Max retries exceeded",
            ),
            false,
        ),
        (
            az::from_az(
                &subject,
                &login,
                &said(
                    "AADSTS700082",
                    "The refresh token has expired due to inactivity.",
                ),
            ),
            false,
        ),
        (
            az::from_az(
                &subject,
                &login,
                &said(
                    "AADSTS50076",
                    "Due to a configuration change made by your administrator, you must use multi-factor authentication.",
                ),
            ),
            false,
        ),
        (
            az::from_az(
                &subject,
                &login,
                &said(
                    "AADSTS53003",
                    "Access has been blocked by Conditional Access policies.",
                ),
            ),
            false,
        ),
        (az::no_subscriptions(Some(&tenant), Some("Contoso")), false),
        (
            az::subscription_not_found(
                &sub,
                Some(&tenant),
                "az account list --all does not list it",
            ),
            false,
        ),
        (
            az::subscription_disabled(&sub, "Contoso Production", "Disabled", &tenant),
            false,
        ),
        (
            az::no_reader_role(
                &subject,
                "AuthorizationFailed: The client 'alice@contoso.com' with object id 'b0000000-0000-0000-0000-00000000000b' does not have authorization to perform action 'Microsoft.Resources/subscriptions/read'",
            ),
            false,
        ),
        (
            az::other_cloud("AzureCloud", &[("AzureUSGovernment".into(), 1)], None),
            false,
        ),
        (
            az::from_az(
                &subject,
                &login,
                "ERROR: Decryption failed: [WinError -2146893813] Key not valid for use in specified state.",
            ),
            false,
        ),
        (
            az::timeout("az account list", Duration::from_secs(30), None),
            false,
        ),
        (
            az::unknown(
                "The Azure CLI reported an error",
                "az account list --all -o json failed: ERROR: something new".into(),
                None,
                "ERROR: something new",
            ),
            false,
        ),
    ]
}

fn azure_case_is_drawn(c: AzCase) -> bool {
    use AzCase::*;
    match c {
        AzMissing | AzTooOld | NotSignedIn | Network | SignInExpired | MfaRequired
        | BlockedByPolicy | NoSubscriptions | SubscriptionNotFound | SubscriptionDisabled
        | NoReaderRole | OtherCloud | TokenCacheUnreadable | Timeout | Unknown => true,
    }
}

const AZURE_CASES: [AzCase; 15] = {
    use AzCase::*;
    [
        AzMissing,
        AzTooOld,
        NotSignedIn,
        Network,
        SignInExpired,
        MfaRequired,
        BlockedByPolicy,
        NoSubscriptions,
        SubscriptionNotFound,
        SubscriptionDisabled,
        NoReaderRole,
        OtherCloud,
        TokenCacheUnreadable,
        Timeout,
        Unknown,
    ]
};

fn gallery(name: &str, draw: impl Fn(&mut egui::Ui) + Clone + 'static) {
    let mut results = egui_kittest::SnapshotResults::new();
    for (theme, suffix) in [(Theme::Light, ""), (Theme::Dark, "_dark")] {
        let draw = draw.clone();
        // The app's fonts apply from the next frame, as in the window.
        let mut installed = false;
        let mut h = Harness::builder()
            .with_size(egui::vec2(760.0, 400.0))
            .with_theme(theme)
            .build_ui(move |ui| {
                if !installed {
                    escher::ui::gallery::install(ui.ctx());
                    installed = true;
                    ui.ctx().request_repaint();
                    return;
                }
                egui::Frame::central_panel(ui.style()).show(ui, |ui| {
                    ui.set_width(720.0);
                    draw(ui);
                });
            });
        h.run();
        h.fit_contents();
        h.snapshot_options(
            format!("{name}{suffix}"),
            &egui_kittest::SnapshotOptions::new()
                .threshold(1.0)
                .max_failed_pixels(400),
        );
        results.extend_harness(&mut h);
    }
    results.unwrap();
}

#[test]
fn every_aws_case_has_its_card() {
    let cards = aws_cards();
    let drawn: Vec<AwsCase> = cards.iter().map(|(d, _)| d.case).collect();
    for c in AWS_CASES {
        assert!(aws_case_is_drawn(c));
        assert!(drawn.contains(&c), "no card for {}", c.id());
    }
    gallery("gallery_aws", move |ui| {
        escher::ui::gallery::aws(ui, &cards)
    });
}

#[test]
fn every_azure_case_has_its_card() {
    let cards = azure_cards();
    let drawn: Vec<AzCase> = cards.iter().map(|(d, _)| d.case).collect();
    for c in AZURE_CASES {
        assert!(azure_case_is_drawn(c));
        assert!(drawn.contains(&c), "no card for {}", c.id());
    }
    gallery("gallery_azure", move |ui| {
        escher::ui::gallery::azure(ui, &cards)
    });
}
