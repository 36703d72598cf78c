/**
 * Prints one plain closing line, `N passed, N failed, N skipped`, after jest's own summary, so
 * CI logs can be read by tools that do not know jest; before it, every test skipped for a
 * missing tool, with what to install (from the `[skipped: …]` in its title).
 */
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const reasons = new Map();
    for (const file of results.testResults) {
      for (const t of file.testResults) {
        if (t.status !== 'pending') continue;
        const title = [...t.ancestorTitles, t.title].find((x) => x.includes('[skipped: '));
        if (title) reasons.set(title, (reasons.get(title) ?? 0) + 1);
      }
    }
    for (const [title, n] of reasons) process.stdout.write(`skipped ${n} test${n === 1 ? '' : 's'}: ${title}\n`);
    process.stdout.write(
      `${results.numPassedTests} passed, ${results.numFailedTests} failed, ${results.numPendingTests + results.numTodoTests} skipped\n`,
    );
  }
}
module.exports = SummaryReporter;
