/**
 * Prints one plain closing line, `N passed, N failed, N skipped`, after jest's own summary, so
 * CI logs can be read by tools that do not know jest.
 */
class SummaryReporter {
  onRunComplete(_contexts, results) {
    process.stdout.write(`${results.numPassedTests} passed, ${results.numFailedTests} failed, ${results.numPendingTests + results.numTodoTests} skipped\n`);
  }
}
module.exports = SummaryReporter;
