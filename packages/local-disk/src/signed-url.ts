import { ExportkitError, type SignedUrlOptions } from '@exportkit/core';
import { storeName } from './fs-errors.js';
import { assertSigningSecret, encodeKeyPath, type SigningSecret, signFields } from './signing.js';

/** The `signing` option of `LocalDiskObjectStore`. */
export interface LocalDiskSigningOptions {
  /**
   * The HMAC-SHA256 key; at least 32 bytes. The download handler must be given the same one.
   */
  secret: SigningSecret;
  /**
   * The public URL where the download handler is reachable, without a trailing slash, e.g.
   * `'https://api.example.com/downloads'`. URLs are `{baseUrl}/{key}?expires&name&signature`.
   */
  baseUrl: string;
}

/** Signing options after validation. */
export interface ResolvedSigning {
  secret: SigningSecret;
  baseUrl: string;
}

/** Validates the `signing` option: a strong enough secret and an absolute http(s) URL. */
export function resolveSigning(signing: LocalDiskSigningOptions): ResolvedSigning {
  assertSigningSecret(signing?.secret, 'LocalDiskObjectStore `signing`');
  let url: URL | undefined;
  try {
    url = new URL(signing.baseUrl);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.search || url.hash) {
    throw new ExportkitError(
      'INVALID_CONFIG',
      `[exportkit] [${storeName}] \`signing.baseUrl\` must be an absolute http(s) URL without query or fragment, where the download handler is served (e.g. 'https://api.example.com/downloads').`,
      { details: { baseUrl: String(signing.baseUrl).slice(0, 200) } },
    );
  }
  return { secret: signing.secret, baseUrl: url.href.replace(/\/+$/, '') };
}

/**
 * `{baseUrl}/{encoded key}?expires={unix seconds}&name={downloadName}&signature={hex HMAC}`.
 * Expiry is rounded up to the next whole second, so a URL never lapses before `expiresInMs`.
 */
export function createSignedUrl(
  signing: ResolvedSigning,
  key: string,
  options: SignedUrlOptions,
  now: Date,
): string {
  const { expiresInMs, downloadName } = options;
  if (!Number.isFinite(expiresInMs) || expiresInMs <= 0) {
    throw new ExportkitError(
      'INVALID_CONFIG',
      `[exportkit] [${storeName}] \`expiresInMs\` must be a positive number of milliseconds.`,
      { details: { expiresInMs } },
    );
  }
  const expires = Math.ceil((now.getTime() + expiresInMs) / 1000);
  const name = downloadName ?? '';
  const signature = signFields(signing.secret, { key, expires, name });
  const query = new URLSearchParams({
    expires: String(expires),
    ...(name ? { name } : {}),
    signature,
  });
  return `${signing.baseUrl}/${encodeKeyPath(key)}?${query}`;
}
