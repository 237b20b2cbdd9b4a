import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isStatusError } from '@portico/api';
import { applyJsonPatch, parsePatchJson } from './json-patch';
import type { JsonObject, JsonValue } from './json';

function statusOf(f: () => unknown): { code: number; reason?: string; message?: string; details?: unknown } {
  try {
    f();
  } catch (e) {
    if (isStatusError(e)) return { code: e.code, reason: e.status.reason, message: e.status.message, details: e.status.details };
    throw e;
  }
  throw new Error('expected a StatusError');
}

const doc = (): JsonObject => ({ metadata: { name: 'x', labels: { a: '1' } }, data: { k: 'v' }, list: [1, 2, 3] });

describe('JSON patch', () => {
  it('applies add, remove, replace, move, copy and test in order', () => {
    const out = applyJsonPatch(doc(), [
      { op: 'add', path: '/metadata/labels/b', value: '2' },
      { op: 'remove', path: '/metadata/labels/a' },
      { op: 'replace', path: '/data/k', value: 'w' },
      { op: 'move', from: '/data/k', path: '/data/m' },
      { op: 'copy', from: '/list', path: '/copy' },
      { op: 'add', path: '/list/-', value: 4 },
      { op: 'add', path: '/list/0', value: 0 },
      { op: 'test', path: '/copy', value: [1, 2, 3] },
    ]);
    expect(out).toEqual({ metadata: { name: 'x', labels: { b: '2' } }, data: { m: 'w' }, list: [0, 1, 2, 3, 4], copy: [1, 2, 3] });
  });

  it('follows evanphx/json-patch: negative indices, replace of a missing key, copy of a missing key, escaped keys', () => {
    expect(applyJsonPatch(doc(), [{ op: 'remove', path: '/list/-1' }])).toMatchObject({ list: [1, 2] });
    expect(applyJsonPatch(doc(), [{ op: 'add', path: '/list/-1', value: 9 }])).toMatchObject({ list: [1, 2, 3, 9] });
    expect(applyJsonPatch(doc(), [{ op: 'replace', path: '/data/new', value: 'n' }])).toMatchObject({ data: { k: 'v', new: 'n' } });
    expect(applyJsonPatch(doc(), [{ op: 'copy', from: '/data/none', path: '/data/c' }])).toMatchObject({ data: { k: 'v', c: null } });
    expect(applyJsonPatch(doc(), [{ op: 'add', path: '/metadata/labels/app.kubernetes.io~1name', value: 'n' }])).toMatchObject({
      metadata: { labels: { a: '1', 'app.kubernetes.io/name': 'n' } },
    });
    expect(applyJsonPatch(doc(), [{ op: 'add', path: '/data/x' }])).toMatchObject({ data: { x: null } });
    expect(applyJsonPatch(doc(), [{ op: 'replace', path: '', value: { a: 1 } }])).toEqual({ a: 1 });
    expect(applyJsonPatch(doc(), null)).toEqual(doc());
  });

  it('answers a failed operation with kube-apiserver’s generic 422', () => {
    for (const ops of [
      [{ op: 'test', path: '/data/k', value: 'other' }],
      [{ op: 'remove', path: '/data/none' }],
      [{ op: 'add', path: '/missing/parent/x', value: 1 }],
      [{ op: 'replace', path: '/list/7', value: 1 }],
      [{ op: 'add', path: '/list/5', value: 1 }],
      [{ op: 'move', from: '/data/none', path: '/data/x' }],
      [{ op: 'frobnicate', path: '/data' }],
      [{ path: '/data' }],
      [{ op: 'add', path: '/__proto__/polluted', value: 1 }],
    ] as JsonValue[]) {
      expect(statusOf(() => applyJsonPatch(doc(), ops))).toEqual({
        code: 422,
        reason: 'Invalid',
        message: 'the server rejected our request due to an error in our request',
        details: {},
      });
    }
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('is atomic: a failing patch leaves its input as it was', () => {
    const input = doc();
    expect(() => applyJsonPatch(input, [{ op: 'add', path: '/data/a', value: 1 }, { op: 'test', path: '/data/a', value: 2 }])).toThrow();
    expect(input).toEqual(doc());
  });

  it('limits the operations (413) and the bytes copied (422)', () => {
    const many = Array.from({ length: 10001 }, () => ({ op: 'test', path: '/data/k', value: 'v' }));
    expect(statusOf(() => applyJsonPatch(doc(), many))).toMatchObject({
      code: 413,
      reason: 'RequestEntityTooLarge',
      message: 'The allowed maximum operations in a JSON patch is 10000, got 10001',
    });
    expect(applyJsonPatch(doc(), many.slice(0, 10000))).toEqual(doc());
    const big = { blob: 'x'.repeat(1000) };
    const copies = Array.from({ length: 5 }, (_, i) => ({ op: 'copy', from: '/blob', path: `/c${i}` }));
    expect(statusOf(() => applyJsonPatch(big, copies, 3000)).code).toBe(422);
    expect(Object.keys(applyJsonPatch(big, copies.slice(0, 2), 3000) as JsonObject)).toHaveLength(3);
  });

  it('rejects patches that do not decode as an operation list (400)', () => {
    expect(statusOf(() => applyJsonPatch(doc(), { op: 'add' }))).toMatchObject({
      code: 400,
      message: 'json: cannot unmarshal object into Go value of type jsonpatch.Patch',
    });
    expect(statusOf(() => applyJsonPatch(doc(), ['add']))).toMatchObject({
      code: 400,
      message: 'json: cannot unmarshal string into Go value of type jsonpatch.Operation',
    });
    expect(statusOf(() => parsePatchJson('[{'))).toMatchObject({ code: 400, message: 'invalid JSON patch' });
  });

  it('add then remove of a new key is the identity (property)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1, maxLength: 4 }), fc.integer()), fc.string({ minLength: 1, maxLength: 6 }), fc.jsonValue(), (d, k, v) => {
        fc.pre(!(k in d) && k !== '__proto__');
        const key = k.replace(/~/g, '~0').replace(/\//g, '~1');
        expect(applyJsonPatch(d, [{ op: 'add', path: `/${key}`, value: v as JsonValue }, { op: 'remove', path: `/${key}` }])).toEqual(d);
      }),
    );
  });
});
