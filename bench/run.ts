// Runs every `bench/*.bench.ts` in its own process (so peak RSS is that benchmark's alone),
// prints one table, and writes bench/results.json. `pnpm bench csv` runs only names matching.
import { spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type BenchResult, parseResults } from './lib/report.js';

const dir = fileURLToPath(new URL('.', import.meta.url));
const filter = process.argv[2];
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => !filter || f.includes(filter))
  .sort();

const results: BenchResult[] = [];
let failed = false;
for (const file of files) {
  process.stderr.write(`\n▶ ${file}\n`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', `${dir}${file}`], {
    cwd: `${dir}..`,
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const found = parseResults(run.stdout ?? '');
  results.push(...found);
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
writeFileSync(`${dir}results.json`, `${JSON.stringify(results, null, 2)}\n`);
console.log(`wrote bench/results.json (${results.length} results)`);
if (failed) process.exit(1);
