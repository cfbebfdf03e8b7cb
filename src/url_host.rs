//! The host of a URL, and whether a URL stays on this machine: what
//! decides if a token may travel over plain `http://`.

/// The host of a URL's authority (`user@host:port`), without brackets.
pub fn host_of(authority: &str) -> &str {
    let authority = authority.rsplit('@').next().unwrap_or_default();
    if let Some(v6) = authority.strip_prefix('[') {
        return v6.split(']').next().unwrap_or_default();
    }
    authority.split(':').next().unwrap_or_default()
}

pub fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// A plain `http://` URL to another machine: whatever it carries (a
/// session token, a signed request) can be read on the way.
pub fn is_plain_http_off_machine(url: &str) -> bool {
    let Some((scheme, rest)) = url.trim().split_once("://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    scheme.eq_ignore_ascii_case("http") && !is_loopback(host_of(authority))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_http_to_another_machine_travels_in_clear() {
        for url in [
            "http://10.0.0.5:4566",
            "http://localstack.corp.example/",
            "HTTP://ec2.example.com",
            "http://localhost@evil.example:80/",
        ] {
            assert!(is_plain_http_off_machine(url), "{url}");
        }
        for url in [
            "https://ec2.example.com",
            "http://127.0.0.1:4566",
            "http://localhost:9000/",
            "http://[::1]:80/",
            "not a url",
        ] {
            assert!(!is_plain_http_off_machine(url), "{url}");
        }
    }
}
