export {
  CelEvaluationError,
  celEnvironment,
  compileCel,
  compileCelCached,
  evaluateCel,
  fromCel,
  maxCelExpressionLength,
  perCallCostLimit,
  toCel,
} from './cel';
export type { CelBudget, CelProgram, CompileResult } from './cel';
export { KubeCIDR, KubeIP, KubeURL, Quantity, registerKubernetesLibraries } from './k8s-libraries';
// Callers that declare typed variables (CRD rules type `self` from the schema) build on the
// shared environment and pass optional values, so they need these two from the library.
export { Environment, Optional } from '@marcbachmann/cel-js';
