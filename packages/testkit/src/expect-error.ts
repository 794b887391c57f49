import { type ErrorCode, isExportkitError } from '@exportkit/core';
import { expect } from 'vitest';

/** Asserts that `action` rejects with an `ExportkitError` carrying `code`; returns the error. */
export async function expectExportkitError(
  action: Promise<unknown> | (() => Promise<unknown>),
  code: ErrorCode,
): Promise<Error> {
  let caught: unknown;
  try {
    await (typeof action === 'function' ? action() : action);
  } catch (error) {
    caught = error;
  }
  expect(
    caught,
    `expected an ExportkitError with code ${code}, but nothing was thrown`,
  ).toBeDefined();
  expect(
    isExportkitError(caught, code),
    `expected an ExportkitError with code ${code}, got ${describeError(caught)}`,
  ).toBe(true);
  return caught as Error;
}

/** True when `error` is `target` or has it somewhere in its `cause` chain. */
export function hasInCauseChain(error: unknown, target: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 10 && current !== undefined && current !== null; depth++) {
    if (current === target) return true;
    if (
      current instanceof AggregateError &&
      current.errors.some((e) => hasInCauseChain(e, target))
    ) {
      return true;
    }
    current = current instanceof Error ? current.cause : undefined;
  }
  return false;
}

function describeError(error: unknown): string {
  if (isExportkitError(error)) return `ExportkitError ${error.code}: ${error.message}`;
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
