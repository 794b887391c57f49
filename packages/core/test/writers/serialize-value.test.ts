import { describe, expect, it } from 'vitest';
import { isExportkitError } from '../../src/errors.js';
import {
  serializationRules,
  serializeCsvValue,
  serializeJsonValue,
} from '../../src/writers/index.js';

/** What a decimal library's value looks like: an object whose `toJSON` is its exact text. */
class FakeDecimal {
  constructor(private readonly text: string) {}
  toJSON(): string {
    return this.text;
  }
}

const date = new Date(Date.UTC(2024, 1, 29, 23, 59, 58, 7));

describe('serializeCsvValue', () => {
  it.each<[string, unknown, string]>([
    ['a string as is', 'a,"b"\n', 'a,"b"\n'],
    ['an integer', 42, '42'],
    ['a float', -1.5e-7, '-1.5e-7'],
    ['negative zero as 0', -0, '0'],
    ['NaN', Number.NaN, 'NaN'],
    ['Infinity', Number.POSITIVE_INFINITY, 'Infinity'],
    ['-Infinity', Number.NEGATIVE_INFINITY, '-Infinity'],
    ['a bigint exactly', -12345678901234567890123n, '-12345678901234567890123'],
    ['true', true, 'true'],
    ['false', false, 'false'],
    ['a Date as ISO 8601 UTC', date, '2024-02-29T23:59:58.007Z'],
    ['a Buffer as base64', Buffer.from([0xfb, 0xff, 0x00]), '+/8A'],
    [
      'a Uint8Array view as base64',
      new Uint8Array([9, 0xfb, 0xff, 0x00, 9]).subarray(1, 4),
      '+/8A',
    ],
    [
      'a plain object as JSON',
      { a: 1, b: [true, null], c: 'x"y' },
      '{"a":1,"b":[true,null],"c":"x\\"y"}',
    ],
    ['an array as JSON', [1, 'two', { three: 3 }], '[1,"two",{"three":3}]'],
    ['a nested bigint as a string', { id: 2n ** 70n }, '{"id":"1180591620717411303424"}'],
    ['nested non-finite numbers as strings', [Number.NaN, -Infinity], '["NaN","-Infinity"]'],
    ['nested binary as base64', { b: Buffer.from('hi') }, '{"b":"aGk="}'],
    ['nested dates as ISO', { d: date }, '{"d":"2024-02-29T23:59:58.007Z"}'],
    ['a toJSON string as is', new FakeDecimal('-0.10'), '-0.10'],
    ['a toJSON object as JSON', { toJSON: () => ({ x: 1 }) }, '{"x":1}'],
    ['null as empty', null, ''],
    ['undefined as empty', undefined, ''],
    ['an empty string as empty', '', ''],
  ])('writes %s', (_name, value, expected) => {
    expect(serializeCsvValue(value)).toBe(expected);
  });

  it('keeps the text of decimal, bigint and json columns exactly', () => {
    expect(serializeCsvValue('123456789012345678901234.50', { name: 'n', type: 'decimal' })).toBe(
      '123456789012345678901234.50',
    );
    expect(serializeCsvValue('{ "a": 1 }', { name: 'j', type: 'json' })).toBe('{ "a": 1 }');
  });

  it('rejects an invalid Date, naming the column', () => {
    const error = catchError(() => serializeCsvValue(new Date(Number.NaN), { name: 'created' }));
    expect(isExportkitError(error, 'SERIALIZATION_ERROR')).toBe(true);
    expect((error as Error).message).toContain('column "created" holds an invalid Date');
  });

  it('rejects symbols, functions and cycles', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (const value of [Symbol('s'), () => 1, cyclic]) {
      expect(
        isExportkitError(
          catchError(() => serializeCsvValue(value)),
          'SERIALIZATION_ERROR',
        ),
      ).toBe(true);
    }
  });
});

describe('serializeJsonValue', () => {
  it.each<[string, unknown, string]>([
    ['a string as a JSON string', 'a"\n\u2028😀', '"a\\"\\n\u2028😀"'],
    ['a finite number', 1.25, '1.25'],
    ['NaN as a string', Number.NaN, '"NaN"'],
    ['Infinity as a string', Number.POSITIVE_INFINITY, '"Infinity"'],
    ['-Infinity as a string', Number.NEGATIVE_INFINITY, '"-Infinity"'],
    ['a bigint as an exact string', 2n ** 64n, '"18446744073709551616"'],
    ['booleans', false, 'false'],
    ['a Date as an ISO string', date, '"2024-02-29T23:59:58.007Z"'],
    ['binary as a base64 string', new Uint8Array([104, 105]), '"aGk="'],
    ['an object embedded', { a: [1, { b: null }] }, '{"a":[1,{"b":null}]}'],
    ['a nested bigint as a string', [1n], '["1"]'],
    ['a toJSON value', new FakeDecimal('1.10'), '"1.10"'],
    ['null', null, 'null'],
    ['undefined as null', undefined, 'null'],
  ])('writes %s', (_name, value, expected) => {
    expect(serializeJsonValue(value)).toBe(expected);
    expect(() => JSON.parse(serializeJsonValue(value))).not.toThrow();
  });

  it('keeps decimal and bigint column text as strings', () => {
    expect(serializeJsonValue('12345678901234567890', { name: 'id', type: 'bigint' })).toBe(
      '"12345678901234567890"',
    );
    expect(serializeJsonValue('0.10', { name: 'amount', type: 'decimal' })).toBe('"0.10"');
  });

  it('embeds json column text as JSON, keeping exact numbers and dropping line breaks', () => {
    const column = { name: 'doc', type: 'json' as const };
    expect(serializeJsonValue('{"big": 12345678901234567890}', column)).toBe(
      '{"big": 12345678901234567890}',
    );
    const pretty = '{\r\n  "a": "x y\\n",\n\t"b": [1,\n 2]\n}\n';
    const embedded = serializeJsonValue(pretty, column);
    expect(embedded).toBe('{"a":"x y\\n","b":[1,2]}');
    expect(JSON.parse(embedded)).toEqual(JSON.parse(pretty));
    expect(serializeJsonValue({ already: 'parsed' }, column)).toBe('{"already":"parsed"}');
  });

  it('rejects json column text that is not JSON', () => {
    const error = catchError(() => serializeJsonValue('{nope', { name: 'doc', type: 'json' }));
    expect(isExportkitError(error, 'SERIALIZATION_ERROR')).toBe(true);
    expect((error as Error).message).toContain(`column "doc" is typed 'json'`);
  });

  it('rejects an invalid Date', () => {
    const error = catchError(() => serializeJsonValue(new Date('nope')));
    expect(isExportkitError(error, 'SERIALIZATION_ERROR')).toBe(true);
  });
});

describe('serializationRules', () => {
  it('describes CSV and the JSON formats', () => {
    expect(serializationRules('csv')).toEqual({
      timeZone: 'UTC',
      date: 'iso8601',
      bigint: 'string',
      decimal: 'string',
      binary: 'base64',
      json: 'json-text-in-csv',
      null: 'empty-field',
      nonFiniteNumber: 'string',
    });
    for (const format of ['ndjson', 'json'] as const) {
      expect(serializationRules(format)).toMatchObject({ json: 'embedded', null: 'null' });
    }
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}
