//! Helpers for the end-to-end tests in `tests/`: where the real Microsoft
//! Graph schemas are, how to read them, and the mock-server checks ([`mock`]).

use std::path::{Path, PathBuf};

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from(".."))
}

/// The folder of real Graph CSDL documents: `GRAPH_METADATA_CORPUS` (a
/// relative path is taken from the workspace root), else `../shared/metadata`
/// beside the workspace.
///
/// Returns `None` (the caller skips, saying so) when the variable is unset and
/// the default folder is absent, as in a user's clone. Panics when the
/// variable names a missing folder, or when `CI` is set (see
/// [`ci_requires_corpus`]) and there is no corpus: CI must never pass by
/// skipping.
pub fn corpus_dir(test: &str) -> Option<PathBuf> {
    let ci = ci_requires_corpus(std::env::var("CI").ok().as_deref());
    match std::env::var_os("GRAPH_METADATA_CORPUS") {
        Some(dir) => {
            let dir = workspace_root().join(dir);
            assert!(
                dir.is_dir(),
                "GRAPH_METADATA_CORPUS names `{}`, which is not a folder",
                dir.display()
            );
            Some(dir)
        }
        None => {
            let default = workspace_root().join("../shared/metadata");
            if default.is_dir() {
                return Some(default);
            }
            assert!(
                !ci,
                "CI is set but GRAPH_METADATA_CORPUS is unset and no corpus was found"
            );
            eprintln!(
                "{test}: skipped: no Graph metadata corpus (set GRAPH_METADATA_CORPUS to its folder)"
            );
            None
        }
    }
}

/// Reads one corpus file as text.
pub fn read_corpus_file(dir: &Path, name: &str) -> String {
    let path = dir.join(name);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read corpus file `{}`: {e}", path.display()))
}

/// Copies the folder `from` with everything below it to `to` (for scratch
/// workspaces in temporary folders).
///
/// # Panics
///
/// On any I/O error: it is a test helper.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap_or_else(|e| panic!("cannot create `{}`: {e}", to.display()));
    let entries =
        std::fs::read_dir(from).unwrap_or_else(|e| panic!("cannot read `{}`: {e}", from.display()));
    for entry in entries {
        let path = entry
            .unwrap_or_else(|e| panic!("cannot read `{}`: {e}", from.display()))
            .path();
        let target = to.join(path.file_name().unwrap_or_default());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target)
                .unwrap_or_else(|e| panic!("cannot copy `{}`: {e}", path.display()));
        }
    }
}

/// The real schemas that must resolve without error.
pub const VALID_SCHEMAS: &[&str] = &[
    "graph-beta-2021-06.xml",
    "graph-beta-govsg-2026-08.xml",
    "graph-beta-review-2026-08.xml",
    "graph-beta-usnat-2026-08.xml",
    "graph-beta-ussec-2026-08.xml",
    "graph-v1.0-2026-08.xml",
];

/// The example of the Graph beta reference page "Update
/// deviceCompliancePolicyAssignment" (`PATCH /deviceManagement/deviceCompliancePolicies/{id}/assignments/{id}`),
/// the first acceptance test of this project.
pub mod mock;

pub mod seed {
    /// The request body of the example on the Graph beta reference page
    /// "Update deviceCompliancePolicyAssignment", copied verbatim.
    pub const REQUEST: &str = r##"{
      "@odata.type": "#microsoft.graph.deviceCompliancePolicyAssignment",
      "target": {
        "@odata.type": "microsoft.graph.organizationalUnitAssignmentTarget",
        "deviceAndAppManagementAssignmentFilterId": "Device And App Management Assignment Filter Id value",
        "deviceAndAppManagementAssignmentFilterType": "include",
        "organizationalUnitId": "Organizational Unit Id value",
        "assignmentConflictSetting": {
          "@odata.type": "microsoft.graph.organizationalUnitAssignmentConflictSetting",
          "assignmentOverride": "denied",
          "versionNumber": 13
        }
      },
      "source": "policySets",
      "sourceId": "Source Id value"
    }"##;

    /// The response body of the example on the Graph beta reference page
    /// "Update deviceCompliancePolicyAssignment", copied verbatim.
    pub const RESPONSE: &str = r##"{
      "@odata.type": "#microsoft.graph.deviceCompliancePolicyAssignment",
      "id": "92dc3fef-3fef-92dc-ef3f-dc92ef3fdc92",
      "target": {
        "@odata.type": "microsoft.graph.organizationalUnitAssignmentTarget",
        "deviceAndAppManagementAssignmentFilterId": "Device And App Management Assignment Filter Id value",
        "deviceAndAppManagementAssignmentFilterType": "include",
        "organizationalUnitId": "Organizational Unit Id value",
        "assignmentConflictSetting": {
          "@odata.type": "microsoft.graph.organizationalUnitAssignmentConflictSetting",
          "assignmentOverride": "denied",
          "versionNumber": 13
        }
      },
      "source": "policySets",
      "sourceId": "Source Id value"
    }"##;
}

/// The README's example compiles (`cargo test --doc -p graph-intune-tests`).
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
mod readme {}

/// Whether the value of `CI` makes a missing corpus an error: any value but
/// empty or `false` (in any case), so `CI=1` and `CI=True` count too.
pub fn ci_requires_corpus(ci: Option<&str>) -> bool {
    ci.is_some_and(|v| !v.is_empty() && !v.trim().eq_ignore_ascii_case("false"))
}

#[cfg(test)]
mod tests {
    use super::ci_requires_corpus;

    #[test]
    fn any_ci_value_but_empty_or_false_requires_the_corpus() {
        for value in ["true", "True", "TRUE", "1", "yes", "github-actions"] {
            assert!(ci_requires_corpus(Some(value)), "{value}");
        }
        for value in [None, Some(""), Some("false"), Some("False"), Some("FALSE")] {
            assert!(!ci_requires_corpus(value), "{value:?}");
        }
    }
}
