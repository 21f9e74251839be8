//! Support for the generated structs: reading and writing them as JSON
//! objects, member by member.
//!
//! A generated struct implements [`Object`] (one `match` over its members'
//! wire names) and gets its `Serialize`/`Deserialize` impls from the
//! functions here, instead of a serde derive with a flattened
//! `additional_data` map: the same JSON in and out, far less code for the
//! compiler to check per type.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::Nullable;

/// A generated struct, read from a JSON object member by member.
#[doc(hidden)]
pub trait Object: Default {
    /// The qualified wire type, such as `microsoft.graph.groupAssignmentTarget`
    /// (named in errors).
    const WIRE_TYPE: &'static str;

    /// Reads the value of member `key` into its field; `Ok(false)` when
    /// `key` is not one of the type's properties (it then goes to
    /// [`additional_data_mut`](Object::additional_data_mut)).
    fn read_member<'de, A: MapAccess<'de>>(
        &mut self,
        key: &str,
        map: &mut A,
    ) -> Result<bool, A::Error>;

    /// The map of members the type does not know.
    fn additional_data_mut(&mut self) -> &mut Map<String, Value>;

    /// Writes `@odata.type` and each of the type's own members that is not
    /// absent, in schema order, one [`Members`] call each.
    fn write_members<M: SerializeMap>(&self, members: &mut Members<'_, M>);

    /// The members the type does not know, written after its own.
    fn additional_data(&self) -> &Map<String, Value>;
}

/// Serializes a generated struct as a JSON object: its own members that are
/// not absent, then the members of `additional_data`.
pub fn serialize_object<T: Object, S: Serializer>(
    value: &T,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(None)?;
    let mut members = Members {
        map: &mut map,
        result: Ok(()),
    };
    value.write_members(&mut members);
    members.result?;
    write_additional(&mut map, value.additional_data())?;
    map.end()
}

/// Deserializes a generated struct from a JSON object: each known member
/// into its field, every other member into `additional_data`, a missing
/// member left at its default (absent).
pub fn deserialize_object<'de, T: Object, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<T, D::Error> {
    deserializer.deserialize_map(ObjectVisitor(PhantomData))
}

struct ObjectVisitor<T>(PhantomData<T>);

impl<'de, T: Object> Visitor<'de> for ObjectVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a `{}` object", T::WIRE_TYPE)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut value = T::default();
        while let Some(key) = map.next_key::<String>()? {
            if !value.read_member(&key, &mut map)? {
                let member: Value = map.next_value()?;
                value.additional_data_mut().insert(key, member);
            }
        }
        Ok(value)
    }
}

/// A member that may be left out of a JSON object.
#[doc(hidden)]
pub trait Member {
    /// Whether the member is absent (not written at all).
    fn is_absent(&self) -> bool;
}

impl<T> Member for Option<T> {
    fn is_absent(&self) -> bool {
        self.is_none()
    }
}

impl<T> Member for Nullable<T> {
    fn is_absent(&self) -> bool {
        Nullable::is_absent(self)
    }
}

/// Reads the value of the member at hand into `slot`; `Ok(true)`.
///
/// A generated `read_member` is one `match` whose arms each call this (or
/// [`read_lenient_into`]): plain calls rather than a `?` per member, which
/// is cheaper to compile over thousands of members.
pub fn read_into<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    map: &mut A,
    slot: &mut T,
) -> Result<bool, A::Error> {
    *slot = map.next_value()?;
    Ok(true)
}

/// Reads the value of the member at hand in its lenient wire form (Int64,
/// Single, Double: a number, or a string such as `"NaN"`) into `slot`;
/// `Ok(true)`.
pub fn read_lenient_into<'de, A: MapAccess<'de>, T: crate::edm::lenient::Lenient>(
    map: &mut A,
    slot: &mut T,
) -> Result<bool, A::Error> {
    *slot = map.next_value::<crate::edm::lenient::Wire<T>>()?.0;
    Ok(true)
}

/// The members of one JSON object being written: a generated
/// `write_members` makes one call per member, and the first error stops the
/// writing (later calls do nothing) and is returned by
/// [`serialize_object`].
pub struct Members<'m, M: SerializeMap> {
    map: &'m mut M,
    result: Result<(), M::Error>,
}

impl<M: SerializeMap> Members<'_, M> {
    /// Writes member `key` unless it is absent.
    pub fn member<T: Member + Serialize + ?Sized>(&mut self, key: &'static str, value: &T) {
        if self.result.is_ok() && !value.is_absent() {
            self.result = self.map.serialize_entry(key, value);
        }
    }

    /// Writes member `key` in its lenient wire form (Int64, Single, Double)
    /// unless it is absent.
    pub fn lenient<T: Member + crate::edm::lenient::Lenient>(
        &mut self,
        key: &'static str,
        value: &T,
    ) {
        if self.result.is_ok() && !value.is_absent() {
            self.result = self
                .map
                .serialize_entry(key, &crate::edm::lenient::Wire(value));
        }
    }
}

/// Writes the members a generated struct does not know, after its own.
pub fn write_additional<M: SerializeMap>(
    map: &mut M,
    additional: &Map<String, Value>,
) -> Result<(), M::Error> {
    for (key, value) in additional {
        map.serialize_entry(key, value)?;
    }
    Ok(())
}

/// The values of a collection setter of a generated builder
/// (`with_role_scope_tag_ids(["0"])`): any iterable of values that convert
/// into the element type. One generic function here keeps the iterator
/// chain out of every generated setter, which is cheaper to compile.
pub fn collect_into<T, V: Into<T>>(values: impl IntoIterator<Item = V>) -> Vec<T> {
    values.into_iter().map(Into::into).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A member whose serialization fails.
    #[derive(Debug, Default)]
    struct Refused;

    impl Serialize for Refused {
        fn serialize<S: Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
            Err(serde::ser::Error::custom("refused"))
        }
    }

    /// What a generated struct looks like to the runtime.
    #[derive(Debug, Default)]
    struct Probe {
        first: Option<i64>,
        refused: Option<Refused>,
        ratio: Option<f64>,
        additional_data: Map<String, Value>,
    }

    impl Object for Probe {
        const WIRE_TYPE: &'static str = "test.probe";
        fn read_member<'de, A: MapAccess<'de>>(
            &mut self,
            key: &str,
            map: &mut A,
        ) -> Result<bool, A::Error> {
            match key {
                "first" => read_into(map, &mut self.first),
                "ratio" => read_lenient_into(map, &mut self.ratio),
                _ => Ok(false),
            }
        }
        fn additional_data_mut(&mut self) -> &mut Map<String, Value> {
            &mut self.additional_data
        }
        fn write_members<M: SerializeMap>(&self, members: &mut Members<'_, M>) {
            members.member("first", &self.first);
            members.member("refused", &self.refused);
            members.lenient("ratio", &self.ratio);
        }
        fn additional_data(&self) -> &Map<String, Value> {
            &self.additional_data
        }
    }

    impl Serialize for Probe {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serialize_object(self, serializer)
        }
    }

    #[test]
    fn members_are_read_and_written_in_order_absent_ones_left_out() {
        let probe: Probe = deserialize_object(serde_json::json!({
            "other": [1], "ratio": "NaN", "first": 7
        }))
        .unwrap();
        assert_eq!(probe.first, Some(7));
        assert!(probe.ratio.is_some_and(f64::is_nan));
        assert_eq!(probe.additional_data["other"], serde_json::json!([1]));
        assert_eq!(
            serde_json::to_string(&probe).unwrap(),
            r#"{"first":7,"ratio":"NaN","other":[1]}"#
        );
    }

    #[test]
    fn the_first_member_that_fails_to_serialize_is_the_error_and_ends_the_object() {
        let probe = Probe {
            first: Some(1),
            refused: Some(Refused),
            ratio: Some(0.5),
            ..Probe::default()
        };
        let mut out = Vec::new();
        let error = serde_json::to_writer(&mut out, &probe).unwrap_err();
        assert_eq!(error.to_string(), "refused");
        // Nothing after the failing member was written.
        assert_eq!(String::from_utf8(out).unwrap(), r#"{"first":1,"refused":"#);
    }

    #[test]
    fn a_member_of_the_wrong_type_is_a_read_error() {
        let error =
            deserialize_object::<Probe, _>(serde_json::json!({ "first": "x" })).unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid type: string \"x\", expected i64"
        );
    }
}
