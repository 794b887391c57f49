/**
 * Compares two strings by the bytes of their UTF-8 form, the order S3 lists keys in. Code point
 * order equals UTF-8 byte order; plain `<` compares UTF-16 code units, which differs once a key
 * holds characters beyond U+FFFF.
 */
export function compareUtf8(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const ca = a.codePointAt(i)!;
    const cb = b.codePointAt(j)!;
    if (ca !== cb) return ca < cb ? -1 : 1;
    i += ca > 0xffff ? 2 : 1;
    j += cb > 0xffff ? 2 : 1;
  }
  return a.length - i - (b.length - j);
}
