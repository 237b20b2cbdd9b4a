// The closing line of `npm test`, computed from vitest's JSON report.
import { readFileSync } from 'node:fs';

/** Counts tests, not files. In a file that failed, tests that did not run (a beforeAll or the
 *  import failed) count as failed, and a failed file without any test counts as one failure; an
 *  unsuccessful run with no failing test (unhandled errors, vitest exiting non-zero) counts as one
 *  failure too, so the closing line never reads "0 failed" for a broken run. */
export function countResults(reportFile, vitestCode, { root = '', say = (l) => process.stdout.write(`${l}\n`) } = {}) {
  let passed = 0;
  let failed = 0;
  let report;
  try {
    report = JSON.parse(readFileSync(reportFile, 'utf8'));
  } catch (e) {
    say(`portico test: no usable vitest JSON report at ${reportFile} (${e.message})`);
    return { passed: 0, failed: 1 };
  }
  for (const file of report.testResults ?? []) {
    let failedHere = 0;
    let notRun = 0;
    for (const t of file.assertionResults ?? []) {
      if (t.status === 'passed') passed++;
      else if (t.status === 'failed') failedHere++;
      else notRun++;
    }
    if (file.status === 'failed') {
      const rel = file.name.startsWith(root) ? file.name.slice(root.length + 1) : file.name;
      if (notRun > 0) say(`portico test: ${rel}: ${notRun} tests did not run because the file or a hook failed`);
      else if (failedHere === 0) say(`portico test: ${rel} failed outside its tests ${(file.message ?? '').split('\n')[0]}`);
      failedHere = Math.max(1, failedHere + notRun);
    }
    failed += failedHere;
  }
  if (failed === 0 && (report.success === false || vitestCode !== 0)) {
    say(`portico test: vitest reported failure (exit ${vitestCode}) outside any test`);
    failed = 1;
  }
  return { passed, failed };
}
