//! The browser's way back: a listener on 127.0.0.1 only (never every
//! interface, as the CLI's is), on a port the OS picks, that answers
//! `GET /oauth/callback` carrying the right `state` once and then closes.
//! Anything else is answered 404; a callback with a wrong or missing
//! `state` is refused and its code never used.

use super::error::LoginError;
use super::secret::Secret;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

pub const SIGNED_IN_PAGE: &str = "<!doctype html><meta charset=utf-8><title>Signed in</title>\
<body style=\"font-family:system-ui;margin:4em\"><h1>Signed in</h1>\
<p>Signed in — you can close this tab and return to Escher.</p>";

/// How long one request may take to arrive whole.
const REQUEST_LIMIT: Duration = Duration::from_secs(10);

pub struct Callback {
    listener: TcpListener,
    port: u16,
}

pub async fn bind() -> Result<Callback, LoginError> {
    let listener = TcpListener::bind(("127.0.0.1", 0)).await.map_err(|e| {
        LoginError::Network(format!(
            "Escher could not listen on 127.0.0.1 for the browser: {e}"
        ))
    })?;
    let port = listener
        .local_addr()
        .map_err(|e| LoginError::Network(e.to_string()))?
        .port();
    Ok(Callback { listener, port })
}

/// What one request to the listener asked.
#[derive(Debug, PartialEq, Eq)]
enum Asked {
    Callback(Vec<(String, String)>),
    Other,
}

impl Callback {
    pub fn redirect_uri(&self) -> String {
        format!("http://127.0.0.1:{}/oauth/callback", self.port)
    }

    /// The code of the first callback with `state`. Ends the listener.
    pub async fn code(self, state: &str) -> Result<Secret, LoginError> {
        loop {
            let Ok((mut stream, _)) = self.listener.accept().await else {
                continue;
            };
            let asked = match tokio::time::timeout(REQUEST_LIMIT, read_request(&mut stream)).await {
                Ok(Some(a)) => a,
                _ => continue,
            };
            let Asked::Callback(query) = asked else {
                respond(&mut stream, "404 Not Found", "Not found").await;
                continue;
            };
            let get = |k: &str| query.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
            if get("state") != Some(state) {
                respond(
                    &mut stream,
                    "400 Bad Request",
                    "This sign-in link is not the one Escher opened.",
                )
                .await;
                continue;
            }
            if let Some(error) = get("error") {
                let words = "The sign-in did not finish. Return to Escher.";
                respond(&mut stream, "200 OK", words).await;
                return Err(match error {
                    "access_denied" => LoginError::Declined,
                    other => LoginError::Service(format!("the browser came back with {other}")),
                });
            }
            match get("code") {
                Some(code) if !code.is_empty() => {
                    respond(&mut stream, "200 OK", SIGNED_IN_PAGE).await;
                    return Ok(Secret::new(code));
                }
                _ => {
                    respond(
                        &mut stream,
                        "400 Bad Request",
                        "The sign-in came back without a code.",
                    )
                    .await
                }
            }
        }
    }
}

async fn read_request(stream: &mut TcpStream) -> Option<Asked> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 2048];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 || buf.len() > 16 * 1024 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let head = String::from_utf8_lossy(&buf);
    Some(parse_request_line(head.lines().next()?))
}

fn parse_request_line(line: &str) -> Asked {
    let mut parts = line.split(' ');
    let (Some("GET"), Some(target)) = (parts.next(), parts.next()) else {
        return Asked::Other;
    };
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    if path != "/oauth/callback" {
        return Asked::Other;
    }
    let pairs = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect();
    Asked::Callback(pairs)
}

/// Percent-decoding, `+` as a space (form encoding).
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(hi), Some(lo)) => {
                    out.push(hi * 16 + lo);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(b: u8) -> Option<u8> {
    char::from(b)
        .to_digit(16)
        .and_then(|d| u8::try_from(d).ok())
}

async fn respond(stream: &mut TcpStream, status: &str, body: &str) {
    let head = format!(
        "HTTP/1.1 {status}\r\ncontent-type: text/html; charset=utf-8\r\ncontent-length: {}\r\n\
         cache-control: no-store\r\nconnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes()).await;
    let _ = stream.write_all(body.as_bytes()).await;
    let _ = stream.shutdown().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_callback_path_is_read_and_its_values_decoded() {
        assert_eq!(
            parse_request_line("GET /oauth/callback?code=a%2Fb+c&state=s-1 HTTP/1.1"),
            Asked::Callback(vec![
                ("code".into(), "a/b c".into()),
                ("state".into(), "s-1".into())
            ])
        );
        assert_eq!(
            parse_request_line("GET /favicon.ico HTTP/1.1"),
            Asked::Other
        );
        assert_eq!(
            parse_request_line("POST /oauth/callback?code=x HTTP/1.1"),
            Asked::Other
        );
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz"), "%zz");
        assert_eq!(percent_decode("%é%"), "%é%");
    }
}
