// The Status shapes kube-apiserver's patch path answers with beyond the common factories in
// @portico/api: errors.NewGenericServerResponse(422, …) drops its server message, and an error
// that is not an APIStatus becomes a 500 with an empty reason and the error text.
import { StatusError, fieldErrorBody, fieldErrors, type Status } from '@portico/api';

/** errors.NewGenericServerResponse(http.StatusUnprocessableEntity, "", GroupResource{}, "", msg, 0, false). */
export function unprocessable(): StatusError {
  const status: Status = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'the server rejected our request due to an error in our request',
    reason: 'Invalid',
    details: {},
    code: 422,
  };
  return new StatusError(status);
}

/** responsewriters.ErrorToAPIStatus of a plain Go error: 500, reason StatusReasonUnknown (""). */
export function internalUnknown(message: string): StatusError {
  const status: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, code: 500 };
  return new StatusError(status);
}

/**
 * errors.NewInvalid(schema.GroupKind{}, "", field.ErrorList{field.Invalid(field.NewPath("patch"), value, detail)}):
 * how the patch handler reports a patched document that does not decode.
 */
export function invalidPatchResult(value: string, detail: string): StatusError {
  const err = fieldErrors.invalid('patch', value, detail);
  const body = fieldErrorBody(err);
  const message = `"" is invalid: patch: ${body}`;
  const status: Status = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason: 'Invalid',
    details: { causes: [{ reason: err.type, message: body, field: 'patch' }] },
    code: 422,
  };
  return new StatusError(status);
}

/** negotiation.NewUnsupportedMediaTypeError(patchTypes): 415 listing the accepted patch types. */
export function unsupportedPatchType(accepted: readonly string[]): StatusError {
  const status: Status = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
    reason: 'UnsupportedMediaType',
    code: 415,
  };
  return new StatusError(status);
}
