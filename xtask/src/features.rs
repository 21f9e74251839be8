//! `cargo xtask check-features`: graph-intune compiles with every area
//! feature alone, with none, and with all of them together.
//!
//! The areas are the members of the generated `full` feature of
//! `graph-intune/Cargo.toml` (written by `cargo xtask codegen` from the
//! config's `[features]` table). Each check is a `cargo check -p
//! graph-intune` with `--no-default-features --features <area>`, so it
//! proves that the area's `cfg`s name everything it uses.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// The manifest of the crate whose features are checked.
const MANIFEST: &str = "graph-intune/Cargo.toml";

/// One `cargo check` of graph-intune with a feature selection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// `--no-default-features`: the runtime and what every build has.
    Nothing,
    /// `--no-default-features --features <area>`.
    Alone(String),
    /// `--all-features`.
    All,
}

impl Selection {
    fn args(&self) -> Vec<String> {
        match self {
            Selection::Nothing => vec!["--no-default-features".to_owned()],
            Selection::Alone(feature) => vec![
                "--no-default-features".to_owned(),
                "--features".to_owned(),
                feature.clone(),
            ],
            Selection::All => vec!["--all-features".to_owned()],
        }
    }
}

impl std::fmt::Display for Selection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Selection::Nothing => f.write_str("no features"),
            Selection::Alone(feature) => write!(f, "`{feature}` alone"),
            Selection::All => f.write_str("all features"),
        }
    }
}

/// The outcome of one check.
#[derive(Debug, Clone)]
pub struct Checked {
    pub selection: Selection,
    pub ok: bool,
    pub took: Duration,
}

/// The area features of the manifest: the members of its `full` feature.
pub fn areas(root: &Path) -> Result<Vec<String>, String> {
    let path = root.join(MANIFEST);
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    areas_of(&text).map_err(|e| format!("{MANIFEST}: {e}"))
}

fn areas_of(manifest: &str) -> Result<Vec<String>, String> {
    let value: toml::Table = toml::from_str(manifest).map_err(|e| e.message().to_owned())?;
    let full = value
        .get("features")
        .and_then(|f| f.get("full"))
        .and_then(|f| f.as_array())
        .ok_or("no `full` feature in `[features]`: run `cargo xtask codegen`")?;
    full.iter()
        .map(|v| {
            v.as_str()
                .map(str::to_owned)
                .ok_or_else(|| format!("`full` lists `{v}`, which is not a feature name"))
        })
        .collect()
}

/// Checks graph-intune with no features, with each of `only` (every area
/// when empty) alone, then with all features; calls `progress` after each.
/// Unknown names in `only` are an error before anything runs.
pub fn check_features(
    root: &Path,
    only: &[String],
    progress: &mut dyn FnMut(&Checked),
) -> Result<Vec<Checked>, String> {
    let all = areas(root)?;
    if let Some(unknown) = only.iter().find(|f| !all.contains(f)) {
        return Err(format!(
            "`{unknown}` is not an area feature of {MANIFEST} (see its `full` feature)"
        ));
    }
    let chosen = if only.is_empty() { &all } else { only };
    let mut selections = vec![Selection::Nothing];
    selections.extend(chosen.iter().cloned().map(Selection::Alone));
    selections.push(Selection::All);
    let mut results = Vec::new();
    for selection in selections {
        let started = Instant::now();
        let status = Command::new(env!("CARGO"))
            .args(["check", "--quiet", "-p", "graph-intune"])
            .args(selection.args())
            .current_dir(root)
            .status()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        let checked = Checked {
            selection,
            ok: status.success(),
            took: started.elapsed(),
        };
        progress(&checked);
        results.push(checked);
    }
    Ok(results)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_areas_are_the_members_of_full() {
        let manifest = "[package]\nname = \"x\"\n[features]\nazure = []\ndefault = [\"a\"]\nfull = [\n    \"a\",\n    \"b-c\",\n]\na = []\nb-c = []\n";
        assert_eq!(areas_of(manifest).expect("read"), ["a", "b-c"]);
        let e = areas_of("[features]\nazure = []\n").expect_err("no full");
        assert!(e.contains("no `full` feature"), "{e}");
    }

    #[test]
    fn the_committed_manifest_lists_the_default_area() {
        let areas = areas(&crate::workspace_root()).expect("the manifest reads");
        assert!(areas.iter().any(|a| a == "device-compliance"), "{areas:?}");
    }
}
