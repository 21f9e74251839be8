//! OData URL literals, for function parameters in the URL
//! (`/reports/getEmailActivityUserDetail(period='D7')`).
//!
//! Every literal is percent-encoded for a path segment; strings are quoted
//! with `'` doubled inside; complex and collection values are JSON.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::Serialize;

/// Everything but the unreserved characters is encoded.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

fn encode(text: &str) -> String {
    utf8_percent_encode(text, SEGMENT).to_string()
}

/// A value that has an OData URL literal.
pub trait Literal {
    /// The literal, percent-encoded for a path segment.
    fn literal(&self) -> String;
}

impl<T: Literal + ?Sized> Literal for &T {
    fn literal(&self) -> String {
        (**self).literal()
    }
}

impl Literal for str {
    fn literal(&self) -> String {
        string_literal(self)
    }
}

impl Literal for String {
    fn literal(&self) -> String {
        string_literal(self)
    }
}

macro_rules! plain {
    ($($t:ty),*) => {$(
        impl Literal for $t {
            fn literal(&self) -> String {
                encode(&self.to_string())
            }
        }
    )*};
}
plain!(bool, u8, i8, i16, i32, i64, uuid::Uuid, crate::edm::Decimal);

macro_rules! float {
    ($($t:ty),*) => {$(
        impl Literal for $t {
            fn literal(&self) -> String {
                if self.is_nan() {
                    "NaN".to_owned()
                } else if self.is_infinite() {
                    if *self > 0.0 { "INF".to_owned() } else { "-INF".to_owned() }
                } else {
                    encode(&self.to_string())
                }
            }
        }
    )*};
}
float!(f32, f64);

/// The value's text (as received, or as built: RFC 3339), percent-encoded.
impl Literal for crate::edm::DateTimeOffset {
    fn literal(&self) -> String {
        encode(self.as_str())
    }
}

impl Literal for crate::edm::Date {
    fn literal(&self) -> String {
        encode(&self.format("%Y-%m-%d").to_string())
    }
}

/// The value's text (as received, or as built: `hh:mm:ss[.f]`), percent-encoded.
impl Literal for crate::edm::TimeOfDay {
    fn literal(&self) -> String {
        encode(self.as_str())
    }
}

/// `duration'…'` around the value's ISO 8601 text, percent-encoded.
impl Literal for crate::edm::Duration {
    fn literal(&self) -> String {
        format!("duration{}", string_literal(self.as_str()))
    }
}

impl Literal for crate::edm::Binary {
    fn literal(&self) -> String {
        use base64::Engine as _;
        format!(
            "binary{}",
            string_literal(&base64::engine::general_purpose::URL_SAFE.encode(&self.0))
        )
    }
}

/// A string literal: `'text'` with `'` doubled, percent-encoded.
pub fn string_literal(text: &str) -> String {
    encode(&format!("'{}'", text.replace('\'', "''")))
}

/// A complex or collection value as JSON, percent-encoded.
pub fn json_literal<T: Serialize + ?Sized>(value: &T) -> String {
    encode(&serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned()))
}

/// `null`, for an absent optional parameter.
pub fn null_literal() -> String {
    "null".to_owned()
}

/// A function call segment: `name(p1=literal,p2=literal)`.
pub fn function_segment(name: &str, parameters: &[(&str, String)]) -> String {
    let mut out = String::with_capacity(name.len() + 2 + parameters.len() * 16);
    out.push_str(name);
    out.push('(');
    for (i, (parameter, literal)) in parameters.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(parameter);
        out.push('=');
        out.push_str(literal);
    }
    out.push(')');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_follow_the_odata_url_syntax() {
        assert_eq!(
            function_segment(
                "getReport",
                &[
                    ("period", "D7".literal()),
                    ("top", 5i32.literal()),
                    ("all", true.literal()),
                    ("name", "O'Neil & co".literal()),
                    ("ids", json_literal(&["a", "b"])),
                    ("x", null_literal()),
                ]
            ),
            "getReport(period=%27D7%27,top=5,all=true,name=%27O%27%27Neil%20%26%20co%27,ids=%5B%22a%22%2C%22b%22%5D,x=null)"
        );
        assert_eq!(f64::NAN.literal(), "NaN");
        let at: crate::edm::DateTimeOffset = "2017-01-01T00:02:43.5775965-08:00".parse().unwrap();
        assert_eq!(at.literal(), "2017-01-01T00%3A02%3A43.5775965-08%3A00");
        let at: crate::edm::DateTimeOffset = "2024-08-01T10:00:00+05:30".parse().unwrap();
        assert_eq!(at.literal(), "2024-08-01T10%3A00%3A00%2B05%3A30");
        let time: crate::edm::TimeOfDay = "10:00:00.0000000".parse().unwrap();
        assert_eq!(time.literal(), "10%3A00%3A00.0000000");
        let length: crate::edm::Duration = "-PT5M".parse().unwrap();
        assert_eq!(length.literal(), "duration%27-PT5M%27");
        assert_eq!((-1.5f64).literal(), "-1.5");
    }
}
