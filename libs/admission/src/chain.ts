// k8s parity: apiserver pkg/admission/chain.go. Plugins run in order; the first denial ends the walk.
import { isStatusError, toStatus, type KubeObject } from '@portico/api';
import type {
  AdmissionRequest,
  AdmissionServicePort,
  AdmitResponse,
  CallContext,
  Closeable,
  Status as ProtoStatus,
  ValidateResponse,
} from '@portico/proto';
import type { Attributes, MutationPlugin, Operation, ValidationPlugin } from './attributes';

function decode(b: Buffer | undefined): KubeObject | undefined {
  return b === undefined || b.length === 0 ? undefined : (JSON.parse(b.toString('utf8')) as KubeObject);
}

function attributesFrom(req: AdmissionRequest, ctx: CallContext | undefined): Attributes {
  return {
    request: req,
    operation: req.operation as Operation,
    namespace: req.namespace,
    name: req.name,
    group: req.resource?.group ?? '',
    version: req.resource?.version ?? '',
    resource: req.resource?.resource ?? '',
    subresource: req.subResource,
    kind: req.kind?.kind ?? '',
    object: decode(req.object),
    oldObject: decode(req.oldObject),
    dryRun: req.dryRun,
    deadline: ctx?.deadline,
    warnings: [],
    auditAnnotations: {},
  };
}

/** Converts a denial into the Status that travels back in the response. */
function denial(e: unknown): ProtoStatus {
  if (!isStatusError(e)) throw e;
  const s = toStatus(e);
  return {
    code: s.code,
    reason: s.reason ?? '',
    message: s.message ?? '',
    details:
      s.details === undefined
        ? undefined
        : {
            name: s.details.name ?? '',
            group: s.details.group ?? '',
            kind: s.details.kind ?? '',
            uid: s.details.uid ?? '',
            causes: (s.details.causes ?? []).map((c) => ({ reason: c.reason ?? '', message: c.message ?? '', field: c.field ?? '' })),
            retryAfterSeconds: s.details.retryAfterSeconds ?? 0,
          },
  };
}

/** The admission half of the port; conversion is served next to it (see createAdmissionService). */
export class AdmissionChain implements Pick<AdmissionServicePort, 'admit' | 'validate'>, Closeable {
  constructor(
    private readonly mutating: readonly MutationPlugin[],
    private readonly validating: readonly ValidationPlugin[],
    private readonly onClose: () => void = () => {},
  ) {}

  async admit(req: AdmissionRequest, ctx?: CallContext): Promise<AdmitResponse> {
    const a = attributesFrom(req, ctx);
    // One comparison at the end: plugins change a.object in place or replace it.
    const before = req.object.length > 0 ? req.object.toString('utf8') : undefined;
    // The mutated object, serialized once, when it differs from what came in.
    let changed: string | undefined;
    try {
      for (const p of this.mutating) {
        if (!p.handles(a.operation)) continue;
        await p.admit(a);
      }
      const after = a.object === undefined ? undefined : JSON.stringify(a.object);
      if (after !== undefined && after !== before && after !== JSON.stringify(decode(req.object))) changed = after;
    } catch (e) {
      return { allowed: false, status: denial(e), object: Buffer.alloc(0), warnings: a.warnings, auditAnnotations: a.auditAnnotations };
    }
    return {
      allowed: true,
      status: undefined,
      object: changed !== undefined ? Buffer.from(changed) : Buffer.alloc(0),
      warnings: a.warnings,
      auditAnnotations: a.auditAnnotations,
      validationNotNeeded: !(await this.validationMayApply(a)),
    };
  }

  /**
   * Whether any validating plugin could act on this request, so the caller knows whether the
   * Validate call (a second round trip in the distributed shape) can be skipped. Asked with the
   * admitted attributes; cluster state comes from the same caches Validate reads, so skipping is
   * the same as a Validate that ran a moment earlier. Any doubt (a plugin without mayApply, a
   * failed lookup) means Validate must run.
   */
  private async validationMayApply(a: Attributes): Promise<boolean> {
    for (const p of this.validating) {
      if (!p.handles(a.operation)) continue;
      if (p.mayApply === undefined) return true;
      try {
        if (await p.mayApply(a)) return true;
      } catch {
        return true;
      }
    }
    return false;
  }

  async validate(req: AdmissionRequest, ctx?: CallContext): Promise<ValidateResponse> {
    const a = attributesFrom(req, ctx);
    try {
      for (const p of this.validating) {
        if (p.handles(a.operation)) await p.validate(a);
      }
    } catch (e) {
      return { allowed: false, status: denial(e), warnings: a.warnings, auditAnnotations: a.auditAnnotations };
    }
    return { allowed: true, status: undefined, warnings: a.warnings, auditAnnotations: a.auditAnnotations };
  }

  async close(): Promise<void> {
    this.onClose();
  }
}
