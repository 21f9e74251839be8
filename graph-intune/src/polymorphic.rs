//! Support for the generated polymorphic enums: dispatch on `@odata.type`.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::runtime::WithODataType;

/// Serializes one variant of a polymorphic enum: as read when the value kept
/// its `@odata.type` (`has_type`), else with `odata_type` (`#microsoft.graph.…`)
/// added so the service can tell the type.
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

/// A JSON object read ahead of choosing a variant by its `@odata.type`.
#[derive(Debug)]
pub struct PolymorphicValue {
    object: Map<String, Value>,
}

impl PolymorphicValue {
    /// Reads a JSON object.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(PolymorphicValue {
            object: Map::deserialize(deserializer)?,
        })
    }

    /// The qualified type name from `@odata.type`, without a leading `#`.
    pub fn type_name(&self) -> Option<&str> {
        self.object
            .get("@odata.type")
            .and_then(Value::as_str)
            .map(|t| t.strip_prefix('#').unwrap_or(t))
    }

    /// Deserializes the object as the chosen variant's struct.
    pub fn into_variant<T: serde::de::DeserializeOwned, E: serde::de::Error>(self) -> Result<T, E> {
        let type_name = self.type_name().map(str::to_owned);
        serde_json::from_value(Value::Object(self.object)).map_err(|e| match type_name {
            Some(t) => E::custom(format_args!("as `{t}`: {e}")),
            None => E::custom(e),
        })
    }
}
