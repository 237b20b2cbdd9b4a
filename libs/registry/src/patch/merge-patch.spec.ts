import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isStatusError } from '@portico/api';
import { applyMergePatch } from './merge-patch';
import type { JsonValue } from './json';

describe('JSON merge patch', () => {
  // RFC 7386 appendix A, where evanphx/json-patch (and so kube-apiserver) agrees with it.
  it.each([
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [{ a: 'b' }, ['c'], ['c']],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ] as [JsonValue, JsonValue, JsonValue][])('%j + %j', (target, patch, result) => {
    expect(applyMergePatch(target, patch)).toEqual(result);
  });

  it('prunes nulls in objects set wholesale but keeps them as list items', () => {
    expect(applyMergePatch({ a: 'x' }, { a: { b: null, c: [null, { d: null, e: 1 }] } })).toEqual({ a: { c: [null, { e: 1 }] } });
  });

  it('answers a null or scalar patch with 400 Invalid JSON Patch', () => {
    for (const p of [null, 'bar', 3]) {
      try {
        applyMergePatch({ a: 1 }, p);
        throw new Error('no error');
      } catch (e) {
        expect(isStatusError(e) && e.code === 400 && e.status.message === 'Invalid JSON Patch').toBe(true);
      }
    }
  });

  const obj = fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd'), fc.oneof(fc.integer(), fc.string({ maxLength: 2 }), fc.constant(null), fc.dictionary(fc.constantFrom('x', 'y'), fc.oneof(fc.integer(), fc.constant(null)))));

  it('is idempotent (property)', () => {
    fc.assert(
      fc.property(obj, obj, (target, patch) => {
        const once = applyMergePatch(target, patch);
        expect(applyMergePatch(once, patch)).toEqual(once);
      }),
    );
  });

  it('sets every non-null key of the patch and deletes every null one (property)', () => {
    fc.assert(
      fc.property(obj, obj, (target, patch) => {
        const out = applyMergePatch(target, patch) as Record<string, JsonValue>;
        for (const [k, v] of Object.entries(patch)) {
          if (v === null) expect(k in out).toBe(false);
          else if (typeof v !== 'object') expect(out[k]).toEqual(v);
        }
        for (const [k, v] of Object.entries(target)) if (!(k in patch)) expect(out[k]).toEqual(v);
      }),
    );
  });

  it('does not modify its inputs (property)', () => {
    fc.assert(
      fc.property(obj, obj, (target, patch) => {
        const t = structuredClone(target);
        const p = structuredClone(patch);
        applyMergePatch(target, patch);
        expect(target).toEqual(t);
        expect(patch).toEqual(p);
      }),
    );
  });
});
