// Test fixtures shared by the admission specs (not exported from the lib).
import type { AdmissionRequest, GetRequest, GetResponse, ListRequest, ListResponse, StorageServicePort } from '@portico/proto';

/** A ConfigMap CREATE of `cm` in namespace `team` with an empty body; specs override what they test. */
export function admissionRequest(over: Partial<AdmissionRequest> = {}): AdmissionRequest {
  return {
    uid: 'u',
    operation: 'CREATE',
    kind: { group: '', version: 'v1', kind: 'ConfigMap' },
    resource: { group: '', version: 'v1', resource: 'configmaps' },
    subResource: '',
    namespace: 'team',
    name: 'cm',
    object: Buffer.from('{}'),
    oldObject: Buffer.alloc(0),
    options: Buffer.alloc(0),
    dryRun: false,
    user: undefined,
    ...over,
  };
}

/** A storage port that serves reads through `get` and `list` and throws on anything else. */
export function readOnlyStorage(
  get: (req: GetRequest) => Promise<GetResponse>,
  list: (req: ListRequest) => Promise<ListResponse>,
): StorageServicePort {
  const unused = () => {
    throw new Error('unused');
  };
  return { get, list, create: unused, update: unused, delete: unused, currentRevision: unused, watchReplay: unused };
}
