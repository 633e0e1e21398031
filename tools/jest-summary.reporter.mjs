// Prints one plain closing line after jest's own summary, `tests: N passed, N failed`
// (`, N skipped` when any were), which any tool reading test output understands. It is
// written as the process exits, so it is the last line of the run.
export default class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const line = `tests: ${results.numPassedTests} passed, ${results.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}`;
    process.once('exit', () => process.stderr.write(`${line}\n`));
  }
}
