// Issue 3 item 8: the everyday kubectl and Helm workflows, with kubectl 1.33 (machine) and 1.35
// (npm layer), asserting on what a user reads. Each version works in its own namespace.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubectlBinaries, runKubectl, type RunResult } from '@portico/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { describeRun, header, KUBECTL_VERSIONS, tableRows } from '../support/kubectl-output';
import type { Portico } from '../support/portico';
import { uniqueSuffix } from '../support/status';

export function workflowsSuite(portico: () => Portico): void {
  describe.each(KUBECTL_VERSIONS)('workflows, $label', ({ label, pick }) => {
    let bin = '';
    let dir = '';
    const ns = `wf-${label.replace(/\D/g, '')}-${uniqueSuffix()}`;
    const kubectl = (args: string[], input?: string): Promise<RunResult> =>
      runKubectl(bin, args, { kubeconfig: portico().kubeconfigPath, timeoutMs: 90_000, ...(input === undefined ? {} : { input }) });
    const ok = async (args: string[], input?: string): Promise<RunResult> => {
      const r = await kubectl(args, input);
      expect(r.code, `kubectl ${args.join(' ')}\n${describeRun(r)}`).toBe(0);
      return r;
    };
    const file = (name: string, text: string): string => {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    };

    beforeAll(async () => {
      bin = pick(await kubectlBinaries());
      dir = mkdtempSync(join(tmpdir(), 'portico-e2e-workflows-'));
    });
    afterAll(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('create namespace', async () => {
      const r = await ok(['create', 'namespace', ns]);
      expect(r.stdout.trim()).toBe(`namespace/${ns} created`);
    });

    it('create configmap, secret, serviceaccount, role, rolebinding', async () => {
      expect((await ok(['create', 'configmap', 'cm1', '-n', ns, '--from-literal=a=1', '--from-literal=b=2'])).stdout.trim()).toBe('configmap/cm1 created');
      expect((await ok(['create', 'secret', 'generic', 's1', '-n', ns, '--from-literal=password=hunter2'])).stdout.trim()).toBe('secret/s1 created');
      expect((await ok(['create', 'serviceaccount', 'sa1', '-n', ns])).stdout.trim()).toBe('serviceaccount/sa1 created');
      expect((await ok(['create', 'role', 'r1', '-n', ns, '--verb=get,list', '--resource=configmaps'])).stdout.trim()).toBe(
        'role.rbac.authorization.k8s.io/r1 created',
      );
      expect((await ok(['create', 'rolebinding', 'rb1', '-n', ns, '--role=r1', `--serviceaccount=${ns}:sa1`])).stdout.trim()).toBe(
        'rolebinding.rbac.authorization.k8s.io/rb1 created',
      );
      const secret = parse((await ok(['get', 'secret', 's1', '-n', ns, '-o', 'yaml'])).stdout) as { type: string; data: Record<string, string> };
      expect(secret.type).toBe('Opaque');
      expect(Buffer.from(secret.data['password'] ?? '', 'base64').toString()).toBe('hunter2');
    });

    it('create deployment, service, job, cronjob', async () => {
      expect((await ok(['create', 'deployment', 'web', '-n', ns, '--image=nginx:1.27', '--replicas=2', '--port=80'])).stdout.trim()).toBe(
        'deployment.apps/web created',
      );
      expect((await ok(['create', 'service', 'clusterip', 'web', '-n', ns, '--tcp=80:80'])).stdout.trim()).toBe('service/web created');
      expect((await ok(['create', 'job', 'j1', '-n', ns, '--image=busybox:1.36', '--', 'echo', 'hi'])).stdout.trim()).toBe('job.batch/j1 created');
      expect((await ok(['create', 'cronjob', 'cj1', '-n', ns, '--image=busybox:1.36', '--schedule=*/5 * * * *', '--', 'date'])).stdout.trim()).toBe(
        'cronjob.batch/cj1 created',
      );
    });

    it('get: default table, wide, name, json, yaml, jsonpath, custom-columns', async () => {
      const deploy = await ok(['get', 'deployments', '-n', ns]);
      expect(header(deploy.stdout)).toEqual(['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE']);
      expect(tableRows(deploy.stdout).find((r) => r['NAME'] === 'web')).toMatchObject({ READY: '0/2' });

      const wide = await ok(['get', 'deployment', 'web', '-n', ns, '-o', 'wide']);
      expect(header(wide.stdout)).toEqual(['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE', 'CONTAINERS', 'IMAGES', 'SELECTOR']);
      expect(tableRows(wide.stdout)[0]).toMatchObject({ NAME: 'web', CONTAINERS: 'nginx', IMAGES: 'nginx:1.27', SELECTOR: 'app=web' });

      const svc = await ok(['get', 'svc', 'web', '-n', ns]);
      expect(header(svc.stdout)).toEqual(['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE']);
      const svcRow = tableRows(svc.stdout)[0];
      expect(svcRow).toMatchObject({ NAME: 'web', TYPE: 'ClusterIP', 'EXTERNAL-IP': '<none>', 'PORT(S)': '80/TCP' });
      expect(svcRow?.['CLUSTER-IP']).toMatch(/^10\.(9[6-9]|10\d|11[01])\.\d+\.\d+$/);

      const cms = await ok(['get', 'cm', '-n', ns]);
      expect(header(cms.stdout)).toEqual(['NAME', 'DATA', 'AGE']);
      expect(tableRows(cms.stdout).find((r) => r['NAME'] === 'cm1')).toMatchObject({ DATA: '2' });

      const jobs = await ok(['get', 'jobs', '-n', ns]);
      expect(header(jobs.stdout)[0]).toBe('NAME');
      expect(header(jobs.stdout)).toContain('COMPLETIONS');
      const cj = await ok(['get', 'cronjobs', '-n', ns]);
      expect(header(cj.stdout).slice(0, 3)).toEqual(['NAME', 'SCHEDULE', 'TIMEZONE']);
      expect(tableRows(cj.stdout)[0]).toMatchObject({ NAME: 'cj1', SCHEDULE: '*/5 * * * *', SUSPEND: 'False' });

      const names = await ok(['get', 'cm,secret,sa', '-n', ns, '-o', 'name']);
      const lines = names.stdout.trim().split('\n');
      for (const n of ['configmap/cm1', 'secret/s1', 'serviceaccount/sa1']) expect(lines).toContain(n);

      const json = JSON.parse((await ok(['get', 'cm', 'cm1', '-n', ns, '-o', 'json'])).stdout) as { kind: string; data: unknown };
      expect(json).toMatchObject({ kind: 'ConfigMap', data: { a: '1', b: '2' } });

      const yaml = parse((await ok(['get', 'deploy', 'web', '-n', ns, '-o', 'yaml'])).stdout) as { spec: { replicas: number; strategy: { type: string } } };
      expect(yaml.spec.replicas).toBe(2);
      expect(yaml.spec.strategy.type).toBe('RollingUpdate'); // a default kube-apiserver sets

      const jp = await ok(['get', 'deploy', 'web', '-n', ns, '-o', 'jsonpath={.spec.template.spec.containers[0].image}']);
      expect(jp.stdout).toBe('nginx:1.27');

      const cc = await ok(['get', 'cm', 'cm1', '-n', ns, '-o', 'custom-columns=NAME:.metadata.name,A:.data.a']);
      expect(tableRows(cc.stdout)).toEqual([{ NAME: 'cm1', A: '1' }]);
    });

    it('describe deployment and configmap', async () => {
      const d = await ok(['describe', 'deployment', 'web', '-n', ns]);
      expect(d.stdout).toMatch(/^Name:\s+web$/m);
      expect(d.stdout).toMatch(new RegExp(`^Namespace:\\s+${ns}$`, 'm'));
      expect(d.stdout).toMatch(/^Selector:\s+app=web$/m);
      expect(d.stdout).toMatch(/^StrategyType:\s+RollingUpdate$/m);
      expect(d.stdout).toMatch(/Image:\s+nginx:1.27/);
      const c = await ok(['describe', 'cm', 'cm1', '-n', ns]);
      expect(c.stdout).toMatch(/^Name:\s+cm1$/m);
      expect(c.stdout).toMatch(/^a:\n----\n1$/m);
    });

    it('apply (client-side): created, unchanged, configured; --prune -l removes what left the file', async () => {
      const doc = (names: string[], value: string): string =>
        names
          .map((n) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${n}\n  namespace: ${ns}\n  labels:\n    wf: prune\ndata:\n  v: "${value}"\n`)
          .join('---\n');
      const f = file('apply.yaml', doc(['ap1', 'ap2'], 'one'));
      const first = await ok(['apply', '-f', f]);
      expect(first.stdout.trim().split('\n').sort()).toEqual(['configmap/ap1 created', 'configmap/ap2 created']);
      const again = await ok(['apply', '-f', f]);
      expect(again.stdout.trim().split('\n').sort()).toEqual(['configmap/ap1 unchanged', 'configmap/ap2 unchanged']);
      file('apply.yaml', doc(['ap1', 'ap2'], 'two'));
      const changed = await ok(['apply', '-f', f]);
      expect(changed.stdout.trim().split('\n').sort()).toEqual(['configmap/ap1 configured', 'configmap/ap2 configured']);

      file('apply.yaml', doc(['ap1'], 'two'));
      const pruned = await ok(['apply', '-f', f, '--prune', '-l', 'wf=prune']);
      const out = pruned.stdout.trim().split('\n');
      expect(out).toContain('configmap/ap1 unchanged');
      expect(out).toContain('configmap/ap2 pruned');
      const gone = await kubectl(['get', 'cm', 'ap2', '-n', ns]);
      expect(gone.code).toBe(1);
      expect(gone.stderr.trim()).toBe('Error from server (NotFound): configmaps "ap2" not found');
    });

    it('apply --server-side: created, unchanged, conflict, --force-conflicts', async () => {
      const doc = (v: string): string => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\n  namespace: ${ns}\ndata:\n  v: "${v}"\n`;
      const f = file('ssa.yaml', doc('1'));
      expect((await ok(['apply', '--server-side', '-f', f])).stdout.trim()).toBe('configmap/ssa serverside-applied');
      expect((await ok(['apply', '--server-side', '-f', f])).stdout.trim()).toBe('configmap/ssa serverside-applied');
      file('ssa.yaml', doc('2'));
      const conflict = await kubectl(['apply', '--server-side', '--field-manager=other', '-f', f]);
      expect(conflict.code, describeRun(conflict)).toBe(1);
      expect(conflict.stderr).toContain('Apply failed with 1 conflict');
      expect(conflict.stderr).toContain('conflict with "kubectl"');
      expect(conflict.stderr).toContain('.data.v');
      const forced = await ok(['apply', '--server-side', '--field-manager=other', '--force-conflicts', '-f', f]);
      expect(forced.stdout.trim()).toBe('configmap/ssa serverside-applied');
      const managed = JSON.parse((await ok(['get', 'cm', 'ssa', '-n', ns, '-o', 'json', '--show-managed-fields'])).stdout) as {
        data: Record<string, string>;
        metadata: { managedFields: { manager: string; operation: string }[] };
      };
      expect(managed.data['v']).toBe('2');
      expect(managed.metadata.managedFields.map((m) => `${m.manager}/${m.operation}`)).toContain('other/Apply');
    });

    it('diff: exit 1 with the change, 0 without', async () => {
      // ap1 as the client-side apply test left it.
      const doc = (v: string): string => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ap1\n  namespace: ${ns}\n  labels:\n    wf: prune\ndata:\n  v: "${v}"\n`;
      const same = await kubectl(['diff', '-f', file('diff.yaml', doc('two'))]);
      expect(same.code, describeRun(same)).toBe(0);
      expect(same.stdout).toBe('');
      const changed = await kubectl(['diff', '-f', file('diff.yaml', doc('42'))], undefined);
      expect(changed.code, describeRun(changed)).toBe(1);
      expect(changed.stdout).toMatch(/^-\s+v: two$/m);
      expect(changed.stdout).toMatch(/^\+\s+v: "42"$/m);
    });

    it('patch: merge, json, strategic', async () => {
      expect((await ok(['patch', 'cm', 'cm1', '-n', ns, '--type=merge', '-p', '{"data":{"c":"3"}}'])).stdout.trim()).toBe('configmap/cm1 patched');
      expect((await ok(['patch', 'cm', 'cm1', '-n', ns, '--type=json', '-p', '[{"op":"test","path":"/data/c","value":"3"},{"op":"remove","path":"/data/b"}]'])).stdout.trim()).toBe(
        'configmap/cm1 patched',
      );
      const noop = await ok(['patch', 'cm', 'cm1', '-n', ns, '--type=merge', '-p', '{"data":{"c":"3"}}']);
      expect(noop.stdout.trim()).toBe('configmap/cm1 patched (no change)');
      const cm = JSON.parse((await ok(['get', 'cm', 'cm1', '-n', ns, '-o', 'json'])).stdout) as { data: Record<string, string> };
      expect(cm.data).toEqual({ a: '1', c: '3' });

      // Strategic: containers merge by name, so a sidecar is added beside nginx.
      const sp = await ok(['patch', 'deployment', 'web', '-n', ns, '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"side","image":"busybox:1.36"}]}}}}']);
      expect(sp.stdout.trim()).toBe('deployment.apps/web patched');
      const images = await ok(['get', 'deploy', 'web', '-n', ns, '-o', 'jsonpath={.spec.template.spec.containers[*].name}']);
      expect(images.stdout.split(' ').sort()).toEqual(['nginx', 'side']);
    });

    it('replace -f', async () => {
      const cm = JSON.parse((await ok(['get', 'cm', 'cm1', '-n', ns, '-o', 'json'])).stdout) as { data: Record<string, string> };
      cm.data = { replaced: 'yes' };
      const r = await ok(['replace', '-f', file('replace.json', JSON.stringify(cm))]);
      expect(r.stdout.trim()).toBe('configmap/cm1 replaced');
      const after = await ok(['get', 'cm', 'cm1', '-n', ns, '-o', 'jsonpath={.data}']);
      expect(JSON.parse(after.stdout)).toEqual({ replaced: 'yes' });
    });

    it('label and annotate', async () => {
      expect((await ok(['label', 'cm', 'cm1', '-n', ns, 'tier=gold'])).stdout.trim()).toBe('configmap/cm1 labeled');
      expect((await ok(['annotate', 'cm', 'cm1', '-n', ns, 'note=hello'])).stdout.trim()).toBe('configmap/cm1 annotated');
      const shown = await ok(['get', 'cm', '-n', ns, '-l', 'tier=gold', '--show-labels']);
      expect(tableRows(shown.stdout)).toEqual([expect.objectContaining({ NAME: 'cm1', LABELS: 'tier=gold' })]);
      const ann = await ok(['get', 'cm', 'cm1', '-n', ns, '-o', 'jsonpath={.metadata.annotations.note}']);
      expect(ann.stdout).toBe('hello');
      expect((await ok(['label', 'cm', 'cm1', '-n', ns, 'tier-'])).stdout.trim()).toBe('configmap/cm1 unlabeled');
    });

    it('scale and rollout restart', async () => {
      expect((await ok(['scale', 'deployment', 'web', '-n', ns, '--replicas=3'])).stdout.trim()).toBe('deployment.apps/web scaled');
      const replicas = await ok(['get', 'deploy', 'web', '-n', ns, '-o', 'jsonpath={.spec.replicas}']);
      expect(replicas.stdout).toBe('3');
      expect((await ok(['rollout', 'restart', 'deployment/web', '-n', ns])).stdout.trim()).toBe('deployment.apps/web restarted');
      const at = await ok(['get', 'deploy', 'web', '-n', ns, '-o', "jsonpath={.spec.template.metadata.annotations['kubectl\\.kubernetes\\.io/restartedAt']}"]);
      expect(at.stdout).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/);
    });

    it('wait --for=jsonpath and --for=delete', async () => {
      const w = await ok(['wait', '--for=jsonpath={.data.replaced}=yes', 'cm/cm1', '-n', ns, '--timeout=30s']);
      expect(w.stdout.trim()).toBe('configmap/cm1 condition met');
      await ok(['create', 'configmap', 'doomed', '-n', ns]);
      await ok(['delete', 'cm', 'doomed', '-n', ns, '--wait=false']);
      const d = await kubectl(['wait', '--for=delete', 'cm/doomed', '-n', ns, '--timeout=30s']);
      // kubectl prints "condition met" when it saw the deletion, nothing (and exit 0) when it was already gone.
      expect(d.code, describeRun(d)).toBe(0);
    });

    it('explain, api-resources, api-versions', async () => {
      const e = await ok(['explain', 'deployment.spec.replicas']);
      expect(e.stdout).toMatch(/^GROUP:\s+apps$/m);
      expect(e.stdout).toMatch(/^KIND:\s+Deployment$/m);
      expect(e.stdout).toMatch(/^FIELD: replicas <integer>$/m);
      const ar = await ok(['api-resources']);
      expect(header(ar.stdout)).toEqual(['NAME', 'SHORTNAMES', 'APIVERSION', 'NAMESPACED', 'KIND']);
      const rows = tableRows(ar.stdout);
      expect(rows.find((r) => r['NAME'] === 'deployments')).toEqual({ NAME: 'deployments', SHORTNAMES: 'deploy', APIVERSION: 'apps/v1', NAMESPACED: 'true', KIND: 'Deployment' });
      expect(rows.find((r) => r['NAME'] === 'namespaces')).toEqual({ NAME: 'namespaces', SHORTNAMES: 'ns', APIVERSION: 'v1', NAMESPACED: 'false', KIND: 'Namespace' });
      const av = (await ok(['api-versions'])).stdout.trim().split('\n');
      for (const gv of ['v1', 'apps/v1', 'batch/v1', 'rbac.authorization.k8s.io/v1', 'networking.k8s.io/v1', 'autoscaling/v2']) expect(av).toContain(gv);
    });

    it('delete by name, -f, -l, --all', async () => {
      expect((await ok(['delete', 'job', 'j1', '-n', ns])).stdout.trim()).toMatch(/^job\.batch "j1" deleted( from \S+ namespace)?$/);
      const f = file('del.yaml', `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: byfile\n  namespace: ${ns}\n`);
      await ok(['create', '-f', f]);
      expect((await ok(['delete', '-f', f])).stdout.trim()).toMatch(/^configmap "byfile" deleted( from \S+ namespace)?$/);
      await ok(['create', 'configmap', 'lab1', '-n', ns]);
      await ok(['label', 'cm', 'lab1', '-n', ns, 'del=me']);
      expect((await ok(['delete', 'cm', '-n', ns, '-l', 'del=me'])).stdout.trim()).toMatch(/^configmap "lab1" deleted( from \S+ namespace)?$/);
      const all = await ok(['delete', 'cm', '--all', '-n', ns]);
      expect(all.stdout).toMatch(/configmap "cm1" deleted/);
      const left = await ok(['get', 'cm', '-n', ns, '-o', 'name']);
      // kube-root-ca.crt is published again by its controller; nothing the user created is left.
      expect(left.stdout.trim().split('\n').filter((l) => l && l !== 'configmap/kube-root-ca.crt')).toEqual([]);
    });

    it('delete namespace: it goes, with its contents', async () => {
      const r = await ok(['delete', 'namespace', ns, '--timeout=60s']);
      expect(r.stdout.trim()).toBe(`namespace "${ns}" deleted`);
      const gone = await kubectl(['get', 'namespace', ns]);
      expect(gone.code, describeRun(gone)).toBe(1);
      expect(gone.stderr.trim()).toBe(`Error from server (NotFound): namespaces "${ns}" not found`);
    });
  });

  describe('helm 4: the chart `helm create` generates', () => {
    let helm = '';
    let dir = '';
    const ns = `wf-helm-${uniqueSuffix()}`;
    const run = (args: string[]): Promise<RunResult> => runKubectl(helm, args, { kubeconfig: portico().kubeconfigPath, timeoutMs: 120_000 });
    const ok = async (args: string[]): Promise<RunResult> => {
      const r = await run(args);
      expect(r.code, `helm ${args.join(' ')}\n${describeRun(r)}`).toBe(0);
      return r;
    };
    let kubectl133 = '';
    const kubectl = (args: string[]): Promise<RunResult> => runKubectl(kubectl133, args, { kubeconfig: portico().kubeconfigPath, timeoutMs: 60_000 });

    beforeAll(async () => {
      const bins = await kubectlBinaries();
      helm = bins.helm;
      kubectl133 = bins.kubectl133;
      dir = mkdtempSync(join(tmpdir(), 'portico-e2e-helm-'));
    });
    afterAll(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('install, upgrade, rollback, uninstall', async () => {
      const chart = join(dir, 'demo');
      await ok(['create', chart]);
      const install = await ok(['install', 'demo', chart, '-n', ns, '--create-namespace']);
      expect(install.stdout).toMatch(/^STATUS: deployed$/m);
      expect(install.stdout).toMatch(/^REVISION: 1$/m);
      const objs = await kubectl(['get', 'deploy,svc,sa', '-n', ns, '-o', 'name']);
      // serviceaccount/default comes from the service-account controller, asynchronously as upstream.
      expect(objs.stdout.trim().split('\n').filter((l) => l !== 'serviceaccount/default').sort()).toEqual(['deployment.apps/demo', 'service/demo', 'serviceaccount/demo']);

      const upgrade = await ok(['upgrade', 'demo', chart, '-n', ns, '--set', 'replicaCount=2']);
      expect(upgrade.stdout).toMatch(/^REVISION: 2$/m);
      expect((await kubectl(['get', 'deploy', 'demo', '-n', ns, '-o', 'jsonpath={.spec.replicas}'])).stdout).toBe('2');

      const rollback = await ok(['rollback', 'demo', '1', '-n', ns]);
      expect(rollback.stdout.trim()).toBe('Rollback was a success! Happy Helming!');
      expect((await kubectl(['get', 'deploy', 'demo', '-n', ns, '-o', 'jsonpath={.spec.replicas}'])).stdout).toBe('1');
      const history = await ok(['history', 'demo', '-n', ns]);
      const rows = tableRows(history.stdout);
      expect(rows.map((r) => r['REVISION'])).toEqual(['1', '2', '3']);
      expect(rows[2]).toMatchObject({ STATUS: 'deployed', DESCRIPTION: 'Rollback to 1' });

      const uninstall = await ok(['uninstall', 'demo', '-n', ns]);
      expect(uninstall.stdout.trim()).toBe('release "demo" uninstalled');
      const left = await kubectl(['get', 'deploy,svc,secrets', '-n', ns, '-o', 'name']);
      expect(left.code, describeRun(left)).toBe(0);
      expect(left.stdout.trim()).toBe('');
      await kubectl(['delete', 'namespace', ns, '--wait=false']);
    });
  });
}
