//! A token or client secret: usable, never shown. Its `Debug` says only
//! that it is there, so a `{:?}` anywhere cannot leak it.

#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The value itself, for the one request or file that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn debug_never_shows_the_value() {
        let s = super::Secret::new("aoaAAAA-very-secret");
        assert_eq!(format!("{s:?}"), "Secret(…)");
        assert_eq!(s.expose(), "aoaAAAA-very-secret");
    }
}
