// Issue 7: CustomResourceDefinitions, black-box. A CRD with every feature (fixtures/crds/*.yaml,
// written as an operator author writes them) applied and used with kubectl 1.33 and 1.35; a
// conversion webhook written as a user writes one (node:https, its own CA made with openssl); a Helm
// chart shipping a CRD in crds/ and a custom resource in templates/; an informer on a custom
// resource with @kubernetes/client-node; and the Statuses kube-apiserver gives for bad input, over
// raw HTTPS where kubectl hides them. Expected values are kube-apiserver's (apiextensions-apiserver
// and kubectl sources; shared/reference/kubernetes-api-wire.md §12).
//
// The suite substitutes its own group (`e2e-<suffix>.example.com`) for example.com in the
// fixtures: the distributed suites share one etcd.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:https';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { CustomObjectsApi, KubeConfig, type KubernetesListObject, type KubernetesObject, makeInformer } from '@kubernetes/client-node';
import { kubectlBinaries, runKubectl, type RunResult } from '@portico/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type KubeconfigCredentials, rawRequest, readKubeconfig, type RawResponse } from '../support/https';
import { describeRun, header, KUBECTL_VERSIONS, type KubectlBins, tableRows } from '../support/kubectl-output';
import { eventually } from '../support/poll';
import type { Portico } from '../support/portico';
import { expectFailureStatus, type StatusBody, uniqueSuffix } from '../support/status';
import { describeEvents, openWatch } from '../support/watch-client';
import { replyJson, startWebhookServer, webhookBase, webhookPki, type WebhookPki } from '../support/webhook-server';

const FIXTURES = join(__dirname, '..', 'fixtures', 'crds');

/** Rows of kubectl's table output cut at the header's column offsets (cells may be empty). */
function fixedColumns(stdout: string): Record<string, string>[] {
  const [head, ...rows] = stdout.trimEnd().split('\n');
  const cols = [...(head ?? '').matchAll(/\S+/g)].map((m) => ({ name: m[0], at: m.index }));
  return rows.map((row) => Object.fromEntries(cols.map((c, i) => [c.name, row.slice(c.at, cols[i + 1]?.at ?? row.length).trim()])));
}

type Obj = Record<string, unknown> & { apiVersion: string; kind: string; metadata: Record<string, unknown>; spec?: Record<string, unknown> };
interface ConversionReview {
  apiVersion: string;
  kind: string;
  request: { uid: string; desiredAPIVersion: string; objects: Obj[] };
}

/**
 * The conversion webhook a user writes: v1 calls the field `colour`, v2 calls it `color`.
 * `/convert` converts; `/fail` refuses with a message, as a buggy webhook would.
 */
function startConversionWebhook(pki: WebhookPki, calls: string[]): Promise<Server> {
  const convert = (o: Obj, to: string): Obj => {
    const spec = { ...(o.spec ?? {}) };
    if (to.endsWith('/v2') && 'colour' in spec) {
      spec['color'] = spec['colour'];
      delete spec['colour'];
    }
    if (to.endsWith('/v1') && 'color' in spec) {
      spec['colour'] = spec['color'];
      delete spec['color'];
    }
    return { ...o, apiVersion: to, spec };
  };
  return startWebhookServer(pki, (path, body, res) => {
    const review = JSON.parse(body.toString('utf8')) as ConversionReview;
    calls.push(`${path} ${review.request.objects.map((o) => o.apiVersion).join(',')} -> ${review.request.desiredAPIVersion}`);
    const response =
      path === '/fail'
        ? { uid: review.request.uid, result: { status: 'Failure', message: 'cogs cannot be converted by the e2e webhook' } }
        : { uid: review.request.uid, convertedObjects: review.request.objects.map((o) => convert(o, review.request.desiredAPIVersion)), result: { status: 'Success' } };
    replyJson(res, { apiVersion: review.apiVersion, kind: 'ConversionReview', response });
  });
}

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}
interface CrdObject {
  metadata: { name: string };
  status?: { conditions?: Condition[]; acceptedNames?: Record<string, unknown>; storedVersions?: string[] };
}

export function crdSuite(portico: () => Portico): void {
  describe('CustomResourceDefinitions', () => {
    const suffix = uniqueSuffix();
    const group = `e2e-${suffix}.example.com`;
    const widgets = `widgets.${group}`;
    let creds: KubeconfigCredentials;
    let bins: KubectlBins;
    let dir = '';
    const crdsToDelete = new Set<string>();
    const namespaces: string[] = [];

    const send = (method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<RawResponse> =>
      rawRequest(creds, {
        method,
        path,
        ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
        ...(headers ? { headers } : {}),
      });
    const kubectlWith = (bin: string) => (args: string[], input?: string): Promise<RunResult> =>
      runKubectl(bin, args, { kubeconfig: portico().kubeconfigPath, timeoutMs: 90_000, ...(input === undefined ? {} : { input }) });
    const okWith = (bin: string) => async (args: string[], input?: string): Promise<RunResult> => {
      const r = await kubectlWith(bin)(args, input);
      expect(r.code, `${basename(bin)} ${args.join(' ')}\n${describeRun(r)}`).toBe(0);
      return r;
    };
    /** A fixture with the suite's group in place of example.com, written to the temp dir. */
    const fixture = (name: string, edit: (text: string) => string = (t) => t): string => {
      const path = join(dir, name);
      writeFileSync(path, edit(readFileSync(join(FIXTURES, name), 'utf8').replaceAll('example.com', group)));
      return path;
    };
    const file = (name: string, text: string): string => {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    };
    const crd = async (name: string): Promise<CrdObject> => {
      const r = await send('GET', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`);
      expect(r.status, JSON.stringify(r.json)).toBe(200);
      return r.json as CrdObject;
    };
    /** The kinds of this group-version that /openapi/v3 documents (x-kubernetes-group-version-kind), and whether PATCH takes fieldValidation. */
    const openapiKinds = async (version: string): Promise<{ kinds: string[]; patchFieldValidation: string[] }> => {
      const root = await send('GET', '/openapi/v3');
      const entry = (root.json as { paths?: Record<string, { serverRelativeURL: string }> }).paths?.[`apis/${group}/${version}`];
      if (!entry) return { kinds: [], patchFieldValidation: [] };
      const doc = (await send('GET', entry.serverRelativeURL)).json as {
        paths: Record<string, { patch?: { parameters?: { name?: string }[]; 'x-kubernetes-group-version-kind'?: { kind: string } } }>;
        components: { schemas: Record<string, { 'x-kubernetes-group-version-kind'?: { group: string; version: string; kind: string }[] }> };
      };
      const kinds = Object.values(doc.components.schemas)
        .flatMap((sch) => sch['x-kubernetes-group-version-kind'] ?? [])
        .filter((g) => g.group === group && g.version === version)
        .map((g) => g.kind);
      const patchFieldValidation = Object.values(doc.paths)
        .filter((p) => p.patch?.parameters?.some((x) => x.name === 'fieldValidation'))
        .map((p) => p.patch?.['x-kubernetes-group-version-kind']?.kind ?? '');
      return { kinds: [...new Set(kinds)].sort(), patchFieldValidation: [...new Set(patchFieldValidation)].sort() };
    };
    const condition = (c: CrdObject, type: string): Condition | undefined => c.status?.conditions?.find((x) => x.type === type);
    const createCrd = async (body: Record<string, unknown>): Promise<RawResponse> => {
      const name = (body['metadata'] as { name: string }).name;
      const r = await send('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', body);
      if (r.status === 201) crdsToDelete.add(name);
      return r;
    };
    const namespace = async (prefix: string): Promise<string> => {
      const ns = `${prefix}-${suffix}`;
      const r = await send('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
      expect(r.status, JSON.stringify(r.json)).toBe(201);
      namespaces.push(ns);
      return ns;
    };
    /** A minimal structural CRD in the suite's group. */
    const simpleCrd = (plural: string, kind: string, over: { names?: Record<string, unknown>; schema?: Record<string, unknown>; metadata?: Record<string, unknown>; group?: string } = {}) => ({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: `${plural}.${over.group ?? group}`, ...over.metadata },
      spec: {
        group: over.group ?? group,
        scope: 'Namespaced',
        names: { plural, singular: kind.toLowerCase(), kind, ...over.names },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: { openAPIV3Schema: over.schema ?? { type: 'object', properties: { spec: { type: 'object', properties: { label: { type: 'string' } } } } } },
          },
        ],
      },
    });

    beforeAll(async () => {
      creds = readKubeconfig(portico().kubeconfigPath);
      bins = await kubectlBinaries();
      dir = mkdtempSync(join(tmpdir(), 'portico-e2e-crds-'));
    });

    afterAll(async () => {
      if (creds) {
        // An object a failed test left held by its finalizer would keep its CRD Terminating.
        await send('PATCH', `/apis/${group}/v1/gadgets/g1`, '{"metadata":{"finalizers":null}}', { 'content-type': 'application/merge-patch+json' }).catch(() => undefined);
        for (const ns of namespaces) await send('DELETE', `/api/v1/namespaces/${ns}`).catch(() => undefined);
        for (const name of crdsToDelete) await send('DELETE', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`).catch(() => undefined);
      }
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    describe('lifecycle', () => {
      it('kubectl apply creates the CRDs; wait --for=condition=Established; NamesAccepted and Established as kube-apiserver sets them', async () => {
        const ok = okWith(bins.kubectl133);
        const applied = await ok(['apply', '-f', fixture('widgets.yaml')]);
        crdsToDelete.add(widgets);
        expect(applied.stdout.trim()).toBe(`customresourcedefinition.apiextensions.k8s.io/${widgets} created`);
        const gadgets = await ok(['apply', '-f', fixture('gadgets.yaml')]);
        crdsToDelete.add(`gadgets.${group}`);
        expect(gadgets.stdout.trim()).toBe(`customresourcedefinition.apiextensions.k8s.io/gadgets.${group} created`);

        const waited = await ok(['wait', '--for=condition=Established', `crd/${widgets}`, `crd/gadgets.${group}`, '--timeout=30s']);
        expect(waited.stdout.trim().split('\n')).toEqual([
          `customresourcedefinition.apiextensions.k8s.io/${widgets} condition met`,
          `customresourcedefinition.apiextensions.k8s.io/gadgets.${group} condition met`,
        ]);

        const c = await crd(widgets);
        expect(condition(c, 'NamesAccepted')).toMatchObject({ status: 'True', reason: 'NoConflicts', message: 'no conflicts found' });
        expect(condition(c, 'Established')).toMatchObject({ status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' });
        expect(c.status?.acceptedNames).toEqual({ plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList', shortNames: ['wd'], categories: ['e2e-gadgetry'] });
        expect(c.status?.storedVersions).toEqual(['v1']);
        // listKind is defaulted on the cluster-scoped one too.
        expect((await crd(`gadgets.${group}`)).status?.acceptedNames).toMatchObject({ kind: 'Gadget', listKind: 'GadgetList' });
      });

      it('discovery lists the resource, its subresources, short names and categories', async () => {
        const r = await send('GET', `/apis/${group}/v1`);
        expect(r.status, JSON.stringify(r.json)).toBe(200);
        const list = r.json as { kind: string; groupVersion: string; resources: Record<string, unknown>[] };
        expect(list).toMatchObject({ kind: 'APIResourceList', groupVersion: `${group}/v1` });
        const byName = new Map(list.resources.map((x) => [x['name'], x]));
        expect(byName.get('widgets')).toMatchObject({
          name: 'widgets',
          singularName: 'widget',
          namespaced: true,
          kind: 'Widget',
          shortNames: ['wd'],
          categories: ['e2e-gadgetry'],
        });
        // kube-apiserver's order (apiextensions-apiserver customresource_discovery_controller.go); soft, so the rest is checked too.
        expect.soft(byName.get('widgets')?.['verbs']).toEqual(['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch']);
        expect(byName.get('widgets/status')).toMatchObject({ name: 'widgets/status', namespaced: true, kind: 'Widget', verbs: ['get', 'patch', 'update'] });
        expect(byName.get('widgets/scale')).toMatchObject({ name: 'widgets/scale', namespaced: true, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] });
        expect(byName.get('gadgets')).toMatchObject({ name: 'gadgets', singularName: 'gadget', namespaced: false, kind: 'Gadget', categories: ['e2e-gadgetry'] });

        const groups = await send('GET', '/apis');
        const g = (groups.json as { groups: { name: string; versions: { groupVersion: string }[]; preferredVersion: { version: string } }[] }).groups.find((x) => x.name === group);
        expect(g?.versions.map((v) => v.groupVersion)).toEqual([`${group}/v1`, `${group}/v1beta1`]);
        expect(g?.preferredVersion.version).toBe('v1');
      });

      it('/openapi/v3 documents every served version, with PATCH taking fieldValidation (kubectl explain and validation read it)', async () => {
        const v1 = await eventually('Widget and Gadget in /openapi/v3 for v1', async () => {
          const o = await openapiKinds('v1');
          return o.kinds.includes('Widget') && o.kinds.includes('Gadget') ? o : undefined;
        }, 10_000);
        expect(v1.patchFieldValidation).toEqual(expect.arrayContaining(['Gadget', 'Widget']));
        expect((await openapiKinds('v1beta1')).kinds).toContain('Widget');
      });

      it.each(KUBECTL_VERSIONS)('$label api-resources --api-group shows both resources with short names and scope', async ({ pick }) => {
        const r = await okWith(pick(bins))(['api-resources', `--api-group=${group}`]);
        expect(fixedColumns(r.stdout)).toEqual([
          { NAME: 'gadgets', SHORTNAMES: '', APIVERSION: `${group}/v1`, NAMESPACED: 'false', KIND: 'Gadget' },
          { NAME: 'widgets', SHORTNAMES: 'wd', APIVERSION: `${group}/v1`, NAMESPACED: 'true', KIND: 'Widget' },
        ]);
      });
    });

    describe.each(KUBECTL_VERSIONS)('custom resources with $label', ({ label, pick }) => {
      let ns = '';
      let kubectl: (args: string[], input?: string) => Promise<RunResult>;
      let ok: (args: string[], input?: string) => Promise<RunResult>;
      const crPath = (name = ''): string => `/apis/${group}/v1/namespaces/${ns}/widgets${name ? `/${name}` : ''}`;
      const get = async (name: string): Promise<Obj> => {
        const r = await send('GET', crPath(name));
        expect(r.status, JSON.stringify(r.json)).toBe(200);
        return r.json as Obj;
      };

      beforeAll(async () => {
        kubectl = kubectlWith(pick(bins));
        ok = okWith(pick(bins));
        ns = await namespace(`crd-${label.replace(/\D/g, '')}`);
      });

      it('create -f; get widgets with the printer columns; -o wide; get wd; get <category>', async () => {
        expect((await ok(['create', '-f', fixture('widget-w1.yaml'), '-n', ns])).stdout.trim()).toBe(`widget.${group}/w1 created`);
        const table = await ok(['get', 'widgets', '-n', ns]);
        expect(header(table.stdout)).toEqual(['NAME', 'SIZE', 'REPLICAS', 'AGE']);
        expect(tableRows(table.stdout)).toEqual([{ NAME: 'w1', SIZE: 'small', REPLICAS: '2', AGE: expect.stringMatching(/^\d+s$/) }]);
        const wide = await ok(['get', 'widgets', '-n', ns, '-o', 'wide']);
        expect(header(wide.stdout)).toEqual(['NAME', 'SIZE', 'REPLICAS', 'AGE', 'COLOR']);
        expect(tableRows(wide.stdout)[0]).toMatchObject({ NAME: 'w1', COLOR: 'blue' });
        expect((await ok(['get', 'wd', '-n', ns, '-o', 'name'])).stdout.trim()).toBe(`widget.${group}/w1`);
        expect((await ok(['get', 'e2e-gadgetry', '-n', ns, '-o', 'name'])).stdout.trim().split('\n')).toContain(`widget.${group}/w1`);
      });

      it('get -o yaml: defaults applied (also in list items), preserved and embedded fields kept, int-or-string as written', async () => {
        const w = parse((await ok(['get', 'widget', 'w1', '-n', ns, '-o', 'yaml'])).stdout) as Obj;
        expect(w.apiVersion).toBe(`${group}/v1`);
        expect(w.metadata['generation']).toBe(1);
        expect(w.spec).toEqual({
          size: 'small',
          replicas: 2,
          minReplicas: 0,
          color: 'blue',
          mode: 'fast',
          port: 'http',
          extra: { anything: 'goes', nested: { deeply: [1, 2, 3] } },
          template: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'embedded', labels: { app: 'w1' } }, data: { key: 'value' } },
          ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
        });
        expect(w['status']).toBeUndefined();
        // An integer is as valid as a string for x-kubernetes-int-or-string.
        await ok(['patch', 'widget', 'w1', '-n', ns, '--type=merge', '-p', '{"spec":{"port":8080}}']);
        expect((await get('w1')).spec?.['port']).toBe(8080);
      });

      it('client-side apply: created, configured (a JSON merge patch: CRs have no strategic merge), unchanged', async () => {
        const write = (size: string) => file(`applied-${label}.yaml`, `apiVersion: ${group}/v1\nkind: Widget\nmetadata:\n  name: applied\nspec:\n  size: ${size}\n  replicas: 1\n`);
        expect((await ok(['apply', '-f', write('small'), '-n', ns])).stdout.trim()).toBe(`widget.${group}/applied created`);
        expect((await ok(['apply', '-f', write('large'), '-n', ns])).stdout.trim()).toBe(`widget.${group}/applied configured`);
        expect((await ok(['apply', '-f', write('large'), '-n', ns])).stdout.trim()).toBe(`widget.${group}/applied unchanged`);
        const w = await get('applied');
        expect(w.spec).toMatchObject({ size: 'large', replicas: 1 });
        expect(Object.keys((w.metadata['annotations'] as Record<string, string> | undefined) ?? {})).toContain('kubectl.kubernetes.io/last-applied-configuration');
      });

      it('create --validate=strict with unknown fields: the server names each one', async () => {
        const f = fixture('widget-unknown.yaml');
        const strict = await kubectl(['create', '-f', f, '-n', ns, '--validate=strict']);
        expect(strict.code, describeRun(strict)).toBe(1);
        expect(strict.stderr).toContain('Error from server (BadRequest)');
        expect(strict.stderr).toContain('Widget in version "v1" cannot be handled as a Widget: strict decoding error:');
        expect(strict.stderr).toContain('unknown field "spec.bogus"');
        expect(strict.stderr).toContain('unknown field "spec.ports[0].bogus"');
        expect((await kubectl(['get', 'widget', 'unknown', '-n', ns])).code).toBe(1);
      });

      it('create --validate=false: unknown fields pruned, at the root and in list items', async () => {
        const f = fixture('widget-unknown.yaml');
        expect((await ok(['create', '-f', f, '-n', ns, '--validate=false'])).stdout.trim()).toBe(`widget.${group}/unknown created`);
        const w = await get('unknown');
        expect(w.spec).toEqual({ size: 'medium', replicas: 1, minReplicas: 0, ports: [{ name: 'http', port: 80, protocol: 'TCP' }] });
      });

      it('an invalid widget: 422 naming every failing field, as kubectl prints it', async () => {
        const r = await kubectl(['create', '-f', fixture('widget-invalid.yaml'), '-n', ns]);
        expect(r.code, describeRun(r)).toBe(1);
        expect(r.stderr).toMatch(/^The Widget "invalid" is invalid: $/m);
        for (const line of [
          '* spec.size: Unsupported value: "huge": supported values: "small", "medium", "large"',
          '* spec.replicas: Invalid value: -1: spec.replicas in body should be greater than or equal to 0',
          `* spec.color: Invalid value: "Red1": spec.color in body should match '^[a-z]+$'`,
          '* spec.template.kind: Required value',
          // The scale subresource's own check of specReplicasPath (field.NewPath(".spec.replicas")).
          '* .spec.replicas: Invalid value: -1: should be a non-negative integer',
        ]) {
          expect(r.stderr.split('\n'), describeRun(r)).toContain(line);
        }
        // An enum or required failure stops the CEL rules, and kube-apiserver says so.
        expect(r.stderr).toMatch(/^\* <nil>: Invalid value: "?null"?: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation$/m);
      });

      it('CEL rules: the message, and the messageExpression evaluated', async () => {
        const cel = file('cel.yaml', `apiVersion: ${group}/v1\nkind: Widget\nmetadata:\n  name: cel\nspec:\n  replicas: 1\n  minReplicas: 3\n`);
        const r = await kubectl(['create', '-f', cel, '-n', ns]);
        expect(r.code, describeRun(r)).toBe(1);
        expect(r.stderr.trim()).toBe('The Widget "cel" is invalid: spec: Invalid value: "object": replicas must be at least minReplicas');
        const owner = file('owner.yaml', `apiVersion: ${group}/v1\nkind: Widget\nmetadata:\n  name: owner\nspec:\n  owner: bob\n`);
        const o = await kubectl(['create', '-f', owner, '-n', ns]);
        expect(o.code, describeRun(o)).toBe(1);
        expect(o.stderr.trim()).toBe('The Widget "owner" is invalid: spec: Invalid value: "object": owner bob must start with team-');
        // A rule with no message: kube-apiserver names the rule.
        const bounded = file('bounded.yaml', `apiVersion: ${group}/v1\nkind: Widget\nmetadata:\n  name: bounded\nspec:\n  replicas: 200\n  minReplicas: 101\n`);
        const b = await kubectl(['create', '-f', bounded, '-n', ns]);
        expect(b.code, describeRun(b)).toBe(1);
        expect(b.stderr.trim()).toBe('The Widget "bounded" is invalid: spec.minReplicas: Invalid value: "integer": failed rule: self <= 100');
        const good = file('owner-ok.yaml', `apiVersion: ${group}/v1\nkind: Widget\nmetadata:\n  name: owner\nspec:\n  owner: team-bob\n`);
        expect((await ok(['create', '-f', good, '-n', ns])).stdout.trim()).toBe(`widget.${group}/owner created`);
      });

      it('patch --type=merge and --type=json; a strategic merge patch is refused (CRs have none)', async () => {
        expect((await ok(['patch', 'widget', 'w1', '-n', ns, '--type=merge', '-p', '{"spec":{"color":"green"}}'])).stdout.trim()).toBe(`widget.${group}/w1 patched`);
        expect((await ok(['patch', 'widget', 'w1', '-n', ns, '--type=json', '-p', '[{"op":"test","path":"/spec/color","value":"green"},{"op":"replace","path":"/spec/size","value":"large"}]'])).stdout.trim()).toBe(
          `widget.${group}/w1 patched`,
        );
        const w = await get('w1');
        expect(w.spec).toMatchObject({ color: 'green', size: 'large' });
        expect(w.metadata['generation']).toBe(4); // port, color, size
        const smp = await kubectl(['patch', 'widget', 'w1', '-n', ns, '-p', '{"spec":{"color":"red"}}']);
        expect(smp.code, describeRun(smp)).toBe(1);
        // kubectl wraps the server's 415: "<patch type> is not supported by <GVK>: <message>".
        expect(smp.stderr.trim()).toBe(
          `error: application/strategic-merge-patch+json is not supported by ${group}/v1, Kind=Widget: the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml`,
        );
      });

      it('a transition rule (oldSelf) refuses the update with its message', async () => {
        const r = await kubectl(['patch', 'widget', 'w1', '-n', ns, '--type=merge', '-p', '{"spec":{"mode":"slow"}}']);
        expect(r.code, describeRun(r)).toBe(1);
        expect(r.stderr.trim()).toBe('The Widget "w1" is invalid: spec.mode: Invalid value: "string": mode is immutable');
        expect((await get('w1')).spec?.['mode']).toBe('fast');
      });

      it('patch --subresource=status writes only status; the main endpoint ignores status', async () => {
        const before = await get('w1');
        expect(
          (await ok(['patch', 'widget', 'w1', '-n', ns, '--subresource=status', '--type=merge', '-p', '{"status":{"replicas":2,"selector":"app=w1","phase":"Running"},"spec":{"color":"pink"}}'])).stdout.trim(),
        ).toBe(`widget.${group}/w1 patched`);
        const after = await get('w1');
        expect(after['status']).toEqual({ replicas: 2, selector: 'app=w1', phase: 'Running' });
        expect(after.spec?.['color']).toBe('green');
        expect(after.metadata['generation']).toBe(before.metadata['generation']);
        await ok(['patch', 'widget', 'w1', '-n', ns, '--type=merge', '-p', '{"status":{"phase":"Ignored"}}']);
        expect((await get('w1'))['status']).toEqual({ replicas: 2, selector: 'app=w1', phase: 'Running' });
        const status = parse((await ok(['get', 'widget', 'w1', '-n', ns, '--subresource=status', '-o', 'yaml'])).stdout) as Obj;
        expect(status['status']).toEqual({ replicas: 2, selector: 'app=w1', phase: 'Running' });
      });

      it('scale --replicas=3, then get --subresource=scale', async () => {
        expect((await ok(['scale', 'widget', 'w1', '-n', ns, '--replicas=3'])).stdout.trim()).toBe(`widget.${group}/w1 scaled`);
        expect((await get('w1')).spec?.['replicas']).toBe(3);
        const scale = JSON.parse((await ok(['get', 'widget', 'w1', '-n', ns, '--subresource=scale', '-o', 'json'])).stdout) as Obj;
        expect(scale).toMatchObject({ apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'w1', namespace: ns }, spec: { replicas: 3 }, status: { replicas: 2, selector: 'app=w1' } });
        // The scale subresource refuses what the schema refuses.
        const bad = await send('PATCH', `${crPath('w1')}/scale`, '{"spec":{"replicas":-1}}', { 'content-type': 'application/merge-patch+json' });
        expect(bad.status, JSON.stringify(bad.json)).toBe(422);
      });

      it('server-side apply merges two managers’ entries of a list-type map by key; a conflict names the field', async () => {
        const a = file(`ssa-a-${label}.yaml`, `apiVersion: ${group}/v1\nkind: Widget\nmetadata:\n  name: ssa\nspec:\n  size: small\n  ports:\n    - name: http\n      port: 80\n`);
        const b = file(`ssa-b-${label}.yaml`, `apiVersion: ${group}/v1\nkind: Widget\nmetadata:\n  name: ssa\nspec:\n  ports:\n    - name: metrics\n      port: 9090\n`);
        expect((await ok(['apply', '--server-side', '--field-manager=team-a', '-f', a, '-n', ns])).stdout.trim()).toBe(`widget.${group}/ssa serverside-applied`);
        expect((await ok(['apply', '--server-side', '--field-manager=team-b', '-f', b, '-n', ns])).stdout.trim()).toBe(`widget.${group}/ssa serverside-applied`);
        const w = await get('ssa');
        expect(w.spec?.['ports']).toEqual([
          { name: 'http', port: 80, protocol: 'TCP' },
          { name: 'metrics', port: 9090, protocol: 'TCP' },
        ]);
        const managed = w.metadata['managedFields'] as { manager: string; operation: string; fieldsV1: { 'f:spec'?: { 'f:ports'?: Record<string, unknown> } } }[];
        const teamB = managed.find((m) => m.manager === 'team-b');
        expect(teamB?.operation).toBe('Apply');
        expect(Object.keys(teamB?.fieldsV1['f:spec']?.['f:ports'] ?? {})).toEqual(['k:{"name":"metrics"}']);
        expect(Object.keys(managed.find((m) => m.manager === 'team-a')?.fieldsV1['f:spec']?.['f:ports'] ?? {})).toEqual(['k:{"name":"http"}']);

        const c = file(`ssa-c-${label}.yaml`, `apiVersion: ${group}/v1\nkind: Widget\nmetadata:\n  name: ssa\nspec:\n  size: large\n  ports:\n    - name: metrics\n      port: 9090\n`);
        const conflict = await kubectl(['apply', '--server-side', '--field-manager=team-b', '-f', c, '-n', ns]);
        expect(conflict.code, describeRun(conflict)).toBe(1);
        expect(conflict.stderr).toContain('Apply failed with 1 conflict: conflict with "team-a": .spec.size');
        // team-b giving up its entry removes it; team-a's stays.
        const d = file(`ssa-d-${label}.yaml`, `apiVersion: ${group}/v1\nkind: Widget\nmetadata:\n  name: ssa\nspec: {}\n`);
        await ok(['apply', '--server-side', '--field-manager=team-b', '-f', d, '-n', ns]);
        expect((await get('ssa')).spec?.['ports']).toEqual([{ name: 'http', port: 80, protocol: 'TCP' }]);
      });

      it('get at v1beta1 (served, deprecated): the object at that version, and the deprecation warning', async () => {
        const r = await ok(['get', `widgets.v1beta1.${group}`, 'w1', '-n', ns, '-o', 'json']);
        const w = JSON.parse(r.stdout) as Obj;
        expect(w.apiVersion).toBe(`${group}/v1beta1`);
        expect(w.spec?.['replicas']).toBe(3);
        expect(r.stderr).toContain(`Warning: ${group}/v1beta1 Widget is deprecated; use ${group}/v1 Widget`);
        // Still stored at v1: storedVersions did not change.
        expect((await crd(widgets)).status?.storedVersions).toEqual(['v1']);
      });

      it('explain widget.spec and widget.spec.replicas from /openapi/v3', async () => {
        const spec = await ok(['explain', 'widget.spec']);
        expect(spec.stdout).toMatch(new RegExp(`^GROUP: +${group.replaceAll('.', '\\.')}$`, 'm'));
        expect(spec.stdout).toMatch(/^KIND: +Widget$/m);
        expect(spec.stdout).toMatch(/^VERSION: +v1$/m);
        expect(spec.stdout).toMatch(/^FIELD: spec <Object>$/m);
        expect(spec.stdout).toContain('What the widget should be.');
        expect(spec.stdout).toMatch(/^ {2}replicas\t<integer>$/m);
        expect(spec.stdout).toMatch(/^ {2}size\t<string>$/m);
        expect(spec.stdout).toMatch(/^ {2}ports\t<\[\]Object>$/m);
        expect(spec.stdout).toMatch(/^ {2}extra\t<Object>$/m);
        const replicas = await ok(['explain', 'widget.spec.replicas']);
        expect(replicas.stdout).toMatch(/^FIELD: replicas <integer>$/m);
        expect(replicas.stdout).toContain('How many copies of the widget to run.');
        const missing = await kubectl(['explain', 'widget.spec.nope']);
        expect(missing.code).toBe(1);
        expect(missing.stderr.trim()).toBe('error: field "nope" does not exist');
      });

      it('delete the custom resource', async () => {
        expect((await ok(['delete', 'widget', 'unknown', '-n', ns])).stdout.trim()).toMatch(new RegExp(`^widget\\.${group.replaceAll('.', '\\.')} "unknown" deleted( from \\S+ namespace)?$`));
        const gone = await kubectl(['get', 'widget', 'unknown', '-n', ns]);
        expect(gone.code).toBe(1);
        expect(gone.stderr.trim()).toBe(`Error from server (NotFound): widgets.${group} "unknown" not found`);
      });
    });

    describe('the cluster-scoped CRD', () => {
      it('create and get a cluster-scoped custom resource; the default columns are Name and Age', async () => {
        const ok = okWith(bins.kubectl135);
        const f = file('gadget.yaml', `apiVersion: ${group}/v1\nkind: Gadget\nmetadata:\n  name: g1\nspec:\n  label: shiny\n`);
        expect((await ok(['create', '-f', f])).stdout.trim()).toBe(`gadget.${group}/g1 created`);
        const table = await ok(['get', 'gadgets']);
        expect(header(table.stdout)).toEqual(['NAME', 'AGE']);
        expect(tableRows(table.stdout)).toEqual([{ NAME: 'g1', AGE: expect.stringMatching(/^\d+s$/) }]);
        const r = await send('GET', `/apis/${group}/v1/gadgets/g1`);
        expect(r.json).toMatchObject({ apiVersion: `${group}/v1`, kind: 'Gadget', metadata: { name: 'g1' }, spec: { label: 'shiny' } });
        expect((r.json as Obj).metadata['namespace']).toBeUndefined();
        // A namespaced path for a cluster-scoped resource is not found.
        expect((await send('GET', `/apis/${group}/v1/namespaces/default/gadgets/g1`)).status).toBe(404);
      });
    });

    describe('names', () => {
      // Issue #7 asks for a 422 at creation where kube-apiserver would accept the CRD and report
      // NamesAccepted=False (docs/decisions.md); the condition path, kept for races, is unit-tested
      // in libs/gateway/src/crd/crd-controller.spec.ts.
      it('a short name another CRD of the group holds: 422 naming the field, nothing created', async () => {
        const r = await createCrd(simpleCrd('gizmos', 'Gizmo', { names: { shortNames: ['wd'] } }));
        const s = expectFailureStatus(r.json, { code: 422, reason: 'Invalid' });
        expect(s.details?.causes).toEqual([{ reason: 'FieldValueInvalid', field: 'spec.names.shortNames[0]', message: 'Invalid value: "wd": "wd" is already in use' }]);
        expect((await send('GET', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/gizmos.${group}`)).status).toBe(404);
      });

      it('a kind, or a singular, another CRD of the group holds: 422 naming each clash', async () => {
        const kind = await createCrd(simpleCrd('doohickeys', 'Widget', { names: { singular: 'doohickey', listKind: 'DoohickeyList' } }));
        expect(expectFailureStatus(kind.json, { code: 422, reason: 'Invalid' }).details?.causes).toEqual([
          { reason: 'FieldValueInvalid', field: 'spec.names.kind', message: 'Invalid value: "Widget": "Widget" is already in use' },
        ]);
        const singular = await createCrd(simpleCrd('thingamajigs', 'Thingamajig', { names: { singular: 'widget' } }));
        expect(expectFailureStatus(singular.json, { code: 422, reason: 'Invalid' }).details?.causes).toEqual([
          { reason: 'FieldValueInvalid', field: 'spec.names.singular', message: 'Invalid value: "widget": "widget" is already in use' },
        ]);
      });

      it('the same CRD name twice: 409 AlreadyExists', async () => {
        const r = await send('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', simpleCrd('widgets', 'Widget'));
        expectFailureStatus(r.json, { code: 409, reason: 'AlreadyExists', message: `customresourcedefinitions.apiextensions.k8s.io "${widgets}" already exists` });
      });

      it('a built-in group: 422 (apps is not a domain; *.k8s.io needs API approval)', async () => {
        const apps = await createCrd(simpleCrd('deployments', 'Deployment', { group: 'apps' }));
        expectFailureStatus(apps.json, {
          code: 422,
          reason: 'Invalid',
          message: 'CustomResourceDefinition.apiextensions.k8s.io "deployments.apps" is invalid: spec.group: Invalid value: "apps": should be a domain with at least one dot',
        });
        const k8s = await createCrd(simpleCrd('ingresses', 'Ingress', { group: 'networking.k8s.io' }));
        const s = expectFailureStatus(k8s.json, { code: 422, reason: 'Invalid' });
        expect(s.details?.causes).toEqual([
          {
            reason: 'FieldValueRequired',
            field: 'metadata.annotations[api-approved.kubernetes.io]',
            message: 'Required value: protected groups must have approval annotation "api-approved.kubernetes.io", see https://github.com/kubernetes/enhancements/pull/1111',
          },
        ]);
      });

      it('a non-structural schema, an invalid CEL rule and one over the cost budget: 422 at creation', async () => {
        const nonStructural = await createCrd(
          simpleCrd('blobs', 'Blob', { schema: { type: 'object', properties: { spec: { properties: { label: { type: 'string' } } } } } }),
        );
        const s = expectFailureStatus(nonStructural.json, { code: 422, reason: 'Invalid' });
        expect(s.message).toMatch(new RegExp(`^CustomResourceDefinition\\.apiextensions\\.k8s\\.io "blobs\\.${group.replaceAll('.', '\\.')}" is invalid: `));
        const typeCause = s.details?.causes?.find((c) => /openAPIV3Schema\.properties\[spec\]\.type$/.test(c.field ?? ''));
        expect(typeCause, JSON.stringify(s.details)).toMatchObject({ reason: 'FieldValueRequired', message: 'Required value: must not be empty for specified object fields' });

        const badCel = await createCrd(
          simpleCrd('celblobs', 'CelBlob', {
            schema: {
              type: 'object',
              properties: { spec: { type: 'object', 'x-kubernetes-validations': [{ rule: 'self.replicas >', message: 'broken' }], properties: { replicas: { type: 'integer' } } } },
            },
          }),
        );
        const c = expectFailureStatus(badCel.json, { code: 422, reason: 'Invalid' });
        const ruleCause = c.details?.causes?.find((x) => /openAPIV3Schema\.properties\[spec\]\.x-kubernetes-validations\[0\]\.rule$/.test(x.field ?? ''));
        expect(ruleCause, JSON.stringify(c.details)).toMatchObject({ reason: 'FieldValueInvalid' });
        expect(ruleCause?.message).toContain('compilation failed');

        // A rule whose estimated cost cannot fit the per-expression budget: every string compared
        // with every other, over a list and strings without bounds.
        const costly = await createCrd(
          simpleCrd('costlyblobs', 'CostlyBlob', {
            schema: {
              type: 'object',
              properties: { spec: { type: 'object', properties: { names: { type: 'array', items: { type: 'string' }, 'x-kubernetes-validations': [{ rule: 'self.all(x, self.all(y, x == y))' }] } } } },
            },
          }),
        );
        const cost = expectFailureStatus(costly.json, { code: 422, reason: 'Invalid' });
        const costCause = cost.details?.causes?.find((x) => /openAPIV3Schema\.properties\[spec\]\.properties\[names\]\.x-kubernetes-validations\[0\]\.rule$/.test(x.field ?? ''));
        expect(costCause, JSON.stringify(cost.details)).toMatchObject({ reason: 'FieldValueForbidden' });
        expect(costCause?.message).toMatch(/^Forbidden: estimated rule cost exceeds budget by factor of more than 100x/);
      });
    });

    describe('bad input over raw HTTPS', () => {
      let ns = '';
      const path = (name = ''): string => `/apis/${group}/v1/namespaces/${ns}/widgets${name ? `/${name}` : ''}`;
      const widget = (name: string, spec: Record<string, unknown>) => ({ apiVersion: `${group}/v1`, kind: 'Widget', metadata: { name }, spec });
      beforeAll(async () => {
        ns = await namespace('crd-raw');
      });

      it('fieldValidation=Strict: 400 naming the unknown fields', async () => {
        const body = widget('strict', { bogus: 1, ports: [{ name: 'a', bogus: 2 }] });
        const strict = await send('POST', `${path()}?fieldValidation=Strict`, body);
        expectFailureStatus(strict.json, {
          code: 400,
          reason: 'BadRequest',
          message: 'Widget in version "v1" cannot be handled as a Widget: strict decoding error: unknown field "spec.bogus", unknown field "spec.ports[0].bogus"',
        });
      });

      it('fieldValidation=Warn: created without them, with a warning for each', async () => {
        const body = widget('strict', { bogus: 1, ports: [{ name: 'a', bogus: 2 }] });
        const warn = await send('POST', `${path()}?fieldValidation=Warn`, body);
        expect(warn.status, JSON.stringify(warn.json)).toBe(201);
        expect(String(warn.headers['warning'])).toContain('unknown field \\"spec.bogus\\"');
        expect(String(warn.headers['warning'])).toContain('unknown field \\"spec.ports[0].bogus\\"');
        expect((warn.json as Obj).spec).toEqual({ size: 'medium', replicas: 1, minReplicas: 0, ports: [{ name: 'a', protocol: 'TCP' }] });
      });

      it('an invalid widget: 422 Invalid with one cause per failing field', async () => {
        const r = await send('POST', path(), widget('bad', { size: 'huge', replicas: 'three', color: 'Red1', template: { apiVersion: 'v1' } }));
        expect(r.status, JSON.stringify(r.json)).toBe(422);
        const s = expectFailureStatus(r.json, { code: 422, reason: 'Invalid' });
        expect(s.details).toMatchObject({ name: 'bad', group, kind: 'Widget' });
        expect(s.message).toMatch(new RegExp(`^Widget\\.${group.replaceAll('.', '\\.')} "bad" is invalid: \\[`));
        expect(s.details?.causes).toEqual(
          expect.arrayContaining([
            { reason: 'FieldValueNotSupported', field: 'spec.size', message: 'Unsupported value: "huge": supported values: "small", "medium", "large"' },
            { reason: 'FieldValueTypeInvalid', field: 'spec.replicas', message: 'Invalid value: "string": spec.replicas in body must be of type integer: "string"' },
            { reason: 'FieldValueInvalid', field: 'spec.color', message: `Invalid value: "Red1": spec.color in body should match '^[a-z]+$'` },
            { reason: 'FieldValueRequired', field: 'spec.template.kind', message: 'Required value' },
            // field.Invalid(nil, …): a nil path prints as <nil>.
            {
              reason: 'FieldValueInvalid',
              field: '<nil>',
              message: expect.stringMatching(/^Invalid value: "?null"?: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation$/),
            },
          ]),
        );
      });

      it('a CEL violation: 422 with the cause at the rule’s node', async () => {
        const r = await send('POST', path(), widget('cel', { replicas: 1, minReplicas: 2 }));
        const s = expectFailureStatus(r.json, { code: 422, reason: 'Invalid' });
        expect(s.details?.causes).toEqual([{ reason: 'FieldValueInvalid', field: 'spec', message: 'Invalid value: "object": replicas must be at least minReplicas' }]);
      });

      it('a strategic merge patch: 415 listing the patch types a custom resource accepts', async () => {
        expect((await send('POST', path(), widget('smp', {}))).status).toBe(201);
        const r = await send('PATCH', path('smp'), '{"spec":{"size":"large"}}', { 'content-type': 'application/strategic-merge-patch+json' });
        expectFailureStatus(r.json, {
          code: 415,
          reason: 'UnsupportedMediaType',
          message: 'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
        });
      });

      it('a version that is not served: 404', async () => {
        expect((await send('GET', `/apis/${group}/v7/namespaces/${ns}/widgets`)).status).toBe(404);
      });
    });

    describe('watch over raw HTTPS', () => {
      it('from a list’s resourceVersion with a field selector: ADDED (defaulted), MODIFIED for spec and status, DELETED; nothing else', async () => {
        const ns = await namespace('crd-watch');
        const path = `/apis/${group}/v1/namespaces/${ns}/widgets`;
        const list = await send('GET', path);
        expect(list.status, JSON.stringify(list.json)).toBe(200);
        const rv = (list.json as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
        const w = await openWatch(creds, `${path}?watch=1&resourceVersion=${rv}&fieldSelector=metadata.name%3Dwatched`);
        try {
          expect(w.status).toBe(200);
          const body = (name: string) => ({ apiVersion: `${group}/v1`, kind: 'Widget', metadata: { name }, spec: { replicas: 1 } });
          expect((await send('POST', path, body('other'))).status).toBe(201);
          expect((await send('POST', path, body('watched'))).status).toBe(201);
          const merge = { 'content-type': 'application/merge-patch+json' };
          expect((await send('PATCH', `${path}/watched`, '{"spec":{"replicas":2}}', merge)).status).toBe(200);
          expect((await send('PATCH', `${path}/watched/status`, '{"status":{"phase":"Up"}}', merge)).status).toBe(200);
          expect((await send('DELETE', `${path}/watched`)).status).toBe(200);
          const events = await w.waitFor((e) => e.some((x) => x.type === 'DELETED'), 'DELETED watched');
          expect(events.map((e) => `${e.type} ${e.object.metadata?.name ?? ''}`), describeEvents(events)).toEqual(['ADDED watched', 'MODIFIED watched', 'MODIFIED watched', 'DELETED watched']);
          const added = events[0]?.object as Obj;
          expect(added).toMatchObject({ apiVersion: `${group}/v1`, kind: 'Widget', spec: { size: 'medium', replicas: 1, minReplicas: 0 } });
          expect((events[1]?.object as Obj).spec?.['replicas']).toBe(2);
          expect((events[2]?.object as Obj)['status']).toEqual({ phase: 'Up' });
        } finally {
          w.close();
        }
      });
    });

    describe('a conversion webhook', () => {
      let server: Server | undefined;
      let pki: WebhookPki;
      let base = '';
      let ns = '';
      const calls: string[] = [];
      const gearsCrd = (plural: string, kind: string, path: string) => {
        const version = (name: string, field: string, storage: boolean) => ({
          name,
          served: true,
          storage,
          schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { [field]: { type: 'string' }, teeth: { type: 'integer' } } } } } },
        });
        return {
          apiVersion: 'apiextensions.k8s.io/v1',
          kind: 'CustomResourceDefinition',
          metadata: { name: `${plural}.${group}` },
          spec: {
            group,
            scope: 'Namespaced',
            names: { plural, singular: kind.toLowerCase(), kind },
            versions: [version('v1', 'colour', true), version('v2', 'color', false)],
            conversion: {
              strategy: 'Webhook',
              webhook: { conversionReviewVersions: ['v1'], clientConfig: { url: `${base}${path}`, caBundle: Buffer.from(pki.ca).toString('base64') } },
            },
          },
        };
      };

      beforeAll(async () => {
        pki = webhookPki('e2e-conversion');
        server = await startConversionWebhook(pki, calls);
        base = webhookBase(server);
        ns = await namespace('crd-conv');
      });
      afterAll(async () => {
        server?.closeAllConnections();
        await new Promise((r) => (server ? server.close(r) : r(undefined)));
      });

      it('create at v1, read at v2 and back; create at v2, read at v1 (a renamed field)', async () => {
        const ok = okWith(bins.kubectl133);
        const crdFile = file('gears-crd.yaml', JSON.stringify(gearsCrd('gears', 'Gear', '/convert')));
        expect((await ok(['apply', '-f', crdFile])).stdout.trim()).toBe(`customresourcedefinition.apiextensions.k8s.io/gears.${group} created`);
        crdsToDelete.add(`gears.${group}`);
        await ok(['wait', '--for=condition=Established', `crd/gears.${group}`, '--timeout=30s']);
        // A CRD added to a group that already has some: the group's /openapi/v3 document follows.
        await eventually('Gear in /openapi/v3 for v1', async () => ((await openapiKinds('v1')).kinds.includes('Gear') ? true : undefined), 10_000);

        const g1 = file('g1.yaml', `apiVersion: ${group}/v1\nkind: Gear\nmetadata:\n  name: g1\nspec:\n  colour: red\n  teeth: 12\n`);
        expect((await ok(['create', '-f', g1, '-n', ns])).stdout.trim()).toBe(`gear.${group}/g1 created`);
        const atV2 = JSON.parse((await ok(['get', `gears.v2.${group}`, 'g1', '-n', ns, '-o', 'json'])).stdout) as Obj;
        expect(atV2).toMatchObject({ apiVersion: `${group}/v2`, kind: 'Gear', metadata: { name: 'g1', namespace: ns }, spec: { color: 'red', teeth: 12 } });
        expect(atV2.spec?.['colour']).toBeUndefined();
        const atV1 = JSON.parse((await ok(['get', `gears.v1.${group}`, 'g1', '-n', ns, '-o', 'json'])).stdout) as Obj;
        expect(atV1).toMatchObject({ apiVersion: `${group}/v1`, spec: { colour: 'red', teeth: 12 } });
        expect(atV1.metadata['uid']).toBe(atV2.metadata['uid']);

        const g2 = file('g2.yaml', `apiVersion: ${group}/v2\nkind: Gear\nmetadata:\n  name: g2\nspec:\n  color: blue\n`);
        expect((await ok(['create', '-f', g2, '-n', ns])).stdout.trim()).toBe(`gear.${group}/g2 created`);
        const raw = await send('GET', `/apis/${group}/v1/namespaces/${ns}/gears/g2`);
        expect(raw.json).toMatchObject({ apiVersion: `${group}/v1`, spec: { colour: 'blue' } });
        // A list at v2 converts every item.
        const list = await send('GET', `/apis/${group}/v2/namespaces/${ns}/gears`);
        expect((list.json as { items: Obj[] }).items.map((i) => [i.apiVersion, i.spec?.['color']])).toEqual([
          [`${group}/v2`, 'red'],
          [`${group}/v2`, 'blue'],
        ]);
        expect(calls.some((c) => c.startsWith('/convert ') && c.endsWith(`-> ${group}/v2`))).toBe(true);
        expect(calls.some((c) => c.startsWith('/convert ') && c.endsWith(`-> ${group}/v1`))).toBe(true);
      });

      it('a webhook that refuses: a Status naming the conversion webhook and its message', async () => {
        const r = await createCrd(gearsCrd('cogs', 'Cog', '/fail'));
        expect(r.status, JSON.stringify(r.json)).toBe(201);
        await eventually('cogs established', async () => (condition(await crd(`cogs.${group}`), 'Established')?.status === 'True' ? true : undefined));
        const created = await eventually('a cog at v1 (no conversion needed)', async () => {
          const c = await send('POST', `/apis/${group}/v1/namespaces/${ns}/cogs`, { apiVersion: `${group}/v1`, kind: 'Cog', metadata: { name: 'c1' }, spec: { colour: 'red' } });
          return c.status === 404 ? undefined : c;
        });
        expect(created.status, JSON.stringify(created.json)).toBe(201);
        const atV2 = await send('GET', `/apis/${group}/v2/namespaces/${ns}/cogs/c1`);
        expect(atV2.status, JSON.stringify(atV2.json)).toBe(500);
        const s = atV2.json as StatusBody;
        expect(s).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 500 });
        expect(s.message).toContain(`conversion webhook for ${group}/v1, Kind=Cog failed: cogs cannot be converted by the e2e webhook`);
        const k = await kubectlWith(bins.kubectl135)(['get', `cogs.v2.${group}`, 'c1', '-n', ns]);
        expect(k.code, describeRun(k)).toBe(1);
        expect(k.stderr).toContain('cogs cannot be converted by the e2e webhook');
      });
    });

    describe('helm 4: a chart with a CRD in crds/ and a custom resource in templates/', () => {
      it('install, kubectl get, uninstall', async () => {
        const chart = join(dir, 'sprockets');
        mkdirSync(join(chart, 'crds'), { recursive: true });
        mkdirSync(join(chart, 'templates'), { recursive: true });
        writeFileSync(join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: sprockets\ndescription: Ships a CRD and one of its objects\ntype: application\nversion: 0.1.0\nappVersion: "1.0"\n');
        writeFileSync(join(chart, 'values.yaml'), 'teeth: 12\n');
        writeFileSync(
          join(chart, 'crds', 'widget.yaml'),
          [
            'apiVersion: apiextensions.k8s.io/v1',
            'kind: CustomResourceDefinition',
            'metadata:',
            `  name: sprockets.${group}`,
            'spec:',
            `  group: ${group}`,
            '  scope: Namespaced',
            '  names: {plural: sprockets, singular: sprocket, kind: Sprocket, shortNames: [spr]}',
            '  versions:',
            '    - name: v1',
            '      served: true',
            '      storage: true',
            '      additionalPrinterColumns:',
            '        - {name: Teeth, type: integer, jsonPath: .spec.teeth}',
            '      schema:',
            '        openAPIV3Schema:',
            '          type: object',
            '          properties:',
            '            spec:',
            '              type: object',
            '              properties:',
            '                teeth: {type: integer, minimum: 1}',
            '',
          ].join('\n'),
        );
        writeFileSync(
          join(chart, 'templates', 'widget.yaml'),
          `apiVersion: ${group}/v1\nkind: Sprocket\nmetadata:\n  name: {{ .Release.Name }}-sprocket\n  labels:\n    app.kubernetes.io/managed-by: {{ .Release.Service }}\nspec:\n  teeth: {{ .Values.teeth }}\n`,
        );
        const ns = `crd-helm-${suffix}`;
        namespaces.push(ns);
        crdsToDelete.add(`sprockets.${group}`);
        const helm = okWith(bins.helm);
        const install = await kubectlWith(bins.helm)(['install', 'gears', chart, '-n', ns, '--create-namespace']);
        // On failure, say what /openapi/v3 documented for the group just then (helm checks the kind's
        // PATCH for fieldValidation there before sending it, and falls back to /openapi/v2 without).
        if (install.code !== 0) {
          const now = await openapiKinds('v1');
          expect.fail(`helm install failed; /openapi/v3 for ${group}/v1 now documents ${JSON.stringify(now)}\n${describeRun(install)}`);
        }
        expect(install.stdout).toMatch(/^STATUS: deployed$/m);
        const ok = okWith(bins.kubectl133);
        const table = await ok(['get', 'sprockets', '-n', ns]);
        expect(header(table.stdout)).toEqual(['NAME', 'TEETH']);
        expect(tableRows(table.stdout)).toEqual([{ NAME: 'gears-sprocket', TEETH: '12' }]);
        expect((await ok(['get', 'spr', '-n', ns, '-o', 'name'])).stdout.trim()).toBe(`sprocket.${group}/gears-sprocket`);
        expect((await helm(['uninstall', 'gears', '-n', ns])).stdout.trim()).toBe('release "gears" uninstalled');
        const left = await ok(['get', 'sprockets', '-n', ns, '-o', 'name']);
        expect(left.stdout.trim()).toBe('');
        // Helm never deletes what crds/ installed.
        expect((await crd(`sprockets.${group}`)).metadata.name).toBe(`sprockets.${group}`);
      });
    });

    describe('@kubernetes/client-node 1.4.0 informer on a custom resource (makeInformer over CustomObjectsApi)', () => {
      it('lists, then sees add, update and delete', async () => {
        const ns = await namespace('crd-inf');
        const kc = new KubeConfig();
        kc.loadFromFile(portico().kubeconfigPath);
        const api = kc.makeApiClient(CustomObjectsApi);
        const at = { group, version: 'v1', namespace: ns, plural: 'widgets' };
        type Widget = KubernetesObject & { spec?: { replicas?: number } };
        const body = (name: string, replicas: number): Widget => ({ apiVersion: `${group}/v1`, kind: 'Widget', metadata: { name }, spec: { replicas } } as Widget);
        await api.createNamespacedCustomObject({ ...at, body: body('inf-pre', 1) });
        const events: string[] = [];
        const errors: unknown[] = [];
        let lists = 0;
        const informer = makeInformer<Widget>(kc, `/apis/${group}/v1/namespaces/${ns}/widgets`, () => {
          lists++;
          return api.listNamespacedCustomObject(at) as Promise<KubernetesListObject<Widget>>;
        });
        const note = (what: string) => (o: Widget) => events.push(`${what} ${o.metadata?.name ?? ''} ${o.spec?.replicas ?? ''}`);
        informer.on('add', note('add'));
        informer.on('update', note('update'));
        informer.on('delete', note('delete'));
        informer.on('error', (e) => errors.push(e));
        await informer.start();
        try {
          await eventually('add inf-pre', async () => (events.includes('add inf-pre 1') ? true : undefined));
          await api.createNamespacedCustomObject({ ...at, body: body('inf-a', 1) });
          const current = (await api.getNamespacedCustomObject({ ...at, name: 'inf-a' })) as Widget;
          await api.replaceNamespacedCustomObject({ ...at, name: 'inf-a', body: { ...current, spec: { replicas: 5 } } });
          await api.deleteNamespacedCustomObject({ ...at, name: 'inf-pre' });
          await eventually('three more events', async () => (events.length >= 4 ? true : undefined));
          expect(events).toEqual(['add inf-pre 1', 'add inf-a 1', 'update inf-a 5', 'delete inf-pre 1']);
          expect(informer.list(ns).map((o) => o.metadata?.name)).toEqual(['inf-a']);
          expect(lists).toBe(1);
          expect(errors).toEqual([]);
        } finally {
          await informer.stop();
        }
      });
    });

    describe('a schema that changes under stored objects', () => {
      it('a default added later shows on read, a field removed from the schema is pruned on read', async () => {
        const ops = [0, 1].flatMap((v) => [
          { op: 'add', path: `/spec/versions/${v}/schema/openAPIV3Schema/properties/spec/properties/tier`, value: { type: 'string', default: 'gold' } },
          { op: 'remove', path: `/spec/versions/${v}/schema/openAPIV3Schema/properties/spec/properties/color` },
        ]);
        const r = await send('PATCH', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${widgets}`, JSON.stringify(ops), { 'content-type': 'application/json-patch+json' });
        expect(r.status, JSON.stringify(r.json)).toBe(200);
        // w1 was stored (by the kubectl 1.33 tests) with color and without tier.
        const path = `/apis/${group}/v1/namespaces/crd-133-${suffix}/widgets/w1`;
        const w = await eventually('w1 read through the new schema', async () => {
          const got = await send('GET', path);
          const spec = (got.json as Obj).spec ?? {};
          return spec['tier'] === 'gold' && !('color' in spec) ? (got.json as Obj) : undefined;
        });
        expect(w.spec).toMatchObject({ size: 'large', replicas: 3, tier: 'gold' });
        // Lists and the other served version read the same way.
        const list = await send('GET', `/apis/${group}/v1beta1/namespaces/crd-133-${suffix}/widgets`);
        const w1 = (list.json as { items: Obj[] }).items.find((i) => i.metadata['name'] === 'w1');
        expect(w1?.spec?.['tier']).toBe('gold');
        expect(w1?.spec).not.toHaveProperty('color');
      });
    });

    describe('deleting CRDs', () => {
      it('a CRD whose objects cannot go yet stays Terminating: creates refused with 405, then it goes when they do', async () => {
        const gadgets = `gadgets.${group}`;
        const item = `/apis/${group}/v1/gadgets/g1`;
        const patched = await send('PATCH', item, '{"metadata":{"finalizers":["e2e.portico.dev/hold"]}}', { 'content-type': 'application/merge-patch+json' });
        expect(patched.status, JSON.stringify(patched.json)).toBe(200);
        const del = await send('DELETE', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${gadgets}`);
        expect(del.status, JSON.stringify(del.json)).toBe(200);
        // The DELETE answers with the CRD marked (the cleanup finalizer added), then the finalizer
        // controller starts deleting its objects.
        expect(condition(del.json as CrdObject, 'Terminating')).toMatchObject({
          status: 'True',
          reason: 'InstanceDeletionPending',
          message: 'CustomResourceDefinition marked for deletion; CustomResource deletion will begin soon',
        });
        expect((del.json as { metadata: { finalizers?: string[] } }).metadata.finalizers).toContain('customresourcecleanup.apiextensions.k8s.io');
        const terminating = await eventually('gadgets: instance deletion in progress', async () => {
          const c = await crd(gadgets);
          return condition(c, 'Terminating')?.reason === 'InstanceDeletionInProgress' ? c : undefined;
        });
        expect(condition(terminating, 'Terminating')).toMatchObject({ status: 'True', message: 'CustomResource deletion is in progress' });
        expect((terminating as { metadata: { deletionTimestamp?: string } }).metadata.deletionTimestamp).toBeTruthy();
        const create = await send('POST', `/apis/${group}/v1/gadgets`, { apiVersion: `${group}/v1`, kind: 'Gadget', metadata: { name: 'late' } });
        expectFailureStatus(create.json, { code: 405, reason: 'MethodNotAllowed', message: 'create not allowed while custom resource definition is terminating' });
        const discovery = await send('GET', `/apis/${group}/v1`);
        const entry = (discovery.json as { resources: { name: string; verbs: string[] }[] }).resources.find((x) => x.name === 'gadgets');
        // Soft, so that a failure here still releases the object below.
        expect.soft(entry?.verbs).toEqual(['delete', 'deletecollection', 'get', 'list', 'watch']);
        // The object is being deleted, held by its finalizer.
        const held = await send('GET', item);
        expect((held.json as Obj).metadata['deletionTimestamp']).toBeTruthy();
        const released = await send('PATCH', item, '{"metadata":{"finalizers":null}}', { 'content-type': 'application/merge-patch+json' });
        expect(released.status, JSON.stringify(released.json)).toBe(200);
        await eventually(
          'gadgets deleted',
          async () => ((await send('GET', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${gadgets}`)).status === 404 ? true : undefined),
          30_000,
        );
        crdsToDelete.delete(gadgets);
      });

      it('delete crd: its custom resources go with it, and the resource leaves discovery', async () => {
        const ok = okWith(bins.kubectl135);
        const ns = await namespace('crd-del');
        const f = file('doomed.yaml', `apiVersion: ${group}/v1\nkind: Widget\nmetadata:\n  name: doomed\n  namespace: ${ns}\nspec: {}\n`);
        await ok(['create', '-f', f]);
        const del = await ok(['delete', 'crd', widgets]);
        expect(del.stdout.trim()).toBe(`customresourcedefinition.apiextensions.k8s.io "${widgets}" deleted`);
        expect((await send('GET', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${widgets}`)).status).toBe(404);
        await eventually('widgets gone from discovery', async () => {
          const r = await send('GET', `/apis/${group}/v1`);
          const names = r.status === 200 ? (r.json as { resources: { name: string }[] }).resources.map((x) => x.name) : [];
          return names.includes('widgets') ? undefined : true;
        });
        const resources = await ok(['api-resources', `--api-group=${group}`, '-o', 'name']);
        expect(resources.stdout.split('\n')).not.toContain(`widgets.${group}`);
        expect((await send('GET', `/apis/${group}/v1/namespaces/${ns}/widgets`)).status).toBe(404);

        // Recreated, the CRD starts empty: its objects were deleted with it, not hidden.
        await ok(['apply', '-f', fixture('widgets.yaml')]);
        await ok(['wait', '--for=condition=Established', `crd/${widgets}`, '--timeout=30s']);
        const list = await eventually('widgets served again', async () => {
          const r = await send('GET', `/apis/${group}/v1/widgets`);
          return r.status === 200 ? r : undefined;
        });
        expect((list.json as { items: unknown[] }).items).toEqual([]);
        await ok(['delete', 'crd', widgets]);
        crdsToDelete.delete(widgets);
      });
    });
  });
}
