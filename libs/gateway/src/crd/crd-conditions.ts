// Reading and setting CustomResourceDefinition status conditions (k8s parity:
// apiextensions-apiserver pkg/apihelpers: FindCRDCondition, SetCRDCondition,
// IsCRDConditionEquivalent). lastTransitionTime moves only when the status does.
import { isPlainObject, type KubeObject } from '@portico/api';

export interface CrdCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastTransitionTime?: string;
}

export function conditionsOf(crd: KubeObject): CrdCondition[] {
  const status = crd['status'];
  const conds = isPlainObject(status) ? status['conditions'] : undefined;
  return Array.isArray(conds) ? (conds.filter(isPlainObject) as unknown as CrdCondition[]) : [];
}

export function findCondition(crd: KubeObject, type: string): CrdCondition | undefined {
  return conditionsOf(crd).find((c) => c.type === type);
}

export function conditionIsTrue(crd: KubeObject, type: string): boolean {
  return findCondition(crd, type)?.status === 'True';
}

/** Same type, status, reason and message (the transition time aside). */
export function conditionEquivalent(a: CrdCondition | undefined, b: CrdCondition | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.type === b.type && a.status === b.status && a.reason === b.reason && a.message === b.message;
}

/** SetCRDCondition: replaces the condition of the same type, keeping its time when the status is unchanged. Mutates. */
export function setCondition(crd: KubeObject, cond: CrdCondition, now: Date): void {
  const status = (isPlainObject(crd['status']) ? crd['status'] : (crd['status'] = {})) as Record<string, unknown>;
  const conds = conditionsOf(crd);
  const existing = conds.find((c) => c.type === cond.type);
  const next: CrdCondition = {
    type: cond.type,
    status: cond.status,
    lastTransitionTime: existing !== undefined && existing.status === cond.status ? existing.lastTransitionTime : now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    reason: cond.reason,
    message: cond.message,
  };
  status['conditions'] = existing === undefined ? [...conds, next] : conds.map((c) => (c.type === cond.type ? next : c));
}
