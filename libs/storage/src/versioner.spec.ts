import { describe, expect, it } from 'vitest';
import { stampResourceVersion, stripResourceVersion } from './versioner';

describe('stripResourceVersion', () => {
  it('removes metadata.resourceVersion wherever it sits, and nothing else', () => {
    expect(stripResourceVersion('{"metadata":{"resourceVersion":"5"}}')).toBe('{"metadata":{}}');
    expect(stripResourceVersion('{"metadata":{"name":"a","resourceVersion":"5"}}')).toBe('{"metadata":{"name":"a"}}');
    expect(stripResourceVersion('{"metadata":{"resourceVersion":"5","name":"a"}}')).toBe('{"metadata":{"name":"a"}}');
    expect(stripResourceVersion('{"metadata":{"a":1,"resourceVersion":"5","b":2}}')).toBe('{"metadata":{"a":1,"b":2}}');
    expect(stripResourceVersion('{ "metadata" : { "name" : "a" , "resourceVersion" : "5" } , "x" : 1 }')).toBe(
      '{ "metadata" : { "name" : "a" } , "x" : 1 }',
    );
  });

  it('removes duplicates too, and leaves nested or foreign resourceVersion fields alone', () => {
    expect(stripResourceVersion('{"metadata":{"resourceVersion":"1","resourceVersion":"2","n":1}}')).toBe('{"metadata":{"n":1}}');
    const nested = '{"metadata":{"name":"a"},"spec":{"resourceVersion":"9","metadata":{"resourceVersion":"9"}}}';
    expect(stripResourceVersion(nested)).toBe(nested);
  });

  it('is not fooled by braces, quotes and escapes inside strings', () => {
    const s = '{"data":{"k":"}{\\"resourceVersion\\":\\"1\\"]["},"metadata":{"annotations":{"x":"\\\\"},"resourceVersion":"3"}}';
    const out = stripResourceVersion(s);
    expect(JSON.parse(out)).toEqual({ data: { k: '}{"resourceVersion":"1"][' }, metadata: { annotations: { x: '\\' } } });
  });

  it('keeps numbers exactly as written', () => {
    expect(stripResourceVersion('{"n":123456789012345678901234567890,"f":1.0e2,"metadata":{"resourceVersion":"1"}}')).toBe(
      '{"n":123456789012345678901234567890,"f":1.0e2,"metadata":{}}',
    );
  });

  it('leaves objects without metadata unchanged and refuses non-objects', () => {
    expect(stripResourceVersion('{"a":[1,{"b":null}]}')).toBe('{"a":[1,{"b":null}]}');
    expect(() => stripResourceVersion('[1]')).toThrow();
    expect(() => stripResourceVersion('{"a":')).toThrow();
  });
});

describe('stampResourceVersion', () => {
  it('puts the revision after metadata.uid, where Kubernetes serializes it', () => {
    expect(stampResourceVersion('{"metadata":{"name":"a","uid":"u","generation":1}}', 7)).toBe(
      '{"metadata":{"name":"a","uid":"u","resourceVersion":"7","generation":1}}',
    );
  });

  it('appends it to metadata without a uid, and creates metadata when absent or null', () => {
    expect(stampResourceVersion('{"metadata":{"name":"a"}}', 7)).toBe('{"metadata":{"name":"a","resourceVersion":"7"}}');
    expect(stampResourceVersion('{"metadata":{}}', 7)).toBe('{"metadata":{"resourceVersion":"7"}}');
    expect(stampResourceVersion('{"kind":"X"}', 7)).toBe('{"kind":"X","metadata":{"resourceVersion":"7"}}');
    expect(stampResourceVersion('{}', 7)).toBe('{"metadata":{"resourceVersion":"7"}}');
    expect(stampResourceVersion('{"metadata":null,"a":1}', 7)).toBe('{"metadata":{"resourceVersion":"7"},"a":1}');
  });

  it('replaces an existing value', () => {
    expect(JSON.parse(stampResourceVersion('{"metadata":{"resourceVersion":"1","name":"a"}}', 9))).toEqual({
      metadata: { name: 'a', resourceVersion: '9' },
    });
  });
});
