//! OData URL literals, for function parameters in the URL
//! (`/reports/getEmailActivityUserDetail(period='D7')`).
//!
//! Every literal is percent-encoded for a path segment (except the `=`
//! padding of a binary literal, which the ABNF wants as is); strings are
//! quoted with `'` doubled inside; complex and collection values are JSON.

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

/// `YYYY-MM-DD`: the ABNF's `dateValue`, whose year has four digits or
/// more, a `-` before years before year 0, and never a `+` (which chrono's
/// `%Y` writes before years after 9999).
impl Literal for crate::edm::Date {
    fn literal(&self) -> String {
        use chrono::Datelike as _;
        let sign = if self.year() < 0 { "-" } else { "" };
        let year = self.year().unsigned_abs();
        // Only digits and `-`: nothing to percent-encode.
        format!("{sign}{year:04}-{:02}-{:02}", self.month(), self.day())
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

/// `binary'…'` around the bytes in base64url (RFC 4648 §5), padded. The
/// ABNF's `binaryValue` has the padding `=` as is, with no percent-encoded
/// alternative; `=` is allowed in a path segment, and the other base64url
/// characters are unreserved, so nothing inside the quotes is encoded.
impl Literal for crate::edm::Binary {
    fn literal(&self) -> String {
        use base64::Engine as _;
        format!(
            "binary%27{}%27",
            base64::engine::general_purpose::URL_SAFE.encode(&self.0)
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

    // The expected texts follow the OData v4.01 ABNF (construction rules):
    // `COLON = ":" / "%3A"`, `SIGN = "+" / "%2B" / "-"`,
    // `SQUOTE = "'" / "%27"`, `SQUOTE-in-string = SQUOTE SQUOTE`.

    #[test]
    fn date_time_offsets_keep_their_text_with_colons_and_plus_encoded() {
        for (text, literal) in [
            (
                "2017-01-01T00:02:43.5775965-08:00",
                "2017-01-01T00%3A02%3A43.5775965-08%3A00",
            ),
            (
                "2024-08-01T10:00:00.5+05:30",
                "2024-08-01T10%3A00%3A00.5%2B05%3A30",
            ),
            ("2024-08-01T10:00Z", "2024-08-01T10%3A00Z"),
            (
                "2024-02-29T23:59:60.123456789012z",
                "2024-02-29T23%3A59%3A60.123456789012z",
            ),
            (
                "-0044-03-15T12:00:00+00:00",
                "-0044-03-15T12%3A00%3A00%2B00%3A00",
            ),
            ("10000-01-01T00:00:00Z", "10000-01-01T00%3A00%3A00Z"),
        ] {
            let value: crate::edm::DateTimeOffset = text.parse().unwrap();
            assert_eq!(value.literal(), literal, "{text}");
        }
        let built = crate::edm::DateTimeOffset::from(
            chrono::DateTime::parse_from_rfc3339("2024-08-01T10:00:00.250+02:00").unwrap(),
        );
        assert_eq!(built.literal(), "2024-08-01T10%3A00%3A00.25%2B02%3A00");
        let utc = crate::edm::DateTimeOffset::from(
            chrono::DateTime::parse_from_rfc3339("2024-08-01T10:00:00+00:00").unwrap(),
        );
        assert_eq!(utc.literal(), "2024-08-01T10%3A00%3A00Z");
    }

    #[test]
    fn dates_are_year_month_day_without_a_plus_sign() {
        let date = |y, m, d| crate::edm::Date::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(date(2024, 8, 1).literal(), "2024-08-01");
        assert_eq!(date(7, 1, 9).literal(), "0007-01-09");
        assert_eq!(date(0, 12, 31).literal(), "0000-12-31");
        assert_eq!(date(-44, 3, 15).literal(), "-0044-03-15");
        // `year = [ "-" ] ( "0" 3DIGIT / oneToNine 3*DIGIT )`: no `+`.
        assert_eq!(date(10000, 1, 1).literal(), "10000-01-01");
        assert_eq!(crate::edm::Date::MAX.literal(), "262142-12-31");
        assert_eq!(crate::edm::Date::MIN.literal(), "-262143-01-01");
    }

    #[test]
    fn times_of_day_keep_their_text_with_colons_encoded() {
        for (text, literal) in [
            ("10:00:00.0000000", "10%3A00%3A00.0000000"),
            ("23:59", "23%3A59"),
            ("00:00:60.5", "00%3A00%3A60.5"),
        ] {
            let value: crate::edm::TimeOfDay = text.parse().unwrap();
            assert_eq!(value.literal(), literal, "{text}");
        }
        let built = crate::edm::TimeOfDay::from(
            chrono::NaiveTime::from_hms_milli_opt(23, 59, 59, 500).unwrap(),
        );
        assert_eq!(built.literal(), "23%3A59%3A59.5");
    }

    #[test]
    fn durations_are_quoted_with_the_duration_prefix() {
        for (text, literal) in [
            ("PT5M", "duration%27PT5M%27"),
            ("-PT5M", "duration%27-PT5M%27"),
            ("+P1DT2H", "duration%27%2BP1DT2H%27"),
            ("P3DT4H5M6.789S", "duration%27P3DT4H5M6.789S%27"),
        ] {
            let value: crate::edm::Duration = text.parse().unwrap();
            assert_eq!(value.literal(), literal, "{text}");
        }
        let built = crate::edm::Duration::from(std::time::Duration::from_millis(90_061_500));
        assert_eq!(built.literal(), "duration%27P1DT1H1M1.5S%27");
        let zero = crate::edm::Duration::from(std::time::Duration::ZERO);
        assert_eq!(zero.literal(), "duration%27PT0S%27");
    }

    #[test]
    fn binaries_are_base64url_with_the_padding_unencoded() {
        let binary = |bytes: &[u8]| crate::edm::Binary(bytes.to_vec()).literal();
        // base64url (`-` and `_`, not `+` and `/`); the `=` of the padding
        // is written as is: the ABNF's `base64b16` and `base64b8` end in a
        // literal `"="` / `"=="`, with no `%3D` alternative.
        assert_eq!(binary(&[0xfb, 0xff]), "binary%27-_8=%27");
        assert_eq!(binary(b"hi"), "binary%27aGk=%27");
        assert_eq!(binary(b"h"), "binary%27aA==%27");
        assert_eq!(binary(b"abc"), "binary%27YWJj%27");
        assert_eq!(binary(&[0xff, 0xfe, 0xfd]), "binary%27__79%27");
        assert_eq!(binary(b""), "binary%27%27");
    }

    #[test]
    fn guids_are_unquoted_hyphenated_lower_case() {
        let id = uuid::Uuid::parse_str("0B7D3E2C-1F4A-4C5D-9E8F-A1B2C3D4E5F6").unwrap();
        assert_eq!(id.literal(), "0b7d3e2c-1f4a-4c5d-9e8f-a1b2c3d4e5f6");
        assert_eq!(
            uuid::Uuid::nil().literal(),
            "00000000-0000-0000-0000-000000000000"
        );
    }

    #[test]
    fn decimals_keep_their_digits() {
        let decimal = |text: &str| crate::edm::Decimal(text.to_owned()).literal();
        assert_eq!(
            decimal("-12345678901234567890.123456789"),
            "-12345678901234567890.123456789"
        );
        assert_eq!(decimal("0"), "0");
        assert_eq!(decimal("1.5e+10"), "1.5e%2B10");
        assert_eq!(decimal("1E-7"), "1E-7");
    }

    #[test]
    fn floats_are_plain_decimals_or_nan_and_infinities() {
        assert_eq!(f64::NAN.literal(), "NaN");
        assert_eq!(f64::INFINITY.literal(), "INF");
        assert_eq!(f64::NEG_INFINITY.literal(), "-INF");
        assert_eq!(f32::NAN.literal(), "NaN");
        assert_eq!(f32::INFINITY.literal(), "INF");
        assert_eq!(f32::NEG_INFINITY.literal(), "-INF");
        assert_eq!(0.1f64.literal(), "0.1");
        assert_eq!(0.1f32.literal(), "0.1");
        assert_eq!(2.0f64.literal(), "2");
        assert_eq!((-0.0f64).literal(), "-0");
        assert_eq!(1e-7f64.literal(), "0.0000001");
        assert_eq!(1e21f64.literal(), "1000000000000000000000");
        assert_eq!(
            f32::MAX.literal(),
            "340282350000000000000000000000000000000"
        );
    }

    #[test]
    fn integers_and_booleans_are_plain() {
        assert_eq!(i64::MIN.literal(), "-9223372036854775808");
        assert_eq!(i64::MAX.literal(), "9223372036854775807");
        assert_eq!(i32::MIN.literal(), "-2147483648");
        assert_eq!(i16::MIN.literal(), "-32768");
        assert_eq!(i8::MIN.literal(), "-128");
        assert_eq!(u8::MAX.literal(), "255");
        assert_eq!(0i32.literal(), "0");
        assert_eq!(true.literal(), "true");
        assert_eq!(false.literal(), "false");
        assert_eq!((&&7i32).literal(), "7");
    }

    #[test]
    fn strings_are_quoted_with_quotes_doubled_and_the_rest_encoded() {
        assert_eq!("".literal(), "%27%27");
        assert_eq!("'".literal(), "%27%27%27%27");
        assert_eq!("it's".literal(), "%27it%27%27s%27");
        assert_eq!(String::from("''").literal(), "%27%27%27%27%27%27");
        assert_eq!(string_literal("a/b?c#d e"), "%27a%2Fb%3Fc%23d%20e%27");
        assert_eq!(string_literal("100%+&=,;"), "%27100%25%2B%26%3D%2C%3B%27");
        assert_eq!(
            string_literal("Zoë 東京"),
            "%27Zo%C3%AB%20%E6%9D%B1%E4%BA%AC%27"
        );
        assert_eq!(string_literal("-._~AZaz09"), "%27-._~AZaz09%27");
        assert_eq!(string_literal("line\nbreak"), "%27line%0Abreak%27");
    }

    #[test]
    fn json_and_null_literals() {
        assert_eq!(
            json_literal(&serde_json::json!({"a": "x y", "n": [1, null]})),
            "%7B%22a%22%3A%22x%20y%22%2C%22n%22%3A%5B1%2Cnull%5D%7D"
        );
        assert_eq!(json_literal(&[1.5, 2.0]), "%5B1.5%2C2.0%5D");
        assert_eq!(null_literal(), "null");
    }

    #[test]
    fn function_segments_with_zero_one_and_two_parameters() {
        assert_eq!(function_segment("getStatus", &[]), "getStatus()");
        assert_eq!(
            function_segment("getReport", &[("period", "D7".literal())]),
            "getReport(period=%27D7%27)"
        );
        assert_eq!(
            function_segment(
                "microsoft.graph.getDevices",
                &[("top", 10i32.literal()), ("since", null_literal())]
            ),
            "microsoft.graph.getDevices(top=10,since=null)"
        );
    }
}
