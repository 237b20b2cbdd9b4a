import { describe, expect, it } from 'vitest';
import { customResourceFields } from './storage-service';

describe('customResourceFields (field selectors on custom resources)', () => {
  it('offers every scalar outside lists by its dotted path, with the metadata fields', () => {
    const fields = customResourceFields(
      { group: 'example.com', resource: 'widgets' },
      {
        apiVersion: 'example.com/v1',
        kind: 'Widget',
        metadata: { name: 'w1', namespace: 'ns' },
        spec: { size: 'small', replicas: 3, enabled: true, ports: [{ name: 'http' }], nested: { color: 'blue' } },
      },
    );
    expect(fields).toEqual({
      'metadata.name': 'w1',
      'metadata.namespace': 'ns',
      'spec.size': 'small',
      'spec.replicas': '3',
      'spec.enabled': 'true',
      'spec.nested.color': 'blue',
    });
  });
});
