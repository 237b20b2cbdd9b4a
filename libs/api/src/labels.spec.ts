import { describe, expect, it } from 'vitest';
import { LabelSelector, labelSelectorFromMetav1, newLabelRequirement, parseLabelSelector } from './labels';
import { isStatusError } from './status';

const labelValueMsg =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const nameMsg =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

function parseError(s: string): { code: number; reason: string; message: string } {
  try {
    parseLabelSelector(s);
  } catch (e) {
    if (!isStatusError(e)) throw e;
    return { code: e.code, reason: e.reason, message: e.message };
  }
  throw new Error(`${s} parsed`);
}

describe('parseLabelSelector', () => {
  it.each([
    ['x=a,y=b,z=c', 'x=a,y=b,z=c'],
    ['', ''],
    ['x!=a,y=b', 'x!=a,y=b'],
    ['x=', 'x='],
    ['x= ', 'x='],
    ['x=,z= ', 'x=,z='],
    ['x= ,z= ', 'x=,z='],
    ['!x', '!x'],
    ['x>1', 'x>1'],
    ['x>1,z<5', 'x>1,z<5'],
    ['x==a', 'x==a'],
    ['  a  in  ( b , c )  ', 'a in (b,c)'],
    ['a notin (c,b,c)', 'a notin (b,c)'],
    ['a in ()', 'a in ()'],
    ['a in (,b)', 'a in (,b)'],
    ['a\tin\n(b),\r!c', 'a in (b),!c'],
    ['z,a', 'a,z'],
    ['in=notin', 'in=notin'],
    ['a in (in,notin)', 'a in (in,notin)'],
    ['example.com/key=v', 'example.com/key=v'],
  ])('parses %j and prints it as %j', (input, printed) => {
    expect(parseLabelSelector(input).toString()).toBe(printed);
  });

  it('sorts requirements by key so equal selectors print the same', () => {
    expect(parseLabelSelector('x=a,a=x').toString()).toBe(parseLabelSelector('a=x,x=a').toString());
  });

  it.each([
    ['a in', "unable to parse requirement: found '' expected: '('"],
    ['a=b,', "found '', expected: identifier after ','"],
    [',a', "found ',', expected: !, identifier, or 'end of string'"],
    ['!x=a', "found '=', expected: ',' or 'end of string'"],
    ['x==a==b', "found '==', expected: ',' or 'end of string'"],
    ['x (', "unable to parse requirement: found '(', expected: in, notin, =, ==, !=, gt, lt"],
    ['x in (a,b', "unable to parse requirement: found '', expected: ',' or ')'"],
    ['x in (a b)', "unable to parse requirement: found 'b', expected: ',' or ')'"],
    ['x in a', "unable to parse requirement: found 'a' expected: '('"],
    ['x in (=)', "unable to parse requirement: found '=', expected: ',', ')' or identifier"],
    ['x in (,=)', "unable to parse requirement: found '=', expected: ',', or identifier"],
    ['x=(', "unable to parse requirement: found '(', expected: identifier"],
    ['!', "unable to parse requirement: found '', expected: identifier"],
    ['x<a', `unable to parse requirement: values[0]: Invalid value: "a": for 'Gt', 'Lt' operators, the value must be an integer`],
    ['x=a||y=b', `unable to parse requirement: values[0][x]: Invalid value: "a||y": ${labelValueMsg}`],
    ['a_=b', `unable to parse requirement: <nil>: Invalid value: "a_": ${nameMsg}`],
    ['x in (a,,b', "unable to parse requirement: found '', expected: ',' or ')'"],
  ])('rejects %j with kube-apiserver\'s message', (input, message) => {
    expect(parseError(input)).toEqual({ code: 400, reason: 'BadRequest', message });
  });

  it('keeps v0.33.1 behaviour for consecutive commas in a value list', () => {
    expect(parseLabelSelector('x in (a,,b)').toString()).toBe('x in (,a,b)');
    // The second comma is consumed with the first, so the list ends on a bare ')'.
    expect(parseError('x in (,,)').message).toBe("unable to parse requirement: found ')', expected: ',', or identifier");
  });

  it('reports a too long value with both reasons joined', () => {
    const long = 'a'.repeat(64);
    expect(parseError(`x=${long}`).message).toBe(`unable to parse requirement: values[0][x]: Invalid value: "${long}": must be no more than 63 characters`);
  });
});

describe('LabelSelector.matches', () => {
  const sel = (s: string) => parseLabelSelector(s);
  it.each([
    ['', { x: 'y' }, true],
    ['x=y', { x: 'y' }, true],
    ['x=y,z=w', { x: 'y', z: 'w' }, true],
    ['x!=y,z!=w', { x: 'z', z: 'a' }, true],
    ['notin=in', { notin: 'in' }, true],
    ['x', { x: 'z' }, true],
    ['!x', { y: 'z' }, true],
    ['x>1', { x: '2' }, true],
    ['x<1', { x: '0' }, true],
    ['x>-1', { x: '0' }, false],
    ['x=z', {}, false],
    ['x=y', { x: 'z' }, false],
    ['x=y,z=w', { x: 'w', z: 'w' }, false],
    ['x!=y,z!=w', { x: 'z', z: 'w' }, false],
    ['x', { y: 'z' }, false],
    ['!x', { x: 'z' }, false],
    ['x>1', { x: '0' }, false],
    ['x<1', { x: '2' }, false],
    ['x>1', { x: 'a' }, false],
    ['x>1', {}, false],
    ['x in (a,b)', { x: 'b' }, true],
    ['x in (a,b)', { x: 'c' }, false],
    ['x in (a,b)', {}, false],
    ['x notin (a,b)', {}, true],
    ['x notin (a,b)', { x: 'a' }, false],
    ['x!=a', {}, true],
    ['x=', { x: '' }, true],
    ['x in ()', { x: '' }, true],
  ])('%j against %j is %s', (s, labels, want) => {
    // x>-1 does not parse (the value is not a label value), so it is checked on its own below.
    if (s === 'x>-1') {
      expect(() => sel(s)).toThrow();
      return;
    }
    expect(sel(s).matches(labels)).toBe(want);
  });

  it('treats missing labels like an empty set', () => {
    expect(sel('!a').matches(undefined)).toBe(true);
    expect(sel('a').matches(null)).toBe(false);
  });

  it('compares Gt/Lt as 64-bit integers', () => {
    expect(sel('x>9007199254740992').matches({ x: '9007199254740993' })).toBe(true);
    expect(sel('x<10').matches({ x: '99999999999999999999' })).toBe(false);
  });
});

describe('LabelSelector', () => {
  it('knows when it is empty', () => {
    expect(parseLabelSelector('').isEmpty()).toBe(true);
    expect(LabelSelector.everything().isEmpty()).toBe(true);
    expect(parseLabelSelector('a').isEmpty()).toBe(false);
    expect(LabelSelector.nothing().isEmpty()).toBe(false);
    expect(LabelSelector.nothing().matches({})).toBe(false);
  });

  it('exposes the value an equality pins a key to', () => {
    const s = parseLabelSelector('a=1,b in (2),c in (3,4),d!=5');
    expect(s.requiresExactMatch('a')).toBe('1');
    expect(s.requiresExactMatch('b')).toBe('2');
    expect(s.requiresExactMatch('c')).toBeUndefined();
    expect(s.requiresExactMatch('d')).toBeUndefined();
    expect(s.requiresExactMatch('e')).toBeUndefined();
  });

  it('builds an equality selector from a set', () => {
    const s = LabelSelector.fromSet({ b: '2', a: '1' });
    expect(s.toString()).toBe('a=1,b=2');
    expect(s.matches({ a: '1', b: '2', c: '3' })).toBe(true);
  });

  it('lists requirements with sorted values', () => {
    expect(parseLabelSelector('x in (b,a)').requirements()).toEqual([{ key: 'x', operator: 'in', values: ['a', 'b'] }]);
  });
});

describe('newLabelRequirement', () => {
  it('names the offending part of a requirement', () => {
    expect(() => newLabelRequirement('a', 'in', [])).toThrow(`values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty`);
    expect(() => newLabelRequirement('a', '=', ['x', 'y'])).toThrow(`values: Invalid value: []string{"x", "y"}: exact-match compatibility requires one single value`);
    expect(() => newLabelRequirement('a', 'exists', ['x'])).toThrow(`values: Invalid value: []string{"x"}: values set must be empty for exists and does not exist`);
    expect(() => newLabelRequirement('a', 'gt', ['1', '2'])).toThrow(`values: Invalid value: []string{"1", "2"}: for 'Gt', 'Lt' operators, exactly one value is required`);
    expect(() => newLabelRequirement('a', 'like', [])).toThrow(
      `operator: Unsupported value: "like": supported values: "in", "notin", "=", "==", "!=", "gt", "lt", "exists", "!"`,
    );
  });

  it('aggregates several problems as [a, b]', () => {
    expect(() => newLabelRequirement('-', '=', ['x', 'y'])).toThrow(
      `[key: Invalid value: "-": ${nameMsg}, values: Invalid value: []string{"x", "y"}: exact-match compatibility requires one single value]`,
    );
  });
});

describe('labelSelectorFromMetav1', () => {
  it('matches nothing for a nil selector and everything for an empty one', () => {
    expect(labelSelectorFromMetav1(undefined).matches({ a: 'b' })).toBe(false);
    expect(labelSelectorFromMetav1(null).matchesNothing()).toBe(true);
    expect(labelSelectorFromMetav1({}).matches({ a: 'b' })).toBe(true);
    expect(labelSelectorFromMetav1({ matchLabels: {}, matchExpressions: [] }).isEmpty()).toBe(true);
  });

  it('combines matchLabels and matchExpressions', () => {
    const s = labelSelectorFromMetav1({
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['front', 'back'] },
        { key: 'canary', operator: 'DoesNotExist' },
        { key: 'env', operator: 'NotIn', values: ['dev'] },
        { key: 'team', operator: 'Exists' },
      ],
    });
    expect(s.toString()).toBe('app=web,!canary,env notin (dev),team,tier in (back,front)');
    expect(s.matches({ app: 'web', tier: 'front', team: 'a' })).toBe(true);
    expect(s.matches({ app: 'web', tier: 'front', team: 'a', canary: 'y' })).toBe(false);
  });

  it('rejects unknown operators and empty In lists with Go\'s messages', () => {
    expect(() => labelSelectorFromMetav1({ matchExpressions: [{ key: 'a', operator: 'Foo' }] })).toThrow('"Foo" is not a valid label selector operator');
    expect(() => labelSelectorFromMetav1({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] })).toThrow(
      "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty",
    );
    expect(() => labelSelectorFromMetav1({ matchLabels: { a: 'b c' } })).toThrow(`values[0][a]: Invalid value: "b c": ${labelValueMsg}`);
  });
});
