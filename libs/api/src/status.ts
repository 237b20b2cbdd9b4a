// k8s parity: apimachinery pkg/api/errors/errors.go. Reasons, codes and message formats are the
// ones clients parse (kubectl prints them; client-go's IsNotFound/IsConflict read reason and code).
import { aggregateFieldErrors, type FieldError, fieldErrorBody, goQuote } from './field-errors';
import { type GroupResource, groupKindString, groupResourceString } from './meta';

export type StatusReason =
  | ''
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Gone'
  | 'Invalid'
  | 'ServerTimeout'
  | 'StoreReadError'
  | 'Timeout'
  | 'TooManyRequests'
  | 'BadRequest'
  | 'MethodNotAllowed'
  | 'NotAcceptable'
  | 'RequestEntityTooLarge'
  | 'UnsupportedMediaType'
  | 'InternalError'
  | 'Expired'
  | 'ServiceUnavailable';

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

/** metav1.Status as serialized. */
export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never> | { resourceVersion?: string; continue?: string };
  status: 'Success' | 'Failure';
  message?: string;
  reason?: StatusReason | string;
  details?: StatusDetails;
  code: number;
}

const brand = Symbol.for('portico.StatusError');

/** An error that carries the Kubernetes Status a client must receive. */
export class StatusError extends Error {
  readonly [brand] = true;
  override readonly name = 'StatusError';
  constructor(
    readonly status: Status,
    options?: { cause?: unknown },
  ) {
    super(status.message ?? status.reason ?? `status ${status.code}`, options);
  }
  get code(): number {
    return this.status.code;
  }
  get reason(): string {
    return this.status.reason ?? '';
  }
}

/** Works across duplicate copies of this module, unlike instanceof. */
export function isStatusError(e: unknown): e is StatusError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[brand] === true;
}

export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  return typeof e === 'string' ? e : JSON.stringify(e);
}

export function failure(code: number, reason: StatusReason | string, message: string, details?: StatusDetails): Status {
  const s: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
  if (details !== undefined) s.details = details;
  return s;
}

export function success(details?: StatusDetails): Status {
  const s: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 200 };
  if (details !== undefined) s.details = details;
  return s;
}

const err = (code: number, reason: StatusReason, message: string, details?: StatusDetails) =>
  new StatusError(failure(code, reason, message, details));

const grDetails = (gr: GroupResource, name: string): StatusDetails => {
  const d: StatusDetails = { name, kind: gr.resource };
  if (gr.group !== '') d.group = gr.group;
  return d;
};

export const statusErrors = {
  notFound: (gr: GroupResource, name: string) =>
    err(404, 'NotFound', `${groupResourceString(gr)} "${name}" not found`, grDetails(gr, name)),
  /** An unknown path or resource. */
  notFoundPath: () => err(404, 'NotFound', 'the server could not find the requested resource', {}),
  alreadyExists: (gr: GroupResource, name: string) =>
    err(409, 'AlreadyExists', `${groupResourceString(gr)} "${name}" already exists`, grDetails(gr, name)),
  generateNameConflict: (gr: GroupResource, name: string) =>
    err(
      409,
      'AlreadyExists',
      `${groupResourceString(gr)} "${name}" already exists, the server was not able to generate a unique name for the object`,
      { ...grDetails(gr, name), retryAfterSeconds: 1 },
    ),
  conflict: (gr: GroupResource, name: string, why: string) =>
    err(409, 'Conflict', `Operation cannot be fulfilled on ${groupResourceString(gr)} "${name}": ${why}`, grDetails(gr, name)),
  /** The optimistic-concurrency conflict clients retry on. */
  modified: (gr: GroupResource, name: string) =>
    statusErrors.conflict(gr, name, 'the object has been modified; please apply your changes to the latest version and try again'),
  /**
   * apierrors.NewInvalid: 422 with one cause per error, and a message that lists each distinct
   * error once (`ConfigMap "x" is invalid: [a, b]`).
   */
  invalid: (group: string, kind: string, name: string, errs: readonly FieldError[]) => {
    const details: StatusDetails = {};
    if (name !== '') details.name = name;
    if (group !== '') details.group = group;
    details.kind = kind;
    details.causes = errs.map((e) => {
      const cause: StatusCause = { reason: e.type };
      const message = fieldErrorBody(e);
      if (message !== '') cause.message = message;
      if (e.field !== '') cause.field = e.field;
      return cause;
    });
    const head = `${groupKindString(group, kind)} ${goQuote(name)} is invalid`;
    return err(422, 'Invalid', errs.length > 0 ? `${head}: ${aggregateFieldErrors(errs)}` : head, details);
  },
  badRequest: (message: string) => err(400, 'BadRequest', message),
  unauthorized: (message = 'Unauthorized') => err(401, 'Unauthorized', message),
  forbidden: (gr: GroupResource, name: string, why: string) => {
    const what = name === '' ? groupResourceString(gr) : `${groupResourceString(gr)} "${name}"`;
    return err(403, 'Forbidden', `${what} is forbidden: ${why}`, grDetails(gr, name));
  },
  /** A Forbidden whose message is given whole (non-resource paths). */
  forbiddenMessage: (message: string, details: StatusDetails = {}) => err(403, 'Forbidden', message, details),
  methodNotSupported: (gr: GroupResource, verb: string) =>
    err(405, 'MethodNotAllowed', `${verb} is not supported on resources of kind "${groupResourceString(gr)}"`, {
      kind: gr.resource,
      ...(gr.group !== '' ? { group: gr.group } : {}),
    }),
  notAcceptable: (message: string) => err(406, 'NotAcceptable', message),
  expired: (message: string) => err(410, 'Expired', message),
  gone: (message: string) => err(410, 'Gone', message),
  requestEntityTooLarge: (message: string) => err(413, 'RequestEntityTooLarge', message),
  unsupportedMediaType: (contentType: string, accepted: readonly string[]) =>
    err(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
      { causes: [{ reason: 'UnexpectedServerResponse', message: contentType }] },
    ),
  tooManyRequests: (message: string, retryAfterSeconds: number) =>
    err(429, 'TooManyRequests', `Too many requests: ${message}`, { retryAfterSeconds }),
  internal: (message: string) => err(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] }),
  serverTimeout: (gr: GroupResource, operation: string, retryAfterSeconds: number) =>
    err(
      500,
      'ServerTimeout',
      `The ${operation} operation against ${groupResourceString(gr)} could not be completed at this time, please try again.`,
      { ...grDetails(gr, ''), retryAfterSeconds },
    ),
  serviceUnavailable: (message: string) => err(503, 'ServiceUnavailable', message),
  timeout: (message: string, retryAfterSeconds = 0) =>
    err(504, 'Timeout', `Timeout: ${message}`, retryAfterSeconds > 0 ? { retryAfterSeconds } : {}),
  tooLargeResourceVersion: (requested: number | bigint | string, current: number | bigint | string, retryAfterSeconds = 1) =>
    err(504, 'Timeout', `Timeout: Too large resource version: ${requested}, current: ${current}`, {
      causes: [{ reason: 'ResourceVersionTooLarge', message: `Too large resource version` }],
      retryAfterSeconds,
    }),
};

/** Turns anything thrown into the Status a client gets; unknown errors become a 500 without internals. */
export function toStatus(e: unknown): Status {
  if (isStatusError(e)) return e.status;
  return failure(500, 'InternalError', 'Internal error occurred: an unexpected error occurred', {});
}
