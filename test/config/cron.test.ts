import { isCron5, isCron6 } from '../../lib/config/cron';

describe('cron', () => {
  test.each(['0 2 * * *', '*/15 * * * *', '0 0 * * 0', '30 1 1,15 * *', '@daily', '0 9-17 * * 1-5'])('five fields: %s', (c) => expect(isCron5(c)).toBe(true));
  test.each(['0 0 2 * * *', '60 * * * *', '* * *', '0 24 * * *', '0 0 * * 7', 'daily'])('not five fields: %s', (c) => expect(isCron5(c)).toBe(false));
  test.each(['0 0 0 * * *', '0 */30 * * * *', '0 0 3 * * 1-5'])('six fields: %s', (c) => expect(isCron6(c)).toBe(true));
  test.each(['0 0 * * *', '0 0 0 * * * *', '61 0 0 * * *'])('not six fields: %s', (c) => expect(isCron6(c)).toBe(false));
});
