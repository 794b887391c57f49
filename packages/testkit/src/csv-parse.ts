/**
 * A strict RFC 4180 parser for checking encoded output: fields split on `delimiter`, records
 * end with exactly `lineEnding` (outside quotes), quoted fields double their quotes. Throws on
 * anything else, so a malformed encoding fails loudly instead of parsing to the wrong rows.
 */
export function parseCsv(text: string, delimiter: string, lineEnding: 'crlf' | 'lf'): string[][] {
  const eol = lineEnding === 'crlf' ? '\r\n' : '\n';
  const records: string[][] = [];
  let record: string[] = [];
  let i = 0;
  while (i < text.length) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length)
          throw new Error(`[exportkit] [testkit] Unterminated quoted field at ${i}.`);
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += text[i];
        i++;
      }
    } else {
      while (i < text.length && text[i] !== delimiter && !text.startsWith(eol, i)) {
        if (text[i] === '"' || text[i] === '\n' || text[i] === '\r') {
          throw new Error(
            `[exportkit] [testkit] Unquoted ${JSON.stringify(text[i])} inside a field at ${i}.`,
          );
        }
        field += text[i];
        i++;
      }
    }
    record.push(field);
    if (text[i] === delimiter) {
      i++;
    } else if (text.startsWith(eol, i)) {
      i += eol.length;
      records.push(record);
      record = [];
    } else if (i < text.length) {
      throw new Error(`[exportkit] [testkit] Expected a delimiter or line ending at ${i}.`);
    } else {
      throw new Error('[exportkit] [testkit] The last record has no line ending.');
    }
  }
  if (record.length > 0)
    throw new Error('[exportkit] [testkit] The last record has no line ending.');
  return records;
}
