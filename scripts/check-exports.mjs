// Fails the build when a package's `exports` map and its built files disagree: every file the
// map (and main/module/types) names must exist, and every entry tsup built must be reachable.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../packages/', import.meta.url).pathname;
const problems = [];

for (const name of readdirSync(root)) {
  const dir = join(root, name);
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const named = new Set([pkg.main, pkg.module, pkg.types, ...targets(pkg.exports)].filter(Boolean));
  for (const file of named) {
    if (!existsSync(join(dir, file)))
      problems.push(`${pkg.name}: exports names ${file}, which the build did not produce`);
  }
  const built = existsSync(join(dir, 'dist')) ? readdirSync(join(dir, 'dist')) : [];
  for (const file of built.filter((f) => /\.(c?js|d\.c?ts)$/.test(f) && !f.startsWith('chunk-'))) {
    if (!named.has(`./dist/${file}`))
      problems.push(`${pkg.name}: dist/${file} is built but not in the exports map`);
  }
}

if (problems.length > 0) {
  console.error(`[exportkit] exports check failed:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log('[exportkit] exports maps match the built files');

function targets(value) {
  if (typeof value === 'string') return value.endsWith('package.json') ? [] : [value];
  if (value === null || typeof value !== 'object') return [];
  return Object.values(value).flatMap(targets);
}
