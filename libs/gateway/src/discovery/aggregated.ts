// k8s parity: aggregated discovery (k8s.io/apiserver pkg/endpoints/discovery/aggregated): /api and
// /apis answer an APIGroupDiscoveryList (apidiscovery.k8s.io v2, or v2beta1) when the Accept asks
// for one, with the GVK in the Content-Type parameters (the only thing client-go looks at to pick
// its parser), a quoted SHA-512 ETag, If-None-Match → 304, `Vary: Accept`, `Cache-Control: public`.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ResourceDescriptor } from '@portico/registry';
import { clauseMatches, parseAccept } from './accept';
import { type ApiResources, cachedByResources } from './api-resources';
import { CachedBody, quoted, sendCached, sha512Hex } from './http-cache';

export type AggregatedVersion = 'v2' | 'v2beta1';

export const aggregatedDiscoveryGroup = 'apidiscovery.k8s.io';
export const aggregatedDiscoveryKind = 'APIGroupDiscoveryList';

/** The Content-Type of an aggregated answer (responsewriters' generateMediaTypeWithGVK). */
export function aggregatedContentType(version: AggregatedVersion): string {
  return `application/json;g=${aggregatedDiscoveryGroup};v=${version};as=${aggregatedDiscoveryKind}`;
}

/** The media types the discovery endpoints serve plainly (the legacy documents). */
const plainTypes: readonly (readonly [string, string])[] = [
  ['application', 'json'],
  ['application', 'yaml'],
  ['application', 'vnd.kubernetes.protobuf'],
];

/**
 * k8s parity: negotiation.NegotiateMediaTypeOptions with DiscoveryEndpointRestrictions. The first
 * acceptable clause decides: an aggregated-discovery conversion (as/g/v naming
 * APIGroupDiscoveryList) in JSON gives its version; a plain clause gives undefined (the legacy
 * document); clauses asking for another conversion (as=Table) or a form not served here
 * (aggregated protobuf or YAML) are skipped. Extra parameters (profile=nopeer) are ignored, as
 * kube-apiserver ignores unrecognized ones.
 */
export function negotiateAggregatedDiscovery(accept: string | undefined): AggregatedVersion | undefined {
  for (const c of parseAccept(accept)) {
    if (c.q <= 0) continue;
    const { as, g, v } = c.params;
    if (as === undefined && g === undefined && v === undefined) {
      if (plainTypes.some(([t, s]) => clauseMatches(c, t, s))) return undefined;
      continue;
    }
    if (g !== aggregatedDiscoveryGroup || as !== aggregatedDiscoveryKind || (v !== 'v2' && v !== 'v2beta1')) continue;
    if (clauseMatches(c, 'application', 'json')) return v;
  }
  return undefined;
}

interface GroupVersionKindJson {
  group: string;
  version: string;
  kind: string;
}

/**
 * k8s parity: endpoints.ConvertGroupVersionIntoToDiscovery. A kind in the resource's own
 * group/version is written with empty group and version (kube-apiserver only fills them in
 * for storages that name another GVK: scale → autoscaling/v1 Scale, token → TokenRequest).
 */
function responseKind(d: ResourceDescriptor, kind: { group: string; version: string; kind: string }): GroupVersionKindJson {
  const same = kind.group === d.group && kind.version === d.version;
  return { group: same ? '' : kind.group, version: same ? '' : kind.version, kind: kind.kind };
}

const sorted = (xs: readonly string[]) => [...xs].sort();

export function resourceDiscovery(d: ResourceDescriptor): Record<string, unknown> {
  const r: Record<string, unknown> = {
    resource: d.resource,
    responseKind: responseKind(d, d),
    scope: d.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: d.singular,
    verbs: sorted(d.verbs),
  };
  if (d.shortNames.length > 0) r['shortNames'] = [...d.shortNames];
  if (d.categories.length > 0) r['categories'] = [...d.categories];
  if (d.subresources.length > 0) {
    // The endpoint installer registers paths sorted, so subresources come in name order.
    r['subresources'] = [...d.subresources]
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((s) => ({ subresource: s.name, responseKind: responseKind(d, s.kind), verbs: sorted(s.verbs) }));
  }
  return r;
}

/** The APIGroupDiscovery items: the core group alone for /api, every named group for /apis. */
export function groupDiscoveryItems(descs: readonly ResourceDescriptor[], which: 'api' | 'apis'): Record<string, unknown>[] {
  // descs are in discovery order (groups by priority, versions preferred first), as the registry keeps them.
  const groups = new Map<string, Map<string, Record<string, unknown>[]>>();
  for (const d of descs) {
    if ((d.group === '') !== (which === 'api')) continue;
    let versions = groups.get(d.group);
    if (versions === undefined) groups.set(d.group, (versions = new Map()));
    let resources = versions.get(d.version);
    if (resources === undefined) versions.set(d.version, (resources = []));
    resources.push(resourceDiscovery(d));
  }
  return [...groups].map(([group, versions]) => ({
    // ObjectMeta as Go writes it: name omitted when empty, the zero creationTimestamp as null.
    metadata: group === '' ? { creationTimestamp: null } : { name: group, creationTimestamp: null },
    versions: [...versions].map(([version, resources]) => ({ version, resources, freshness: 'Current' })),
  }));
}

interface AggregatedDocument {
  /** One hash for both versions, as kube-apiserver computes it once from the list. */
  etag: string;
  bodies: Record<AggregatedVersion, CachedBody>;
}

function aggregatedDocument(items: Record<string, unknown>[]): AggregatedDocument {
  const body = (version: AggregatedVersion) =>
    CachedBody.json({ kind: aggregatedDiscoveryKind, apiVersion: `${aggregatedDiscoveryGroup}/${version}`, metadata: {}, items });
  const hash = sha512Hex(JSON.stringify(items));
  return { etag: quoted(hash), bodies: { v2: body('v2'), v2beta1: body('v2beta1') } };
}

/** Serves /api and /apis in aggregated form, recomputed whenever the served resources change. */
export class AggregatedDiscovery {
  private readonly docs: () => Record<'api' | 'apis', AggregatedDocument>;

  constructor(api: ApiResources) {
    this.docs = cachedByResources(api, (descs) => ({
      api: aggregatedDocument(groupDiscoveryItems(descs, 'api')),
      apis: aggregatedDocument(groupDiscoveryItems(descs, 'apis')),
    }));
  }

  /** The aggregated list for /api or /apis, as JSON (for tests and tools). */
  document(which: 'api' | 'apis', version: AggregatedVersion = 'v2'): unknown {
    return JSON.parse(this.docs()[which].bodies[version].bytes.toString('utf8'));
  }

  /** Answers the request when its Accept asks for aggregated discovery; false otherwise (legacy). */
  serve(req: IncomingMessage, res: ServerResponse, which: 'api' | 'apis'): boolean {
    const version = negotiateAggregatedDiscovery(req.headers.accept);
    if (version === undefined) return false;
    const doc = this.docs()[which];
    res.setHeader('ETag', doc.etag);
    res.setHeader('Vary', 'Accept');
    res.setHeader('Cache-Control', 'public');
    sendCached(req, res, doc.bodies[version], aggregatedContentType(version), doc.etag);
    return true;
  }
}
