//! The workspace's tasks; `cargo xtask --help` lists them.
//!
//! This crate does the I/O around the pure generator in `codegen`: it reads
//! `metadata/`, writes `graph-intune/src/generated/`, and checks for drift.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use codegen::emit::ClientEntry;
use codegen::{Config, Input, Scope, Strictness};

pub mod bench;
pub mod cost;
pub mod diff;
pub mod features;
pub mod fetch;
pub mod schemas;
pub mod sync;

/// The workspace root (the folder above this crate).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// What `codegen` did or found.
#[derive(Debug, Default)]
pub struct Report {
    /// Files written (generate) or that differ from the generator's output (check).
    pub stale: Vec<String>,
    /// Files the generator produces that are not on disk.
    pub missing: Vec<String>,
    /// `.rs` files in the output folder that the generator does not produce.
    pub extra: Vec<String>,
    /// The manifest whose generated features block was written (generate)
    /// or differs (check), relative to the workspace root.
    pub manifest: Option<String>,
    /// Generator warnings, formatted.
    pub warnings: Vec<String>,
    /// The output folder, relative to the workspace root.
    pub output: String,
    /// Number of files generated.
    pub files: usize,
    /// Number of lines generated.
    pub lines: usize,
}

impl Report {
    /// Whether the committed files match the generator's output.
    pub fn is_clean(&self) -> bool {
        self.stale.is_empty()
            && self.missing.is_empty()
            && self.extra.is_empty()
            && self.manifest.is_none()
    }
}

fn read(root: &Path, relative: &str) -> Result<String, String> {
    fs::read_to_string(root.join(relative)).map_err(|e| format!("cannot read `{relative}`: {e}"))
}

/// Joins a path relative to the config folder, in `/` form relative to the root.
fn beside(config_dir: &str, file: &str) -> String {
    if config_dir.is_empty() {
        file.to_owned()
    } else {
        format!("{config_dir}/{file}")
    }
}

/// The config at `config_path` (relative to `root`) and the paths of its
/// inputs, each relative to the root in `/` form.
pub(crate) struct ConfigFiles {
    pub(crate) config: Config,
    /// The schema file.
    pub(crate) schema: String,
    /// The overlay files, in order.
    pub(crate) overlays: Vec<String>,
}

impl ConfigFiles {
    pub(crate) fn read(root: &Path, config_path: &str) -> Result<Self, String> {
        let config = Config::parse(config_path, &read(root, config_path)?)
            .map_err(|e| format!("error: {e}"))?;
        let config_dir = Path::new(config_path)
            .parent()
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .unwrap_or_default();
        let schema = beside(&config_dir, &config.schema);
        let overlays = config
            .overlays
            .iter()
            .map(|o| beside(&config_dir, o))
            .collect();
        Ok(ConfigFiles {
            config,
            schema,
            overlays,
        })
    }
}

/// The config's inputs with their texts: the schema, then the overlays.
struct ConfigInputs {
    config: Config,
    names: Vec<String>,
    texts: Vec<String>,
}

impl ConfigInputs {
    fn read(root: &Path, config_path: &str) -> Result<Self, String> {
        let files = ConfigFiles::read(root, config_path)?;
        let mut names = vec![files.schema];
        names.extend(files.overlays);
        let texts = names
            .iter()
            .map(|n| read(root, n))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(ConfigInputs {
            config: files.config,
            names,
            texts,
        })
    }

    fn inputs(&self) -> Vec<Input<'_>> {
        self.names
            .iter()
            .zip(&self.texts)
            .map(|(name, text)| Input { name, text })
            .collect()
    }
}

/// For each overlay type of the config at `config_path`: whether the schema
/// file now defines it identically (the entry can go), differently (an
/// error for `codegen`) or not at all (still needed).
pub fn overlay_report(
    root: &Path,
    config_path: &str,
) -> Result<Vec<codegen::model::OverlayEntry>, String> {
    let inputs = ConfigInputs::read(root, config_path)?;
    codegen::overlay_report(&inputs.inputs()).map_err(|e| e.to_string())
}

/// Regenerates (or, with `check`, compares) the bindings described by the
/// config at `config_path` (relative to `root`). Unknown types are dropped
/// with a warning when the config says `lenient = true` or `lenient` is set
/// (`--lenient`), else they are errors.
pub fn codegen(
    root: &Path,
    config_path: &str,
    check: bool,
    lenient: bool,
) -> Result<Report, String> {
    let inputs = ConfigInputs::read(root, config_path)?;
    let config = &inputs.config;
    let scope = Scope::Config(Box::new(config.clone()));
    let strictness = Strictness::lenient_if(lenient || config.lenient);
    let output =
        codegen::generate_with(&inputs.inputs(), &scope, ClientEntry::Inherent, strictness)
            .map_err(|e| e.to_string())?;
    let mut report = write_files(&root.join(&config.output), &output, check, "rs")?;
    report.output = config.output.clone();
    if let Some(features) = &output.manifest_features {
        write_manifest_features(root, features, check, &mut report)?;
    }
    Ok(report)
}

/// The first line of the generated block of a manifest's `[features]`
/// table starts with this; the block ends with [`FEATURES_END`].
const FEATURES_START: &str = "# @generated by `cargo xtask codegen`";
const FEATURES_END: &str = "# end of the generated block";

/// Writes (or, with `check`, compares) the generated block of the
/// manifest's `[features]` table; a manifest that differs is reported stale.
fn write_manifest_features(
    root: &Path,
    features: &codegen::ManifestFeatures,
    check: bool,
    report: &mut Report,
) -> Result<(), String> {
    let path = root.join(&features.manifest);
    let existing = read(root, &features.manifest)?;
    let updated = splice_features(&existing, &features.block)
        .map_err(|e| format!("{}: {e}", features.manifest))?;
    if same_text(&existing, &updated) {
        return Ok(());
    }
    report.manifest = Some(features.manifest.clone());
    if !check {
        fs::write(&path, updated).map_err(|e| format!("cannot write `{}`: {e}", path.display()))?;
    }
    Ok(())
}

/// `manifest` with its generated features block replaced by `block`; a
/// manifest without the block gets it at the start of its `[features]`
/// table, which is added at the end when missing.
pub fn splice_features(manifest: &str, block: &str) -> Result<String, String> {
    let lines: Vec<&str> = manifest.lines().collect();
    let start = lines.iter().position(|l| l.starts_with(FEATURES_START));
    let end = lines.iter().position(|l| l.starts_with(FEATURES_END));
    let (before, after): (&[&str], &[&str]) = match (start, end) {
        (Some(s), Some(e)) if s < e => (&lines[..s], &lines[e + 1..]),
        (None, None) => match lines.iter().position(|l| l.trim() == "[features]") {
            Some(t) => (&lines[..=t], &lines[t + 1..]),
            None => {
                let mut out = manifest.trim_end().to_owned();
                out.push_str("\n\n[features]\n");
                out.push_str(block);
                return Ok(out);
            }
        },
        _ => {
            return Err(format!(
                "the generated features block must start with a line `{FEATURES_START}…` and end with `{FEATURES_END}`"
            ))
        }
    };
    let mut out = String::new();
    for line in before {
        out.push_str(line);
        out.push('\n');
    }
    out.push_str(block);
    for line in after {
        out.push_str(line);
        out.push('\n');
    }
    Ok(out)
}

/// Generates a standalone crate with every type of `metadata` into `out`
/// (`--metadata FILE --all --out DIR`). The crate depends on this
/// workspace's `graph-intune` by path; with `harness` it also holds a test
/// that round-trips every structured type.
pub fn whole_schema(
    metadata: &Path,
    out: &Path,
    root: &Path,
    check: bool,
    harness: codegen::Harness,
    strictness: Strictness,
) -> Result<Report, String> {
    let text = fs::read_to_string(metadata)
        .map_err(|e| format!("cannot read `{}`: {e}", metadata.display()))?;
    let name = metadata
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| metadata.display().to_string());
    fs::create_dir_all(out).map_err(|e| format!("cannot create `{}`: {e}", out.display()))?;
    let runtime = root
        .join("graph-intune")
        .canonicalize()
        .map_err(|e| format!("cannot find the graph-intune runtime crate: {e}"))?;
    let runtime = format!("{{ path = {:?} }}", runtime.to_string_lossy());
    let inputs = [Input {
        name: &name,
        text: &text,
    }];
    let output = codegen::generate_crate_with(
        &inputs,
        &crate_name_for(&name),
        &runtime,
        harness,
        strictness,
    )
    .map_err(|e| e.to_string())?;
    let mut report = write_files(out, &output, check, "rs")?;
    report.output = out.display().to_string();
    Ok(report)
}

/// `graph-v1.0-2026-08.xml` → `graph_v1_0_2026_08`.
pub(crate) fn crate_name_for(file: &str) -> String {
    let stem = file.strip_suffix(".xml").unwrap_or(file);
    let mut name: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        name.insert_str(0, "graph_");
    }
    name
}

/// Writes (or, with `check`, compares) generated files below `out_dir`, and
/// removes (or reports) files with extension `ext` that are not generated.
fn write_files(
    out_dir: &Path,
    output: &codegen::Output,
    check: bool,
    ext: &str,
) -> Result<Report, String> {
    let mut report = Report {
        warnings: output.warnings.iter().map(ToString::to_string).collect(),
        files: output.files.len(),
        lines: output
            .files
            .iter()
            .map(|f| f.contents.lines().count())
            .sum(),
        ..Report::default()
    };
    let produced: BTreeSet<String> = output.files.iter().map(|f| f.path.clone()).collect();
    for file in &output.files {
        let path = out_dir.join(&file.path);
        match fs::read_to_string(&path) {
            Ok(existing) if same_text(&existing, &file.contents) => continue,
            Ok(_) => report.stale.push(file.path.clone()),
            Err(_) => report.missing.push(file.path.clone()),
        }
        if !check {
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent)
                    .map_err(|e| format!("cannot create `{}`: {e}", parent.display()))?;
            }
            fs::write(&path, &file.contents)
                .map_err(|e| format!("cannot write `{}`: {e}", path.display()))?;
        }
    }
    for existing in files_with_ext(out_dir, out_dir, ext) {
        if !produced.contains(&existing) {
            if !check {
                fs::remove_file(out_dir.join(&existing))
                    .map_err(|e| format!("cannot remove `{existing}`: {e}"))?;
            }
            report.extra.push(existing);
        }
    }
    Ok(report)
}

/// Whether two texts are equal but for line endings: a file checked out with
/// CRLF line endings (`core.autocrlf` on Windows) and otherwise equal
/// content is up to date.
fn same_text(a: &str, b: &str) -> bool {
    fn lf(text: &str) -> impl Iterator<Item = &str> {
        text.split('\n')
            .map(|line| line.strip_suffix('\r').unwrap_or(line))
    }
    lf(a).eq(lf(b))
}

/// Files with extension `ext` below `dir`, as `/`-separated paths relative
/// to `base`, sorted. `target` folders are skipped.
fn files_with_ext(dir: &Path, base: &Path, ext: &str) -> Vec<String> {
    let mut out = Vec::new();
    let Ok(entries) = fs::read_dir(dir) else {
        return out;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n == "target") {
                continue;
            }
            out.extend(files_with_ext(&path, base, ext));
        } else if path.extension().is_some_and(|e| e == ext) {
            if let Ok(rel) = path.strip_prefix(base) {
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_endings_do_not_make_a_file_stale() {
        assert!(same_text("a\nb\n", "a\nb\n"));
        assert!(same_text("a\r\nb\r\n", "a\nb\n"));
        assert!(same_text("a\nb\n", "a\r\nb\r\n"));
        assert!(same_text("a\r\nb\n", "a\nb\r\n"));
        // Content still counts, and so do a lone `\r` and the final newline.
        assert!(!same_text("a\r\nb\r\n", "a\nc\n"));
        assert!(!same_text("a\rb\n", "ab\n"));
        assert!(!same_text("a\nb", "a\nb\n"));
        assert!(!same_text("a\r\nb\r\n", "a\nb"));
    }

    #[test]
    fn the_features_block_replaces_the_old_one_or_starts_the_features_table() {
        let block = "# @generated by `cargo xtask codegen` from c.toml\ndefault = [\"a\"]\na = []\n# end of the generated block\n";
        let old = "[package]\nname = \"x\"\n\n[features]\nazure = []\n\n# @generated by `cargo xtask codegen` from c.toml\nold = []\n# end of the generated block\n\n[dev-dependencies]\n";
        assert_eq!(
            splice_features(old, block).expect("spliced"),
            format!("[package]\nname = \"x\"\n\n[features]\nazure = []\n\n{block}\n[dev-dependencies]\n")
        );
        let without = "[package]\n\n[features]\nazure = []\n";
        assert_eq!(
            splice_features(without, block).expect("spliced"),
            format!("[package]\n\n[features]\n{block}azure = []\n")
        );
        assert_eq!(
            splice_features("[package]\n", block).expect("spliced"),
            format!("[package]\n\n[features]\n{block}")
        );
        let broken = "[features]\n# @generated by `cargo xtask codegen` from c.toml\n";
        let e = splice_features(broken, block).expect_err("no end marker");
        assert!(e.contains("must start with a line"), "{e}");
    }

    #[test]
    fn a_check_accepts_a_crlf_copy_of_the_output_and_leaves_it_alone() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let output = codegen::Output {
            files: vec![codegen::emit::GeneratedFile {
                path: "mod.rs".to_owned(),
                contents: "// a\npub mod b;\n".to_owned(),
            }],
            warnings: Vec::new(),
            manifest_features: None,
        };
        let crlf = "// a\r\npub mod b;\r\n";
        fs::write(dir.path().join("mod.rs"), crlf).expect("written");
        for check in [true, false] {
            let report = write_files(dir.path(), &output, check, "rs").expect("compared");
            assert!(report.is_clean(), "{report:?}");
        }
        let kept = fs::read_to_string(dir.path().join("mod.rs")).expect("read");
        assert_eq!(kept, crlf, "an up-to-date file is not rewritten");

        fs::write(dir.path().join("mod.rs"), "// a\r\npub mod c;\r\n").expect("written");
        let report = write_files(dir.path(), &output, true, "rs").expect("compared");
        assert_eq!(report.stale, ["mod.rs"]);
    }
}
