import { afterEach, beforeEach } from 'vitest';
import type { Fixture } from './fixtures.js';

/**
 * Gives every test in the enclosing `describe` a fresh fixture and always cleans it up, even
 * when the test fails, so one broken test cannot leak state into the next.
 */
export function useFixture<F extends Fixture>(factory: () => Promise<F>): () => F {
  let current: F | undefined;
  beforeEach(async () => {
    current = await factory();
  });
  afterEach(async () => {
    const fixture = current;
    current = undefined;
    await fixture?.cleanup?.();
  });
  return () => {
    if (!current)
      throw new Error('[exportkit] [testkit] The fixture is only available inside a test.');
    return current;
  };
}

/**
 * The capabilities that decide which groups a suite registers: the ones the caller declared,
 * or else read from one probe fixture at collection time (created and cleaned up at once).
 * Probing runs before any `beforeAll`, so adapters whose factory needs a server started in a
 * hook must declare their capabilities in the suite options instead.
 */
export async function resolveCapabilities<F extends Fixture, C>(
  factory: () => Promise<F>,
  read: (fixture: F) => C,
  declared: C | undefined,
): Promise<C> {
  if (declared !== undefined) return declared;
  const fixture = await factory();
  try {
    return structuredClone(read(fixture));
  } finally {
    await fixture.cleanup?.();
  }
}
