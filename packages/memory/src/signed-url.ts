import { createHmac, timingSafeEqual } from 'node:crypto';

/** What a verified signed URL grants. */
export interface SignedUrlGrant {
  key: string;
  expiresAt: number;
  downloadName?: string;
}

/** The parts of a URL {@link signUrl} produced, or why it is not one. */
export type SignedUrlCheck =
  | { ok: true; grant: SignedUrlGrant }
  | { ok: false; reason: 'malformed' | 'signature' };

/** Builds `{base}/{key}?expires=…[&name=…]&signature=…`, signing key, expiry and name together. */
export function signUrl(base: string, secret: Uint8Array, grant: SignedUrlGrant): string {
  const path = grant.key.split('/').map(encodeURIComponent).join('/');
  const params = new URLSearchParams({ expires: String(grant.expiresAt) });
  if (grant.downloadName !== undefined) params.set('name', grant.downloadName);
  params.set('signature', signature(secret, grant));
  return `${base.replace(/\/+$/, '')}/${path}?${params.toString()}`;
}

/** Parses and verifies a URL made by {@link signUrl} against `base`; does not check expiry. */
export function verifyUrl(base: string, secret: Uint8Array, url: string): SignedUrlCheck {
  const prefix = `${base.replace(/\/+$/, '')}/`;
  const queryAt = url.indexOf('?');
  const path = queryAt < 0 ? url : url.slice(0, queryAt);
  if (!path.startsWith(prefix) || queryAt < 0) return { ok: false, reason: 'malformed' };
  const params = new URLSearchParams(url.slice(queryAt + 1));
  const expiresAt = Number(params.get('expires'));
  const given = params.get('signature');
  let key: string;
  try {
    key = path.slice(prefix.length).split('/').map(decodeURIComponent).join('/');
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (!Number.isSafeInteger(expiresAt) || given === null) return { ok: false, reason: 'malformed' };
  const name = params.get('name');
  const grant: SignedUrlGrant =
    name === null ? { key, expiresAt } : { key, expiresAt, downloadName: name };
  const expected = Buffer.from(signature(secret, grant));
  const actual = Buffer.from(given);
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
    return { ok: false, reason: 'signature' };
  }
  return { ok: true, grant };
}

function signature(secret: Uint8Array, grant: SignedUrlGrant): string {
  return createHmac('sha256', secret)
    .update(`${grant.key}\n${grant.expiresAt}\n${grant.downloadName ?? ''}`)
    .digest('base64url');
}
