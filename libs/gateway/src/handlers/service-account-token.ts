// The token subresource of serviceaccounts (TokenRequest, `kubectl create token`). k8s parity:
// pkg/registry/core/serviceaccount/storage/token.go and the TokenRequest validation. The gateway
// checks the service account and the bound object; the auth service, which owns the signing key,
// issues the token.
import type { IncomingMessage } from 'node:http';
import { StatusError, fieldErrors, isPlainObject, statusErrors, type FieldError, type KubeObject } from '@portico/api';
import type { AuthServicePort, CallContext } from '@portico/proto';
import type { ApiResources } from '../discovery/api-resources';
import { fromProtoStatus } from '../store/port-status';
import type { GenericStore } from '../store/generic-store';
import { decodeBody } from './negotiation';

const tokenGv = 'authentication.k8s.io/v1';
const minSeconds = 600;
const maxSeconds = 2 ** 32;

export interface ServeTokenArgs {
  req: IncomingMessage;
  body: Buffer | undefined;
  api: ApiResources;
  namespace: string;
  name: string;
  store: GenericStore;
  auth: AuthServicePort;
  ctx: CallContext;
  dryRun: boolean;
  respond: (code: number, body: KubeObject) => void;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

function uidOf(raw: Buffer): string {
  const o = JSON.parse(raw.toString('utf8')) as KubeObject;
  return str(o.metadata?.uid);
}

export async function serveServiceAccountToken(a: ServeTokenArgs): Promise<void> {
  const decoded = decodeBody(a.body ?? Buffer.from('{}'), a.req.headers['content-type'], { apiVersion: tokenGv, kind: 'TokenRequest' });
  if (!isPlainObject(decoded)) throw statusErrors.badRequest('the object provided is unrecognized (must be of type TokenRequest)');
  const tr = decoded as KubeObject;
  const meta = tr.metadata ?? {};
  if (str(meta.name) !== '' && meta.name !== a.name) throw statusErrors.badRequest(`name in URL (${a.name}) does not match name in body (${str(meta.name)})`);
  if (str(meta.namespace) !== '' && meta.namespace !== a.namespace) {
    throw statusErrors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  const spec = isPlainObject(tr['spec']) ? (tr['spec'] as Record<string, unknown>) : {};
  const audiences = Array.isArray(spec['audiences']) ? (spec['audiences'] as unknown[]).filter((x): x is string => typeof x === 'string') : [];
  const rawSeconds = spec['expirationSeconds'];
  const seconds = typeof rawSeconds === 'number' ? rawSeconds : typeof rawSeconds === 'string' && rawSeconds !== '' ? Number(rawSeconds) : 3600;
  const errs: FieldError[] = [];
  if (seconds < minSeconds) errs.push(fieldErrors.invalid('spec.expirationSeconds', seconds, 'may not specify a duration less than 10 minutes'));
  if (seconds > maxSeconds) errs.push(fieldErrors.invalid('spec.expirationSeconds', seconds, 'may not specify a duration larger than 2^32 seconds'));
  if (errs.length > 0) throw statusErrors.invalid('authentication.k8s.io', 'TokenRequest', a.name, errs);

  const saDesc = a.api.lookup('', 'v1', 'serviceaccounts');
  if (saDesc === undefined) throw statusErrors.notFoundPath();
  const saUid = uidOf(await a.store.get(saDesc, a.namespace, a.name, '', a.ctx));

  const ref = isPlainObject(spec['boundObjectRef']) ? (spec['boundObjectRef'] as Record<string, unknown>) : undefined;
  let bound: { kind: string; apiVersion: string; name: string; uid: string } | undefined;
  if (ref !== undefined) {
    const kind = str(ref['kind']);
    const resource = ({ Pod: 'pods', Secret: 'secrets', Node: 'nodes' } as Record<string, string>)[kind];
    if (resource === undefined) throw statusErrors.badRequest(`cannot bind token for object of kind ${JSON.stringify(kind)}: supported kinds are Pod, Secret and Node`);
    const desc = a.api.lookup('', 'v1', resource);
    if (desc === undefined) throw statusErrors.badRequest(`cannot bind token to a ${kind}: the resource is not served`);
    const objName = str(ref['name']);
    const uid = uidOf(await a.store.get(desc, desc.namespaced ? a.namespace : '', objName, '', a.ctx));
    const wantUid = str(ref['uid']);
    if (wantUid !== '' && wantUid !== uid) {
      throw statusErrors.conflict(
        { group: '', resource },
        objName,
        `the UID in the bound object reference (${wantUid}) does not match the UID in record. The object might have been deleted and then recreated`,
      );
    }
    bound = { kind, apiVersion: str(ref['apiVersion']) || 'v1', name: objName, uid };
  }

  const out: KubeObject = {
    kind: 'TokenRequest',
    apiVersion: tokenGv,
    metadata: { name: a.name, namespace: a.namespace, creationTimestamp: null } as unknown as KubeObject['metadata'],
    spec: { audiences, expirationSeconds: seconds, ...(bound === undefined ? {} : { boundObjectRef: bound }) },
    status: { token: '', expirationTimestamp: null },
  };
  if (a.dryRun) return a.respond(201, out);
  let issued;
  try {
    issued = await a.auth.issueServiceAccountToken(
      { namespace: a.namespace, serviceAccountName: a.name, serviceAccountUid: saUid, audiences, expirationSeconds: String(seconds), boundObject: bound, legacySecretName: '' },
      a.ctx,
    );
  } catch (e) {
    throw new StatusError(statusErrors.serviceUnavailable('the authentication service is unavailable').status, { cause: e });
  }
  if (issued.status !== undefined && issued.status.code !== 0) throw new StatusError(fromProtoStatus(issued.status));
  out['spec'] = { audiences: issued.audiences, expirationSeconds: seconds, ...(bound === undefined ? {} : { boundObjectRef: bound }) };
  out['status'] = { token: issued.token, expirationTimestamp: issued.expirationTimestamp };
  a.respond(201, out);
}
