import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { isStatusError } from '@portico/api';
import type { SchemaNode } from '../generated';
import { applyMergePatch } from './merge-patch';
import { SchemaPatchMeta, strategicMergePatch } from './strategic-merge-patch';
import type { JsonObject, JsonValue } from './json';

// A test type shaped like apimachinery's strategicpatch MergeItem: merging and non-merging lists
// of maps and of integers, a map, a retainKeys struct and a merge,retainKeys list.
const item = (extra: Record<string, SchemaNode> = {}): SchemaNode => ({
  type: 'object',
  properties: {
    name: { type: 'string' },
    value: { type: 'string' },
    other: { type: 'string' },
    mergingList: { type: 'array', items: { ref: 'item' }, patchStrategy: 'merge', patchMergeKey: 'name' },
    nonMergingList: { type: 'array', items: { ref: 'item' } },
    mergingIntList: { type: 'array', items: { type: 'integer' }, patchStrategy: 'merge' },
    nonMergingIntList: { type: 'array', items: { type: 'integer' } },
    simpleMap: { type: 'object', additionalProperties: { type: 'string' } },
    ...extra,
  },
});
const defs: Record<string, SchemaNode> = {
  item: item({
    replacingItem: { type: 'object', patchStrategy: 'replace' },
    retainKeysMap: { ref: 'retainKeysItem', patchStrategy: 'retainKeys' },
    retainKeysMergingList: { type: 'array', items: { ref: 'item' }, patchStrategy: 'merge,retainKeys', patchMergeKey: 'name' },
  }),
  retainKeysItem: item(),
};
const schema = SchemaPatchMeta.forDefinition('item', defs);

const y = (s: string): JsonObject => (parse(s, { version: '1.1' }) ?? {}) as JsonObject;
const smp = (original: JsonObject, patch: JsonObject) => strategicMergePatch(structuredClone(original), structuredClone(patch), schema);

function statusOf(f: () => unknown): { code: number; reason?: string; message?: string } {
  try {
    f();
  } catch (e) {
    if (isStatusError(e)) return { code: e.code, reason: e.status.reason, message: e.status.message };
    throw e;
  }
  throw new Error('expected a StatusError');
}

// Cases re-expressed from apimachinery's strategicpatch tests: [title, object, patch, result].
// List order in the results is significant.
const cases: [string, string, string, string][] = [
  ['a null deletes a field', 'name: a\nvalue: b', 'value: null', 'name: a'],
  ['maps merge and nulls inside them delete', 'simpleMap: {a: "1", b: "2"}', 'simpleMap: {b: null, c: "3"}', 'simpleMap: {a: "1", c: "3"}'],
  ['lists without a merge strategy are replaced', 'nonMergingIntList: [1, 2]', 'nonMergingIntList: [3]', 'nonMergingIntList: [3]'],
  [
    'a merging list adds by key, new items first without $setElementOrder',
    'mergingList: [{name: "1"}, {name: "2", value: "2"}]',
    'mergingList: [{name: "3", value: "3"}]',
    'mergingList: [{name: "3", value: "3"}, {name: "1"}, {name: "2", value: "2"}]',
  ],
  [
    'items with the same key merge field by field',
    'mergingList: [{name: "1", value: "a", other: "x"}]',
    'mergingList: [{name: "1", value: "b"}]',
    'mergingList: [{name: "1", value: "b", other: "x"}]',
  ],
  [
    '$patch: delete removes an item by key (all of its duplicates)',
    'mergingList: [{name: "1"}, {name: "2"}, {name: "1", other: "dup"}]',
    'mergingList: [{name: "1", $patch: delete}]',
    'mergingList: [{name: "2"}]',
  ],
  [
    '$patch: replace on a list keeps only the patch items',
    'mergingList: [{name: "1"}, {name: "2"}]',
    'mergingList: [{name: "3"}, {$patch: replace}]',
    'mergingList: [{name: "3"}]',
  ],
  ['$patch: replace on a map replaces it', 'simpleMap: {a: "1"}', 'simpleMap: {b: "2", $patch: replace}', 'simpleMap: {b: "2"}'],
  ['$patch: delete on a map empties it', 'simpleMap: {a: "1"}\nname: n', 'simpleMap: {$patch: delete}', 'simpleMap: {}\nname: n'],
  [
    'directives are removed from values that are set wholesale',
    'name: hi',
    'mergingList: [{name: hello}, {name: gone, $patch: delete}]',
    'name: hi\nmergingList: [{name: hello}]',
  ],
  [
    'a merging list of scalars is a de-duplicated union',
    'mergingIntList: [1, 2]',
    'mergingIntList: [2, 3]',
    'mergingIntList: [1, 2, 3]',
  ],
  [
    '$deleteFromPrimitiveList removes values from a merging list',
    'mergingIntList: [1, 2, 3, 2]',
    '$deleteFromPrimitiveList/mergingIntList: [2]',
    'mergingIntList: [1, 3]',
  ],
  [
    '$deleteFromPrimitiveList applies to non-merging lists too',
    'nonMergingIntList: [1, 2, 3]',
    '$deleteFromPrimitiveList/nonMergingIntList: [2]',
    'nonMergingIntList: [1, 3]',
  ],
  ['$deleteFromPrimitiveList of a missing list adds nothing', 'name: x', '$deleteFromPrimitiveList/mergingIntList: [3]', 'name: x'],
  [
    '$setElementOrder orders patch items, live-only items keep their place',
    'mergingIntList: [1, 4, 2]',
    '$setElementOrder/mergingIntList: [3, 1, 2]\nmergingIntList: [3]',
    'mergingIntList: [3, 1, 4, 2]',
  ],
  [
    '$setElementOrder reorders a list of maps without changing it',
    'mergingList: [{name: "1", other: a}, {name: "3"}, {name: "4"}, {name: "2"}, {name: "9"}]',
    '$setElementOrder/mergingList: [{name: "4"}, {name: "2"}, {name: "3"}, {name: "1"}]',
    'mergingList: [{name: "4"}, {name: "2"}, {name: "3"}, {name: "1", other: a}, {name: "9"}]',
  ],
  [
    'server-only items stay before the next patch item that follows them live',
    'mergingList: [{name: "1"}, {name: "2"}, {name: "7"}, {name: "9"}, {name: "3"}, {name: "4"}]',
    '$setElementOrder/mergingList: [{name: "2"}, {name: "1"}, {name: "4"}, {name: "3"}]',
    'mergingList: [{name: "2"}, {name: "1"}, {name: "7"}, {name: "9"}, {name: "4"}, {name: "3"}]',
  ],
  [
    'adding and deleting with $setElementOrder orders by the list as Go slices leave it',
    'mergingList: [{name: "1"}, {name: "2", other: b}, {name: "4", other: c}]',
    '$setElementOrder/mergingList: [{name: "2"}, {name: "3"}]\nmergingList: [{name: "3"}, {name: "1", $patch: delete}]',
    'mergingList: [{name: "2", other: b}, {name: "4", other: c}, {name: "3"}]',
  ],
  [
    'deleting and reordering primitives in one patch',
    'mergingIntList: [1, 2, 3]',
    '$setElementOrder/mergingIntList: [2, 1]\n$deleteFromPrimitiveList/mergingIntList: [3]',
    'mergingIntList: [2, 1]',
  ],
  [
    '$retainKeys clears the fields it does not list',
    'retainKeysMap: {name: foo, value: bar, other: baz}',
    'retainKeysMap: {$retainKeys: [name, value], value: new}',
    'retainKeysMap: {name: foo, value: new}',
  ],
  [
    '$retainKeys inside items of a merge,retainKeys list',
    'retainKeysMergingList: [{name: "1", value: a, other: b}, {name: "2", other: c}]',
    'retainKeysMergingList: [{name: "1", $retainKeys: [name, value]}]',
    'retainKeysMergingList: [{name: "1", value: a}, {name: "2", other: c}]',
  ],
  ['a patchStrategy replace map is replaced', 'replacingItem: {a: 1, b: 2}', 'replacingItem: {c: 3}', 'replacingItem: {c: 3}'],
  ['a value of another type replaces', 'simpleMap: {a: "1"}', 'simpleMap: [1]', 'simpleMap: [1]'],
];

describe('strategic merge patch: apimachinery cases', () => {
  it.each(cases)('%s', (_title, original, patch, expected) => {
    expect(JSON.stringify(smp(y(original), y(patch)))).toBe(JSON.stringify(y(expected)));
  });
});

describe('strategic merge patch: errors as kube-apiserver answers them', () => {
  it('a missing merge key is a 500 with the Go message', () => {
    const s = statusOf(() => smp(y('mergingList: [{name: "1", value: a}]'), y('mergingList: [{value: b}]')));
    expect(s.code).toBe(500);
    expect(s.reason).toBeUndefined();
    expect(s.message).toBe('map: map[value:b] does not contain declared merge key: name');
  });
  it('a $setElementOrder that contradicts the patch order is a 500', () => {
    const s = statusOf(() =>
      smp(y('mergingList: [{name: "1"}, {name: "3"}, {name: "2"}]'), y('$setElementOrder/mergingList: [{name: "1"}, {name: "2"}, {name: "3"}]\nmergingList: [{name: "3"}, {name: "1"}]')),
    );
    expect(s.code).toBe(500);
    expect(s.message).toContain("doesn't match $setElementOrder list");
  });
  it('malformed directives are 400s', () => {
    expect(statusOf(() => smp(y('name: x'), { '$setElementOrderX/list': [] } as JsonObject))).toMatchObject({
      code: 400,
      message: 'invalid patch format of setElementOrder list',
    });
    expect(statusOf(() => smp(y('retainKeysMap: {name: x}'), y('retainKeysMap: {$retainKeys: [name], value: v}')))).toMatchObject({
      code: 400,
      message: 'invalid patch format of retainKeys',
    });
    expect(statusOf(() => smp(y('retainKeysMap: {name: x}'), y('retainKeysMap: {$retainKeys: name}')))).toMatchObject({ code: 400 });
    expect(statusOf(() => smp(y('name: x'), { '$deleteFromPrimitiveListX/a': [1] } as JsonObject))).toMatchObject({
      code: 400,
      message: 'invalid patch format of primitive list',
    });
  });
  it('lists of lists are a 422 and an unknown $patch a 500', () => {
    expect(statusOf(() => smp(y('mergingIntList: [[1]]'), y('mergingIntList: [[2]]'))).code).toBe(422);
    expect(statusOf(() => smp(y('simpleMap: {a: "1"}'), y('simpleMap: {$patch: merge}')))).toMatchObject({
      code: 500,
      message: 'unknown patch type: merge in map: map[$patch:merge]',
    });
    expect(statusOf(() => smp(y('mergingList: [{name: "1"}]'), y('mergingList: [{$patch: merge}]')))).toMatchObject({
      code: 500,
      message: 'merging lists cannot yet be specified in the patch',
    });
  });
});

describe('strategic merge patch over the Kubernetes schemas', () => {
  const pod = SchemaPatchMeta.forDefinition('io.k8s.api.core.v1.Pod');
  const base = (): JsonObject =>
    y(`
apiVersion: v1
kind: Pod
metadata: {name: p, finalizers: [a, b]}
spec:
  containers:
  - name: app
    image: nginx:1
    env: [{name: A, value: "1"}, {name: B, value: "2"}]
    ports: [{containerPort: 80, protocol: TCP}]
  - name: sidecar
    image: busybox
  tolerations: [{key: k1, operator: Exists}]
`);
  it('merges containers by name and env by name', () => {
    const out = strategicMergePatch(base(), y('spec: {containers: [{name: app, image: nginx:2, env: [{name: B, value: "3"}, {name: C, value: "4"}]}]}'), pod);
    expect(out['spec']).toMatchObject({
      containers: [
        { name: 'app', image: 'nginx:2', env: [{ name: 'A', value: '1' }, { name: 'B', value: '3' }, { name: 'C', value: '4' }] },
        { name: 'sidecar', image: 'busybox' },
      ],
    });
  });
  it('replaces atomic lists (tolerations) and merges the finalizers set', () => {
    const out = strategicMergePatch(base(), y('metadata: {finalizers: [c]}\nspec: {tolerations: [{key: k2, operator: Exists}]}'), pod);
    expect((out['metadata'] as JsonObject)['finalizers']).toEqual(['c', 'a', 'b']);
    expect((out['spec'] as JsonObject)['tolerations']).toEqual([{ key: 'k2', operator: 'Exists' }]);
  });
  it('deletes a container and a port by merge key', () => {
    const out = strategicMergePatch(
      base(),
      y('spec: {containers: [{name: sidecar, $patch: delete}, {name: app, ports: [{containerPort: 80, $patch: delete}]}]}'),
      pod,
    );
    expect((out['spec'] as JsonObject)['containers']).toEqual([
      { name: 'app', image: 'nginx:1', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], ports: [] },
    ]);
  });
  it('rejects a field the struct does not have only where it has to look it up', () => {
    expect(strategicMergePatch(base(), y('spec: {unknownField: 1}'), pod)['spec']).toMatchObject({ unknownField: 1 });
    const original = base();
    (original['spec'] as JsonObject)['weird'] = { a: 1 };
    expect(statusOf(() => strategicMergePatch(original, y('spec: {weird: {b: 2}}'), pod))).toMatchObject({
      code: 500,
      message: 'unable to find api field in struct PodSpec for the json field "weird"',
    });
  });
  it('$retainKeys on a deployment strategy clears rollingUpdate', () => {
    const d = SchemaPatchMeta.forDefinition('io.k8s.api.apps.v1.Deployment');
    const out = strategicMergePatch(
      y('spec: {strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1}}}'),
      y('spec: {strategy: {$retainKeys: [type], type: Recreate}}'),
      d,
    );
    expect(out).toEqual({ spec: { strategy: { type: 'Recreate' } } });
  });
});

// Property-based tests of the merge rules.
const key = fc.constantFrom('a', 'b', 'c', 'd', 'e');
const scalar = fc.oneof(fc.string({ maxLength: 3 }), fc.integer({ min: -5, max: 5 }), fc.boolean());
const flatMap = fc.dictionary(key, scalar, { maxKeys: 4 });
const names = fc.uniqueArray(fc.constantFrom('n1', 'n2', 'n3', 'n4', 'n5', 'n6'), { maxLength: 6 });
const mapList = names.chain((ns) => fc.tuple(...ns.map((n) => flatMap.map((m) => ({ ...m, name: n } as JsonObject)))));

describe('strategic merge patch: properties', () => {
  it('without lists or directives it is a JSON merge patch', () => {
    const doc = fc.dictionary(key, fc.oneof(scalar, flatMap), { maxKeys: 4 });
    const patch = fc.dictionary(key, fc.oneof(scalar, fc.constant(null), fc.dictionary(key, fc.oneof(scalar, fc.constant(null)), { maxKeys: 3 })), { maxKeys: 4 });
    fc.assert(
      fc.property(doc, patch, (d, p) => {
        const simpleMap = SchemaPatchMeta.forDefinition('free', { free: { type: 'object' } });
        const viaSmp = strategicMergePatch(structuredClone(d) as JsonObject, structuredClone(p) as JsonObject, simpleMap);
        expect(viaSmp).toEqual(applyMergePatch(d as JsonObject, p as JsonObject));
      }),
    );
  });

  it('a merging list ends up with every key of the object and the patch, patch fields winning', () => {
    fc.assert(
      fc.property(mapList, mapList, (orig, patch) => {
        const out = smp({ mergingList: orig }, { mergingList: patch })['mergingList'] as JsonObject[];
        const keys = new Set([...orig, ...patch].map((i) => i['name']));
        expect(new Set(out.map((i) => i['name']))).toEqual(keys);
        expect(out).toHaveLength(keys.size);
        for (const p of patch) expect(out.find((i) => i['name'] === p['name'])).toMatchObject(p);
        for (const o of orig) {
          const p = patch.find((i) => i['name'] === o['name']) ?? {};
          expect(out.find((i) => i['name'] === o['name'])).toEqual({ ...o, ...p });
        }
      }),
    );
  });

  it('applying the same patch twice changes nothing more', () => {
    const patchItem = fc.oneof(
      flatMap.chain((m) => names.map((ns) => ({ ...m, name: ns[0] ?? 'n1' } as JsonObject))),
      fc.constantFrom('n1', 'n2', 'n3').map((n) => ({ name: n, $patch: 'delete' } as JsonObject)),
    );
    const patch = fc.record({
      mergingList: fc.uniqueArray(patchItem, { selector: (i) => i['name'], maxLength: 4 }),
      mergingIntList: fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 4 }),
      simpleMap: fc.dictionary(key, fc.oneof(fc.string({ maxLength: 2 }), fc.constant(null)), { maxKeys: 3 }),
    });
    const doc = fc.record({
      mergingList: mapList,
      mergingIntList: fc.uniqueArray(fc.integer({ min: 0, max: 5 }), { maxLength: 4 }),
      simpleMap: fc.dictionary(key, fc.string({ maxLength: 2 }), { maxKeys: 3 }),
    });
    fc.assert(
      fc.property(doc, patch, (d, p) => {
        const once = smp(d as unknown as JsonObject, p as unknown as JsonObject);
        const twice = smp(once, p as unknown as JsonObject);
        expect(twice).toEqual(once);
      }),
    );
  });

  it('$setElementOrder naming every item yields exactly that order', () => {
    fc.assert(
      // An empty list has no element type, which Go reports as an error.
      fc.property(mapList.filter((l) => l.length > 0), fc.integer(), (orig, seed) => {
        const order = [...orig].map((i) => ({ name: i['name'] as JsonValue }));
        // A deterministic shuffle from the seed.
        for (let i = order.length - 1; i > 0; i--) {
          const j = Math.abs((seed * (i + 7)) % (i + 1));
          [order[i], order[j]] = [order[j] as { name: JsonValue }, order[i] as { name: JsonValue }];
        }
        const out = smp({ mergingList: orig }, { '$setElementOrder/mergingList': order })['mergingList'] as JsonObject[];
        expect(out.map((i) => i['name'])).toEqual(order.map((o) => o.name));
      }),
    );
  });

  it('$deleteFromPrimitiveList removes exactly the listed values', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1 }), fc.array(fc.integer({ min: 0, max: 6 })), (list, del) => {
        const out = smp({ mergingIntList: list }, { '$deleteFromPrimitiveList/mergingIntList': del })['mergingIntList'];
        expect(out).toEqual(list.filter((v) => !del.includes(v)));
      }),
    );
  });
});
