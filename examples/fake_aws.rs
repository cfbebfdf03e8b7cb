//! The tests' local STS/SSO endpoint as a process, for scripts/perf.sh:
//! `fake_aws N` answers GetCallerIdentity for access keys AKIA0..AKIA{N-1}
//! (secrets secret0..secret{N-1}, signatures checked) and prints its URL on
//! the first line.

#[path = "../tests/common/mod.rs"]
mod common;

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100);
    let aws = common::FakeAws::start();
    for i in 0..n {
        aws.user(
            &format!("AKIA{i:016}"),
            &format!("secret{i}"),
            common::FakeIdentity::user("123456789012", &format!("user{i}")),
        );
    }
    println!("{}", aws.url);
    loop {
        std::thread::park();
    }
}
