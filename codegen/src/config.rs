//! The generation config (`metadata/codegen.toml`): which schema, which
//! overlays, where the output goes, and what to select.

use serde::Deserialize;

/// What to generate and from which files. Paths are relative to the config
/// file's folder (inputs) or to the workspace root (`output`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The CSDL schema file (a downloaded `$metadata`).
    pub schema: String,
    /// CSDL files merged over the schema, in order.
    #[serde(default)]
    pub overlays: Vec<String>,
    /// The folder the generated Rust files are written to.
    pub output: String,
    /// Qualified names of the types to generate; their base types, derived
    /// types and property types are generated too.
    #[serde(default)]
    pub roots: Vec<String>,
    /// Request-builder paths from the entity container, navigation property
    /// names separated by `/` (`deviceManagement/deviceCompliancePolicies/assignments`).
    #[serde(default)]
    pub paths: Vec<String>,
}

impl Config {
    /// Parses the TOML text of a config file; `file` names it in errors.
    pub fn parse(file: &str, text: &str) -> Result<Config, String> {
        toml::from_str(text).map_err(|e| format!("{file}: {e}"))
    }
}
