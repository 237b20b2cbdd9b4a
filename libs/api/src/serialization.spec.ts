import { describe, expect, it } from 'vitest';
import { decodeJson, decodeYaml } from './serialization';
import { isStatusError } from './status';

const code = (f: () => unknown) => {
  try {
    f();
    return 0;
  } catch (e) {
    return isStatusError(e) ? e.code : -1;
  }
};

describe('request body decoding', () => {
  it('decodes JSON and refuses malformed or too deep documents with 400', () => {
    expect(decodeJson('{"a":[1,{"b":"}]"}]}')).toEqual({ a: [1, { b: '}]' }] });
    expect(code(() => decodeJson('{"a":'))).toBe(400);
    expect(code(() => decodeJson('['.repeat(5000) + ']'.repeat(5000)))).toBe(400);
    expect(code(() => decodeJson('{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000)))).toBe(400);
  });

  it('decodes YAML 1.1 like kubectl does', () => {
    expect(decodeYaml('a: on\nb: "on"\nc: 1\n')).toEqual({ a: true, b: 'on', c: 1 });
  });

  it('refuses alias bombs and deep YAML with 400 instead of exhausting memory', () => {
    const bomb = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
      .concat(['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'].map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`))
      .join('\n');
    expect(code(() => decodeYaml(bomb))).toBe(400);
    expect(code(() => decodeYaml('['.repeat(5000) + ']'.repeat(5000)))).toBe(400);
    expect(code(() => decodeYaml(Array.from({ length: 3000 }, (_, i) => ' '.repeat(i) + 'a:').join('\n')))).toBe(400);
  });
});
