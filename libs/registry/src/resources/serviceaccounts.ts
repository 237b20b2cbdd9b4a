// k8s parity: kubernetes pkg/registry/core/serviceaccount/strategy.go (secret references trimmed
// to their name, the enforce-mountable-secrets deprecation warning) and ValidateServiceAccount.
import { type KubeObject, isPlainObject, nameIsDNSSubdomain } from '@portico/api';
import { validateCoreObjectMeta, validateCoreObjectMetaUpdate } from '../core-validation';
import { defineResource, defineStrategy, metaOf, str } from '../define';

const enforceMountableSecretsAnnotation = 'kubernetes.io/enforce-mountable-secrets';

/** cleanSecretReferences: a secret reference keeps only its name. */
function cleanSecretReferences(obj: KubeObject): void {
  if (!Array.isArray(obj.secrets)) return;
  obj.secrets = obj.secrets.map((s: unknown) => {
    const name = isPlainObject(s) ? str(s.name) : '';
    return name === '' ? {} : { name };
  });
}

function warnIfHasEnforceMountableSecretsAnnotation(obj: KubeObject, old: KubeObject | undefined): string[] {
  const has = (o: KubeObject) => Object.prototype.hasOwnProperty.call(metaOf(o).annotations ?? {}, enforceMountableSecretsAnnotation);
  // Only the request that newly sets the annotation is warned.
  if (old !== undefined && has(old)) return [];
  if (!has(obj)) return [];
  return [`metadata.annotations[${enforceMountableSecretsAnnotation}]: deprecated in v1.32+; prefer separate namespaces to isolate access to mounted secrets`];
}

const validateServiceAccount = (obj: KubeObject) => validateCoreObjectMeta(metaOf(obj), true, nameIsDNSSubdomain);

export const serviceAccountStrategy = defineStrategy({
  returnDeletedObject: true,
  prepareForCreate: cleanSecretReferences,
  prepareForUpdate: (obj) => cleanSecretReferences(obj),
  validate: validateServiceAccount,
  validateUpdate: (obj, old) => [...validateCoreObjectMetaUpdate(metaOf(obj), metaOf(old)), ...validateServiceAccount(obj)],
  warningsOnCreate: (obj) => warnIfHasEnforceMountableSecretsAnnotation(obj, undefined),
  warningsOnUpdate: (obj, old) => warnIfHasEnforceMountableSecretsAnnotation(obj, old),
});

export const serviceaccounts = defineResource({
  group: '',
  version: 'v1',
  resource: 'serviceaccounts',
  kind: 'ServiceAccount',
  singular: 'serviceaccount',
  namespaced: true,
  shortNames: ['sa'],
  // TokenRequest: POST /api/v1/namespaces/{ns}/serviceaccounts/{name}/token.
  subresources: [{ name: 'token', kind: { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest' }, verbs: ['create'] }],
  strategy: serviceAccountStrategy,
});
