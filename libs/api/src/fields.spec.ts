import { describe, expect, it } from 'vitest';
import { FieldSelector, escapeFieldValue, parseFieldSelector, unescapeFieldValue } from './fields';
import { isStatusError } from './status';

function parseError(s: string): { code: number; reason: string; message: string } {
  try {
    parseFieldSelector(s);
  } catch (e) {
    if (!isStatusError(e)) throw e;
    return { code: e.code, reason: e.reason, message: e.message };
  }
  throw new Error(`${s} parsed`);
}

describe('parseFieldSelector', () => {
  it('parses =, == and != terms, sorted as Go sorts them', () => {
    const s = parseFieldSelector('status.phase!=Running,metadata.name==foo,metadata.namespace=ns');
    expect(s.requirements()).toEqual([
      { field: 'metadata.name', operator: '=', value: 'foo' },
      { field: 'metadata.namespace', operator: '=', value: 'ns' },
      { field: 'status.phase', operator: '!=', value: 'Running' },
    ]);
    expect(s.toString()).toBe('metadata.name=foo,metadata.namespace=ns,status.phase!=Running');
  });

  it('is empty for the empty string and skips empty terms', () => {
    expect(parseFieldSelector('').isEmpty()).toBe(true);
    expect(parseFieldSelector('a=b,,c=d').requirements()).toHaveLength(2);
  });

  it('unescapes values and splits only on unescaped commas', () => {
    const s = parseFieldSelector('a=b\\,c,d=e\\=f\\\\');
    expect(s.requirements()).toEqual([
      { field: 'a', operator: '=', value: 'b,c' },
      { field: 'd', operator: '=', value: 'e=f\\' },
    ]);
    expect(s.toString()).toBe('a=b\\,c,d=e\\=f\\\\');
  });

  it('splits a term at the first operator', () => {
    expect(parseFieldSelector('a!=b').requirements()[0]).toEqual({ field: 'a', operator: '!=', value: 'b' });
    expect(parseFieldSelector('a=').requirements()[0]).toEqual({ field: 'a', operator: '=', value: '' });
    expect(parseFieldSelector('=b').requirements()[0]).toEqual({ field: '', operator: '=', value: 'b' });
  });

  it.each([
    ['a', "invalid selector: 'a'; can't understand 'a'"],
    ['x=1,b', "invalid selector: 'x=1,b'; can't understand 'b'"],
    ['a=b=c', 'invalid field selector: unescaped character in value: 61'],
    ['a=b,c', "invalid selector: 'a=b,c'; can't understand 'c'"],
    ['a=b\\', 'invalid field selector: invalid escape sequence: \\'],
    ['a=b\\x', 'invalid field selector: invalid escape sequence: \\x'],
  ])('rejects %j with kube-apiserver\'s message', (input, message) => {
    expect(parseError(input)).toEqual({ code: 400, reason: 'BadRequest', message });
  });
});

describe('FieldSelector', () => {
  it('matches field sets, reading a missing field as ""', () => {
    const s = parseFieldSelector('metadata.name=foo,status.phase!=Running');
    expect(s.matches({ 'metadata.name': 'foo', 'status.phase': 'Pending' })).toBe(true);
    expect(s.matches({ 'metadata.name': 'foo', 'status.phase': 'Running' })).toBe(false);
    expect(s.matches({ 'metadata.name': 'foo' })).toBe(true);
    expect(parseFieldSelector('a=').matches({})).toBe(true);
    expect(FieldSelector.everything().matches({})).toBe(true);
  });

  it('reports the value an equality pins a field to', () => {
    const s = parseFieldSelector('metadata.name=foo,b!=c');
    expect(s.requiresExactMatch('metadata.name')).toBe('foo');
    expect(s.requiresExactMatch('b')).toBeUndefined();
  });

  it('transforms labels, dropping terms mapped to nothing and passing errors through', () => {
    const s = parseFieldSelector('regarding.name=x,drop=y');
    const t = s.transform((field, value) => (field === 'drop' ? { field: '', value: '' } : { field: field.replace('regarding', 'involvedObject'), value }));
    expect(t.toString()).toBe('involvedObject.name=x');
    expect(() =>
      s.transform((f) => {
        throw new Error(`field label not supported: ${f}`);
      }),
    ).toThrow('field label not supported: drop');
  });

  it('builds from a set', () => {
    expect(FieldSelector.fromSet({ 'metadata.name': 'a' }).toString()).toBe('metadata.name=a');
  });
});

describe('escaping', () => {
  it('round-trips', () => {
    for (const v of ['', 'plain', 'a,b', 'a=b', 'a\\b', '\\,=\\']) expect(unescapeFieldValue(escapeFieldValue(v))).toBe(v);
  });
});
