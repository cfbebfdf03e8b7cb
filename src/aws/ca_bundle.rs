//! Extra trusted certificates, as the AWS CLI takes them: `AWS_CA_BUNDLE`,
//! else the profile's `ca_bundle`. aws-config ignores both (open request
//! awslabs/aws-sdk-rust#1362), so behind a TLS-inspecting proxy the CLI
//! works and a plain SDK client fails; Escher reads the bundle itself and
//! gives its HTTPS client the certificates, beside the system's roots.

use super::env::{AwsEnv, CA_BUNDLE_VAR};
use super::profiles::ProfileInfo;
use std::path::PathBuf;

/// PEM certificates that parsed (empty: none configured).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Bundle {
    pem: Vec<u8>,
}

impl Bundle {
    pub fn pem(&self) -> &[u8] {
        &self.pem
    }
}

/// A configured bundle that cannot be used, and who named it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BundleProblem {
    pub path: PathBuf,
    /// "AWS_CA_BUNDLE", or "ca_bundle in profile NAME".
    pub origin: String,
    pub reason: String,
}

/// The bundle a check of `info` trusts, in the CLI's precedence.
pub fn for_profile(env: &AwsEnv, info: &ProfileInfo) -> Result<Bundle, BundleProblem> {
    let (path, origin) = match (
        env.get(CA_BUNDLE_VAR).filter(|v| !v.is_empty()),
        &info.ca_bundle,
    ) {
        (Some(var), _) => (var.to_owned(), CA_BUNDLE_VAR.to_owned()),
        (None, Some(p)) => (p.clone(), format!("ca_bundle in profile {}", info.name)),
        (None, None) => return Ok(Bundle::default()),
    };
    load(env.expand_home(&path), origin)
}

/// Read and check every certificate, so a bad file is told in words
/// (the TLS layer would panic on it).
pub fn load(path: PathBuf, origin: String) -> Result<Bundle, BundleProblem> {
    let problem = |reason: String| BundleProblem {
        path: path.clone(),
        origin: origin.clone(),
        reason,
    };
    let pem = std::fs::read(&path).map_err(|e| problem(format!("it cannot be read: {e}")))?;
    use rustls::pki_types::pem::PemObject;
    let certs: Vec<_> = rustls::pki_types::CertificateDer::pem_slice_iter(&pem)
        .collect::<Result<_, _>>()
        .map_err(|e| problem(format!("it is not a PEM certificate bundle ({e})")))?;
    if certs.is_empty() {
        return Err(problem("it holds no PEM certificate".into()));
    }
    let mut roots = rustls::RootCertStore::empty();
    for (i, cert) in certs.into_iter().enumerate() {
        roots
            .add(cert)
            .map_err(|e| problem(format!("certificate {} cannot be used: {e}", i + 1)))?;
    }
    Ok(Bundle { pem })
}
