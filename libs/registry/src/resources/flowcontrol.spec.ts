import { describe, expect, it } from 'vitest';
import { simulateCreate, simulateUpdate, writeErrors } from '../testing/write-path';
import { flowschemas, prioritylevelconfigurations as plcs } from './flowcontrol';

describe('flowschemas', () => {
  it('defaults matchingPrecedence and validates the rules', () => {
    const { stored } = simulateCreate(flowschemas, { metadata: { name: 'f' }, spec: { priorityLevelConfiguration: { name: 'x' } } });
    expect(stored.spec).toEqual({ priorityLevelConfiguration: { name: 'x' }, matchingPrecedence: 1000 });
    expect(
      writeErrors(() =>
        simulateCreate(flowschemas, {
          metadata: { name: 'f' },
          spec: {
            matchingPrecedence: 1,
            distinguisherMethod: { type: 'ByFoo' },
            priorityLevelConfiguration: { name: '' },
            rules: [
              { subjects: [{ kind: 'ServiceAccount', serviceAccount: { name: 'x', namespace: '' }, user: { name: 'u' } }], resourceRules: [{ verbs: ['get', 'fly'], apiGroups: ['*', 'apps'], resources: ['pods'] }] },
              { subjects: [] },
            ],
          },
        }),
      ),
    ).toEqual([
      "spec.matchingPrecedence: Invalid value: 1: only the schema named 'exempt' may have matchingPrecedence 1",
      'spec.distinguisherMethod.type: Unsupported value: flowcontrol.FlowDistinguisherMethod{Type:"ByFoo"}: supported values: "ByNamespace", "ByUser"',
      'spec.priorityLevelConfiguration.name: Required value: must reference a priority level',
      'spec.rules[0].subjects[0].serviceAccount.namespace: Required value: must specify namespace for service account',
      "spec.rules[0].subjects[0].user: Forbidden: user is forbidden when subject kind is not 'User'",
      'spec.rules[0].resourceRules[0].verbs: Unsupported value: []string{"get", "fly"}: supported values: "create", "delete", "deletecollection", "get", "list", "patch", "proxy", "update", "watch"',
      `spec.rules[0].resourceRules[0].apiGroups: Invalid value: []string{"*", "apps"}: if '*' is present, must not specify other api groups`,
      'spec.rules[0].resourceRules[0].namespaces: Required value: resource rules that are not cluster scoped must supply at least one namespace',
      'spec.rules[1].subjects: Required value: subjects must contain at least one value',
      'spec.rules[1]: Required value: at least one of resourceRules and nonResourceRules has to be non-empty',
    ]);
  });

  it('keeps the stored metadata on a status write', () => {
    const { stored } = simulateCreate(flowschemas, { metadata: { name: 'f', labels: { a: 'b' } }, spec: { priorityLevelConfiguration: { name: 'x' } } });
    const next = { ...structuredClone(stored), metadata: { ...stored.metadata, labels: { a: 'c' } }, status: { conditions: [{ type: 'Dangling', status: 'False' }] } };
    const written = simulateUpdate(flowschemas, next, stored, 'status').stored;
    expect(written.metadata?.labels).toEqual({ a: 'b' });
    expect(written.status).toEqual({ conditions: [{ type: 'Dangling', status: 'False' }] });
  });
});

describe('prioritylevelconfigurations', () => {
  it('defaults limited and exempt settings', () => {
    expect(simulateCreate(plcs, { metadata: { name: 'p' }, spec: { type: 'Limited', limited: { limitResponse: { type: 'Queue', queuing: {} } } } }).stored.spec).toEqual({
      type: 'Limited',
      limited: { limitResponse: { type: 'Queue', queuing: { handSize: 8, queues: 64, queueLengthLimit: 50 } }, nominalConcurrencyShares: 30, lendablePercent: 0 },
    });
    expect(simulateCreate(plcs, { metadata: { name: 'exempt' }, spec: { type: 'Exempt', exempt: {} } }).stored.spec).toEqual({
      type: 'Exempt',
      exempt: { nominalConcurrencyShares: 0, lendablePercent: 0 },
    });
  });

  it('validates the type, shares and queuing', () => {
    expect(writeErrors(() => simulateCreate(plcs, { metadata: { name: 'p' }, spec: { type: 'Exempt' } }))).toEqual([
      "spec.type: Invalid value: \"Exempt\": type must be 'Exempt' if and only if name is 'exempt'",
    ]);
    expect(
      writeErrors(() =>
        simulateCreate(plcs, {
          metadata: { name: 'p' },
          spec: { type: 'Limited', limited: { nominalConcurrencyShares: -1, lendablePercent: 101, limitResponse: { type: 'Queue', queuing: { queues: 4, handSize: 5 } } } },
        }),
      ),
    ).toEqual([
      'spec.limited.nominalConcurrencyShares: Invalid value: -1: must be a non-negative integer',
      'spec.limited.limitResponse.queuing.handSize: Invalid value: 5: should not be greater than queues (4)',
      'spec.limited.lendablePercent: Invalid value: 101: must be between 0 and 100, inclusive',
    ]);
  });
});
