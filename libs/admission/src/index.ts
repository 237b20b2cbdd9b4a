export { createAdmissionService } from './admission-service';
export type { AdmissionServiceOptions } from './admission-service';
export { AdmissionChain } from './chain';
export type { Attributes, MutationPlugin, Operation, ValidationPlugin } from './attributes';
export { NamespaceLifecycle, immortalNamespaces } from './plugins/namespace-lifecycle';
