/** The spans of recovery objectives, PostgreSQL time settings, and the gaps between a schedule's runs. */
import { cronGaps } from '../../lib/config/cron';
import { formatSpan, pgTimeSeconds, spanSeconds } from '../../lib/config/recovery-span';

describe('spans and PostgreSQL times', () => {
  test.each([
    ['30s', 30],
    ['5m', 300],
    ['24h', 86_400],
    ['7d', 604_800],
    ['4w', 2_419_200],
  ])('span %s is %i seconds', (s, n) => expect(spanSeconds(s)).toBe(n));
  test.each(['5', '5 m', '0m', '1.5h', '5min'])('not a span: %s', (s) => expect(spanSeconds(s)).toBeUndefined());
  test.each([
    [300, '5m'],
    [604_800, '7d'],
    [90_000, '25h'],
    [90, '90s'],
    [0, '0s'],
    [null, 'unbounded'],
  ])('%p seconds read as %s', (n, s) => expect(formatSpan(n)).toBe(s));
  test.each([
    ['300', 300],
    ['300s', 300],
    ['5min', 300],
    ['1h', 3600],
    ['0', 0],
    ['500ms', 0.5],
  ])('archive_timeout %s is %p seconds', (t, n) => expect(pgTimeSeconds(t)).toBe(n));
  test('not a PostgreSQL time: 5 minutes', () => expect(pgTimeSeconds('5 minutes')).toBeUndefined());
});

describe('cronGaps: the longest and shortest time between two runs', () => {
  test.each([
    ['0 2 * * *', 86_400, 86_400],
    ['*/15 * * * *', 900, 900],
    ['0 2 * * 1-5', 3 * 86_400, 86_400],
    ['0 0 1 * *', 31 * 86_400, 28 * 86_400],
    // Day-of-month and day-of-week both set: either matches (robfig/cron).
    ['0 0 1,15 * 1', 7 * 86_400, 86_400],
    ['@weekly', 7 * 86_400, 7 * 86_400],
    // Leap days only: four years apart.
    ['0 0 29 2 *', 1461 * 86_400, 1461 * 86_400],
  ])('%s', (expr, longest, shortest) => expect(cronGaps(expr)).toEqual({ longest, shortest }));
  test('six fields with seconds, @every, and an invalid expression', () => {
    expect(cronGaps('0 0 0 * * *', { seconds: true })).toEqual({ longest: 86_400, shortest: 86_400 });
    expect(cronGaps('@every 90m', { every: true })).toEqual({ longest: 5400, shortest: 5400 });
    expect(cronGaps('0 25 * * *')).toBeUndefined();
  });
});
