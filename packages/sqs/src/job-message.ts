import { assertTenantId, isExportId, type JobMessage } from '@exportkit/core';

/**
 * Parses a queue message body as a {@link JobMessage}: JSON `{ exportId, tenantId }` with a
 * 64-hex export id and a valid tenant id. Returns the reason instead when it is not one, so
 * callers can log it and let the message reach the dead-letter queue.
 */
export function parseJobMessage(
  body: string | undefined,
): { message: JobMessage } | { problem: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body ?? '');
  } catch {
    return { problem: 'the body is not JSON' };
  }
  if (typeof parsed !== 'object' || parsed === null)
    return { problem: 'the body is not a JSON object' };
  const { exportId, tenantId } = parsed as Record<string, unknown>;
  if (!isExportId(exportId)) return { problem: 'exportId is not 64 lowercase hex characters' };
  try {
    assertTenantId(tenantId);
  } catch (error) {
    return { problem: `tenantId is invalid: ${(error as Error).message}` };
  }
  return { message: { exportId, tenantId } };
}

/** The body the queue carries for `message`: only the two fields, so nothing else leaks in. */
export function serializeJobMessage(message: JobMessage): string {
  return JSON.stringify({ exportId: message.exportId, tenantId: message.tenantId });
}
