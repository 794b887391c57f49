const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;

/**
 * A stateful rewriter of CSV bytes from COPY (rows end with LF) to CRLF row ends. Only LFs
 * outside quoted fields end a row; a LF inside quotes is data and stays as is, exactly as core's
 * encoder writes it. Quote state carries across chunks (a doubled `""` toggles twice, so it
 * needs no special case). See docs/postgres.md for its measured cost.
 */
export function createCrlfRewriter(): (chunk: Buffer) => Buffer {
  let quoted = false;
  return (chunk) => {
    // One pass copying byte by byte: per-row Buffer#copy calls cost more than the bytes.
    const out = Buffer.allocUnsafe(chunk.length * 2);
    let to = 0;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i]!;
      if (byte === QUOTE) quoted = !quoted;
      else if (byte === LF && !quoted) out[to++] = CR;
      out[to++] = byte;
    }
    return to === chunk.length ? chunk : out.subarray(0, to);
  };
}
