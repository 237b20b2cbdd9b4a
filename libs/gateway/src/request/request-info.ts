// k8s parity: apiserver pkg/endpoints/request/requestinfo.go (RequestInfoFactory.NewRequestInfo).
// The same URL forms, the same verb derivation, so authorization sees exactly what kube-apiserver's
// authorizers see.
import { isValidPathSegmentName, parseFieldSelector } from '@portico/api';

export interface RequestInfo {
  isResourceRequest: boolean;
  /** The URL path, without the query. */
  path: string;
  /** create, get, list, watch, update, patch, delete, deletecollection; for non-resource paths the lowercased method. */
  verb: string;
  apiPrefix: string;
  apiGroup: string;
  apiVersion: string;
  namespace: string;
  resource: string;
  subresource: string;
  name: string;
  /** The path segments from the resource on (resource/name/subresource/...). */
  parts: string[];
}

const apiPrefixes = new Set(['api', 'apis']);
const grouplessApiPrefixes = new Set(['api']);
const specialVerbs = new Set(['proxy', 'watch']);
const specialVerbsNoSubresources = new Set(['proxy']);
const namespaceSubresources = new Set(['status', 'finalize']);

function splitPath(path: string): string[] {
  const trimmed = path.replace(/^\/+|\/+$/g, '');
  return trimmed === '' ? [] : trimmed.split('/');
}

/** True when the watch query parameter asks for a watch ("false" and "0" do not). */
export function isWatchParam(v: string | null): boolean {
  if (v === null) return false;
  const l = v.toLowerCase();
  return l !== 'false' && l !== '0';
}

/** A field selector that pins metadata.name exactly (list/watch of one object, authorized by name). */
function exactMetadataName(fieldSelector: string | null): string {
  if (fieldSelector === null) return '';
  let name: string | undefined;
  try {
    name = parseFieldSelector(fieldSelector).requiresExactMatch('metadata.name');
  } catch {
    // k8s parity: an unparsable selector leaves the request a plain list (its handler answers 400).
    return '';
  }
  return name !== undefined && name !== '' && isValidPathSegmentName(name).length === 0 ? name : '';
}

export class RequestInfoError extends Error {}

/** A request that is not (yet known to be) a resource request: verb = the lowercased method. */
export function nonResourceRequestInfo(method: string, path: string): RequestInfo {
  return {
    isResourceRequest: false,
    path,
    verb: method.toLowerCase(),
    apiPrefix: '',
    apiGroup: '',
    apiVersion: '',
    namespace: '',
    resource: '',
    subresource: '',
    name: '',
    parts: [],
  };
}

export function newRequestInfo(method: string, path: string, query: URLSearchParams): RequestInfo {
  const info = nonResourceRequestInfo(method, path);
  let parts = splitPath(path);
  if (parts.length < 3 || !apiPrefixes.has(parts[0] as string)) return info;
  info.apiPrefix = parts[0] as string;
  parts = parts.slice(1);
  if (!grouplessApiPrefixes.has(info.apiPrefix)) {
    if (parts.length < 3) return info;
    info.apiGroup = parts[0] as string;
    parts = parts.slice(1);
  }
  info.isResourceRequest = true;
  info.apiVersion = parts[0] as string;
  parts = parts.slice(1);

  if (specialVerbs.has(parts[0] as string)) {
    if (parts.length < 2) throw new RequestInfoError(`unable to determine kind and namespace from url, ${path}`);
    info.verb = parts[0] as string;
    parts = parts.slice(1);
  } else {
    switch (method) {
      case 'POST':
        info.verb = 'create';
        break;
      case 'GET':
      case 'HEAD':
        info.verb = 'get';
        break;
      case 'PUT':
        info.verb = 'update';
        break;
      case 'PATCH':
        info.verb = 'patch';
        break;
      case 'DELETE':
        info.verb = 'delete';
        break;
      default:
        info.verb = '';
    }
  }

  if (parts[0] === 'namespaces') {
    if (parts.length > 1) {
      info.namespace = parts[1] as string;
      if (parts.length > 2 && !namespaceSubresources.has(parts[2] as string)) parts = parts.slice(2);
    }
  }
  info.parts = parts;
  if (parts.length >= 3 && !specialVerbsNoSubresources.has(info.verb)) info.subresource = parts[2] as string;
  if (parts.length >= 2) info.name = parts[1] as string;
  if (parts.length >= 1) info.resource = parts[0] as string;

  if (info.name === '' && info.verb === 'get') {
    info.verb = isWatchParam(query.get('watch')) ? 'watch' : 'list';
    info.name = exactMetadataName(query.get('fieldSelector'));
  }
  if (info.name === '' && info.verb === 'delete') info.verb = 'deletecollection';
  return info;
}

/** Watch and proxy hold their connection open; they are exempt from request timeouts and in-flight limits. */
export function isLongRunning(info: RequestInfo): boolean {
  return info.isResourceRequest && (info.verb === 'watch' || info.verb === 'proxy');
}
