//! Quoting for the shells that receive Escher's commands. Validation of
//! profile names is the first guard; quoting here is the second, so a
//! command stays one argument per word even if a check upstream is wrong.

/// Characters that need no quoting in a POSIX shell, nor in the other
/// shells a copied line may be pasted into: `%self` is a PID in fish, `@x`
/// splats and `a,b` is an array in PowerShell, so those are quoted too.
fn posix_safe(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-_.+/:".contains(c)
}

/// Quote one word for `sh`: unchanged when it is plainly safe, otherwise in
/// single quotes (inside which nothing is special but the quote itself).
pub fn posix_quote(word: &str) -> String {
    if !word.is_empty() && word.chars().all(posix_safe) {
        return word.to_owned();
    }
    format!("'{}'", word.replace('\'', r"'\''"))
}

/// Join words into one `sh` command line.
pub fn posix_join<S: AsRef<str>>(words: &[S]) -> String {
    words
        .iter()
        .map(|w| posix_quote(w.as_ref()))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Quote one word for `cmd.exe`. cmd has no escape that works inside
/// double quotes for `%` and `"`, so `terminal::windows_launch` refuses
/// those; this wraps anything with spaces or cmd metacharacters in double
/// quotes.
pub fn cmd_quote(word: &str) -> String {
    let special = |c: char| " \t&|<>()^\"%!,;=".contains(c);
    if !word.is_empty() && !word.chars().any(special) {
        return word.to_owned();
    }
    format!("\"{}\"", word.replace('"', "\"\""))
}

pub fn cmd_join<S: AsRef<str>>(words: &[S]) -> String {
    words
        .iter()
        .map(|w| cmd_quote(w.as_ref()))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn posix_quotes_only_when_needed() {
        assert_eq!(posix_quote("prod-admin"), "prod-admin");
        assert_eq!(posix_quote("a;b"), "'a;b'");
        assert_eq!(posix_quote("it's"), r"'it'\''s'");
        assert_eq!(posix_quote(""), "''");
        assert_eq!(posix_quote("team/prod:a+b.c_d"), "team/prod:a+b.c_d");
        for word in ["%self", "@x", "a,b", "a=b"] {
            assert_eq!(posix_quote(word), format!("'{word}'"));
        }
        assert_eq!(
            posix_join(&["aws", "sso", "login", "--profile", "$(id)"]),
            "aws sso login --profile '$(id)'"
        );
    }

    #[test]
    fn cmd_wraps_metacharacters() {
        assert_eq!(cmd_quote("prod"), "prod");
        assert_eq!(cmd_quote("a&b"), "\"a&b\"");
        assert_eq!(cmd_join(&["aws", "s3", "ls"]), "aws s3 ls");
    }
}
