import type { ObjectStoreCapabilities } from '@exportkit/core';
import { describe, expect, it } from 'vitest';
import { resolveCapabilities, useFixture } from './fixture-lifecycle.js';
import type { ObjectStoreFixture } from './fixtures.js';
import { objectStoreBasicTests } from './object-store-basic.js';
import { objectStoreFailureTests } from './object-store-failures.js';
import { objectStoreKeyTests } from './object-store-keys.js';
import { objectStoreListTests } from './object-store-list.js';
import { objectStoreSignedUrlTests } from './object-store-signed-urls.js';

/** Options for {@link objectStoreConformance}. */
export interface ObjectStoreSuiteOptions {
  /**
   * How many keys the pagination test writes under one prefix, then lists and deletes in one
   * call. Above 1,000 it crosses S3's page size and DeleteObjects batch limit; lower it for
   * slow servers. @defaultValue `1100`
   */
  manyKeys?: number;
  /** Size of the streamed body in the large round trip (crosses S3's 5 MiB part size). @defaultValue `6 * 1024 * 1024` */
  largeBodyBytes?: number;
  /**
   * The `expiresInMs` of the URL the expiry test lets lapse; the test waits this plus 1.5 s.
   * S3 presigns in whole seconds, so keep it at least 1000. @defaultValue `1000`
   */
  signedUrlExpiryMs?: number;
  /** Per-test timeout. @defaultValue `30_000` */
  timeoutMs?: number;
  /**
   * The capabilities that decide which groups run. When omitted, the suite builds one probe
   * fixture while collecting tests and reads `store.capabilities` (declare them when the
   * factory needs a server started in `beforeAll`). Either way one test checks that every
   * fixture's adapter declares exactly these.
   */
  capabilities?: ObjectStoreCapabilities;
}

/** The suite options with defaults filled in, as the groups see them. */
export type ResolvedObjectStoreSuiteOptions = Required<
  Omit<ObjectStoreSuiteOptions, 'capabilities'>
> & {
  capabilities: ObjectStoreCapabilities;
};

/**
 * Registers the ObjectStore conformance suite: round trips, listing, deletes, key validation,
 * failed and aborted puts, and (when `capabilities.signedUrls`) signed URLs. Each test calls
 * `factory` for a fresh, empty store and runs the fixture's `cleanup` afterwards.
 */
export function objectStoreConformance(
  name: string,
  factory: () => Promise<ObjectStoreFixture>,
  options: ObjectStoreSuiteOptions = {},
): void {
  describe(`ObjectStore conformance: ${name}`, async () => {
    const capabilities = await resolveCapabilities(
      factory,
      (f) => f.store.capabilities,
      options.capabilities,
    );
    const resolved: ResolvedObjectStoreSuiteOptions = {
      manyKeys: options.manyKeys ?? 1100,
      largeBodyBytes: options.largeBodyBytes ?? 6 * 1024 * 1024,
      signedUrlExpiryMs: options.signedUrlExpiryMs ?? 1000,
      timeoutMs: options.timeoutMs ?? 30_000,
      capabilities,
    };
    describe('capabilities', () => {
      const fixture = useFixture(factory);
      it(`declares ${JSON.stringify(capabilities)}`, () => {
        expect(fixture().store.capabilities).toEqual(capabilities);
        expect(typeof fixture().store.name).toBe('string');
      });
    });
    objectStoreBasicTests(factory, resolved);
    objectStoreListTests(factory, resolved);
    objectStoreKeyTests(factory, resolved);
    objectStoreFailureTests(factory, resolved);
    if (capabilities.signedUrls) objectStoreSignedUrlTests(factory, resolved);
  });
}
