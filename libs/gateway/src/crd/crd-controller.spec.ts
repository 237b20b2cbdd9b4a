import type { KubeObject } from '@portico/api';
import { defaultRegistry } from '@portico/registry';
import { describe, expect, it } from 'vitest';
import { calculateNamesAndConditions, claimedNames, crdNameConflicts } from './crd-controller';

function crd(name: string, group: string, names: Record<string, unknown>, accepted?: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${String(names['plural'])}.${group}`, uid: name },
    spec: { group, names, scope: 'Namespaced', versions: [{ name: 'v1', served: true, storage: true }] },
    ...(accepted !== undefined ? { status: { acceptedNames: accepted } } : {}),
  };
}

const widgets = crd('w', 'example.com', { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList', shortNames: ['wd'] }, {
  plural: 'widgets',
  singular: 'widget',
  kind: 'Widget',
  listKind: 'WidgetList',
  shortNames: ['wd'],
});

describe('naming controller (calculateNamesAndConditions)', () => {
  it('accepts fresh names: NamesAccepted NoConflicts, Established Installing', () => {
    const fresh = crd('g', 'example.com', { plural: 'gadgets', singular: 'gadget', kind: 'Gadget', listKind: 'GadgetList' });
    const r = calculateNamesAndConditions(fresh, claimedNames('example.com', 'gadgets.example.com', [widgets], []));
    expect(r.names).toMatchObject({ plural: 'gadgets', singular: 'gadget', kind: 'Gadget', listKind: 'GadgetList' });
    expect(r.namesAccepted).toEqual({ type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found' });
    expect(r.established).toEqual({ type: 'Established', status: 'False', reason: 'Installing', message: 'the initial names have been accepted' });
  });

  it('refuses a short name another CRD of the group holds, with kube-apiserver reason and message', () => {
    const clash = crd('c', 'example.com', { plural: 'gizmos', singular: 'gizmo', kind: 'Gizmo', listKind: 'GizmoList', shortNames: ['wd'] });
    const r = calculateNamesAndConditions(clash, claimedNames('example.com', 'gizmos.example.com', [widgets], []));
    expect(r.namesAccepted).toEqual({ type: 'NamesAccepted', status: 'False', reason: 'ShortNamesConflict', message: '"wd" is already in use' });
    expect(r.names.shortNames).toEqual([]);
    expect(r.established).toMatchObject({ status: 'False', reason: 'NotAccepted', message: 'not all names are accepted' });
  });

  it('reports a kind conflict; names in other groups do not clash', () => {
    const kindClash = crd('k', 'example.com', { plural: 'others', singular: 'other', kind: 'Widget', listKind: 'OtherList' });
    expect(calculateNamesAndConditions(kindClash, claimedNames('example.com', 'others.example.com', [widgets], [])).namesAccepted).toMatchObject({
      reason: 'KindConflict',
      message: '"Widget" is already in use',
    });
    const elsewhere = crd('e', 'other.io', { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList', shortNames: ['wd'] });
    expect(calculateNamesAndConditions(elsewhere, claimedNames('other.io', 'widgets.other.io', [widgets], [])).namesAccepted.status).toBe('True');
  });
});

describe('crdNameConflicts (creation-time check)', () => {
  it('names every clashing field with another CRD of the group', () => {
    const clash = crd('c', 'example.com', { plural: 'gizmos', singular: 'widget', kind: 'Widget', listKind: 'GizmoList', shortNames: ['gz', 'wd'] });
    const errs = crdNameConflicts(clash, [widgets], []);
    expect(errs.map((e) => `${e.field}: ${e.detail}`)).toEqual([
      'spec.names.singular: "widget" is already in use',
      'spec.names.shortNames[1]: "wd" is already in use',
      'spec.names.kind: "Widget" is already in use',
    ]);
  });

  it('checks the built-in resources of the group', () => {
    const builtin = crd('b', 'apps', { plural: 'deploys', singular: 'deploy', kind: 'Deployment', listKind: 'DeployList', shortNames: ['rs'] });
    const errs = crdNameConflicts(builtin, [], defaultRegistry().all());
    expect(errs.map((e) => e.field)).toEqual(['spec.names.singular', 'spec.names.shortNames[0]', 'spec.names.kind']);
  });

  it('does not count the CRD itself (an update of an accepted CRD)', () => {
    expect(crdNameConflicts(widgets, [widgets], [])).toEqual([]);
  });
});
