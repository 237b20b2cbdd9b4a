// Query and body options of the REST verbs, validated as kube-apiserver validates them
// (apimachinery pkg/apis/meta/internalversion/validation, pkg/apis/meta/v1/validation).
import { decodeJson, decodeProtobufObject, fieldErrors, isPlainObject, statusErrors, type FieldError } from '@portico/api';
import type { DeleteOptions, ListOptions } from '../store/generic-store';

const invalidOptions = (kind: string, errs: FieldError[]) => statusErrors.invalid('meta.k8s.io', kind, '', errs);

export function parseListOptions(q: URLSearchParams): ListOptions {
  const limitText = q.get('limit') ?? '';
  let limit = 0;
  if (limitText !== '') {
    limit = Number(limitText);
    if (!Number.isInteger(limit)) throw statusErrors.badRequest(`limit: Invalid value: "${limitText}": must be an integer`);
    if (limit < 0) limit = 0;
  }
  const o: ListOptions = {
    resourceVersion: q.get('resourceVersion') ?? '',
    resourceVersionMatch: q.get('resourceVersionMatch') ?? '',
    limit,
    continue: q.get('continue') ?? '',
    labelSelector: q.get('labelSelector') ?? '',
    fieldSelector: q.get('fieldSelector') ?? '',
  };
  const errs: FieldError[] = [];
  const match = o.resourceVersionMatch;
  if (match !== '') {
    if (o.resourceVersion === '') errs.push(fieldErrors.forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden unless resourceVersion is provided'));
    if (o.continue !== '') errs.push(fieldErrors.forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden when continue is provided'));
    if (match !== 'Exact' && match !== 'NotOlderThan') errs.push(fieldErrors.notSupported('resourceVersionMatch', match, ['Exact', 'NotOlderThan', '']));
    if (match === 'Exact' && o.resourceVersion === '0') {
      errs.push(fieldErrors.forbidden('resourceVersionMatch', 'resourceVersionMatch "exact" is forbidden for resourceVersion "0"'));
    }
  }
  if (q.has('sendInitialEvents')) errs.push(fieldErrors.forbidden('sendInitialEvents', 'sendInitialEvents is forbidden for list'));
  if (errs.length > 0) throw invalidOptions('ListOptions', errs);
  return o;
}

export interface CommonWriteOptions {
  dryRun: boolean;
  fieldManager: string;
  fieldValidation: 'Ignore' | 'Warn' | 'Strict';
}

export function parseWriteOptions(q: URLSearchParams, kind: 'CreateOptions' | 'UpdateOptions' | 'PatchOptions'): CommonWriteOptions {
  const errs: FieldError[] = [];
  const dryRun = q.getAll('dryRun');
  for (const d of dryRun) if (d !== 'All') errs.push(fieldErrors.notSupported('dryRun', d, ['All']));
  const fieldManager = q.get('fieldManager') ?? '';
  if (fieldManager.length > 128) errs.push(fieldErrors.tooLong('fieldManager', 128));
  if (/[^\x20-\x7e]/.test(fieldManager)) errs.push(fieldErrors.invalid('fieldManager', fieldManager, 'must only contain printable characters'));
  const fv = q.get('fieldValidation') ?? '';
  if (fv !== '' && fv !== 'Ignore' && fv !== 'Warn' && fv !== 'Strict') {
    errs.push(fieldErrors.notSupported('fieldValidation', fv, ['Ignore', 'Warn', 'Strict']));
  }
  if (errs.length > 0) throw invalidOptions(kind, errs);
  return { dryRun: dryRun.length > 0, fieldManager, fieldValidation: fv === '' ? 'Strict' : (fv as CommonWriteOptions['fieldValidation']) };
}

/**
 * DeleteOptions from the body (JSON) and the query, the body winning, as kube-apiserver merges them.
 * Their validation belongs to the registry (beforeDelete → validateDeleteOptions).
 */
export function parseDeleteOptions(q: URLSearchParams, body: Buffer | undefined, contentType?: string): DeleteOptions {
  const o: DeleteOptions = {};
  const grace = q.get('gracePeriodSeconds');
  if (grace !== null) o.gracePeriodSeconds = Number(grace);
  const policy = q.get('propagationPolicy');
  if (policy !== null) o.propagationPolicy = policy as DeleteOptions['propagationPolicy'];
  const orphan = q.get('orphanDependents');
  if (orphan !== null) o.orphanDependents = orphan === 'true';
  const dry = q.getAll('dryRun');
  if (dry.length > 0) o.dryRun = dry;
  if (body !== undefined && body.length > 0) {
    // Typed clients (Helm's release storage) send DeleteOptions as protobuf.
    const b = contentType?.startsWith('application/vnd.kubernetes.protobuf') === true ? decodeProtobufObject(body).object : decodeJson(body, 'DeleteOptions');
    if (!isPlainObject(b)) throw statusErrors.badRequest('the body of a delete must be a DeleteOptions object');
    if (typeof b['gracePeriodSeconds'] === 'number') o.gracePeriodSeconds = b['gracePeriodSeconds'];
    if (typeof b['propagationPolicy'] === 'string') o.propagationPolicy = b['propagationPolicy'] as DeleteOptions['propagationPolicy'];
    if (typeof b['orphanDependents'] === 'boolean') o.orphanDependents = b['orphanDependents'];
    if (Array.isArray(b['dryRun'])) o.dryRun = b['dryRun'].map(String);
    const pre = b['preconditions'];
    if (isPlainObject(pre)) {
      o.preconditions = {};
      if (typeof pre['uid'] === 'string') o.preconditions.uid = pre['uid'];
      if (typeof pre['resourceVersion'] === 'string') o.preconditions.resourceVersion = pre['resourceVersion'];
    }
  }
  return o;
}
