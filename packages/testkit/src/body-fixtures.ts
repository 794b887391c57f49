/** Deterministic pseudo-random bytes (xorshift), so a large body needs no stored copy to check. */
export function patternBytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    out[i] = state & 0xff;
  }
  return out;
}

/** Yields `total` bytes in `chunkSize` chunks, generated on demand (never the whole body). */
export async function* chunkedBody(
  total: number,
  chunkSize: number,
  seed: number,
): AsyncGenerator<Uint8Array> {
  let sent = 0;
  let index = 0;
  while (sent < total) {
    const size = Math.min(chunkSize, total - sent);
    yield patternBytes(size, seed + index);
    sent += size;
    index++;
  }
}

/** Wraps chunks as an async iterable, yielding to the event loop between them like a real stream. */
export async function* asyncChunks(chunks: readonly Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const chunk of chunks) {
    await Promise.resolve();
    yield chunk;
  }
}
