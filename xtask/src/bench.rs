//! `cargo xtask bench-report`: the criterion results of the last
//! `cargo bench` runs as a table, each benchmark with the baseline of its
//! group (the function whose name starts with `baseline`) and the ratio.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::Path;

/// One measured benchmark.
#[derive(Debug, Clone, PartialEq)]
pub struct Measurement {
    /// The criterion group, such as `read_resolve/graph-beta-2021-06.xml`.
    pub group: String,
    /// The function within the group, such as `csdl read + model resolve`.
    pub function: String,
    /// The median time of one iteration, in nanoseconds.
    pub median_ns: f64,
}

/// Reads every `<group>/<function>/new/{benchmark,estimates}.json` below
/// `criterion_dir` (criterion's output folder, `target/criterion`).
pub fn read_results(criterion_dir: &Path) -> Result<Vec<Measurement>, String> {
    let mut out = Vec::new();
    collect(criterion_dir, &mut out)?;
    out.sort_by(|a, b| (&a.group, &a.function).cmp(&(&b.group, &b.function)));
    Ok(out)
}

fn collect(dir: &Path, out: &mut Vec<Measurement>) -> Result<(), String> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Ok(());
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if !path.is_dir() {
            continue;
        }
        let benchmark = path.join("new/benchmark.json");
        if benchmark.is_file() {
            out.push(measurement(&benchmark, &path.join("new/estimates.json"))?);
        } else if path.file_name().is_some_and(|n| n != "report") {
            collect(&path, out)?;
        }
    }
    Ok(())
}

fn json(path: &Path) -> Result<serde_json::Value, String> {
    let text =
        fs::read_to_string(path).map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("`{}`: {e}", path.display()))
}

fn measurement(benchmark: &Path, estimates: &Path) -> Result<Measurement, String> {
    let id = json(benchmark)?;
    let est = json(estimates)?;
    let text = |v: &serde_json::Value, key: &str| {
        v[key]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| format!("`{}` has no `{key}`", benchmark.display()))
    };
    Ok(Measurement {
        group: text(&id, "group_id")?,
        function: text(&id, "function_id")?,
        median_ns: est["median"]["point_estimate"]
            .as_f64()
            .ok_or_else(|| format!("`{}` has no median", estimates.display()))?,
    })
}

/// A duration in the unit that suits it.
fn human(ns: f64) -> String {
    if ns >= 1e9 {
        format!("{:.2} s", ns / 1e9)
    } else if ns >= 1e6 {
        format!("{:.1} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.1} µs", ns / 1e3)
    } else {
        format!("{ns:.0} ns")
    }
}

/// A Markdown table: group, benchmark, median, the group's baseline, and
/// the ratio to it.
pub fn table(results: &[Measurement]) -> String {
    let mut groups: BTreeMap<&str, Vec<&Measurement>> = BTreeMap::new();
    for m in results {
        groups.entry(&m.group).or_default().push(m);
    }
    let mut out = String::from(
        "| group | benchmark | median | baseline | ratio |\n|---|---|---:|---:|---:|\n",
    );
    for (group, measurements) in groups {
        let baseline = measurements
            .iter()
            .find(|m| m.function.starts_with("baseline"));
        for m in measurements
            .iter()
            .filter(|m| !m.function.starts_with("baseline"))
        {
            let (base, ratio) = match baseline {
                Some(b) => (
                    format!("{} ({})", human(b.median_ns), b.function),
                    format!("{:.2}×", m.median_ns / b.median_ns),
                ),
                None => ("—".to_owned(), "—".to_owned()),
            };
            let _ = writeln!(
                out,
                "| {group} | {} | {} | {base} | {ratio} |",
                m.function,
                human(m.median_ns)
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratios_are_against_the_groups_baseline() {
        let m = |group: &str, function: &str, median_ns: f64| Measurement {
            group: group.into(),
            function: function.into(),
            median_ns,
        };
        let table = table(&[
            m("read/a.xml", "baseline: scan", 10e6),
            m("read/a.xml", "read", 25e6),
            m("generate/a.xml", "whole schema", 1.5e9),
        ]);
        assert_eq!(
            table,
            "| group | benchmark | median | baseline | ratio |\n|---|---|---:|---:|---:|\n\
             | generate/a.xml | whole schema | 1.50 s | — | — |\n\
             | read/a.xml | read | 25.0 ms | 10.0 ms (baseline: scan) | 2.50× |\n"
        );
    }
}
