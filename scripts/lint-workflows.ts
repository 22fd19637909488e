// npm run lint:workflows: actionlint (built once from the Go module proxy, cached by version) on
// every workflow under .github/workflows; prints each finding and exits non-zero on any.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { actionlint, ensureActionlint } from '../lib/ci/actionlint.js';

const dir = join('.github', 'workflows');
const files = (await readdir(dir)).filter((f) => /\.ya?ml$/.test(f)).map((f) => join(dir, f));
const binary = await ensureActionlint({ onProgress: (line) => console.error(line) });
const { exitCode, findings } = await actionlint(binary, files, process.cwd());
for (const finding of findings) console.log(finding);
console.log(`actionlint: ${files.length} workflow(s), ${findings.length} finding(s)`);
process.exit(exitCode);
