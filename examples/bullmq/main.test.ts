import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

describe('examples/bullmq', () => {
  it('an API process and two worker processes on one Redis finish every export', {
    timeout: 90_000,
  }, () => {
    const run = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        'examples/bullmq/main.ts',
        '--workers',
        '2',
        '--exports',
        '3',
        '--rows',
        '5000',
      ],
      { cwd: repoRoot, encoding: 'utf8', timeout: 80_000 },
    );
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/3\/3 succeeded/);
    expect(run.stdout).toMatch(/the first request again: in-progress/);
    expect(run.stdout).toMatch(/dead letters: 0/);
  });
});
