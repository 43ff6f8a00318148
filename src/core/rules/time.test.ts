import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDate, formatDateTime, isValidTimeZone, toIso, toMs } from './time.ts';

const ZONES = ['UTC', 'Asia/Shanghai', 'America/New_York', 'Europe/London', 'Australia/Lord_Howe', 'Asia/Kathmandu'];

describe('time formatting', () => {
  it('writes dates the same way in both languages and every zone', () => {
    const t = Date.parse('2022-03-13T06:59:00Z');
    expect(formatDateTime(t, 'UTC', 'en')).toBe('13 Mar 2022 06:59');
    expect(formatDateTime(t, 'UTC', 'zh-CN')).toBe('2022年3月13日 06:59');
    expect(formatDateTime(t, 'Asia/Shanghai', 'en')).toBe('13 Mar 2022 14:59');
    // Daylight saving starts in New York at 07:00 UTC that day.
    expect(formatDateTime(t, 'America/New_York', 'en')).toBe('13 Mar 2022 01:59');
    expect(formatDateTime(t + 60_000, 'America/New_York', 'en')).toBe('13 Mar 2022 03:00');
    expect(formatDate(Date.parse('2021-12-31T16:00:00Z'), 'Asia/Shanghai', 'zh-CN')).toBe('2022年1月1日');
  });

  it('agrees with Intl at any instant, across transitions', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2040, 0, 1) }),
        fc.constantFrom(...ZONES),
        (ms, timeZone) => {
          const parts = Object.fromEntries(
            new Intl.DateTimeFormat('en-GB', {
              timeZone,
              year: 'numeric',
              month: 'short',
              day: 'numeric',
              hour: '2-digit',
              minute: '2-digit',
              hourCycle: 'h23',
            })
              .formatToParts(new Date(ms))
              .map((p) => [p.type, p.value]),
          );
          const month = parts.month === 'Sept' ? 'Sep' : parts.month;
          expect(formatDateTime(ms, timeZone, 'en')).toBe(
            `${parts.day} ${month} ${parts.year} ${parts.hour}:${parts.minute}`,
          );
        },
      ),
      { numRuns: 500 },
    );
  });

  it('parses instants strictly', () => {
    expect(toMs('2022-03-03T08:00:00+08:00')).toBe(Date.parse('2022-03-03T00:00:00Z'));
    expect(toIso(toMs(new Date(5)))).toBe('1970-01-01T00:00:00.005Z');
    expect(() => toMs('soon')).toThrow(RangeError);
    expect(() => toMs(Number.NaN)).toThrow(RangeError);
    expect(isValidTimeZone('Asia/Shanghai')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
  });
});
