// k8s parity: kubernetes pkg/registry/core/secret/strategy.go, pkg/apis/core/validation
// ValidateSecret / ValidateSecretUpdate, pkg/apis/core/v1 SetDefaults_Secret and
// Convert_v1_Secret_To_core_Secret (stringData is merged into data and never stored).
import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import {
  type FieldError,
  FieldPath,
  type KubeObject,
  compareBytes,
  fieldErrors,
  isConfigMapKey,
  nameIsDNSSubdomain,
} from '@portico/api';
import { decodeGoBase64, goTypeError, goUnmarshalObjectError, jsonKind } from '../codec';
import { deepEqualJson, immutableField, validateCoreObjectMeta, validateCoreObjectMetaUpdate } from '../core-validation';
import { defineResource, defineStrategy, fieldLabelConversion, metaOf, objectMetaFieldsSet, omitEmptyMap, record, str } from '../define';
import { maxSecretSize } from './configmaps';

export const secretTypes = {
  opaque: 'Opaque',
  serviceAccountToken: 'kubernetes.io/service-account-token',
  dockercfg: 'kubernetes.io/dockercfg',
  dockerConfigJson: 'kubernetes.io/dockerconfigjson',
  basicAuth: 'kubernetes.io/basic-auth',
  sshAuth: 'kubernetes.io/ssh-auth',
  tls: 'kubernetes.io/tls',
} as const;

const serviceAccountNameKey = 'kubernetes.io/service-account.name';
const immutableWhenSet = 'field is immutable when `immutable` is set';

/** The decoded bytes of each data value (undecodable or null values count as empty). */
function dataBytes(obj: KubeObject): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const data = record(obj.data);
  if (!data) return out;
  for (const key of Object.keys(data).sort(compareBytes)) {
    const v = data[key];
    const d = typeof v === 'string' ? decodeGoBase64(v) : { bytes: Buffer.alloc(0) };
    out.set(key, 'bytes' in d ? d.bytes : Buffer.alloc(0));
  }
  return out;
}

/** What encoding/json rejects when decoding a v1 Secret. */
function decodeError(obj: KubeObject): string | undefined {
  const data = obj.data;
  if (data !== undefined && data !== null) {
    if (record(data) === undefined) return goTypeError(jsonKind(data), 'Secret', 'data', 'map[string][]uint8');
    for (const value of Object.values(data as Record<string, unknown>)) {
      if (value === null) continue;
      if (typeof value !== 'string') return goTypeError(jsonKind(value), 'Secret', 'data', '[]uint8');
      const d = decodeGoBase64(value);
      if ('error' in d) return d.error;
    }
  }
  const stringData = obj.stringData;
  if (stringData !== undefined && stringData !== null) {
    if (record(stringData) === undefined) return goTypeError(jsonKind(stringData), 'Secret', 'stringData', 'map[string]string');
    for (const value of Object.values(stringData as Record<string, unknown>)) {
      if (value !== null && typeof value !== 'string') return goTypeError(jsonKind(value), 'Secret', 'stringData', 'string');
    }
  }
  if (obj.type !== undefined && obj.type !== null && typeof obj.type !== 'string') return goTypeError(jsonKind(obj.type), 'Secret', 'type', 'v1.SecretType');
  if (obj.immutable !== undefined && obj.immutable !== null && typeof obj.immutable !== 'boolean') {
    return goTypeError(jsonKind(obj.immutable), 'Secret', 'immutable', 'bool');
  }
  return undefined;
}

/** SetDefaults_Secret (type Opaque) and the conversion that folds stringData into data. */
function applyDefaults(obj: KubeObject): void {
  if (str(obj.type) === '') obj.type = secretTypes.opaque;
  const data = record(obj.data);
  if (data) {
    for (const [k, v] of Object.entries(data)) {
      if (typeof v !== 'string') continue;
      const d = decodeGoBase64(v);
      if ('bytes' in d) data[k] = d.bytes.toString('base64');
    }
  }
  const stringData = record(obj.stringData);
  if (stringData && Object.keys(stringData).length > 0) {
    const merged = data ?? {};
    for (const [k, v] of Object.entries(stringData)) merged[k] = Buffer.from(typeof v === 'string' ? v : '', 'utf8').toString('base64');
    obj.data = merged;
  }
  delete obj.stringData;
  if (obj.immutable === null) delete obj.immutable;
}

function canonicalize(obj: KubeObject): void {
  omitEmptyMap(obj, 'data');
}

/** ValidateSecret: keys, at most 1 MiB, and the keys each well-known type needs. */
export function validateSecret(obj: KubeObject): FieldError[] {
  const errs = validateCoreObjectMeta(metaOf(obj), true, nameIsDNSSubdomain);
  const dataPath = FieldPath.root('data');
  const bytes = dataBytes(obj);
  let total = 0;
  for (const [key, value] of bytes) {
    for (const msg of isConfigMapKey(key)) errs.push(fieldErrors.invalid(String(dataPath.key(key)), key, msg));
    total += value.length;
  }
  if (total > maxSecretSize) errs.push(fieldErrors.tooLong(String(dataPath), maxSecretSize));

  const annotations = metaOf(obj).annotations ?? {};
  const requireJsonKey = (key: string) => {
    const v = bytes.get(key);
    if (v === undefined) {
      errs.push(fieldErrors.required(String(dataPath.key(key))));
      return;
    }
    const err = goUnmarshalObjectError(v);
    if (err !== undefined) errs.push(fieldErrors.invalid(String(dataPath.key(key)), '<secret contents redacted>', err));
  };
  switch (str(obj.type)) {
    case secretTypes.serviceAccountToken:
      // The token and uid are added later by the token controller.
      if (str(annotations[serviceAccountNameKey]) === '') {
        errs.push(fieldErrors.required(String(FieldPath.root('metadata').child('annotations').key(serviceAccountNameKey))));
      }
      break;
    case secretTypes.dockercfg:
      requireJsonKey('.dockercfg');
      break;
    case secretTypes.dockerConfigJson:
      requireJsonKey('.dockerconfigjson');
      break;
    case secretTypes.basicAuth:
      // Either may be empty, but one must be present.
      if (!bytes.has('username') && !bytes.has('password')) {
        errs.push(fieldErrors.required(String(dataPath.key('username'))), fieldErrors.required(String(dataPath.key('password'))));
      }
      break;
    case secretTypes.sshAuth:
      if ((bytes.get('ssh-privatekey')?.length ?? 0) === 0) errs.push(fieldErrors.required(String(dataPath.key('ssh-privatekey'))));
      break;
    case secretTypes.tls:
      if (!bytes.has('tls.crt')) errs.push(fieldErrors.required(String(dataPath.key('tls.crt'))));
      if (!bytes.has('tls.key')) errs.push(fieldErrors.required(String(dataPath.key('tls.key'))));
      break;
  }
  return errs;
}

/** ValidateSecretUpdate: type never changes; once immutable, data and the flag stay. */
export function validateSecretUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs = validateCoreObjectMetaUpdate(metaOf(obj), metaOf(old));
  errs.push(...immutableField(str(obj.type) === str(old.type), 'type', str(obj.type)));
  if (old.immutable === true) {
    if (obj.immutable !== true) errs.push(fieldErrors.forbidden('immutable', immutableWhenSet));
    if (!deepEqualJson(obj.data, old.data)) errs.push(fieldErrors.forbidden('data', immutableWhenSet));
  }
  errs.push(...validateSecret(obj));
  return errs;
}

// ---------------------------------------------------------------------------------------------
// tls.X509KeyPair, for the warning kube-apiserver gives on TLS secrets whose key and cert differ

interface PemBlock {
  type: string;
  bytes: Buffer;
}

function pemBlocks(input: Buffer): PemBlock[] {
  const text = input.toString('latin1');
  const re = /-----BEGIN ([^\r\n]*?)-----\r?\n([\s\S]*?)-----END \1-----/g;
  const blocks: PemBlock[] = [];
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const body = (m[2] as string).split(/\r?\n/).filter((l) => !l.includes(':')).join('');
    blocks.push({ type: m[1] as string, bytes: Buffer.from(body, 'base64') });
  }
  return blocks;
}

/** The error text of Go's tls.X509KeyPair, or undefined when the pair is consistent. */
export function x509KeyPairError(certPem: Buffer, keyPem: Buffer): string | undefined {
  const certBlocks = pemBlocks(certPem);
  const certs = certBlocks.filter((b) => b.type === 'CERTIFICATE');
  if (certs.length === 0) {
    const skipped = certBlocks.map((b) => b.type);
    if (skipped.length === 0) return 'tls: failed to find any PEM data in certificate input';
    if (skipped.length === 1 && (skipped[0] as string).endsWith('PRIVATE KEY')) {
      return 'tls: failed to find certificate PEM data in certificate input, but did find a private key; PEM inputs may have been switched';
    }
    return `tls: failed to find "CERTIFICATE" PEM block in certificate input after skipping PEM blocks of the following types: [${skipped.join(' ')}]`;
  }
  const keyBlocks = pemBlocks(keyPem);
  const key = keyBlocks.find((b) => b.type === 'PRIVATE KEY' || b.type.endsWith(' PRIVATE KEY'));
  if (key === undefined) {
    const skipped = keyBlocks.map((b) => b.type);
    if (skipped.length === 0) return 'tls: failed to find any PEM data in key input';
    if (skipped.length === 1 && skipped[0] === 'CERTIFICATE') return 'tls: found a certificate rather than a key in the PEM for the private key';
    return `tls: failed to find PEM block with type ending in "PRIVATE KEY" in key input after skipping PEM blocks of the following types: [${skipped.join(' ')}]`;
  }
  let certPublic;
  try {
    certPublic = new X509Certificate((certs[0] as PemBlock).bytes).publicKey;
  } catch {
    return 'x509: malformed certificate';
  }
  let privatePublic;
  try {
    const der = key.bytes;
    const attempts: Parameters<typeof createPrivateKey>[0][] = [
      { key: der, format: 'der', type: 'pkcs8' },
      { key: der, format: 'der', type: 'pkcs1' },
      { key: der, format: 'der', type: 'sec1' },
    ];
    let priv;
    for (const a of attempts) {
      try {
        priv = createPrivateKey(a);
        break;
      } catch {
        // Go also tries PKCS #1, PKCS #8 and SEC 1 in turn.
      }
    }
    if (priv === undefined) return 'tls: failed to parse private key';
    privatePublic = createPublicKey(priv);
  } catch {
    return 'tls: failed to parse private key';
  }
  if (certPublic.asymmetricKeyType !== privatePublic.asymmetricKeyType) return 'tls: private key type does not match public key type';
  const a = certPublic.export({ format: 'der', type: 'spki' });
  const b = privatePublic.export({ format: 'der', type: 'spki' });
  if (!a.equals(b)) return 'tls: private key does not match public key';
  return undefined;
}

function warningsForSecret(obj: KubeObject): string[] {
  if (str(obj.type) !== secretTypes.tls) return [];
  const bytes = dataBytes(obj);
  const err = x509KeyPairError(bytes.get('tls.crt') ?? Buffer.alloc(0), bytes.get('tls.key') ?? Buffer.alloc(0));
  return err === undefined ? [] : [err];
}

export const secretStrategy = defineStrategy({
  decodeError,
  applyDefaults,
  prepareForUpdate(obj, old) {
    // Kept for clients that send no type; defaulting has normally filled it already.
    if (str(obj.type) === '') obj.type = old.type;
  },
  validate: validateSecret,
  validateUpdate: validateSecretUpdate,
  warningsOnCreate: warningsForSecret,
  warningsOnUpdate: (obj) => warningsForSecret(obj),
  canonicalize,
});

export const secrets = defineResource({
  group: '',
  version: 'v1',
  resource: 'secrets',
  kind: 'Secret',
  singular: 'secret',
  namespaced: true,
  selectableFields: (obj) => ({ ...objectMetaFieldsSet(obj, true), type: str(obj.type) }),
  convertFieldLabel: fieldLabelConversion(['type', 'metadata.namespace', 'metadata.name']),
  strategy: secretStrategy,
});
