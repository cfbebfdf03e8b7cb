//! The values a PKCE sign-in is bound by, from the OS's random source:
//! the verifier (64 characters of RFC 7636's unreserved set, as the AWS
//! CLI makes it), its S256 challenge, and the `state` (a UUID v4).

use sha2::{Digest, Sha256};

const UNRESERVED: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";

#[derive(Clone)]
pub struct Pkce {
    pub verifier: super::secret::Secret,
    pub challenge: String,
    pub state: String,
}

impl Pkce {
    pub fn new() -> Result<Self, String> {
        let verifier = verifier()?;
        Ok(Pkce {
            challenge: challenge(&verifier),
            verifier: super::secret::Secret::new(verifier),
            state: uuid_v4(random_bytes::<16>()?),
        })
    }
}

fn verifier() -> Result<String, String> {
    let mut out = String::with_capacity(64);
    while out.len() < 64 {
        for b in random_bytes::<64>()? {
            // 198 = 3 × 66: a byte above it would favour the first characters.
            let b = usize::from(b);
            if b < 3 * UNRESERVED.len() && out.len() < 64 {
                out.push(char::from(UNRESERVED[b % UNRESERVED.len()]));
            }
        }
    }
    Ok(out)
}

/// base64url(SHA-256(verifier)) without padding (RFC 7636 §4.2).
pub fn challenge(verifier: &str) -> String {
    base64url(&Sha256::digest(verifier.as_bytes()))
}

fn base64url(bytes: &[u8]) -> String {
    aws_smithy_types::base64::encode(bytes)
        .trim_end_matches('=')
        .replace('+', "-")
        .replace('/', "_")
}

fn random_bytes<const N: usize>() -> Result<[u8; N], String> {
    let mut buf = [0u8; N];
    getrandom::getrandom(&mut buf)
        .map_err(|e| format!("the operating system gave no random numbers ({e})"))?;
    Ok(buf)
}

fn uuid_v4(mut b: [u8; 16]) -> String {
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_challenge_is_rfc_7636s_own_example() {
        // RFC 7636 Appendix B.
        assert_eq!(
            challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn each_sign_in_gets_fresh_values_of_the_right_shape() {
        let (a, b) = (Pkce::new().unwrap(), Pkce::new().unwrap());
        assert_ne!(a.verifier, b.verifier);
        assert_ne!(a.state, b.state);
        assert_eq!(a.verifier.expose().len(), 64);
        assert!(a.verifier.expose().bytes().all(|c| UNRESERVED.contains(&c)));
        assert_eq!(a.challenge, challenge(a.verifier.expose()));
        assert_eq!(a.state.len(), 36);
        assert_eq!(&a.state[14..15], "4");
    }
}
