import { timingSafeEqual } from 'node:crypto';
import { assertValidKey, ExportkitError, isExportkitError } from '@exportkit/core';
import { storeName } from './fs-errors.js';
import {
  assertSigningSecret,
  type SignedFields,
  type SigningSecret,
  signFields,
} from './signing.js';

/** The parts of a signed download URL, for callers that parsed it themselves. */
export interface SignedUrlParams {
  key: string;
  /** Unix time in seconds, as in the URL's `expires` parameter. */
  expires: number;
  /** The `name` parameter; omitted or `''` when the URL names no download file. */
  name?: string;
  /** The `signature` parameter: 64 lowercase hex characters. */
  signature: string;
}

/** Options for {@link verifySignedUrl}. */
export interface VerifySignedUrlOptions {
  /** The time to check expiry against. @defaultValue `new Date()` */
  now?: Date;
  /**
   * The URL path the keys follow (the path of `signing.baseUrl`, e.g. `'/downloads'`); only
   * used when verifying a URL string. @defaultValue `''`
   */
  basePath?: string;
}

/** What a valid signed URL grants. */
export interface VerifiedSignedUrl {
  key: string;
  expiresAt: Date;
  /** The file name to offer the browser, when the URL names one. */
  downloadName?: string;
}

const signaturePattern = /^[0-9a-f]{64}$/;
const expiresPattern = /^[0-9]{1,15}$/;

/**
 * Checks a download URL made by `LocalDiskObjectStore.signedUrl`: a full URL, a path with
 * query (`req.url`), or its parsed parts. Compares signatures in constant time, then checks
 * expiry, so an expired URL is only reported as such when it is genuine. Throws
 * `INVALID_SIGNATURE` when the URL is malformed or altered, `URL_EXPIRED` when it has lapsed.
 */
export function verifySignedUrl(
  input: string | URL | SignedUrlParams,
  secret: SigningSecret,
  options: VerifySignedUrlOptions = {},
): VerifiedSignedUrl {
  assertSigningSecret(secret, 'verifySignedUrl');
  const { fields, signature } =
    typeof input === 'string' || input instanceof URL
      ? parseUrl(input, options.basePath ?? '')
      : parseParams(input);
  const expected = Buffer.from(signFields(secret, fields), 'hex');
  // Both are 32 bytes here (the pattern checked the length), as timingSafeEqual requires.
  if (!timingSafeEqual(expected, Buffer.from(signature, 'hex'))) {
    throw new ExportkitError(
      'INVALID_SIGNATURE',
      `[exportkit] [${storeName}] The download URL's signature does not match: it was altered or signed with another secret. Request a fresh URL.`,
    );
  }
  const expiresAt = new Date(fields.expires * 1000);
  const now = options.now ?? new Date();
  if (now.getTime() >= expiresAt.getTime()) {
    throw new ExportkitError(
      'URL_EXPIRED',
      `[exportkit] [${storeName}] The download URL expired at ${expiresAt.toISOString()}. Request a fresh URL.`,
      { details: { expiresAt: expiresAt.toISOString() } },
    );
  }
  return { key: fields.key, expiresAt, ...(fields.name ? { downloadName: fields.name } : {}) };
}

function parseUrl(
  input: string | URL,
  basePath: string,
): { fields: SignedFields; signature: string } {
  let url: URL;
  try {
    // The base only completes a bare path such as `req.url`; a full URL keeps its own origin.
    url = new URL(input, 'http://localhost');
  } catch {
    throw malformed('it is not a URL');
  }
  const base = basePath.replace(/\/+$/, '');
  if (!url.pathname.startsWith(`${base}/`))
    throw malformed(`its path does not start with "${base}/"`);
  let key: string;
  try {
    key = url.pathname
      .slice(base.length + 1)
      .split('/')
      .map(decodeURIComponent)
      .join('/');
  } catch {
    throw malformed('its path holds an invalid percent-encoding');
  }
  const expires = single(url.searchParams, 'expires');
  const signature = single(url.searchParams, 'signature');
  const names = url.searchParams.getAll('name');
  if (expires === undefined || !expiresPattern.test(expires))
    throw malformed('"expires" is missing or not a number');
  if (signature === undefined) throw malformed('"signature" is missing or repeated');
  if (names.length > 1) throw malformed('"name" is repeated');
  return parseParams({ key, expires: Number(expires), name: names[0] ?? '', signature });
}

function parseParams(params: SignedUrlParams): { fields: SignedFields; signature: string } {
  const { key, expires, name = '', signature } = params;
  if (typeof key !== 'string') throw malformed('the key is missing');
  try {
    assertValidKey(key, storeName);
  } catch (error) {
    if (isExportkitError(error, 'INVALID_KEY')) throw malformed('it names an invalid key');
    throw error;
  }
  if (!Number.isSafeInteger(expires) || expires < 0)
    throw malformed('"expires" is not a whole number of seconds');
  if (typeof name !== 'string') throw malformed('"name" is not text');
  if (typeof signature !== 'string' || !signaturePattern.test(signature)) {
    throw malformed('"signature" is not 64 lowercase hex characters');
  }
  return { fields: { key, expires, name }, signature };
}

function single(params: URLSearchParams, name: string): string | undefined {
  const values = params.getAll(name);
  return values.length === 1 ? values[0] : undefined;
}

function malformed(problem: string): ExportkitError {
  return new ExportkitError(
    'INVALID_SIGNATURE',
    `[exportkit] [${storeName}] The download URL is malformed: ${problem}. Request a fresh URL.`,
  );
}
