// rbac.authorization.k8s.io/v1 shapes, as far as the authorizer reads them. Objects come from
// storage as JSON, so every field is treated as possibly absent.
export interface PolicyRule {
  verbs?: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

export interface Subject {
  kind: string;
  apiGroup?: string;
  name: string;
  namespace?: string;
}

export interface RoleRef {
  apiGroup: string;
  kind: string;
  name: string;
}

export interface RbacMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface Role {
  apiVersion?: string;
  kind?: string;
  metadata: RbacMeta;
  rules?: PolicyRule[] | null;
}

export interface ClusterRole extends Role {
  aggregationRule?: {
    clusterRoleSelectors?: Array<{
      matchLabels?: Record<string, string> | null;
      matchExpressions?: Array<{ key: string; operator: string; values?: string[] | null }> | null;
    }> | null;
  } | null;
}

export interface RoleBinding {
  apiVersion?: string;
  kind?: string;
  metadata: RbacMeta;
  subjects?: Subject[] | null;
  roleRef: RoleRef;
}

export type ClusterRoleBinding = RoleBinding;

export const rbacGroup = 'rbac.authorization.k8s.io';
