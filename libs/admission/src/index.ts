export { createAdmissionService } from './admission-service';
export type { AdmissionServiceOptions } from './admission-service';
export { AdmissionChain } from './chain';
export type { Attributes, MutationPlugin, Operation, ValidationPlugin } from './attributes';
export { NamespaceLifecycle, immortalNamespaces } from './plugins/namespace-lifecycle';
export { serviceResolverFromMap, CallingWebhookError } from './webhook/client';
export type { ServiceResolver } from './webhook/client';
export { compileCel, celEnvironment, evaluateCel, toCel } from './cel/cel';
export type { CelProgram, CompileResult } from './cel/cel';
