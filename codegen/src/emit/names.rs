//! Rust names: one conversion function per kind of name, and [`Scope`] for
//! collision-free allocation inside one namespace of Rust names.
//!
//! Nothing else in the generator invents Rust names.

use std::collections::HashSet;

/// Words that are keywords (strict, reserved or weak in a position we use).
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "gen", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// Keywords that cannot be raw identifiers; they get a trailing underscore.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Splits a CSDL name into lowercase words: at `_`, at a lower-to-upper
/// change, and before the last capital of an acronym (`iOSVersion` → `i os version`).
/// Digits stay with the word they follow. Only ASCII letters and digits make
/// words (anything else separates them), so every result is an identifier.
fn words(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            continue;
        }
        if c.is_ascii_uppercase() && !current.is_empty() {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
            if prev.is_ascii_lowercase()
                || prev.is_ascii_digit()
                || (prev.is_ascii_uppercase() && next_lower)
            {
                out.push(std::mem::take(&mut current));
            }
        }
        current.push(c.to_ascii_lowercase());
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// Joins words in UpperCamelCase, keeping an `_` between two digits so that
/// `md5_96` stays readable as `Md5_96`.
fn upper_camel(name: &str) -> String {
    let mut out = String::new();
    for word in words(name) {
        if out.ends_with(|c: char| c.is_ascii_digit())
            && word.starts_with(|c: char| c.is_ascii_digit())
        {
            out.push('_');
        }
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.extend(first.to_uppercase());
            out.push_str(chars.as_str());
        }
    }
    out
}

fn snake(name: &str) -> String {
    words(name).join("_")
}

/// A cargo feature name, for an area named after a navigation property:
/// kebab-case (`deviceCompliancePolicies` → `device-compliance-policies`).
/// Not a Rust name, but decided here with the same word splitting.
pub fn feature_name(name: &str) -> String {
    words(name).join("-")
}

/// Makes a converted name a valid identifier: a keyword becomes raw
/// (`r#type`) or gets a trailing underscore (`self_`); a leading digit or an
/// empty name gets a prefix.
fn identifier(mut name: String, leading_underscore: bool) -> String {
    if name.is_empty() {
        name.push_str("value");
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, '_');
    }
    if leading_underscore {
        name.push('_');
        return name;
    }
    if NOT_RAW.contains(&name.as_str()) {
        name.push('_');
    } else if KEYWORDS.contains(&name.as_str()) {
        name.insert_str(0, "r#");
    }
    name
}

/// The Rust name of a type (struct, enum) from its CSDL name.
pub fn type_name(csdl: &str) -> String {
    identifier(non_empty(upper_camel(csdl), "Value"), false)
}

/// The Rust name of a type's companion item from the type's CSDL name and a
/// suffix (`attachment` + `Base` → `AttachmentBase`). Built from the name's
/// words, not from [`type_name`]: a type named `Self` has `SelfRequest`,
/// not `Self_Request`.
pub fn companion_name(csdl: &str, suffix: &str) -> String {
    identifier(non_empty(upper_camel(csdl), "Value") + suffix, false)
}

/// The Rust name of a field or method from a CSDL property, parameter or
/// operation name (`sourceId` → `source_id`, `type` → `r#type`, `_id` → `id_`).
pub fn field_name(csdl: &str) -> String {
    identifier(snake(csdl), csdl.starts_with('_'))
}

/// The name of the builder method that sets a field (`display_name` →
/// `with_display_name`, `r#type` → `with_type`). The `with_` prefix keeps
/// setters apart from fields and from trait methods (`default`, `clone`).
pub fn setter_name(field: &str) -> String {
    format!("with_{}", unraw(field).trim_start_matches('_'))
}

/// The Rust name of an enum variant from a CSDL member name (`policySets` → `PolicySets`).
pub fn variant_name(csdl: &str) -> String {
    identifier(non_empty(upper_camel(csdl), "Value"), false)
}

fn non_empty(name: String, fallback: &str) -> String {
    if name.is_empty() {
        fallback.to_owned()
    } else {
        name
    }
}

/// The Rust name of a module from one namespace segment (`callRecords` → `call_records`).
pub fn module_name(segment: &str) -> String {
    identifier(snake(segment), false)
}

/// A set of Rust names in one namespace (a module's types, a struct's
/// fields, an enum's variants, a builder's methods).
#[derive(Debug, Default, Clone)]
pub struct Scope {
    taken: HashSet<String>,
}

impl Scope {
    /// An empty scope.
    pub fn new() -> Self {
        Scope::default()
    }

    /// Marks `name` as taken without allocating it (methods the runtime provides).
    pub fn reserve(&mut self, name: &str) {
        self.taken.insert(unraw(name).to_owned());
    }

    /// Whether `name` is taken.
    pub fn contains(&self, name: &str) -> bool {
        self.taken.contains(unraw(name))
    }

    /// Allocates `wanted`, or `wanted` with the smallest numeric suffix from 2
    /// that is free. Returns the name and whether it had to be changed.
    pub fn allocate(&mut self, wanted: &str) -> (String, bool) {
        if self.taken.insert(unraw(wanted).to_owned()) {
            return (wanted.to_owned(), false);
        }
        let base = unraw(wanted).trim_end_matches('_');
        for n in 2.. {
            let candidate = format!("{base}_{n}");
            let candidate = if base.chars().next().is_some_and(char::is_uppercase) {
                format!("{base}{n}")
            } else {
                candidate
            };
            if self.taken.insert(candidate.clone()) {
                return (candidate, true);
            }
        }
        unreachable!("an unbounded range always yields a free name")
    }
}

fn unraw(name: &str) -> &str {
    name.strip_prefix("r#").unwrap_or(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions_follow_the_conventions() {
        assert_eq!(
            type_name("deviceAndAppManagementAssignmentTarget"),
            "DeviceAndAppManagementAssignmentTarget"
        );
        assert_eq!(field_name("sourceId"), "source_id");
        assert_eq!(field_name("v4_0_3"), "v4_0_3");
        assert_eq!(field_name("_id"), "id_");
        assert_eq!(field_name("type"), "r#type");
        assert_eq!(field_name("self"), "self_");
        assert_eq!(field_name("riskEventTypes_v2"), "risk_event_types_v2");
        assert_eq!(field_name("email_verified"), "email_verified");
        assert_eq!(field_name("iOSVersion"), "i_os_version");
        assert_eq!(variant_name("policySets"), "PolicySets");
        assert_eq!(variant_name("md5_96"), "Md5_96");
        assert_eq!(type_name("Self"), "Self_");
        assert_eq!(companion_name("Self", "Request"), "SelfRequest");
        assert_eq!(companion_name("self", "Kind"), "SelfKind");
        assert_eq!(companion_name("attachment", "Base"), "AttachmentBase");
        assert_eq!(companion_name("9lives", "Member"), "_9livesMember");
        assert_eq!(companion_name("-", "Request"), "ValueRequest");
        assert_eq!(module_name("callRecords"), "call_records");
        assert_eq!(field_name("größe²"), "gr_e");
        assert_eq!(type_name("-"), "Value");
        assert_eq!(field_name("9lives"), "_9lives");
        assert_eq!(setter_name("display_name"), "with_display_name");
        assert_eq!(setter_name("r#type"), "with_type");
        assert_eq!(setter_name("_9lives"), "with_9lives");
    }

    #[test]
    fn collisions_get_numeric_suffixes() {
        let mut scope = Scope::new();
        assert_eq!(
            scope.allocate("query_string"),
            ("query_string".to_owned(), false)
        );
        assert_eq!(
            scope.allocate("query_string"),
            ("query_string_2".to_owned(), true)
        );
        assert_eq!(scope.allocate("Unknown"), ("Unknown".to_owned(), false));
        assert_eq!(scope.allocate("Unknown"), ("Unknown2".to_owned(), true));
    }
}
