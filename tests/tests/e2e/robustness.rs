//! The generator never panics: real Graph schemas, mutated (truncated,
//! attributes dropped, bytes overwritten, nesting broken), give either
//! generated files or errors with positions. Case counts are bounded so CI
//! stays fast; raise `PROPTEST_CASES` to search longer.

use codegen::emit::ClientEntry;
use codegen::{Input, Scope};
use graph_intune_tests::{corpus_dir, read_corpus_file};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

/// Small real files, so each case runs the whole pipeline quickly.
const FILES: &[&str] = &[
    "graph-beta-review-2026-08.xml",
    "graph-preprocess-test-input.xml",
];

#[derive(Debug, Clone)]
enum Mutation {
    Truncate(usize),
    DropAttribute(usize),
    OverwriteBytes(Vec<(usize, u8)>),
    DropClosingTag(usize),
    DuplicateLine(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::Truncate),
        any::<usize>().prop_map(Mutation::DropAttribute),
        prop::collection::vec((any::<usize>(), any::<u8>()), 1..16)
            .prop_map(Mutation::OverwriteBytes),
        any::<usize>().prop_map(Mutation::DropClosingTag),
        any::<usize>().prop_map(Mutation::DuplicateLine),
    ]
}

/// Byte offsets of every occurrence of `needle`.
fn occurrences(text: &str, needle: &str) -> Vec<usize> {
    text.match_indices(needle).map(|(i, _)| i).collect()
}

fn apply(text: &str, m: &Mutation) -> String {
    let pick = |positions: &[usize], n: usize| positions.get(n % positions.len().max(1)).copied();
    match m {
        Mutation::Truncate(n) => {
            let mut cut = n % (text.len() + 1);
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            text[..cut].to_owned()
        }
        Mutation::DropAttribute(n) => {
            // ` Name="…"`, ` Type="…"`, ` BaseType="…"` and the like.
            let starts = occurrences(text, "=\"");
            match pick(&starts, *n) {
                Some(eq) => {
                    let begin = text[..eq].rfind(' ').unwrap_or(eq);
                    let end = text[eq + 2..].find('"').map_or(text.len(), |e| eq + 3 + e);
                    format!("{}{}", &text[..begin], &text[end..])
                }
                None => text.to_owned(),
            }
        }
        Mutation::OverwriteBytes(changes) => {
            let mut bytes = text.as_bytes().to_vec();
            for (at, byte) in changes {
                if !bytes.is_empty() {
                    let i = at % bytes.len();
                    bytes[i] = *byte;
                }
            }
            String::from_utf8_lossy(&bytes).into_owned()
        }
        Mutation::DropClosingTag(n) => {
            let closes = occurrences(text, "</");
            match pick(&closes, *n) {
                Some(at) => {
                    let end = text[at..].find('>').map_or(text.len(), |e| at + e + 1);
                    format!("{}{}", &text[..at], &text[end..])
                }
                None => text.to_owned(),
            }
        }
        Mutation::DuplicateLine(n) => {
            let lines: Vec<&str> = text.lines().collect();
            if lines.is_empty() {
                return text.to_owned();
            }
            let i = n % lines.len();
            let mut out: Vec<&str> = lines[..=i].to_vec();
            out.push(lines[i]);
            out.extend_from_slice(&lines[i + 1..]);
            out.join("\n")
        }
    }
}

/// Runs the whole pipeline; a panic fails the property.
fn check(name: &str, text: &str) -> Result<(), TestCaseError> {
    let inputs = [Input { name, text }];
    match codegen::generate(&inputs, &Scope::All, ClientEntry::ExtensionTrait) {
        Ok(output) => prop_assert!(!output.files.is_empty()),
        Err(errors) => {
            prop_assert!(!errors.diagnostics().is_empty(), "{errors}");
            for d in errors.diagnostics() {
                prop_assert!(d.pos.line >= 1 && d.pos.column >= 1, "{d}");
                prop_assert!(!d.message.is_empty());
            }
        }
    }
    Ok(())
}

#[test]
fn mutated_real_schemas_never_panic_the_generator() {
    let Some(dir) = corpus_dir("mutated_real_schemas_never_panic_the_generator") else {
        return;
    };
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(24);
    for file in FILES {
        let text = read_corpus_file(&dir, file);
        let mut runner = TestRunner::new(Config {
            cases,
            failure_persistence: None,
            ..Config::default()
        });
        runner
            .run(&mutation(), |m| check(file, &apply(&text, &m)))
            .unwrap_or_else(|e| panic!("{file}: {e}"));
    }
}

#[test]
fn every_real_schema_generates_whole() {
    let Some(dir) = corpus_dir("every_real_schema_generates_whole") else {
        return;
    };
    for file in graph_intune_tests::VALID_SCHEMAS {
        let text = read_corpus_file(&dir, file);
        let output = codegen::generate(
            &[Input {
                name: file,
                text: &text,
            }],
            &Scope::All,
            ClientEntry::ExtensionTrait,
        )
        .unwrap_or_else(|e| panic!("{file}: {e}"));
        // Every file parses as Rust.
        for f in &output.files {
            syn::parse_file(&f.contents).unwrap_or_else(|e| panic!("{file}: {}: {e}", f.path));
        }
    }
}
