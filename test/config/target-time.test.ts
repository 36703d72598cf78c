import fc from 'fast-check';
import { TargetTime } from '../../lib/config/target-time';

describe('TargetTime', () => {
  test.each([
    ['2026-11-20T08:00:00+01:00', '2026-11-20T08:00:00+01:00', '2026-11-20 08:00:00+01:00', '2026-11-20T07:00:00Z'],
    ['2024-02-06 19:50:11-08:00', '2024-02-06T19:50:11-08:00', '2024-02-06 19:50:11-08:00', '2024-02-07T03:50:11Z'],
    ['2026-11-20T07:00:00Z', '2026-11-20T07:00:00+00:00', '2026-11-20 07:00:00+00:00', '2026-11-20T07:00:00Z'],
    ['2026-11-20T07:00:00.25+05:30', '2026-11-20T07:00:00.25+05:30', '2026-11-20 07:00:00.25+05:30', '2026-11-20T01:30:00.250Z'],
    ['2022-06-05 08:00:00-0800', '2022-06-05T08:00:00-08:00', '2022-06-05 08:00:00-08:00', '2022-06-05T16:00:00Z'],
  ])('%s renders for each tool', (text, rfc3339, postgres, utc) => {
    const t = TargetTime.parse(text)!;
    expect(t.rfc3339).toBe(rfc3339);
    expect(t.postgres).toBe(postgres);
    expect(t.utc).toBe(utc);
  });

  test.each([
    '2026-11-20 08:00:00',
    '2026-11-20T08:00:00',
    '2026-11-20',
    'yesterday',
    '2026-02-30T08:00:00Z',
    '2026-11-20T25:00:00Z',
    '2026-11-20T08:00:00+15:00',
  ])('fails for %s', (text) => expect(TargetTime.parse(text)).toBeUndefined());

  test('names the missing offset', () => {
    expect(TargetTime.lacksOffset('2026-11-20 08:00:00')).toBe(true);
    expect(TargetTime.lacksOffset('2026-11-20T08:00:00Z')).toBe(false);
  });

  test('every format denotes the same instant (property)', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }),
        fc.integer({ min: -14 * 4, max: 14 * 4 }),
        (date, quarters) => {
          const offset = quarters * 15;
          const wall = new Date(Math.floor(date.getTime() / 1000) * 1000 + offset * 60_000).toISOString().slice(0, 19);
          const sign = offset < 0 ? '-' : '+';
          const off = `${sign}${String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0')}:${String(Math.abs(offset) % 60).padStart(2, '0')}`;
          const t = TargetTime.parse(`${wall}${off}`)!;
          expect(Date.parse(t.rfc3339)).toBe(t.epochMs);
          expect(TargetTime.parse(t.postgres)!.epochMs).toBe(t.epochMs);
          expect(Date.parse(t.utc)).toBe(t.epochMs);
        },
      ),
    );
  });
});
