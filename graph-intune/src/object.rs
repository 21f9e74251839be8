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
use serde::{Deserializer, Serialize, Serializer};
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
    /// absent, in schema order.
    fn write_members<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error>;

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
    value.write_members(&mut map)?;
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

/// Writes member `key` unless it is absent.
pub fn write_member<M: SerializeMap, T: Member + Serialize + ?Sized>(
    map: &mut M,
    key: &'static str,
    value: &T,
) -> Result<(), M::Error> {
    if value.is_absent() {
        return Ok(());
    }
    map.serialize_entry(key, value)
}

/// Writes member `key` in its lenient wire form (Int64, Single, Double)
/// unless it is absent.
pub fn write_lenient_member<M: SerializeMap, T: Member + crate::edm::lenient::Lenient>(
    map: &mut M,
    key: &'static str,
    value: &T,
) -> Result<(), M::Error> {
    if value.is_absent() {
        return Ok(());
    }
    map.serialize_entry(key, &crate::edm::lenient::Wire(value))
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
