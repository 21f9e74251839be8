//! Constants and helpers shared by the layers of the runtime.
//!
//! This module is the bottom layer: it uses nothing else of the crate, so
//! that every other module may use it without making a cycle.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC};

/// The `User-Agent` of the default HTTP clients and the `SdkVersion` header
/// of every request: `graph-intune/<crate version>`.
pub const USER_AGENT: &str = concat!("graph-intune/", env!("CARGO_PKG_VERSION"));

/// The media type of JSON request and answer bodies.
pub(crate) const APPLICATION_JSON: &str = "application/json";

/// The text shown instead of secrets in `Debug` output and in messages.
pub(crate) const REDACTED: &str = "<redacted>";

/// Bytes kept as they are in a key segment: ASCII alphanumerics and `-._~`
/// (the RFC 3986 unreserved characters). Everything else is percent-encoded.
pub(crate) const KEY_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Bytes kept as they are in query parameter names and values: the
/// unreserved characters plus `$` (so that `$filter` stays readable).
pub(crate) const QUERY_COMPONENT: &AsciiSet = &KEY_SEGMENT.remove(b'$');

/// Replaces every occurrence of `secret` in `text` with `<redacted>`.
pub(crate) fn redact(text: String, secret: &str) -> String {
    if secret.is_empty() || !text.contains(secret) {
        text
    } else {
        text.replace(secret, REDACTED)
    }
}

/// The causes of an error, without its own message (a `reqwest::Error`'s own
/// message names the URL, query included).
pub(crate) fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = Vec::new();
    let mut source = error.source();
    while let Some(cause) = source {
        parts.push(cause.to_string());
        source = cause.source();
    }
    if parts.is_empty() {
        parts.push(error.to_string());
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redact_replaces_every_occurrence() {
        assert_eq!(
            redact("a s3 b s3".into(), "s3"),
            "a <redacted> b <redacted>"
        );
        assert_eq!(redact("nothing".into(), ""), "nothing");
    }

    #[test]
    fn error_chain_lists_the_causes_or_else_the_error_itself() {
        #[derive(Debug)]
        struct Layer(&'static str, Option<Box<Layer>>);
        impl std::fmt::Display for Layer {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.0)
            }
        }
        impl std::error::Error for Layer {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                self.1.as_deref().map(|e| e as _)
            }
        }
        let nested = Layer(
            "outer",
            Some(Box::new(Layer(
                "middle",
                Some(Box::new(Layer("inner", None))),
            ))),
        );
        assert_eq!(error_chain(&nested), "middle: inner");
        assert_eq!(error_chain(&Layer("alone", None)), "alone");
    }

    #[test]
    fn key_segments_keep_only_unreserved_characters_and_queries_keep_dollar() {
        use percent_encoding::utf8_percent_encode;
        let text = "a/b c'd$e-f.g_h~i";
        assert_eq!(
            utf8_percent_encode(text, KEY_SEGMENT).to_string(),
            "a%2Fb%20c%27d%24e-f.g_h~i"
        );
        assert_eq!(
            utf8_percent_encode(text, QUERY_COMPONENT).to_string(),
            "a%2Fb%20c%27d$e-f.g_h~i"
        );
    }
}
