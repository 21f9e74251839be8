//! Support for the generated polymorphic enums: dispatch on `@odata.type`
//! when reading, [`WithODataType`] when writing.
//!
//! Reading streams when `@odata.type` is the object's first member (as Graph
//! writes it): the chosen variant's struct is read from the same map, so an
//! error inside it keeps its full JSON path (`target.groupId`). Otherwise the
//! object is buffered, its `@odata.type` looked up, and the variant read from
//! the buffer.

use std::fmt;
use std::marker::PhantomData;

use serde::de::value::{MapAccessDeserializer, StrDeserializer};
use serde::de::{DeserializeSeed, Error as _, MapAccess, Visitor};
use serde::{Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

const ODATA_TYPE: &str = "@odata.type";

/// Serializes one variant of a polymorphic enum. A variant of a type derived
/// from the enum's declared type that has no `@odata.type` of its own (a
/// value built in Rust) gets `odata_type` (`#microsoft.graph.…`) added, so the
/// service can tell the type; a value read with one writes it back as read.
pub fn serialize_variant<T: Serialize, S: Serializer>(
    value: &T,
    has_type: bool,
    odata_type: &str,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    if has_type {
        value.serialize(serializer)
    } else {
        WithODataType::new(odata_type, value).serialize(serializer)
    }
}

/// Serializes `inner` (a struct that serializes as a JSON object) with `"@odata.type": odata_type` put first.
///
/// Generated polymorphic enums use it for values built in Rust, which carry
/// no `@odata.type` of their own. `inner` must not serialize an
/// `@odata.type` member itself, or the output would hold it twice.
///
/// # Examples
///
/// ```
/// use graph_intune::runtime::WithODataType;
///
/// #[derive(serde::Serialize)]
/// struct Target {
///     #[serde(rename = "groupId")]
///     group_id: String,
/// }
///
/// let target = Target { group_id: "g1".into() };
/// let json = serde_json::to_string(&WithODataType::new(
///     "#microsoft.graph.groupAssignmentTarget",
///     &target,
/// ))?;
/// assert_eq!(
///     json,
///     r##"{"@odata.type":"#microsoft.graph.groupAssignmentTarget","groupId":"g1"}"##
/// );
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, serde::Serialize)]
pub struct WithODataType<'a, T: ?Sized + Serialize> {
    /// The OData type name, such as `#microsoft.graph.groupAssignmentTarget`.
    #[serde(rename = "@odata.type")]
    pub odata_type: &'a str,
    /// The value whose members follow `@odata.type`.
    #[serde(flatten)]
    pub inner: &'a T,
}

impl<'a, T: ?Sized + Serialize> WithODataType<'a, T> {
    /// Pairs `inner` with its OData type name.
    pub fn new(odata_type: &'a str, inner: &'a T) -> Self {
        WithODataType { odata_type, inner }
    }
}

impl<T: ?Sized + Serialize> Clone for WithODataType<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: ?Sized + Serialize> Copy for WithODataType<'_, T> {}

/// A generated polymorphic enum: builds the variant for a type name.
#[doc(hidden)]
pub trait Polymorphic: Sized {
    /// Reads the variant for `type_name` (the `@odata.type` without `#`, or
    /// `None` when the object has none) from `deserializer`, which yields the
    /// whole object, `@odata.type` included.
    fn from_tagged<'de, D: Deserializer<'de>>(
        type_name: Option<&str>,
        deserializer: D,
    ) -> Result<Self, D::Error>;
}

/// Deserializes a polymorphic enum from a JSON object.
pub fn deserialize_polymorphic<'de, T: Polymorphic, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<T, D::Error> {
    deserializer.deserialize_map(PolymorphicVisitor(PhantomData))
}

struct PolymorphicVisitor<T>(PhantomData<T>);

impl<'de, T: Polymorphic> Visitor<'de> for PolymorphicVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let Some(first) = map.next_key::<String>()? else {
            return T::from_tagged(None, MapAccessDeserializer::new(map));
        };
        if first == ODATA_TYPE {
            let tag: String = map.next_value()?;
            let name = tag.strip_prefix('#').unwrap_or(&tag).to_owned();
            let rest = Prepend {
                first: Some((first, Value::String(tag))),
                rest: map,
            };
            return T::from_tagged(Some(&name), MapAccessDeserializer::new(rest));
        }
        // Buffer the object to find its `@odata.type`.
        let mut object = Map::new();
        let value: Value = map.next_value()?;
        object.insert(first, value);
        while let Some((key, value)) = map.next_entry::<String, Value>()? {
            object.insert(key, value);
        }
        let name = object
            .get(ODATA_TYPE)
            .and_then(Value::as_str)
            .map(|t| t.strip_prefix('#').unwrap_or(t).to_owned());
        T::from_tagged(name.as_deref(), Value::Object(object)).map_err(A::Error::custom)
    }
}

/// A map that yields one already-read entry, then the rest of another map.
struct Prepend<A> {
    first: Option<(String, Value)>,
    rest: A,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Prepend<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        match &self.first {
            Some((key, _)) => seed
                .deserialize(StrDeserializer::<A::Error>::new(key))
                .map(Some),
            None => self.rest.next_key_seed(seed),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        match self.first.take() {
            // A JSON value deserializer: it also fills `Option` fields.
            Some((_, value)) => seed.deserialize(value).map_err(A::Error::custom),
            None => self.rest.next_value_seed(seed),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        self.rest
            .size_hint()
            .map(|n| n + usize::from(self.first.is_some()))
    }
}

/// Reads one variant's struct and wraps it. A function of its own (never
/// inlined), so that a polymorphic enum with hundreds of variants does not
/// reserve stack for every variant's struct in one frame (as unoptimized
/// builds do for the arms of one `match`).
#[inline(never)]
pub fn read_variant<'de, T, E, D>(deserializer: D, wrap: fn(T) -> E) -> Result<E, D::Error>
where
    T: serde::Deserialize<'de>,
    D: Deserializer<'de>,
{
    T::deserialize(deserializer).map(wrap)
}
