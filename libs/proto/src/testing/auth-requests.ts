// For the specs only (not exported from the library's index): requests the gRPC specs send.
import type { AuthorizeRequest } from '../generated/portico/auth/v1/auth';
import type { UserInfo } from '../generated/portico/common/v1/common';

/** `get pods` in namespace default, a resource request, by `user`. */
export function getPodsRequest(user: UserInfo): AuthorizeRequest {
  return {
    user,
    verb: 'get',
    apiGroup: '',
    apiVersion: 'v1',
    resource: 'pods',
    subresource: '',
    namespace: 'default',
    name: '',
    path: '',
    resourceRequest: true,
  };
}
