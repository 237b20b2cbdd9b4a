export {
  CelEvaluationError,
  celEnvironment,
  compileCel,
  evaluateCel,
  fromCel,
  maxCelExpressionLength,
  perCallCostLimit,
  toCel,
} from './cel';
export type { CelBudget, CelProgram, CompileResult } from './cel';
export { KubeCIDR, KubeIP, KubeURL, Quantity, registerKubernetesLibraries } from './k8s-libraries';
