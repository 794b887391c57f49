import { createHmac } from 'node:crypto';
import { ExportkitError } from '@exportkit/core';
import { storeName } from './fs-errors.js';

/** An HMAC-SHA256 key: a string (its UTF-8 bytes) or raw bytes. */
export type SigningSecret = string | Uint8Array;

/**
 * The shortest secret accepted, in bytes. HMAC-SHA256 gains nothing above 32 bytes of entropy
 * and a guessable short secret lets anyone mint download URLs.
 */
export const minSecretBytes = 32;

/** Throws `INVALID_CONFIG` unless `secret` is text or bytes of at least {@link minSecretBytes}. */
export function assertSigningSecret(
  secret: unknown,
  where: string,
): asserts secret is SigningSecret {
  const length =
    typeof secret === 'string'
      ? Buffer.byteLength(secret, 'utf8')
      : secret instanceof Uint8Array
        ? secret.byteLength
        : -1;
  if (length < minSecretBytes) {
    throw new ExportkitError(
      'INVALID_CONFIG',
      `[exportkit] [${storeName}] ${where} needs a signing secret of at least ${minSecretBytes} bytes; generate one with \`node -e "console.log(require('node:crypto').randomBytes(32).toString('hex'))"\` and keep it out of source control.`,
      { details: { secretBytes: Math.max(length, 0) } },
    );
  }
}

/** The fields a download URL's signature covers. */
export interface SignedFields {
  key: string;
  /** Unix time in seconds after which the URL is refused. */
  expires: number;
  /** The download file name; `''` when the URL names none. */
  name: string;
}

/**
 * The hex HMAC-SHA256 of the fields. They are signed as a JSON array, an unambiguous encoding:
 * with a plain separator a key or name holding that separator could make two different URLs
 * share one signature. The version tag lets a future format change invalidate old URLs.
 */
export function signFields(secret: SigningSecret, fields: SignedFields): string {
  const canonical = JSON.stringify([
    'exportkit-local-disk-v1',
    fields.key,
    fields.expires,
    fields.name,
  ]);
  return createHmac('sha256', secret).update(canonical, 'utf8').digest('hex');
}

/** A key as a URL path: each segment percent-encoded, joined by `/`. */
export function encodeKeyPath(key: string): string {
  return key.split('/').map(encodeURIComponent).join('/');
}
