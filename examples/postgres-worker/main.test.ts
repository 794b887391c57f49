import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

describe('examples/postgres-worker', () => {
  it('an API process and two worker processes on one PostgreSQL finish every export and stop on SIGTERM', {
    timeout: 90_000,
  }, () => {
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'examples/postgres-worker/main.ts', '--workers', '2', '--rows', '20000'],
      { cwd: repoRoot, encoding: 'utf8', timeout: 80_000 },
    );
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/4\/4 succeeded/);
    expect(run.stdout).toMatch(/path: encoded/);
    expect(run.stdout).toMatch(/path: rows/);
    expect(run.stdout).toMatch(/the first request again: in-progress/);
    expect(run.stdout).toMatch(/dead letters: 0/);
    expect(run.stdout).toMatch(/workers exited with 0, 0/);
  });
});
