// The PATCH verb (k8s parity: apiserver pkg/endpoints/handlers/patch.go PatchResource): the
// Content-Type picks the patch type (415 for any other), PatchOptions are validated as
// ValidatePatchOptions does, and the patch is applied to the current object inside the store's
// update loop, so a conflicting write re-reads, re-patches and re-admits. Server-side apply
// creates an absent object (201); every other patch type answers 404 for it.
import type { IncomingMessage } from 'node:http';
import {
  fieldErrors,
  goStringSlice,
  isStatusError,
  statusErrors,
  validateFieldManager,
  type FieldError,
  type KubeObject,
} from '@portico/api';
import {
  applyPatchType,
  decodePatchBody,
  managerOrUserAgent,
  patchObject,
  resourceVersionForUpdate,
  supportedPatchTypes,
  unsupportedPatchType,
  type FieldValidation,
  type PatchContext,
  type PatchType,
  type ResourceDescriptor,
} from '@portico/registry';
import { callContext, type RequestContext } from '../request/context';
import type { GenericStore, WriteOptions } from '../store/generic-store';
import type { RequestVersions } from './request-versions';

/** metav1.PatchOptions as decoded from the query. */
export interface PatchOptions {
  dryRun: boolean;
  fieldManager: string;
  fieldValidation: FieldValidation;
  /** Only meaningful for apply; undefined when the query does not carry it. */
  force: boolean | undefined;
}

/**
 * DecodeParameters + ValidatePatchOptions: fieldManager required for apply, force forbidden for
 * the other types, then the fieldManager, dryRun and fieldValidation checks (422 PatchOptions).
 */
export function parsePatchOptions(q: URLSearchParams, patchType: PatchType): PatchOptions {
  const fieldManager = q.get('fieldManager') ?? '';
  const forceValues = q.getAll('force');
  // Convert_Slice_string_To_Pointer_bool: only "0" and "false" (any case) are false.
  const force = forceValues.length === 0 ? undefined : !((forceValues[0] as string) === '0' || (forceValues[0] as string).toLowerCase() === 'false');
  const dryRun = q.getAll('dryRun');
  const fieldValidation = q.get('fieldValidation') ?? '';
  const errs: FieldError[] = [];
  if (patchType === applyPatchType) {
    if (fieldManager === '') errs.push(fieldErrors.required('fieldManager', 'is required for apply patch'));
  } else if (force !== undefined) {
    errs.push(fieldErrors.forbidden('force', 'may not be specified for non-apply patch'));
  }
  errs.push(...validateFieldManager(fieldManager, 'fieldManager'));
  if (dryRun.some((d) => d !== 'All')) errs.push(fieldErrors.notSupported('dryRun', goStringSlice(dryRun), ['All']));
  if (!['', 'Ignore', 'Warn', 'Strict'].includes(fieldValidation)) {
    errs.push(fieldErrors.notSupported('fieldValidation', fieldValidation, ['', 'Ignore', 'Strict', 'Warn']));
  }
  if (errs.length > 0) throw statusErrors.invalid('meta.k8s.io', 'PatchOptions', '', errs);
  return {
    dryRun: dryRun.length > 0,
    fieldManager,
    fieldValidation: fieldValidation === '' ? 'Strict' : (fieldValidation as FieldValidation),
    force,
  };
}

/** The Content-Type without parameters, as PatchResource compares it (exactly, case included). */
export function patchTypeOf(contentType: string | undefined): string {
  const ct = contentType ?? '';
  const idx = ct.indexOf(';');
  return idx > 0 ? ct.slice(0, idx) : ct;
}

export interface ServePatchArgs {
  req: IncomingMessage;
  ctx: RequestContext;
  desc: ResourceDescriptor;
  /** The request namespace ("" for cluster-scoped kinds). */
  namespace: string;
  store: Pick<GenericStore, 'guaranteedUpdate' | 'create'>;
  /** Moves objects between the request's version and storage's. */
  versions: RequestVersions;
  /** Writes the response: the object in the request's version, 200 or 201. */
  respond: (code: 200 | 201, object: KubeObject) => void | Promise<void>;
}

/** Creates on an absent object race with other writers; a few rounds settle them. */
const maxApplyCreateRounds = 3;

export async function servePatch(a: ServePatchArgs): Promise<void> {
  const { req, ctx, desc } = a;
  const info = ctx.info;
  const contentType = patchTypeOf(req.headers['content-type']);
  const types = supportedPatchTypes(desc);
  if (!(types as string[]).includes(contentType)) throw unsupportedPatchType(types);
  const patchType = contentType as PatchType;
  const opts = parsePatchOptions(ctx.url.searchParams, patchType);
  const decoded = decodePatchBody(patchType, ctx.body ?? Buffer.alloc(0));
  const isApply = patchType === applyPatchType;
  const manager = isApply ? opts.fieldManager : managerOrUserAgent(opts.fieldManager, req.headers['user-agent']);

  const o: WriteOptions = {
    dryRun: opts.dryRun,
    fieldManager: manager,
    user: ctx.user,
    ctx: callContext(ctx),
    warnings: ctx.warnings,
    subresource: info.subresource,
  };
  const pctx: PatchContext = {
    desc,
    subresource: info.subresource,
    namespace: a.namespace,
    name: info.name,
    patch: decoded,
    fieldValidation: opts.fieldValidation,
    fieldManager: manager,
    force: opts.force === true,
  };
  let sawObject = false;
  const v = a.versions;
  const tryUpdate = async (stored: KubeObject | undefined): Promise<KubeObject> => {
    // A webhook-converted version is patched in the request's version, as kube-apiserver patches
    // the object converted to it, and converted back for storage.
    const current = stored !== undefined && v.viaWebhook ? await v.out(stored) : stored;
    if (current !== undefined) sawObject = true;
    const out = patchObject(pctx, current);
    ctx.warnings.push(...out.warnings);
    const next = out.object;
    // Decoding the patched document applies the kind's defaults.
    desc.strategy.applyDefaults(next);
    if (current !== undefined) resourceVersionForUpdate(desc, next, current);
    return v.viaWebhook ? v.toStorage(next) : next;
  };

  for (let round = 0; ; round++) {
    try {
      const r = await a.store.guaranteedUpdate(desc, a.namespace, info.name, o, tryUpdate, false);
      return await a.respond(r.created ? 201 : 200, await v.out(r.object));
    } catch (e) {
      if (!isApply || info.subresource !== '' || sawObject || !isNotFoundOf(e, desc, info.name)) throw e;
    }
    // Server-side apply to an absent object creates it (kube-apiserver: forceAllowCreate; the
    // stores of subresources never create).
    try {
      const created = await a.store.create(desc, a.namespace, await tryUpdate(undefined), o);
      return await a.respond(201, await v.out(created));
    } catch (e) {
      if (round + 1 >= maxApplyCreateRounds || !(isStatusError(e) && e.code === 409 && e.reason === 'AlreadyExists')) throw e;
    }
  }
}

function isNotFoundOf(e: unknown, desc: ResourceDescriptor, name: string): boolean {
  return isStatusError(e) && e.code === 404 && e.status.details?.name === name && e.status.details.kind === desc.resource;
}

