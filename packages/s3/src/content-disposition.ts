/**
 * An `attachment` Content-Disposition for `fileName` that every browser reads: a quoted ASCII
 * `filename` fallback (RFC 6266) plus `filename*` in UTF-8 percent-encoding (RFC 5987) when
 * the name holds anything the quoted form cannot carry.
 */
export function attachmentDisposition(fileName: string): string {
  const fallback = fileName.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  if (fallback === fileName) return `attachment; filename="${fileName}"`;
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeRfc5987(fileName)}`;
}

/** Percent-encodes everything outside RFC 5987's `attr-char`. */
function encodeRfc5987(value: string): string {
  // encodeURIComponent leaves ' ( ) * unescaped, which attr-char does not allow.
  return encodeURIComponent(value).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
