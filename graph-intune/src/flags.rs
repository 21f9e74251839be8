//! [`Flags`]: the value of a flags enum (`IsFlags="true"`), a set of members
//! sent as one string joined by `,`.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A generated enumeration: its members convert to and from their wire names,
/// and a name this build does not know is kept (the `Unrecognized` variant).
pub trait EnumMember: Clone + PartialEq + From<String> {
    /// The member's name on the wire.
    fn as_str(&self) -> &str;
}

/// The value of a flags enum: the members that are set, in the order they
/// were read or inserted, each once. On the wire it is one string with the
/// member names joined by `,` (`"read,write"`); an empty string is no member.
///
/// ```
/// # use graph_intune::{EnumMember, Flags};
/// # #[derive(Clone, PartialEq, Debug)] enum Access { Read, Write, Other(String) }
/// # impl From<String> for Access { fn from(s: String) -> Self { match s.as_str() { "read" => Access::Read, "write" => Access::Write, _ => Access::Other(s) } } }
/// # impl EnumMember for Access { fn as_str(&self) -> &str { match self { Access::Read => "read", Access::Write => "write", Access::Other(s) => s } } }
/// let flags: Flags<Access> = serde_json::from_str("\"read, write\"").unwrap();
/// assert!(flags.contains(&Access::Write));
/// assert_eq!(serde_json::to_string(&flags).unwrap(), "\"read,write\"");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Flags<M> {
    members: Vec<M>,
}

impl<M> Default for Flags<M> {
    fn default() -> Self {
        Flags {
            members: Vec::new(),
        }
    }
}

impl<M: EnumMember> Flags<M> {
    /// No member set.
    pub fn new() -> Self {
        Flags::default()
    }

    /// Whether `member` is set.
    pub fn contains(&self, member: &M) -> bool {
        self.members.contains(member)
    }

    /// Sets `member`; returns `false` when it was already set.
    pub fn insert(&mut self, member: M) -> bool {
        if self.contains(&member) {
            return false;
        }
        self.members.push(member);
        true
    }

    /// Clears `member`; returns whether it was set.
    pub fn remove(&mut self, member: &M) -> bool {
        let before = self.members.len();
        self.members.retain(|m| m != member);
        before != self.members.len()
    }

    /// The members that are set.
    pub fn iter(&self) -> std::slice::Iter<'_, M> {
        self.members.iter()
    }

    /// Whether no member is set.
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }
}

impl<M: EnumMember> FromIterator<M> for Flags<M> {
    fn from_iter<I: IntoIterator<Item = M>>(iter: I) -> Self {
        let mut flags = Flags::new();
        for m in iter {
            flags.insert(m);
        }
        flags
    }
}

impl<M: EnumMember> fmt::Display for Flags<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, m) in self.members.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            f.write_str(m.as_str())?;
        }
        Ok(())
    }
}

impl<M: EnumMember> Serialize for Flags<M> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de, M: EnumMember> Deserialize<'de> for Flags<M> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Ok(text
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| M::from(s.to_owned()))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::{EnumMember, Flags};

    #[derive(Clone, PartialEq, Debug)]
    enum Access {
        Read,
        Write,
        Other(String),
    }

    impl From<String> for Access {
        fn from(name: String) -> Self {
            match name.as_str() {
                "read" => Access::Read,
                "write" => Access::Write,
                _ => Access::Other(name),
            }
        }
    }

    impl EnumMember for Access {
        fn as_str(&self) -> &str {
            match self {
                Access::Read => "read",
                Access::Write => "write",
                Access::Other(name) => name,
            }
        }
    }

    fn flags(members: &[Access]) -> Flags<Access> {
        members.iter().cloned().collect()
    }

    #[test]
    fn remove_clears_a_member_that_is_set() {
        let mut set = flags(&[Access::Read, Access::Other("audit".into()), Access::Write]);
        assert!(set.remove(&Access::Other("audit".into())));
        assert_eq!(set, flags(&[Access::Read, Access::Write]));
        assert_eq!(set.to_string(), "read,write");
        assert!(set.remove(&Access::Read));
        assert_eq!(set, flags(&[Access::Write]));
        assert!(set.remove(&Access::Write));
        assert!(set.is_empty());
        assert_eq!(set.to_string(), "");
    }

    #[test]
    fn remove_of_a_member_not_set_changes_nothing() {
        let mut set = flags(&[Access::Read]);
        assert!(!set.remove(&Access::Write));
        assert!(!set.remove(&Access::Other("read ".into())));
        assert_eq!(set, flags(&[Access::Read]));
        let mut empty = Flags::<Access>::new();
        assert!(!empty.remove(&Access::Read));
        assert!(empty.is_empty());
    }

    #[test]
    fn iter_gives_the_members_in_order_each_once() {
        let set: Flags<Access> =
            serde_json::from_str("\"write, audit,read,write\"").expect("a flags value");
        let members: Vec<&Access> = set.iter().collect();
        assert_eq!(
            members,
            [
                &Access::Write,
                &Access::Other("audit".into()),
                &Access::Read
            ]
        );
        assert_eq!(set.iter().len(), 3);

        let mut inserted = Flags::new();
        assert!(inserted.insert(Access::Read));
        assert!(inserted.insert(Access::Write));
        assert!(!inserted.insert(Access::Read));
        assert_eq!(
            inserted.iter().map(EnumMember::as_str).collect::<Vec<_>>(),
            ["read", "write"]
        );
        assert_eq!(Flags::<Access>::new().iter().next(), None);
    }
}
