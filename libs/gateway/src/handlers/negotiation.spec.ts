import { describe, expect, it } from 'vitest';
import { isStatusError } from '@portico/api';
import { decodeBody, negotiateResponse } from './negotiation';

describe('negotiation', () => {
  it('serves JSON to kubectl get, skipping the Table it cannot have yet', () => {
    expect(negotiateResponse('application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json')).toBe('json');
    expect(negotiateResponse(undefined)).toBe('json');
    expect(negotiateResponse('application/yaml')).toBe('yaml');
  });

  it('answers 406 when nothing acceptable is offered', () => {
    try {
      negotiateResponse('application/vnd.kubernetes.protobuf');
      expect.unreachable();
    } catch (e) {
      expect(isStatusError(e) && e.code).toBe(406);
    }
  });

  it('decodes JSON and YAML bodies and refuses other types with 415', () => {
    expect(decodeBody(Buffer.from('{"a":1}'), 'application/json; charset=utf-8')).toEqual({ a: 1 });
    expect(decodeBody(Buffer.from('a: 1'), 'application/yaml')).toEqual({ a: 1 });
    try {
      decodeBody(Buffer.from('x'), 'text/plain');
      expect.unreachable();
    } catch (e) {
      expect(isStatusError(e) && e.status).toMatchObject({ code: 415, reason: 'UnsupportedMediaType' });
    }
  });
});
