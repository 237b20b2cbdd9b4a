// The review APIs of authentication.k8s.io/v1 and authorization.k8s.io/v1 (k8s parity:
// pkg/registry/authentication/{selfsubjectreview,tokenreview} and pkg/registry/authorization/*).
// Their REST types implement only Create (plus GetSingularName), so kube-apiserver lists them
// with verbs [create], no short names or categories, and no storageVersionHash; the gateway
// answers them in its reviews handler and stores nothing.
import type { ResourceDescriptor } from '../descriptor';
import { defineResource, defineStrategy } from '../define';

// Never consulted: a create-only resource has no object lifecycle. One shared instance.
const unused = defineStrategy({});

function review(group: string, resource: string, kind: string, namespaced = false): ResourceDescriptor {
  return defineResource({
    group,
    version: 'v1',
    resource,
    kind,
    singular: kind.toLowerCase(),
    namespaced,
    verbs: ['create'],
    createOnly: true,
    strategy: unused,
  });
}

export const selfsubjectreviews = review('authentication.k8s.io', 'selfsubjectreviews', 'SelfSubjectReview');
export const tokenreviews = review('authentication.k8s.io', 'tokenreviews', 'TokenReview');
export const localsubjectaccessreviews = review('authorization.k8s.io', 'localsubjectaccessreviews', 'LocalSubjectAccessReview', true);
export const selfsubjectaccessreviews = review('authorization.k8s.io', 'selfsubjectaccessreviews', 'SelfSubjectAccessReview');
export const selfsubjectrulesreviews = review('authorization.k8s.io', 'selfsubjectrulesreviews', 'SelfSubjectRulesReview');
export const subjectaccessreviews = review('authorization.k8s.io', 'subjectaccessreviews', 'SubjectAccessReview');

/** Every review resource kube-apiserver 1.33 serves by default (only v1: the beta and alpha SelfSubjectReview are off). */
export function reviewResources(): ResourceDescriptor[] {
  return [selfsubjectreviews, tokenreviews, localsubjectaccessreviews, selfsubjectaccessreviews, selfsubjectrulesreviews, subjectaccessreviews];
}
