import { isStatusError } from '@portico/api';
import { describe, expect, it } from 'vitest';
import { collectionPrefix, objectKey, resourcePrefix } from './keys';

const ref = (group: string, resource: string, namespace: string, name: string) => ({ group, resource, namespace, name });

describe('storage keys', () => {
  it('are /registry/<group|core>/<resource>/[<namespace>/]<name>', () => {
    expect(objectKey(ref('', 'configmaps', 'default', 'foo'))).toBe('/registry/core/configmaps/default/foo');
    expect(objectKey(ref('apps', 'deployments', 'ns', 'web'))).toBe('/registry/apps/deployments/ns/web');
    expect(objectKey(ref('', 'namespaces', '', 'default'))).toBe('/registry/core/namespaces/default');
  });

  it('give collection prefixes that end in "/" (so "ns" never matches "ns2")', () => {
    expect(collectionPrefix(ref('', 'pods', 'ns', ''))).toBe('/registry/core/pods/ns/');
    expect(collectionPrefix(ref('', 'pods', '', ''))).toBe('/registry/core/pods/');
    expect(resourcePrefix(ref('rbac.authorization.k8s.io', 'roles', 'ns', 'x'))).toBe('/registry/rbac.authorization.k8s.io/roles/');
  });

  it('refuse segments that could address another key', () => {
    for (const bad of [ref('', 'pods', 'ns', 'a/b'), ref('', 'pods', '..', 'a'), ref('', 'pods', 'ns', '.'), ref('', '', 'ns', 'a')]) {
      let err: unknown;
      try {
        objectKey(bad);
      } catch (e) {
        err = e;
      }
      expect(isStatusError(err) && err.code === 400).toBe(true);
    }
    expect(() => objectKey(ref('', 'pods', 'ns', ''))).toThrow('resource name may not be empty');
  });
});
