import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'exportkit-demo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the demo as `pnpm demo` does, with the arguments given. */
function demo(...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'examples/local/main.ts', ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('examples/local (pnpm demo)', () => {
  it('exports, serves a signed URL and downloads part 1 with a matching sha256', {
    timeout: 70_000,
  }, () => {
    // The leading `--` is what `pnpm demo -- --rows 5000` passes on.
    const run = demo('--', '--rows', '5000', '--format', 'ndjson', '--dir', dir);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/succeeded in .* 5,000 rows/);
    expect(run.stdout).toMatch(/the same request again: cached/);
    expect(run.stdout).toMatch(/HTTP 200, .* sha256 matches the manifest/);
  });

  it('answers a bad option or request with the problem and the usage, exit code 2', () => {
    const unknown = demo('--bogus');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown option '--bogus'\nusage: pnpm demo/);
    const format = demo('--format', 'xml', '--dir', dir);
    expect(format.status).toBe(2);
    expect(format.stderr).toMatch(/UNSUPPORTED_FORMAT: .*got "xml"/);
  });
});
