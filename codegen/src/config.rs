//! The generation config (`metadata/codegen.toml`): which schema, which
//! overlays, where the output goes, and what to select.

use std::sync::Arc;

use serde::Deserialize;
use toml::Spanned;

use crate::{Diagnostic, Pos};

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
    /// Where each root and path is written, for errors that name them.
    pub origins: Origins,
}

/// The positions of a config's `roots` and `paths` entries, index for index.
/// Empty for a selection built in code; errors then point at the config as a whole.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Origins {
    pub roots: Vec<Pos>,
    pub paths: Vec<Pos>,
}

/// One entry of `roots` or `paths`, by index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    Root(usize),
    Path(usize),
}

impl Origins {
    /// Where `entry` is written; the start of the config when unknown.
    pub fn pos(&self, entry: Entry) -> Pos {
        let found = match entry {
            Entry::Root(i) => self.roots.get(i),
            Entry::Path(i) => self.paths.get(i),
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
        Ok(Config {
            schema: raw.schema,
            overlays: raw.overlays,
            output: raw.output,
            roots,
            paths,
            origins: Origins {
                roots: root_positions,
                paths: path_positions,
            },
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
