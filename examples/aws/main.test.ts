import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runAwsExample } from './run-example.js';

describe('examples/aws end to end (s3rver + local-aws-sqs)', () => {
  for (const runner of ['lambda', 'worker'] as const) {
    it(`exports through the ${runner} runner and serves part 1 by presigned S3 URL`, async () => {
      const result = await runAwsExample({ rows: 25_000, runner });
      expect(result.requestStatus).toBe(202);
      expect(result.view.status).toBe('succeeded');
      expect(result.view.result?.rows).toBe(25_000);
      expect(result.view.files?.length).toBe(1);
      expect(result.view.files?.[0]?.url).toMatch(/X-Amz-Signature=/);
      expect(result.head[0]).toBe('order_id,customer,country,amount,placed_at,status');
      expect(result.head[1]).toMatch(/^1,acme-customer-2919,FR,37\.01,2026-01-01T00:01:01/);
      expect(result.contentDisposition).toMatch(/^attachment; filename="orders-/);
    });
  }
});

describe('examples/aws command line (the documented command)', () => {
  const exampleDir = fileURLToPath(new URL('.', import.meta.url));
  /** Runs `main.ts` as `pnpm --filter @exportkit/example-aws start -- ...args` does. */
  const start = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'main.ts', '--', ...args], {
      cwd: exampleDir,
      encoding: 'utf8',
      timeout: 60_000,
    });

  it("takes its options after pnpm's `--`", { timeout: 70_000 }, () => {
    const run = start('--rows', '2000', '--runner', 'worker');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/2,000 rows, worker runner/);
    expect(run.stdout).toMatch(/Content-Disposition: attachment; filename="orders-/);
  });

  it('answers a bad option with the problem and the usage, exit code 2', () => {
    const run = start('--runner', 'batch');
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/--runner is "lambda" or "worker", got "batch"\nusage: /);
  });
});
