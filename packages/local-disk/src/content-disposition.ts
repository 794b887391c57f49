/**
 * A `Content-Disposition: attachment` value that makes browsers save the response as
 * `fileName`. Plain printable ASCII goes in `filename`; anything else (non-ASCII, quotes,
 * control characters that could split the header) is replaced there by `_` and the exact name
 * is added as an RFC 5987 `filename*`, which every current browser prefers.
 */
export function contentDisposition(fileName: string): string {
  const fallback = fileName.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const header = `attachment; filename="${fallback}"`;
  return fallback === fileName ? header : `${header}; filename*=UTF-8''${encodeRfc5987(fileName)}`;
}

/** Percent-encodes everything outside RFC 5987's attr-char set. */
function encodeRfc5987(value: string): string {
  return encodeURIComponent(value).replace(
    /['()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
