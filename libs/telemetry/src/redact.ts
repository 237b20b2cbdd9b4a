// What must never reach a log line, in two layers. Pino's `redact` paths are cheap and exact but
// cannot follow arbitrary depth or look at values; `scrubForLog` walks each logged object and
// handles what paths cannot express: Secret objects anywhere, PEM private keys and bearer
// tokens inside strings, and raw byte buffers (objects travel as JSON bytes between services,
// so a Buffer in a log call may well be a serialized Secret).

export const REDACTED = '[REDACTED]';

/**
 * Pino redaction paths (fast-redact syntax). Kept for the common shapes so they are censored
 * even if a caller bypasses the scrubber (for example through a custom serializer).
 */
export const REDACT_PATHS: readonly string[] = [
  'authorization',
  'Authorization',
  'headers.authorization',
  'headers.Authorization',
  'headers["proxy-authorization"]',
  'headers.cookie',
  'req.headers.authorization',
  'req.headers["proxy-authorization"]',
  'req.headers.cookie',
  'request.headers.authorization',
  '*.headers.authorization',
  '*.headers.Authorization',
  'token',
  '*.token',
  '*.*.token',
  'bearerToken',
  '*.bearerToken',
  'password',
  '*.password',
  'privateKey',
  '*.privateKey',
  'stringData',
  '*.stringData',
  '["client-key-data"]',
  '*["client-key-data"]',
];

// Keys whose values are credentials whatever object they sit in. Compared lowercased.
const SENSITIVE_KEYS = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'token',
  'bearertoken',
  'bearer_token',
  'access_token',
  'refresh_token',
  'id_token',
  'idtoken',
  'password',
  'passwd',
  'privatekey',
  'private_key',
  'private-key',
  'keypem',
  'key_pem',
  'tlskey',
  'clientkey',
  'client-key-data',
  'clientkeydata',
  'client-key',
  'stringdata',
]);

const PEM_PRIVATE_KEY = /-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\s\S]*?(-----END \1PRIVATE KEY-----|$)/g;
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi;
// Three base64url segments starting with a JSON header: a JWT (service-account and OIDC tokens).
const JWT = /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g;

const MAX_DEPTH = 12;

export function scrubString(s: string): string {
  // Fast path: most log strings contain none of the markers.
  if (!s.includes('PRIVATE KEY') && !/bearer|basic|eyJ|"Secret"/i.test(s)) return s;
  // A serialized Secret (a request or storage body) cannot be censored field by field reliably.
  if (/"kind"\s*:\s*"Secret"/.test(s)) return '[REDACTED Secret JSON]';
  return s
    .replace(PEM_PRIVATE_KEY, '[REDACTED PRIVATE KEY]')
    .replace(BEARER, (_m, scheme: string) => `${scheme} ${REDACTED}`)
    .replace(JWT, REDACTED);
}

function isSecretObject(o: Record<string, unknown>): boolean {
  return o['kind'] === 'Secret' && (o['apiVersion'] === 'v1' || o['apiVersion'] === undefined);
}

function censorValues(v: unknown): unknown {
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    return Object.fromEntries(Object.keys(v as object).map((k) => [k, REDACTED]));
  }
  return REDACTED;
}

/**
 * Returns a copy of `value` that is safe to log. Objects that need no change are returned as
 * they are (no copy), so the common case costs one walk and no allocation.
 */
export function scrubForLog(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubString(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > MAX_DEPTH) return '[Object]';
  if (value instanceof Error) return value; // pino's err serializer handles these
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return `[${value.byteLength} bytes]`;
  if (value instanceof Date) return value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const s = scrubForLog(value[i], depth + 1);
      if (s !== value[i]) {
        out ??= value.slice();
        out[i] = s;
      }
    }
    return out ?? value;
  }
  if (value instanceof Map || value instanceof Set) return value;
  const obj = value as Record<string, unknown>;
  const secret = isSecretObject(obj);
  let out: Record<string, unknown> | undefined;
  for (const key of Object.keys(obj)) {
    const v = obj[key];
    let s: unknown;
    if (SENSITIVE_KEYS.has(key.toLowerCase())) s = v === undefined ? v : REDACTED;
    else if (secret && key === 'data') s = censorValues(v);
    else s = scrubForLog(v, depth + 1);
    if (s !== v) {
      out ??= { ...obj };
      out[key] = s;
    }
  }
  return out ?? obj;
}
