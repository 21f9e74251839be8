//! Rust types for the Edm primitive types that have no plain Rust equivalent.
//!
//! | Edm | Rust |
//! |---|---|
//! | `Edm.Guid` | [`Guid`] (`uuid::Uuid`) |
//! | `Edm.DateTimeOffset` | [`DateTimeOffset`] (the text as received, and its `chrono::DateTime<FixedOffset>`) |
//! | `Edm.Date` | [`Date`] (`chrono::NaiveDate`) |
//! | `Edm.TimeOfDay` | [`TimeOfDay`] (the text as received, and its `chrono::NaiveTime`) |
//! | `Edm.Duration` | [`Duration`] (the ISO 8601 text as received; checked conversions to `std::time::Duration` and `chrono::TimeDelta`) |
//! | `Edm.Decimal` | [`Decimal`] (the digits as text, never `f64`) |
//! | `Edm.Binary` | [`Binary`] (bytes, base64 on the wire) |
//!
//! [`DateTimeOffset`], [`TimeOfDay`] and [`Duration`] keep the exact text
//! they were read from (Graph's seven fractional digits, the offset as
//! written) and write it back byte for byte; values built in Rust from
//! `chrono` or `std` values are written in the form Graph documents
//! (`2024-08-01T10:00:00Z`, `2024-08-01T10:00:00.5+02:00`, `23:59:59.5`,
//! `PT1H30M`). Text that does not parse is a deserialization error, or a
//! [`ParseError`] from `FromStr`. Their equality compares the text; compare
//! their chrono values for instants, times and lengths.

use std::fmt;

use base64::Engine as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

mod datetime;

pub use datetime::{DateTimeOffset, Duration, ParseError, TimeOfDay};

/// `Edm.Guid`.
pub type Guid = uuid::Uuid;
/// `Edm.Date`: `2024-08-01`.
pub type Date = chrono::NaiveDate;

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

/// Serde support for numbers that OData may send as strings: `Edm.Int64` as a
/// JSON number or string (IEEE754Compatible), `Edm.Double` and `Edm.Single`
/// also as `"NaN"`, `"INF"` or `"-INF"`. Generated fields of those types use
/// `#[serde(with = "graph_intune::edm::lenient")]`, which works through
/// `Option`, [`Nullable`](crate::Nullable), `Vec` and `Box`.
///
/// Int64 is written as a number; non-finite doubles as their strings.
pub mod lenient {
    use serde::de::{self, SeqAccess, Visitor};
    use serde::ser::SerializeSeq;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use std::fmt;
    use std::marker::PhantomData;

    use crate::Nullable;

    /// A value with a lenient wire form.
    pub trait Lenient: Sized {
        /// Writes the value.
        fn write<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error>;
        /// Reads the value.
        fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error>;
    }

    /// `#[serde(with)]` entry point: serializes.
    pub fn serialize<T: Lenient, S: Serializer>(
        value: &T,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        value.write(serializer)
    }

    /// `#[serde(with)]` entry point: deserializes.
    pub fn deserialize<'de, T: Lenient, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<T, D::Error> {
        T::read(deserializer)
    }

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum NumberOrString<N> {
        Number(N),
        String(String),
    }

    impl Lenient for i64 {
        fn write<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serializer.serialize_i64(*self)
        }

        fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            match NumberOrString::<i64>::deserialize(deserializer)? {
                NumberOrString::Number(n) => Ok(n),
                NumberOrString::String(s) => s.trim().parse().map_err(|_| {
                    de::Error::custom(format_args!("expected an Int64, found the string `{s}`"))
                }),
            }
        }
    }

    macro_rules! float {
        ($t:ty, $write:ident) => {
            impl Lenient for $t {
                fn write<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                    if self.is_nan() {
                        serializer.serialize_str("NaN")
                    } else if self.is_infinite() {
                        serializer.serialize_str(if *self > 0.0 { "INF" } else { "-INF" })
                    } else {
                        serializer.$write(*self)
                    }
                }

                fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    match NumberOrString::<$t>::deserialize(deserializer)? {
                        NumberOrString::Number(n) => Ok(n),
                        NumberOrString::String(s) => match s.trim() {
                            "NaN" => Ok(<$t>::NAN),
                            "INF" => Ok(<$t>::INFINITY),
                            "-INF" => Ok(<$t>::NEG_INFINITY),
                            other => other.parse().map_err(|_| {
                                de::Error::custom(format_args!(
                                    "expected a number, `NaN`, `INF` or `-INF`, found the string `{s}`"
                                ))
                            }),
                        },
                    }
                }
            }
        };
    }
    float!(f64, serialize_f64);
    float!(f32, serialize_f32);

    /// Adapts a [`Lenient`] value to plain serde: for containers, and for
    /// the members of generated structs (`Wire(&field)` writes,
    /// `Wire<T>` reads).
    #[derive(Debug)]
    pub struct Wire<T>(pub T);

    impl<T: Lenient> Serialize for Wire<&T> {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            self.0.write(serializer)
        }
    }

    impl<'de, T: Lenient> Deserialize<'de> for Wire<T> {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            T::read(deserializer).map(Wire)
        }
    }

    impl<T: Lenient> Lenient for Vec<T> {
        fn write<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut seq = serializer.serialize_seq(Some(self.len()))?;
            for item in self {
                seq.serialize_element(&Wire(item))?;
            }
            seq.end()
        }

        fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            struct SeqVisitor<T>(PhantomData<T>);
            impl<'de, T: Lenient> Visitor<'de> for SeqVisitor<T> {
                type Value = Vec<T>;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("a JSON array")
                }
                fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
                    let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
                    while let Some(Wire(item)) = seq.next_element::<Wire<T>>()? {
                        out.push(item);
                    }
                    Ok(out)
                }
            }
            deserializer.deserialize_seq(SeqVisitor(PhantomData))
        }
    }

    impl<T: Lenient> Lenient for Option<T> {
        fn write<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            match self {
                Some(v) => serializer.serialize_some(&Wire(v)),
                None => serializer.serialize_none(),
            }
        }

        fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            Ok(Option::<Wire<T>>::deserialize(deserializer)?.map(|w| w.0))
        }
    }

    impl<T: Lenient> Lenient for Nullable<T> {
        fn write<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            match self {
                Nullable::Value(v) => v.write(serializer),
                Nullable::Absent | Nullable::Null => serializer.serialize_none(),
            }
        }

        fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            Ok(match Option::<Wire<T>>::deserialize(deserializer)? {
                Some(w) => Nullable::Value(w.0),
                None => Nullable::Null,
            })
        }
    }

    impl<T: Lenient> Lenient for Box<T> {
        fn write<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            (**self).write(serializer)
        }

        fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            T::read(deserializer).map(Box::new)
        }
    }

    #[cfg(test)]
    mod tests {
        use crate::Nullable;
        use serde::{Deserialize, Serialize};
        use serde_json::json;

        #[derive(Serialize, Deserialize, Debug, PartialEq, Default)]
        struct T {
            #[serde(with = "super", default, skip_serializing_if = "Option::is_none")]
            big: Option<i64>,
            #[serde(with = "super", default, skip_serializing_if = "Nullable::is_absent")]
            ratio: Nullable<f64>,
            #[serde(with = "super", default, skip_serializing_if = "Option::is_none")]
            many: Option<Vec<f32>>,
        }

        #[test]
        fn int64_reads_numbers_and_strings_and_writes_numbers() {
            let t: T = serde_json::from_value(json!({"big": "9007199254740993"})).unwrap();
            assert_eq!(t.big, Some(9_007_199_254_740_993));
            assert_eq!(
                serde_json::to_value(&t).unwrap(),
                json!({"big": 9_007_199_254_740_993_i64})
            );
            let t: T = serde_json::from_value(json!({"big": 5})).unwrap();
            assert_eq!(t.big, Some(5));
            assert!(serde_json::from_value::<T>(json!({"big": "five"})).is_err());
        }

        #[test]
        fn doubles_keep_nan_and_infinities_as_strings() {
            let t: T =
                serde_json::from_value(json!({"ratio": "INF", "many": ["NaN", 1.5, "-INF"]}))
                    .unwrap();
            assert_eq!(t.ratio, Nullable::Value(f64::INFINITY));
            let many = t.many.clone().unwrap();
            assert!(many[0].is_nan());
            assert_eq!(&many[1..], &[1.5, f32::NEG_INFINITY]);
            assert_eq!(
                serde_json::to_value(&t).unwrap(),
                json!({"ratio": "INF", "many": ["NaN", 1.5, "-INF"]})
            );
            let t: T = serde_json::from_value(json!({"ratio": null})).unwrap();
            assert_eq!(t.ratio, Nullable::Null);
            assert_eq!(serde_json::to_value(&t).unwrap(), json!({"ratio": null}));
            assert_eq!(serde_json::to_value(T::default()).unwrap(), json!({}));
        }
    }
}
