// The one place that pins what schema-gen reads. Bumping Kubernetes means editing these constants,
// re-running `npm run schema-gen`, re-running the fixture program, and reviewing the diff.

/** Kubernetes release the tables describe; the staging modules are tagged v0.<minor>.<patch>. */
export const kubernetesVersion = 'v1.33.1';
export const stagingVersion = 'v0.33.1';

export const modules = {
  kubernetes: { path: 'k8s.io/kubernetes', version: kubernetesVersion },
  api: { path: 'k8s.io/api', version: stagingVersion },
  apimachinery: { path: 'k8s.io/apimachinery', version: stagingVersion },
  apiextensions: { path: 'k8s.io/apiextensions-apiserver', version: stagingVersion },
} as const;

export type ModuleKey = keyof typeof modules;

/** The group-versions Portico serves ("" is the core group). */
export const servedGroupVersions: readonly string[] = [
  'v1',
  'apps/v1',
  'batch/v1',
  'autoscaling/v1',
  'autoscaling/v2',
  'policy/v1',
  'networking.k8s.io/v1',
  'rbac.authorization.k8s.io/v1',
  'storage.k8s.io/v1',
  'coordination.k8s.io/v1',
  'discovery.k8s.io/v1',
  'events.k8s.io/v1',
  'scheduling.k8s.io/v1',
  'node.k8s.io/v1',
  'certificates.k8s.io/v1',
  'admissionregistration.k8s.io/v1',
  'apiextensions.k8s.io/v1',
  'flowcontrol.apiserver.k8s.io/v1',
  'authentication.k8s.io/v1',
  'authorization.k8s.io/v1',
];

/**
 * Protobuf packages compiled into the message table, as directories of the Go modules. Each served
 * group-version's package, the apimachinery packages they build on, and aggregated discovery
 * (client-go can ask for APIGroupDiscoveryList in protobuf).
 */
export const protoPackages: readonly { module: ModuleKey; dir: string }[] = [
  { module: 'apimachinery', dir: 'pkg/apis/meta/v1' },
  { module: 'apimachinery', dir: 'pkg/runtime' },
  { module: 'apimachinery', dir: 'pkg/runtime/schema' },
  { module: 'apimachinery', dir: 'pkg/api/resource' },
  { module: 'apimachinery', dir: 'pkg/util/intstr' },
  { module: 'api', dir: 'core/v1' },
  { module: 'api', dir: 'apps/v1' },
  { module: 'api', dir: 'batch/v1' },
  { module: 'api', dir: 'autoscaling/v1' },
  { module: 'api', dir: 'autoscaling/v2' },
  { module: 'api', dir: 'policy/v1' },
  { module: 'api', dir: 'networking/v1' },
  { module: 'api', dir: 'rbac/v1' },
  { module: 'api', dir: 'storage/v1' },
  { module: 'api', dir: 'coordination/v1' },
  { module: 'api', dir: 'discovery/v1' },
  { module: 'api', dir: 'events/v1' },
  { module: 'api', dir: 'scheduling/v1' },
  { module: 'api', dir: 'node/v1' },
  { module: 'api', dir: 'certificates/v1' },
  { module: 'api', dir: 'admissionregistration/v1' },
  { module: 'api', dir: 'flowcontrol/v1' },
  { module: 'api', dir: 'authentication/v1' },
  { module: 'api', dir: 'authorization/v1' },
  { module: 'api', dir: 'apidiscovery/v2' },
  { module: 'apiextensions', dir: 'pkg/apis/apiextensions/v1' },
];

const meta = 'k8s.io.apimachinery.pkg.apis.meta.v1';
const apiext = 'k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1';

/**
 * Messages whose Go type has its own JSON (and sometimes protobuf) marshalling, so neither the
 * field table nor the Go struct tags describe their JSON form. The codec implements each kind.
 */
export const specialMessages: Readonly<Record<string, string>> = {
  [`${meta}.Time`]: 'time',
  [`${meta}.MicroTime`]: 'microTime',
  [`${meta}.Duration`]: 'duration',
  [`${meta}.FieldsV1`]: 'fieldsV1',
  'k8s.io.apimachinery.pkg.api.resource.Quantity': 'quantity',
  'k8s.io.apimachinery.pkg.api.resource.QuantityValue': 'quantity',
  'k8s.io.apimachinery.pkg.util.intstr.IntOrString': 'intOrString',
  'k8s.io.apimachinery.pkg.runtime.RawExtension': 'rawExtension',
  [`${apiext}.JSON`]: 'json',
  [`${apiext}.JSONSchemaPropsOrArray`]: 'schemaOrArray',
  [`${apiext}.JSONSchemaPropsOrBool`]: 'schemaOrBool',
  [`${apiext}.JSONSchemaPropsOrStringArray`]: 'schemaOrStringArray',
};

/** meta/v1 option kinds that metav1.AddToGroupVersion registers in every group-version. */
export const perGroupVersionMetaKinds = ['DeleteOptions', 'ListOptions', 'GetOptions', 'CreateOptions', 'UpdateOptions', 'PatchOptions', 'WatchEvent'];

/**
 * Kinds the scheme registers that no OpenAPI definition names (OpenAPI only lists kinds with REST
 * paths or with an explicit GVK): [apiVersion, kind, proto message].
 */
export const extraKinds: readonly [string, string, string][] = [
  ...['DeleteOptions', 'ListOptions', 'GetOptions', 'CreateOptions', 'UpdateOptions', 'PatchOptions'].map(
    (k): [string, string, string] => ['meta.k8s.io/v1', k, `${meta}.${k}`],
  ),
  ['meta.k8s.io/v1', 'PartialObjectMetadata', `${meta}.PartialObjectMetadata`],
  ['meta.k8s.io/v1', 'PartialObjectMetadataList', `${meta}.PartialObjectMetadataList`],
  ['meta.k8s.io/v1', 'Status', `${meta}.Status`],
  ['apidiscovery.k8s.io/v2', 'APIGroupDiscoveryList', 'k8s.io.api.apidiscovery.v2.APIGroupDiscoveryList'],
  ['apidiscovery.k8s.io/v2', 'APIGroupDiscovery', 'k8s.io.api.apidiscovery.v2.APIGroupDiscovery'],
];

/** Where the generated files go, relative to the repository root. */
export const outputs = {
  openapiSchemas: 'libs/registry/src/generated/openapi-schemas.ts',
  openapiDocuments: 'libs/registry/src/generated/openapi-documents.ts',
  protobufMessages: 'libs/api/src/protobuf/generated/messages.ts',
} as const;
