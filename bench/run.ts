// Runs every `bench/*.bench.ts` in its own process, prints one table, and merges the results
// into bench/results.json. `pnpm bench csv` runs only the files whose names contain "csv".
//
// Each benchmark is compiled to plain JavaScript first and run with plain `node` against the
// built packages (`pnpm bench` builds them), the way users run exportkit: a TypeScript loader
// in the measured process would add its own thread and heap to every peak-RSS figure.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { type BenchResult, parseResults } from './lib/report.js';

const dir = fileURLToPath(new URL('.', import.meta.url));
const out = `${dir}.dist/`;
const filter = process.argv[2];
const all = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .sort();
const files = all.filter((f) => !filter || f.includes(filter));

rmSync(out, { recursive: true, force: true });
await build({
  entryPoints: [...all.map((f) => `${dir}${f}`), `${dir}lib/*.ts`],
  outdir: out,
  outbase: dir,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
});
// The compiled files import the packages by name; a module next to them resolves through
// bench/node_modules, like a user's code does.
writeFileSync(`${out}package.json`, '{ "type": "module" }\n');

const results: BenchResult[] = [];
let failed = false;
for (const file of files) {
  process.stderr.write(`\n▶ ${file}\n`);
  const run = spawnSync(
    process.execPath,
    ['--expose-gc', `${out}${file.replace(/\.ts$/, '.js')}`],
    {
      cwd: `${dir}..`,
      stdio: ['ignore', 'pipe', 'inherit'],
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  results.push(...parseResults(run.stdout ?? ''));
  if (run.status !== 0) {
    failed = true;
    process.stderr.write(`✗ ${file} exited with ${run.status}\n`);
  }
}

console.table(
  results.map((r) => ({
    name: r.name,
    ours: r.ours,
    baseline: r.baseline ?? '',
    ratio: r.ratio ?? '',
    unit: r.unit,
    target: r.target ?? '',
  })),
);
const path = `${dir}results.json`;
const previous: BenchResult[] = existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : [];
const merged = [...previous.filter((p) => !results.some((r) => r.name === p.name)), ...results];
writeFileSync(path, `${JSON.stringify(merged, null, 2)}\n`);
console.log(`wrote bench/results.json (${results.length} new, ${merged.length} in all)`);
if (failed) process.exit(1);
