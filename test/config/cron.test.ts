import { cronGaps, cronProblem, isCron5, isCron6 } from '../../lib/config/cron';

describe('cron', () => {
  test.each(['0 2 * * *', '*/15 * * * *', '0 0 * * 0', '30 1 1,15 * *', '@daily', '0 9-17 * * 1-5'])('five fields: %s', (c) =>
    expect(isCron5(c)).toBe(true),
  );
  test.each(['0 0 2 * * *', '60 * * * *', '* * *', '0 24 * * *', '0 0 * * 7', 'daily'])('not five fields: %s', (c) =>
    expect(isCron5(c)).toBe(false),
  );
  test.each(['0 0 0 * * *', '0 */30 * * * *', '0 0 3 * * 1-5'])('six fields: %s', (c) => expect(isCron6(c)).toBe(true));
  test.each(['0 0 * * *', '0 0 0 * * * *', '61 0 0 * * *'])('not six fields: %s', (c) => expect(isCron6(c)).toBe(false));
});

describe('cronProblem', () => {
  test('says which field is wrong and why', () => {
    expect(cronProblem('0 25 * * *')).toBe('hour field "25": 25 is outside 0-23');
    expect(cronProblem('0 0 0 * *', { seconds: true })).toMatch(
      /^must be a cron expression with 6 fields \(second minute hour day-of-month month day-of-week\); got 5 fields/,
    );
    expect(cronProblem('*/0 * * * *')).toBe('minute field "*/0": step "0" must be a positive number');
  });

  test('refuses schedules that never fire', () => {
    expect(cronProblem('0 0 31 2 *')).toBe('never fires: no month in "2" has day "31"');
    expect(cronProblem('0 0 0 30 2 *', { seconds: true })).toBe('never fires: no month in "2" has day "30"');
    expect(cronProblem('0 0 29 2 *')).toBeUndefined(); // leap years
    expect(cronProblem('0 0 31 2,3 *')).toBeUndefined();
    expect(cronProblem('0 0 31 2 1')).toBeUndefined(); // day-of-week: fires every Monday of February
  });

  test('@every only where the parser takes it', () => {
    expect(cronProblem('@every 1h', { every: true })).toBeUndefined();
    expect(cronProblem('@every 1h')).toBeDefined();
  });
});

test('the spacing of runs: @every in Go durations, fields day by day, macros as their fields', () => {
  expect(cronGaps('@every 1h30m', { every: true })).toEqual({ longest: 5400, shortest: 5400 });
  expect(cronGaps('@every .5h', { every: true })).toEqual({ longest: 1800, shortest: 1800 });
  expect(cronGaps('0 2 * * *')).toEqual({ longest: 86400, shortest: 86400 });
  expect(cronGaps('0 4 * * 0')).toEqual({ longest: 7 * 86400, shortest: 7 * 86400 });
  expect(cronGaps('@daily')).toEqual(cronGaps('0 0 * * *'));
  expect(cronGaps('0 2 * *')).toBeUndefined();
});
