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
