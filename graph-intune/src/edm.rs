//! Rust types for the Edm primitive types that have no plain Rust equivalent.
//!
//! | Edm | Rust |
//! |---|---|
//! | `Edm.Guid` | [`Guid`] (`uuid::Uuid`) |
//! | `Edm.DateTimeOffset` | [`DateTimeOffset`] (`chrono::DateTime<FixedOffset>`: keeps the offset) |
//! | `Edm.Date` | [`Date`] (`chrono::NaiveDate`) |
//! | `Edm.TimeOfDay` | [`TimeOfDay`] (`chrono::NaiveTime`) |
//! | `Edm.Duration` | [`Duration`] (ISO 8601 text, checked conversion) |
//! | `Edm.Decimal` | [`Decimal`] (the digits as text, never `f64`) |
//! | `Edm.Binary` | [`Binary`] (bytes, base64 on the wire) |

use std::fmt;

use base64::Engine as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// `Edm.Guid`.
pub type Guid = uuid::Uuid;
/// `Edm.DateTimeOffset`: Graph writes e.g. `2024-08-01T10:00:00.1234567Z`.
pub type DateTimeOffset = chrono::DateTime<chrono::FixedOffset>;
/// `Edm.Date`: `2024-08-01`.
pub type Date = chrono::NaiveDate;
/// `Edm.TimeOfDay`: `10:00:00.0000000`.
pub type TimeOfDay = chrono::NaiveTime;

/// `Edm.Duration`: the ISO 8601 duration text as sent (`PT1H30M`, `P1D`),
/// with a checked conversion to [`std::time::Duration`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Duration(pub String);

impl Duration {
    /// Converts `[-]P[nD][T[nH][nM][n[.n]S]]` to a `std::time::Duration`.
    /// Returns `None` for a negative duration, years or months (whose length
    /// varies), or text that is not an ISO 8601 day-time duration.
    pub fn to_std(&self) -> Option<std::time::Duration> {
        let rest = self.0.strip_prefix('P')?;
        let (date, time) = match rest.split_once('T') {
            Some((d, t)) => (d, Some(t)),
            None => (rest, None),
        };
        let mut seconds: f64 = 0.0;
        let mut any = false;
        let mut take = |part: &str, units: &[(char, f64)]| -> Option<()> {
            let mut number = String::new();
            let mut unit_index = 0;
            for c in part.chars() {
                if c.is_ascii_digit() || c == '.' {
                    number.push(c);
                    continue;
                }
                let pos = units[unit_index..].iter().position(|(u, _)| *u == c)?;
                unit_index += pos + 1;
                let value: f64 = number.parse().ok()?;
                seconds += value * units[unit_index - 1].1;
                number.clear();
                any = true;
            }
            number.is_empty().then_some(())
        };
        take(date, &[('D', 86_400.0)])?;
        if let Some(time) = time {
            take(time, &[('H', 3_600.0), ('M', 60.0), ('S', 1.0)])?;
        }
        any.then(|| std::time::Duration::from_secs_f64(seconds))
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// `Edm.Decimal`: the number's digits as text, so none are lost to `f64`.
///
/// Read from a JSON number or string; written as a JSON number when the text
/// is one, else as a string (OData's IEEE754-compatible form).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Decimal(pub String);

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Decimal {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0.parse::<serde_json::Number>() {
            Ok(n) if n.to_string() == self.0 => n.serialize(serializer),
            _ => serializer.serialize_str(&self.0),
        }
    }
}

impl<'de> Deserialize<'de> for Decimal {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match serde_json::Value::deserialize(deserializer)? {
            serde_json::Value::Number(n) => Ok(Decimal(n.to_string())),
            serde_json::Value::String(s) => Ok(Decimal(s)),
            other => Err(serde::de::Error::custom(format_args!(
                "expected a decimal number or string, found {other}"
            ))),
        }
    }
}

/// `Edm.Binary`: bytes, base64 (standard alphabet, padded) on the wire.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Binary(pub Vec<u8>);

impl Serialize for Binary {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&base64::engine::general_purpose::STANDARD.encode(&self.0))
    }
}

impl<'de> Deserialize<'de> for Binary {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        let engine = &base64::engine::general_purpose::STANDARD;
        engine
            .decode(text.as_bytes())
            .or_else(|_| base64::engine::general_purpose::URL_SAFE.decode(text.as_bytes()))
            .map(Binary)
            .map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_convert_when_fixed_length() {
        assert_eq!(
            Duration("PT1H30M".into()).to_std(),
            Some(std::time::Duration::from_secs(5400))
        );
        assert_eq!(
            Duration("P1D".into()).to_std(),
            Some(std::time::Duration::from_secs(86400))
        );
        assert_eq!(
            Duration("PT0.5S".into()).to_std(),
            Some(std::time::Duration::from_millis(500))
        );
        assert_eq!(Duration("P1M".into()).to_std(), None);
        assert_eq!(Duration("-PT1S".into()).to_std(), None);
        assert_eq!(Duration("PT".into()).to_std(), None);
        assert_eq!(Duration("garbage".into()).to_std(), None);
    }

    #[test]
    fn decimals_keep_their_digits() {
        let d: Decimal = serde_json::from_str("\"12345678901234567890.123456789\"").unwrap();
        assert_eq!(d.0, "12345678901234567890.123456789");
        assert_eq!(
            serde_json::to_string(&Decimal("1.5".into())).unwrap(),
            "1.5"
        );
    }

    #[test]
    fn binary_is_base64() {
        let b: Binary = serde_json::from_str("\"aGk=\"").unwrap();
        assert_eq!(b.0, b"hi");
        assert_eq!(serde_json::to_string(&b).unwrap(), "\"aGk=\"");
    }
}
