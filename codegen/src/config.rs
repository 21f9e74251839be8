//! The generation config (`metadata/codegen.toml`): which schema, which
//! overlays, where the output goes, and what to select.

use std::sync::Arc;

use serde::Deserialize;
use toml::Spanned;

use crate::{Diagnostic, Pos, Strictness};

/// What to generate and from which files. Paths are relative to the config
/// file's folder (inputs) or to the workspace root (`output`).
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// The CSDL schema file (a downloaded `$metadata`).
    pub schema: String,
    /// CSDL files merged over the schema, in order.
    pub overlays: Vec<String>,
    /// The folder the generated Rust files are written to.
    pub output: String,
    /// Qualified names of the types to generate; their base types, derived
    /// types and property types are generated too.
    pub roots: Vec<String>,
    /// Request-builder paths from the entity container, navigation property
    /// names separated by `/` (`deviceManagement/deviceCompliancePolicies/assignments`).
    /// A trailing `/**` also selects every containment navigation below the
    /// path's end, recursively (`deviceManagement/deviceCompliancePolicies/**`).
    pub paths: Vec<String>,
    /// The areas users enable as cargo features (the `[features]` table);
    /// without it everything selected is always compiled.
    pub features: Option<Features>,
    /// Where each root and path is written, for errors that name them.
    pub origins: Origins,
    /// `lenient = true`: what refers to a type the schema lacks is dropped
    /// with a warning instead of refusing the schema (see [`Strictness`]).
    pub lenient: bool,
}

impl Config {
    /// What resolution does with unknown types under this config.
    pub fn strictness(&self) -> Strictness {
        Strictness::lenient_if(self.lenient)
    }
}

/// The `[features]` table: how the selection is split into areas, each a
/// cargo feature of the generated crate, so that a user compiles only the
/// areas they enable. `roots` and `paths` stay compiled in every build.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Features {
    /// The manifest whose `[features]` table lists the areas (relative to
    /// the workspace root), between the generated block's marker lines.
    pub manifest: String,
    /// Singletons and entity sets each of whose navigation properties is an
    /// area of its own (`deviceManagement`: every `deviceManagement/<nav>`),
    /// named after the navigation property, unless a group takes it.
    pub navigations_of: Vec<String>,
    /// Named areas: a feature name and its paths (each with everything
    /// contained below it), in name order.
    pub groups: Vec<(String, Vec<String>)>,
    /// The areas a plain dependency enables (cargo's `default` feature).
    pub default: Vec<String>,
}

/// The positions of a config's `roots` and `paths` entries, index for index.
/// Empty for a selection built in code; errors then point at the config as a whole.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Origins {
    pub roots: Vec<Pos>,
    pub paths: Vec<Pos>,
    /// Per group of [`Features::groups`], index for index: where each of its
    /// paths is written.
    pub groups: Vec<Vec<Pos>>,
    /// Where the `[features]` table is written.
    pub features: Option<Pos>,
}

/// One entry of `roots` or `paths`, by index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    Root(usize),
    Path(usize),
    /// Path `.1` of group `.0` of [`Features::groups`].
    GroupPath(usize, usize),
    /// The `[features]` table as a whole.
    Features,
}

impl Origins {
    /// Where `entry` is written; the start of the config when unknown.
    pub fn pos(&self, entry: Entry) -> Pos {
        let found = match entry {
            Entry::Root(i) => self.roots.get(i),
            Entry::Path(i) => self.paths.get(i),
            Entry::GroupPath(g, i) => self.groups.get(g).and_then(|paths| paths.get(i)),
            Entry::Features => self.features.as_ref(),
        };
        found.cloned().unwrap_or_else(|| Pos {
            file: Arc::from("generation config"),
            line: 1,
            column: 1,
        })
    }
}

/// The file's shape, with the byte spans of the entries errors point at.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    schema: String,
    #[serde(default)]
    overlays: Vec<String>,
    output: String,
    #[serde(default)]
    roots: Vec<Spanned<String>>,
    #[serde(default)]
    paths: Vec<Spanned<String>>,
    #[serde(default)]
    lenient: bool,
    features: Option<Spanned<RawFeatures>>,
}

/// The `[features]` table's shape.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawFeatures {
    manifest: String,
    #[serde(default)]
    navigations_of: Vec<String>,
    #[serde(default)]
    default: Vec<String>,
    #[serde(default)]
    groups: std::collections::BTreeMap<String, Vec<Spanned<String>>>,
}

impl Config {
    /// Parses the TOML text of a config file; `file` names it in errors,
    /// which carry the `file:line:column` of the problem.
    pub fn parse(file: &str, text: &str) -> Result<Config, Diagnostic> {
        let file: Arc<str> = Arc::from(file);
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            let offset = e.span().map_or(0, |s| s.start);
            Diagnostic::new(
                Pos::of_offset(file.clone(), text.as_bytes(), offset),
                e.message().trim_end().to_owned(),
            )
        })?;
        let split = |entries: Vec<Spanned<String>>| -> (Vec<String>, Vec<Pos>) {
            entries
                .into_iter()
                .map(|e| {
                    let pos = Pos::of_offset(file.clone(), text.as_bytes(), e.span().start);
                    (e.into_inner(), pos)
                })
                .unzip()
        };
        let (roots, root_positions) = split(raw.roots);
        let (paths, path_positions) = split(raw.paths);
        let mut origins = Origins {
            roots: root_positions,
            paths: path_positions,
            ..Origins::default()
        };
        let features = raw.features.map(|table| {
            origins.features = Some(Pos::of_offset(
                file.clone(),
                text.as_bytes(),
                table.span().start,
            ));
            let raw = table.into_inner();
            let mut groups = Vec::new();
            for (name, entries) in raw.groups {
                let (paths, positions) = split(entries);
                groups.push((name, paths));
                origins.groups.push(positions);
            }
            Features {
                manifest: raw.manifest,
                navigations_of: raw.navigations_of,
                groups,
                default: raw.default,
            }
        });
        Ok(Config {
            schema: raw.schema,
            overlays: raw.overlays,
            output: raw.output,
            roots,
            paths,
            features,
            origins,
            lenient: raw.lenient,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "schema = \"s.xml\"\noutput = \"out\"\nroots = [\n    \"a.b\",\n]\npaths = [\"x/y\", \"x/**\"]\n";

    #[test]
    fn entries_keep_their_positions() {
        let config = Config::parse("c.toml", TEXT).unwrap();
        assert_eq!(config.roots, ["a.b"]);
        assert_eq!(config.paths, ["x/y", "x/**"]);
        let at = |e| {
            let p = config.origins.pos(e);
            (p.file.to_string(), p.line, p.column)
        };
        assert_eq!(at(Entry::Root(0)), ("c.toml".to_owned(), 4, 5));
        assert_eq!(at(Entry::Path(0)), ("c.toml".to_owned(), 6, 10));
        assert_eq!(at(Entry::Path(1)), ("c.toml".to_owned(), 6, 17));
    }

    #[test]
    fn lenient_is_off_unless_set() {
        let strict = Config::parse("c.toml", TEXT).unwrap();
        assert_eq!(strict.strictness(), Strictness::Strict);
        let text = format!("{TEXT}lenient = true\n");
        let lenient = Config::parse("c.toml", &text).unwrap();
        assert_eq!(lenient.strictness(), Strictness::Lenient);
        let e = Config::parse("c.toml", &format!("{TEXT}lenient = \"yes\"\n")).unwrap_err();
        assert_eq!((e.pos.line, e.pos.column), (7, 11));
    }

    #[test]
    fn a_syntax_error_has_its_position() {
        let e = Config::parse("c.toml", "schema = \"s.xml\"\noutput = 3\n").unwrap_err();
        assert_eq!((e.pos.line, e.pos.column), (2, 10));
        assert!(e.message.contains("invalid type"), "{}", e.message);
    }

    #[test]
    fn an_unknown_key_is_an_error_at_that_key() {
        let e = Config::parse("c.toml", "schema = \"s\"\noutput = \"o\"\nroot = []\n").unwrap_err();
        assert_eq!((e.pos.line, e.pos.column), (3, 1));
        assert!(e.message.contains("unknown field `root`"), "{}", e.message);
    }
}
