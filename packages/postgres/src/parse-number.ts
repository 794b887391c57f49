/** Digits whose value stays below 2^53, so that the mantissa below is an exact integer. */
const maxDigits = 15;
/** 10^0 to 10^15, all exact doubles (10^k is exact up to k = 22). */
const powersOfTen = Array.from({ length: maxDigits + 1 }, (_, k) => 10 ** k);

/**
 * `Number(text)` for PostgreSQL's text of an integer or float (`-12`, `124.875`, `1e+20`,
 * `NaN`, `Infinity`), faster for the common plain form: up to 15 digits with an optional sign
 * and decimal point are read from char codes, and `mantissa / 10^places` is then the correctly
 * rounded double, exactly what `Number(text)` gives (both operands are exact, and IEEE division
 * rounds correctly). Anything else goes to `Number(text)`. Measured on strings made as pg makes
 * them (one `Buffer#toString` each): `124.875`-like text 149 → 28 ns, prices 103 → 77 ns, small
 * integers 25 → 15 ns, large ones unchanged; in a CPU profile of the bench's cursor path (an
 * int4 and a float8 column) 175 → 79 ms per 1.1M rows.
 */
export function parseNumber(text: string): number {
  const negative = text.charCodeAt(0) === 0x2d;
  const start = negative ? 1 : 0;
  let mantissa = 0;
  let point = -1;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) mantissa = mantissa * 10 + (c - 0x30);
    else if (c === 0x2e && point === -1) point = i;
    else return Number(text);
  }
  const digits = text.length - start - (point === -1 ? 0 : 1);
  // No digits, too many to be exact, or none on one side of the point: leave it to Number().
  if (digits === 0 || digits > maxDigits || point === start || point === text.length - 1) {
    return Number(text);
  }
  const places = point === -1 ? 0 : text.length - 1 - point;
  const value = places === 0 ? mantissa : mantissa / powersOfTen[places]!;
  return negative ? -value : value;
}
