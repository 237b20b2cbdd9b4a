import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { kubectlBinaries, runKubectl, unpackLayerInto } from './clients';

const scratch = mkdtempSync(join(tmpdir(), 'portico-clients-spec-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface VersionJson {
  clientVersion: { major: string; minor: string };
}

describe('kubectlBinaries', () => {
  it('finds kubectl 1.32, 1.33, 1.35 and helm 4, and they run', async () => {
    const [a, b] = await Promise.all([kubectlBinaries(), kubectlBinaries()]);
    expect(a).toEqual(b);
    const kubeconfig = join(scratch, 'none');
    for (const [bin, minor] of [
      [a.kubectl132, '32'],
      [a.kubectl133, '33'],
      [a.kubectl135, '35'],
    ] as const) {
      const r = await runKubectl(bin, ['version', '--client', '-o', 'json'], { kubeconfig });
      expect(r.code, r.stderr).toBe(0);
      const v = JSON.parse(r.stdout) as VersionJson;
      expect(v.clientVersion.major).toBe('1');
      expect(v.clientVersion.minor.replace(/\D+$/, '')).toBe(minor);
    }
    const h = await runKubectl(a.helm, ['version', '--short'], { kubeconfig });
    expect(h.code, h.stderr).toBe(0);
    expect(h.stdout).toMatch(/^v4\./);
  });
});

describe('unpackLayerInto', () => {
  it('unpacks once: a second call (and a concurrent one) leaves the binaries and no temp files', async () => {
    const dir = join(scratch, 'layer');
    const [first, second] = await Promise.all([
      Promise.resolve().then(() => unpackLayerInto(dir)),
      Promise.resolve().then(() => unpackLayerInto(dir)),
    ]);
    expect(first).toEqual(second);
    const mtime = statSync(first.kubectl).mtimeMs;
    unpackLayerInto(dir);
    expect(statSync(first.kubectl).mtimeMs).toBe(mtime);
    expect(readdirSync(dir).sort()).toEqual(['helm', 'kubectl']);
    expect(statSync(first.helm).mode & 0o111).not.toBe(0);
  });
});

describe('runKubectl', () => {
  it('runs with a fresh HOME and cache dir, the given KUBECONFIG, and removes the HOME afterwards', async () => {
    const kubeconfig = join(scratch, 'kubeconfig');
    writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\n');
    const r = await runKubectl('/bin/sh', ['-c', 'echo "$HOME|$KUBECONFIG|$KUBECACHEDIR"; cat'], { kubeconfig, input: 'from-stdin' });
    expect(r.code).toBe(0);
    const [home, kc, cache] = r.stdout.split('\n')[0]!.split('|');
    expect(home).toContain('portico-kubectl-');
    expect(home).not.toBe(process.env['HOME']);
    expect(kc).toBe(kubeconfig);
    expect(cache!.startsWith(home!)).toBe(true);
    expect(r.stdout).toContain('from-stdin');
    expect(existsSync(home!)).toBe(false);
  });

  it('gives each call its own HOME', async () => {
    const kubeconfig = join(scratch, 'kubeconfig');
    const [a, b] = await Promise.all([
      runKubectl('/bin/sh', ['-c', 'echo $HOME'], { kubeconfig }),
      runKubectl('/bin/sh', ['-c', 'echo $HOME'], { kubeconfig }),
    ]);
    expect(a.stdout).not.toBe(b.stdout);
  });

  it('reports the exit code and stderr of a failing command', async () => {
    const r = await runKubectl('/bin/sh', ['-c', 'echo oops >&2; exit 3'], { kubeconfig: join(scratch, 'kubeconfig') });
    expect(r).toMatchObject({ code: 3, stderr: 'oops\n', timedOut: false });
  });

  it('kills a command that outlives its timeout', async () => {
    const r = await runKubectl('/bin/sleep', ['30'], { kubeconfig: join(scratch, 'kubeconfig'), timeoutMs: 200 });
    expect(r.timedOut).toBe(true);
    expect(r.code).toBeNull();
  });
});
