import { describe, expect, it } from 'vitest';
import { newRequestInfo } from './request-info';

const info = (method: string, url: string) => {
  const u = new URL(url, 'https://x');
  return newRequestInfo(method, u.pathname, u.searchParams);
};

describe('newRequestInfo', () => {
  it.each([
    ['GET', '/api/v1/namespaces', { verb: 'list', resource: 'namespaces', namespace: '', name: '' }],
    ['GET', '/api/v1/namespaces/other', { verb: 'get', resource: 'namespaces', namespace: 'other', name: 'other' }],
    ['GET', '/api/v1/namespaces/other/status', { verb: 'get', resource: 'namespaces', name: 'other', subresource: 'status' }],
    ['PUT', '/api/v1/namespaces/other/finalize', { verb: 'update', resource: 'namespaces', subresource: 'finalize' }],
    ['GET', '/api/v1/namespaces/other/configmaps', { verb: 'list', resource: 'configmaps', namespace: 'other' }],
    ['GET', '/api/v1/namespaces/other/configmaps/foo', { verb: 'get', resource: 'configmaps', name: 'foo', namespace: 'other' }],
    ['GET', '/api/v1/configmaps?watch=true', { verb: 'watch', resource: 'configmaps', namespace: '' }],
    ['GET', '/api/v1/configmaps?watch=false', { verb: 'list' }],
    ['GET', '/api/v1/watch/namespaces/other/configmaps', { verb: 'watch', resource: 'configmaps', namespace: 'other' }],
    ['POST', '/api/v1/namespaces/other/configmaps', { verb: 'create', resource: 'configmaps' }],
    ['DELETE', '/api/v1/namespaces/other/configmaps', { verb: 'deletecollection' }],
    ['DELETE', '/api/v1/namespaces/other/configmaps/foo', { verb: 'delete', name: 'foo' }],
    ['GET', '/apis/apps/v1/namespaces/other/deployments/web/scale', { apiGroup: 'apps', subresource: 'scale', name: 'web' }],
    ['GET', '/api/v1/namespaces/other/configmaps?fieldSelector=metadata.name%3Dfoo', { verb: 'list', name: 'foo' }],
  ])('%s %s', (method, url, want) => {
    expect(info(method, url)).toMatchObject({ isResourceRequest: true, ...want });
  });

  it.each(['/api', '/api/v1', '/apis', '/apis/apps', '/apis/apps/v1', '/healthz', '/version'])('%s is not a resource request', (p) => {
    expect(info('GET', p)).toMatchObject({ isResourceRequest: false, verb: 'get' });
  });
});
