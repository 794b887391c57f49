import { writeUtf8 } from './byte-sink.js';
import { writeTwoDigits } from './decimal-digits.js';

/*
 * `Date.prototype.toISOString` was 29% of the CSV encoder's time in a profile of 10 mixed
 * columns (one of them a date). This formats the same text from the epoch milliseconds with
 * integer arithmetic and lookup tables, and reuses the `YYYY-MM-DDT` prefix while consecutive
 * dates fall on the same day, as they do in time-ordered exports.
 */

const msPerDay = 86_400_000;
/** Years 0000-9999 have four digits; others take toISOString's `+YYYYYY`/`-YYYYYY` form. */
const minFastMs = -62_167_219_200_000; // 0000-01-01T00:00:00.000Z
const maxFastMs = 253_402_300_800_000; // 10000-01-01T00:00:00.000Z

const twoDigits = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));

/** `YYYY-MM-DDT` of `cachedDay`, kept while consecutive dates fall on the same day. */
let cachedDay = Number.NaN;
const prefixBytes = new Uint8Array(11);

/** Room for the longest form, `+YYYYYY-MM-DDTHH:mm:ss.sssZ`. */
const scratch = Buffer.allocUnsafe(27);

/**
 * `new Date(ms).toISOString()` for a finite time value, faster. Callers check validity (a NaN
 * time has no text).
 */
export function isoString(ms: number): string {
  return scratch.toString('latin1', 0, writeIsoDate(scratch, 0, ms));
}

/** Writes {@link isoString}'s text as bytes at `pos` and returns the end; needs 27 bytes of room. */
export function writeIsoDate(buf: Uint8Array, pos: number, ms: number): number {
  if (ms < minFastMs || ms >= maxFastMs) return writeUtf8(buf, pos, new Date(ms).toISOString());
  const day = Math.floor(ms / msPerDay);
  if (day !== cachedDay) {
    prefixBytes.set(Buffer.from(datePrefix(day), 'latin1'));
    cachedDay = day;
  }
  for (let i = 0; i < 11; i++) buf[pos + i] = prefixBytes[i]!;
  pos += 11;
  // Every step in 32-bit integers (`| 0` after each division): `%` and `/` on doubles are
  // far slower, and a double `%` is a call into the runtime.
  let rest = (ms - day * msPerDay) | 0;
  const millis = rest % 1000;
  rest = ((rest - millis) / 1000) | 0;
  const seconds = rest % 60;
  rest = ((rest - seconds) / 60) | 0;
  const minutes = rest % 60;
  const hours = ((rest - minutes) / 60) | 0;
  pos = writeTwoDigits(buf, pos, hours);
  buf[pos++] = 0x3a; // :
  pos = writeTwoDigits(buf, pos, minutes);
  buf[pos++] = 0x3a;
  pos = writeTwoDigits(buf, pos, seconds);
  buf[pos++] = 0x2e; // .
  const hundreds = (millis / 100) | 0;
  buf[pos++] = 0x30 + hundreds;
  pos = writeTwoDigits(buf, pos, millis - hundreds * 100);
  buf[pos++] = 0x5a; // Z
  return pos;
}

/**
 * `YYYY-MM-DDT` for days since 1970-01-01, by Howard Hinnant's `civil_from_days` (proleptic
 * Gregorian calendar, as ECMAScript dates use).
 */
function datePrefix(days: number): string {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfYear =
    dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthIndex = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthIndex + 2) / 5) + 1;
  const month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return `${twoDigits[Math.floor(year / 100)]}${twoDigits[year % 100]}-${twoDigits[month]}-${twoDigits[day]}T`;
}
