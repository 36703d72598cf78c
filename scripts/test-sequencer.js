/**
 * Runs the suites that take longest first, so that on 2 cores they overlap with the many short
 * ones instead of forming the tail. Jest orders by the durations it cached, which a fresh CI
 * checkout does not have (it then takes the largest files first, and the slowest suites are
 * small files driving real tools). Real-tool suites and the property test go first; within
 * each group jest's own order applies.
 */
'use strict';
const Sequencer = require('@jest/test-sequencer').default;

const rank = (p) => (/retention/.test(p) ? 0 : /[/\\](integration|fuzz)[/\\]|real-postgres|field-coverage/.test(p) ? 1 : 2);

class SlowFirst extends Sequencer {
  sort(tests) {
    const order = new Map(super.sort(tests).map((t, i) => [t, i]));
    return [...tests].sort((a, b) => rank(a.path) - rank(b.path) || order.get(a) - order.get(b));
  }
}
module.exports = SlowFirst;
