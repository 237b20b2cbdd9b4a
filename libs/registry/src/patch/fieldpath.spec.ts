import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  FieldSet,
  fieldElement,
  indexElement,
  keyElement,
  pathString,
  serializePathElement,
  valueElement,
  type Path,
  type PathElement,
} from './fieldpath';

const f = fieldElement;

describe('field paths', () => {
  it('print as structured-merge-diff prints them', () => {
    expect(pathString([f('data'), f('a')])).toBe('.data.a');
    expect(pathString([f('spec'), f('containers'), keyElement([['name', 'nginx']]), f('image')])).toBe('.spec.containers[name="nginx"].image');
    expect(pathString([f('ports'), keyElement([['protocol', 'TCP'], ['containerPort', 80]])])).toBe('.ports[containerPort=80,protocol="TCP"]');
    expect(pathString([f('finalizers'), valueElement('a')])).toBe('.finalizers[="a"]');
    expect(pathString([f('args'), indexElement(2)])).toBe('.args[2]');
  });

  it('serialize as FieldsV1 keys', () => {
    expect(serializePathElement(keyElement([['protocol', 'TCP'], ['containerPort', 80]]))).toBe('k:{"containerPort":80,"protocol":"TCP"}');
    expect(serializePathElement(valueElement('<a&b>'))).toBe('v:"\\u003ca\\u0026b\\u003e"');
    expect(serializePathElement(indexElement(3))).toBe('i:3');
  });
});

describe('FieldSet', () => {
  const fieldsV1 = {
    'f:data': { '.': {}, 'f:a': {} },
    'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
    'f:spec': { 'f:containers': { 'k:{"name":"nginx"}': { '.': {}, 'f:image': {} } }, 'f:finalizers': { 'v:"x"': {} } },
  };

  it('reads and writes FieldsV1, members marked with "."', () => {
    const s = FieldSet.fromFieldsV1(fieldsV1);
    expect(s.has([f('data')])).toBe(true);
    expect(s.has([f('data'), f('a')])).toBe(true);
    expect(s.has([f('metadata')])).toBe(false);
    expect(s.has([f('spec'), f('containers'), keyElement([['name', 'nginx']])])).toBe(true);
    expect(s.toFieldsV1()).toEqual(fieldsV1);
    expect(s.toString()).toBe(
      ['.data', '.data.a', '.metadata.labels', '.metadata.labels.app', '.spec.containers[name="nginx"]', '.spec.containers[name="nginx"].image', '.spec.finalizers[="x"]'].join('\n'),
    );
  });

  it('orders keys: "." first, then fields, keys, values, indices', () => {
    const s = FieldSet.of([f('x'), indexElement(1)], [f('x'), valueElement(2)], [f('x'), keyElement([['k', 1]])], [f('x'), f('b')], [f('x'), f('a')], [f('x')]);
    expect(Object.keys(s.toFieldsV1()['f:x'] as object)).toEqual(['.', 'f:a', 'f:b', 'k:{"k":1}', 'v:2', 'i:1']);
  });

  it('drops path elements of unknown kinds when reading', () => {
    expect(FieldSet.fromFieldsV1({ 'f:a': { 'x:new': {} } }).has([f('a')])).toBe(true);
    expect(() => FieldSet.fromFieldsV1({ 'f:a': { 'k:{bad': {} } })).toThrow();
  });

  const pe: fc.Arbitrary<PathElement> = fc.oneof(
    fc.constantFrom('a', 'b', 'c', 'spec').map(f),
    fc.constantFrom('x', 'y').map((n) => keyElement([['name', n]])),
    fc.oneof(fc.constantFrom('v1', 'v2'), fc.integer({ min: 0, max: 3 })).map((v) => valueElement(v)),
    fc.integer({ min: 0, max: 2 }).map(indexElement),
  );
  const path: fc.Arbitrary<Path> = fc.array(pe, { minLength: 1, maxLength: 4 });
  const set = fc.array(path, { maxLength: 8 }).map((ps) => FieldSet.of(...ps));

  it('round-trips through FieldsV1 (property)', () => {
    fc.assert(
      fc.property(set, (s) => {
        expect(FieldSet.fromFieldsV1(s.toFieldsV1()).equals(s)).toBe(true);
      }),
    );
  });

  it('obeys the set laws for membership (property)', () => {
    fc.assert(
      fc.property(set, set, path, (a, b, p) => {
        expect(a.union(b).has(p)).toBe(a.has(p) || b.has(p));
        expect(a.intersection(b).has(p)).toBe(a.has(p) && b.has(p));
        expect(a.difference(b).has(p)).toBe(a.has(p) && !b.has(p));
        expect(a.union(b).equals(b.union(a))).toBe(true);
        expect(a.difference(a).empty()).toBe(true);
      }),
    );
  });

  it('recursiveDifference also drops what lies below a removed member (property)', () => {
    fc.assert(
      fc.property(set, path, pe, (s, prefix, extra) => {
        const withChild = s.union(FieldSet.of([...prefix, extra]));
        const out = withChild.recursiveDifference(FieldSet.of(prefix));
        expect(out.has([...prefix, extra])).toBe(false);
        expect(out.has(prefix)).toBe(false);
      }),
    );
  });
});
