// k8s parity: apiserver pkg/endpoints/handlers/negotiation. Request bodies must be in a media type
// the server decodes (415 otherwise); responses pick the first acceptable type the server offers
// (406 when none is).
import { decodeJson, decodeProtobufObject, decodeYaml, protobufMessageForKind, statusErrors } from '@portico/api';

export interface MediaType {
  type: string;
  params: Record<string, string>;
}

export function parseMediaType(text: string): MediaType {
  const [head = '', ...rest] = text.split(';');
  const params: Record<string, string> = {};
  for (const p of rest) {
    const eq = p.indexOf('=');
    if (eq > 0) params[p.slice(0, eq).trim().toLowerCase()] = p.slice(eq + 1).trim().replace(/^"|"$/g, '');
  }
  return { type: head.trim().toLowerCase(), params };
}

export const protobufMediaType = 'application/vnd.kubernetes.protobuf';
export const decodableMediaTypes = ['application/json', 'application/yaml', protobufMediaType] as const;

/**
 * Decodes a request body by its Content-Type (JSON when none is given). Protobuf bodies (what
 * client-go's typed clients send) carry the kind in their envelope; `expected` is the kind the URL
 * serves, so a different one is a 400.
 */
export function decodeBody(body: Buffer, contentType: string | undefined, expected?: { apiVersion: string; kind: string }): unknown {
  const mt = parseMediaType(contentType ?? 'application/json');
  switch (mt.type) {
    case protobufMediaType:
      if (expected === undefined || protobufMessageForKind(expected.apiVersion, expected.kind) === undefined) {
        throw statusErrors.unsupportedMediaType(contentType ?? '', ['application/json', 'application/yaml']);
      }
      return decodeProtobufObject(body, expected).object;
    case 'application/json':
    case '':
      return decodeJson(body);
    case 'application/yaml':
    case 'application/x-yaml':
    case 'text/yaml':
      return decodeYaml(body);
    default:
      throw statusErrors.unsupportedMediaType(contentType ?? '', decodableMediaTypes);
  }
}

export type ResponseFormat = 'json' | 'yaml' | 'protobuf';

/**
 * The response format for an Accept header, first acceptable entry first; entries asking for a
 * transformation (as=Table, …) not yet served are skipped, and protobuf only where the kind has a
 * protobuf form.
 */
export function negotiateResponse(accept: string | undefined, protobufOk = false): ResponseFormat {
  if (accept === undefined || accept.trim() === '') return 'json';
  for (const part of accept.split(',')) {
    const mt = parseMediaType(part);
    if (mt.params['as'] !== undefined) continue;
    if (mt.type === 'application/json' || mt.type === '*/*' || mt.type === 'application/*') return 'json';
    if (mt.type === 'application/yaml') return 'yaml';
    if (mt.type === protobufMediaType && protobufOk) return 'protobuf';
  }
  throw statusErrors.notAcceptable(
    `only the following media types are accepted: application/json, application/yaml${protobufOk ? `, ${protobufMediaType}` : ''}`,
  );
}
