//! [`Nullable`]: a property that can be absent, explicitly `null`, or set.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A property the schema marks nullable, with its three states kept apart.
///
/// - [`Absent`](Nullable::Absent) (the default): not in the JSON. A PATCH body
///   leaves the property as it is; a response did not include it.
/// - [`Null`](Nullable::Null): an explicit JSON `null`. A PATCH body clears the
///   property.
/// - [`Value`](Nullable::Value): a value.
///
/// Generated fields use it with `#[serde(default, skip_serializing_if =
/// "Nullable::is_absent")]`, so an absent property is never written.
///
/// ```
/// use graph_intune::Nullable;
///
/// let id: Nullable<String> = "abc".to_owned().into();
/// assert_eq!(id.value().map(String::as_str), Some("abc"));
/// assert!(Nullable::<String>::default().is_absent());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Nullable<T> {
    /// Not present.
    #[default]
    Absent,
    /// Present as JSON `null`.
    Null,
    /// Present with a value.
    Value(T),
}

impl<T> Nullable<T> {
    /// Whether the property is absent (and so is not serialized).
    pub fn is_absent(&self) -> bool {
        matches!(self, Nullable::Absent)
    }

    /// Whether the property is an explicit `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Nullable::Null)
    }

    /// The value, if there is one.
    pub fn value(&self) -> Option<&T> {
        match self {
            Nullable::Value(v) => Some(v),
            _ => None,
        }
    }

    /// The value mutably, if there is one.
    pub fn value_mut(&mut self) -> Option<&mut T> {
        match self {
            Nullable::Value(v) => Some(v),
            _ => None,
        }
    }

    /// The value, dropping the difference between absent and `null`.
    pub fn into_option(self) -> Option<T> {
        match self {
            Nullable::Value(v) => Some(v),
            _ => None,
        }
    }

    /// Borrows the value.
    pub fn as_ref(&self) -> Nullable<&T> {
        match self {
            Nullable::Absent => Nullable::Absent,
            Nullable::Null => Nullable::Null,
            Nullable::Value(v) => Nullable::Value(v),
        }
    }

    /// Maps the value.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Nullable<U> {
        match self {
            Nullable::Absent => Nullable::Absent,
            Nullable::Null => Nullable::Null,
            Nullable::Value(v) => Nullable::Value(f(v)),
        }
    }
}

impl<T> From<T> for Nullable<T> {
    fn from(value: T) -> Self {
        Nullable::Value(value)
    }
}

impl<T: Serialize> Serialize for Nullable<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Nullable::Value(v) => v.serialize(serializer),
            // Absent is skipped by the field attribute; standing alone it is null.
            Nullable::Absent | Nullable::Null => serializer.serialize_none(),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Nullable<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match Option::<T>::deserialize(deserializer)? {
            Some(v) => Nullable::Value(v),
            None => Nullable::Null,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Nullable;

    #[test]
    fn value_mut_changes_only_a_value() {
        let mut value = Nullable::Value(String::from("a"));
        value.value_mut().expect("a value").push('b');
        assert_eq!(value, Nullable::Value(String::from("ab")));

        let mut null = Nullable::<String>::Null;
        assert_eq!(null.value_mut(), None);
        assert_eq!(null, Nullable::Null);

        let mut absent = Nullable::<String>::Absent;
        assert_eq!(absent.value_mut(), None);
        assert_eq!(absent, Nullable::Absent);
    }

    #[test]
    fn into_option_keeps_only_a_value() {
        assert_eq!(Nullable::Value(7).into_option(), Some(7));
        assert_eq!(Nullable::<i32>::Null.into_option(), None);
        assert_eq!(Nullable::<i32>::Absent.into_option(), None);
    }

    #[test]
    fn as_ref_keeps_the_state_and_borrows_the_value() {
        let value = Nullable::Value(String::from("a"));
        let borrowed: Nullable<&String> = value.as_ref();
        assert_eq!(borrowed, Nullable::Value(&String::from("a")));
        assert!(std::ptr::eq(
            borrowed.value().copied().expect("a value"),
            value.value().expect("a value")
        ));
        assert_eq!(Nullable::<String>::Null.as_ref(), Nullable::Null);
        assert_eq!(Nullable::<String>::Absent.as_ref(), Nullable::Absent);
    }

    #[test]
    fn map_keeps_the_state_and_maps_only_a_value() {
        assert_eq!(Nullable::Value(2).map(|n| n * 10), Nullable::Value(20));
        let mut calls = 0;
        assert_eq!(
            Nullable::<i32>::Null.map(|n| {
                calls += 1;
                n.to_string()
            }),
            Nullable::<String>::Null
        );
        assert_eq!(
            Nullable::<i32>::Absent.map(|n| {
                calls += 1;
                n.to_string()
            }),
            Nullable::<String>::Absent
        );
        assert_eq!(calls, 0, "the function is not called without a value");
        assert_eq!(Nullable::Value("x").map(str::len), Nullable::Value(1usize));
    }
}
