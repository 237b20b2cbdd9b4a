import type { KubeObject } from '@portico/api';
import { describe, expect, it } from 'vitest';
import { simulateCreate, simulateUpdate, writeErrors } from '../testing/write-path';
import {
  mutatingwebhookconfigurations,
  parseGoURL,
  validatingadmissionpolicies,
  validatingadmissionpolicybindings,
  validatingwebhookconfigurations,
} from './admissionregistration';

const rule = { operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] };
const hook = { name: 'a.b.c', sideEffects: 'None', admissionReviewVersions: ['v1'], clientConfig: { service: { name: 's', namespace: 'n' } }, rules: [rule] };
const config = (...webhooks: Record<string, unknown>[]): KubeObject => ({ metadata: { name: 'w' }, webhooks });

describe('webhook configurations', () => {
  it('describes the resources', () => {
    for (const d of [mutatingwebhookconfigurations, validatingwebhookconfigurations]) {
      expect(d).toMatchObject({ namespaced: false, categories: ['api-extensions'], shortNames: [] });
      expect(d.strategy).toMatchObject({ tracksGeneration: true, allowUnconditionalUpdate: false });
    }
  });

  it('applies the v1 webhook defaults', () => {
    expect(simulateCreate(mutatingwebhookconfigurations, config(hook)).stored.webhooks).toEqual([
      {
        ...hook,
        clientConfig: { service: { name: 's', namespace: 'n', port: 443 } },
        rules: [{ ...rule, scope: '*' }],
        failurePolicy: 'Fail',
        matchPolicy: 'Equivalent',
        namespaceSelector: {},
        objectSelector: {},
        timeoutSeconds: 10,
        reinvocationPolicy: 'Never',
      },
    ]);
    expect(simulateCreate(validatingwebhookconfigurations, config(hook)).stored.webhooks).toEqual([
      expect.not.objectContaining({ reinvocationPolicy: expect.anything() }),
    ]);
  });

  it('requires sideEffects, admissionReviewVersions and a fully qualified name', () => {
    expect(writeErrors(() => simulateCreate(validatingwebhookconfigurations, config({ name: 'a.b', clientConfig: { url: 'http://x?y#z' }, rules: [{ ...rule, operations: ['*', 'CREATE'] }] })))).toEqual([
      'webhooks[0].name: Invalid value: "a.b": should be a domain with at least three segments separated by dots',
      `webhooks[0].rules[0].operations: Invalid value: []admissionregistration.OperationType{"*", "CREATE"}: if '*' is present, must not specify other operations`,
      'webhooks[0].sideEffects: Required value: must specify one of None, NoneOnDryRun',
      "webhooks[0].clientConfig.url: Invalid value: \"http\": 'https' is the only allowed URL scheme; desired format: https://host[/path]",
      'webhooks[0].clientConfig.url: Invalid value: "z": fragments are not permitted in the URL',
      'webhooks[0].clientConfig.url: Invalid value: "y": query parameters are not permitted in the URL',
      'webhooks[0].admissionReviewVersions: Required value: must specify one of v1, v1beta1',
    ]);
  });

  it('checks rules, timeouts, versions, names and services', () => {
    expect(
      writeErrors(() =>
        simulateCreate(
          validatingwebhookconfigurations,
          config(
            { ...hook, rules: [{ ...rule, resources: ['pods', 'pods/*', 'pods/status'] }] },
            { ...hook, sideEffects: 'Some', timeoutSeconds: 31, admissionReviewVersions: ['v2', 'v2'], clientConfig: { url: 'example.com' }, rules: [] },
          ),
        ),
      ),
    ).toEqual([
      `webhooks[0].rules[0].resources[2]: Invalid value: "pods/status": if 'pods/*' is present, must not specify pods/status`,
      'webhooks[1].sideEffects: Unsupported value: "Some": supported values: "None", "NoneOnDryRun"',
      'webhooks[1].timeoutSeconds: Invalid value: 31: the timeout value must be between 1 and 30 seconds',
      "webhooks[1].clientConfig.url: Invalid value: \"\": 'https' is the only allowed URL scheme; desired format: https://host[/path]",
      'webhooks[1].clientConfig.url: Invalid value: "": host must be provided; desired format: https://host[/path]',
      'webhooks[1].admissionReviewVersions[1]: Invalid value: "v2": duplicate version',
      'webhooks[1].admissionReviewVersions: Invalid value: []string{"v2", "v2"}: must include at least one of v1, v1beta1',
      'webhooks[1].name: Duplicate value: "a.b.c"',
    ]);
    expect(writeErrors(() => simulateCreate(validatingwebhookconfigurations, config({ ...hook, clientConfig: { service: { name: '', namespace: 'n', port: 0, path: 'a//B' } } })))).toEqual([
      'webhooks[0].clientConfig.service.name: Required value: service name is required',
      'webhooks[0].clientConfig.service.port: Invalid value: 0: port is not valid: must be between 1 and 65535, inclusive',
      `webhooks[0].clientConfig.service.path: Invalid value: "a//B": must start with a '/'`,
      'webhooks[0].clientConfig.service.path: Invalid value: "a//B": segment[0] may not be empty',
      'webhooks[0].clientConfig.service.path: Invalid value: "a//B": segment[1] may not be empty',
      expect.stringMatching(/^webhooks\[0\]\.clientConfig\.service\.path: Invalid value: "a\/\/B": segment\[2\]: a lowercase RFC 1123 subdomain/),
    ]);
  });

  it('lets an update keep what the stored object already had', () => {
    // Stored before sideEffects were required to be None/NoneOnDryRun: an update may keep "Some".
    const { stored } = simulateCreate(validatingwebhookconfigurations, config(hook));
    (stored.webhooks as Record<string, unknown>[])[0]!.sideEffects = 'Some';
    expect(writeErrors(() => simulateUpdate(validatingwebhookconfigurations, structuredClone(stored), stored))).toEqual([]);
    const { stored: strict } = simulateCreate(validatingwebhookconfigurations, config(hook));
    const next = structuredClone(strict);
    (next.webhooks as Record<string, unknown>[])[0]!.sideEffects = 'Some';
    expect(writeErrors(() => simulateUpdate(validatingwebhookconfigurations, next, strict))).toEqual(['webhooks[0].sideEffects: Unsupported value: "Some": supported values: "None", "NoneOnDryRun"']);
    expect(simulateUpdate(validatingwebhookconfigurations, next, stored).stored.metadata?.generation).toBe(1);
  });

  it("parses URLs as Go's net/url does", () => {
    expect(parseGoURL('https://user:pw@h/')).toMatchObject({ scheme: 'https', host: 'h', user: 'user:pw' });
    expect(parseGoURL(':foo')).toEqual({ error: 'parse ":foo": missing protocol scheme' });
    expect(parseGoURL('https://h:abc/')).toEqual({ error: 'parse "https://h:abc/": invalid port ":abc" after host' });
    expect(parseGoURL('https://h/%zz')).toEqual({ error: 'parse "https://h/%zz": invalid URL escape "%zz"' });
  });
});

describe('validating admission policies', () => {
  const policy = {
    metadata: { name: 'p' },
    spec: { matchConstraints: { resourceRules: [{ operations: ['CREATE'], apiGroups: ['apps'], apiVersions: ['v1'], resources: ['deployments'] }] }, validations: [{ expression: 'object.spec.replicas <= 5' }] },
  };

  it('defaults failurePolicy and the match resources, and resets status', () => {
    const { stored } = simulateCreate(validatingadmissionpolicies, { ...policy, status: { observedGeneration: 3 } });
    expect(stored.spec).toEqual({
      matchConstraints: {
        resourceRules: [{ operations: ['CREATE'], apiGroups: ['apps'], apiVersions: ['v1'], resources: ['deployments'], scope: '*' }],
        matchPolicy: 'Equivalent',
        namespaceSelector: {},
        objectSelector: {},
      },
      validations: [{ expression: 'object.spec.replicas <= 5' }],
      failurePolicy: 'Fail',
    });
    expect(stored.status).toEqual({});
  });

  it('validates the shape (CEL expressions are only checked for presence)', () => {
    expect(writeErrors(() => simulateCreate(validatingadmissionpolicies, { metadata: { name: 'p' }, spec: {} }))).toEqual([
      'spec.matchConstraints: Required value',
      'spec.validations: Required value: validations or auditAnnotations must contain at least one item',
      'spec.auditAnnotations: Required value: validations or auditAnnotations must contain at least one item',
    ]);
    expect(
      writeErrors(() =>
        simulateCreate(validatingadmissionpolicies, {
          metadata: { name: 'p' },
          spec: {
            paramKind: { apiVersion: 'a/b/c', kind: 'Bad_Kind' },
            matchConstraints: { resourceRules: [] },
            variables: [{ name: 'in', expression: '' }],
            validations: [{ expression: 'x', message: 'a\nb', reason: 'Teapot' }],
          },
        }),
      ),
    ).toEqual([
      'spec.paramKind.apiVersion: Invalid value: "a/b/c": unexpected GroupVersion string: a/b/c',
      expect.stringMatching(/^spec\.paramKind\.kind: Invalid value: "Bad_Kind": may have mixed case, but should otherwise match: a DNS-1035 label/),
      'spec.matchConstraints.resourceRules: Required value',
      'spec.variables[0].name: Invalid value: "in": name is not a valid CEL identifier',
      'spec.variables[0].expression: Required value: expression is not specified',
      'spec.validations[0].message: Invalid value: "a\\nb": message must not contain line breaks',
      'spec.validations[0].reason: Unsupported value: "Teapot": supported values: "Forbidden", "Invalid", "RequestEntityTooLarge"',
    ]);
  });

  it('validates status conditions on the status endpoint', () => {
    const { stored } = simulateCreate(validatingadmissionpolicies, policy);
    expect(writeErrors(() => simulateUpdate(validatingadmissionpolicies, { ...stored, status: { conditions: [{ type: 'Ready', status: 'Maybe' }] } }, stored, 'status'))).toEqual([
      'status.conditions[0].status: Unsupported value: "Maybe": supported values: "False", "True", "Unknown"',
      'status.conditions[0].lastTransitionTime: Required value: must be set',
      'status.conditions[0].reason: Required value: must be set',
    ]);
  });

  it('validates bindings', () => {
    expect(
      writeErrors(() => simulateCreate(validatingadmissionpolicybindings, { metadata: { name: 'b' }, spec: { policyName: 'p', paramRef: { name: 'x', selector: {} }, validationActions: ['Deny', 'Deny', 'Block'] } })),
    ).toEqual([
      'spec.paramRef.name: Forbidden: name and selector are mutually exclusive',
      'spec.paramRef.selector: Forbidden: name and selector are mutually exclusive',
      'spec.paramRef.parameterNotFoundAction: Required value',
      'spec.validationActions[1]: Duplicate value: "Deny"',
      'spec.validationActions[2]: Unsupported value: "Block": supported values: "Audit", "Deny", "Warn"',
    ]);
    expect(writeErrors(() => simulateCreate(validatingadmissionpolicybindings, { metadata: { name: 'b' }, spec: { policyName: 'p', validationActions: ['Deny', 'Warn'] } }))).toEqual([
      'spec.validationActions: Invalid value: []admissionregistration.ValidationAction{"Deny", "Warn"}: must not contain both Deny and Warn (repeating the same validation failure information in the API response and headers serves no purpose)',
    ]);
  });
});
