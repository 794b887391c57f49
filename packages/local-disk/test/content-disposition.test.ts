import { contentDisposition } from '@exportkit/local-disk';
import { describe, expect, it } from 'vitest';

describe('contentDisposition', () => {
  it('uses a plain filename for printable ASCII', () => {
    expect(contentDisposition('orders-2024.csv')).toBe('attachment; filename="orders-2024.csv"');
  });

  it('adds an RFC 5987 filename* for non-ASCII names', () => {
    expect(contentDisposition('données ✓.csv')).toBe(
      `attachment; filename="donn_es _.csv"; filename*=UTF-8''donn%C3%A9es%20%E2%9C%93.csv`,
    );
  });

  it("escapes RFC 5987's reserved characters ' ( ) *", () => {
    expect(contentDisposition("it's (a)*.csv")).toBe(`attachment; filename="it's (a)*.csv"`);
    expect(contentDisposition("it's é")).toContain(`filename*=UTF-8''it%27s%20%C3%A9`);
    expect(contentDisposition('(*)é')).toContain(`filename*=UTF-8''%28%2A%29%C3%A9`);
  });

  it('cannot be used to inject headers or break out of the quotes', () => {
    const header = contentDisposition('a"\r\nSet-Cookie: x=1\\.csv');
    expect(header).not.toMatch(/[\r\n]/);
    expect(header.startsWith('attachment; filename="a___Set-Cookie: x=1_.csv"; filename*=')).toBe(
      true,
    );
  });

  it('replaces "%" in the fallback so browsers cannot decode it into another name', () => {
    expect(contentDisposition('100%.csv')).toBe(
      `attachment; filename="100_.csv"; filename*=UTF-8''100%25.csv`,
    );
  });
});
