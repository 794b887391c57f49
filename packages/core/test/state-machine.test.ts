import { describe, expect, it } from 'vitest';
import {
  applyTransition,
  canTransition,
  type JobRecord,
  jobStatuses,
  transitions,
} from '../src/index.js';

const job: JobRecord = {
  exportId: 'a'.repeat(64),
  tenantId: 'acme',
  type: 'orders',
  status: 'queued',
  request: {} as JobRecord['request'],
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  attempts: 0,
};

describe('state machine', () => {
  it('walks every (from, to) pair against the table', () => {
    const now = new Date('2026-02-01T00:00:00Z');
    let allowed = 0;
    for (const from of jobStatuses) {
      for (const to of jobStatuses) {
        const expected = transitions[from].includes(to);
        expect(canTransition(from, to), `${from} → ${to}`).toBe(expected);
        const attempt = () => applyTransition({ ...job, status: from }, to, {}, now);
        if (expected) {
          allowed++;
          expect(attempt()).toMatchObject({ status: to, updatedAt: now.toISOString() });
        } else {
          expect(attempt, `${from} → ${to}`).toThrow(
            expect.objectContaining({ code: 'INVALID_TRANSITION' }),
          );
        }
      }
    }
    expect(allowed).toBe(Object.values(transitions).flat().length);
  });

  it('matches the lifecycle the architecture describes', () => {
    expect(transitions).toEqual({
      queued: ['running', 'cancelled', 'failed'],
      running: ['running', 'succeeded', 'failed', 'cancelled'],
      succeeded: ['queued', 'expired'],
      failed: ['queued'],
      cancelled: ['queued'],
      expired: ['queued'],
    });
    expect(Object.isFrozen(transitions)).toBe(true);
  });

  it('never lets a finished export be cancelled', () => {
    for (const from of ['succeeded', 'failed', 'cancelled', 'expired'] as const)
      expect(canTransition(from, 'cancelled')).toBe(false);
  });

  it('returns a new record and leaves the input untouched', () => {
    const next = applyTransition(job, 'running', { fence: 'f1' }, new Date());
    expect(next).not.toBe(job);
    expect(job.status).toBe('queued');
    expect(next.fence).toBe('f1');
  });
});
