import { describe, expect, it } from 'vitest';
import { simulateCreate, simulateUpdate, writeErrors } from '../testing/write-path';
import { csidrivers, storageclasses, volumeattachments } from './storage';

describe('storage.k8s.io', () => {
  it('defaults a StorageClass and keeps its provisioner and parameters', () => {
    const { stored } = simulateCreate(storageclasses, { metadata: { name: 'fast' }, provisioner: 'p', parameters: { a: 'b' } });
    expect(stored).toMatchObject({ reclaimPolicy: 'Delete', volumeBindingMode: 'Immediate' });
    expect(writeErrors(() => simulateUpdate(storageclasses, { ...stored, parameters: { a: 'c' }, provisioner: 'q' }, stored))).toEqual([
      'parameters: Forbidden: updates to parameters are forbidden.',
      'provisioner: Forbidden: updates to provisioner are forbidden.',
    ]);
    expect(writeErrors(() => simulateCreate(storageclasses, { metadata: { name: 'fast' }, provisioner: '', reclaimPolicy: 'Keep', volumeBindingMode: 'Later' }))).toEqual([
      'provisioner: Required value',
      'reclaimPolicy: Unsupported value: "Keep": supported values: "Delete", "Retain"',
      'volumeBindingMode: Unsupported value: "Later": supported values: "Immediate", "WaitForFirstConsumer"',
    ]);
    expect(storageclasses.strategy.returnDeletedObject).toBe(true);
  });

  it('validates a VolumeAttachment', () => {
    expect(writeErrors(() => simulateCreate(volumeattachments, { metadata: { name: 'v' }, spec: { attacher: '', nodeName: 'n', source: {} } }))).toEqual([
      'spec.attacher: Required value',
      'spec.source: Required value: must specify exactly one of inlineVolumeSpec and persistentVolumeName',
    ]);
  });

  it('defaults a CSIDriver', () => {
    expect(simulateCreate(csidrivers, { metadata: { name: 'csi.example.com' }, spec: {} }).stored.spec).toEqual({
      attachRequired: true,
      podInfoOnMount: false,
      storageCapacity: false,
      fsGroupPolicy: 'ReadWriteOnceWithFSType',
      volumeLifecycleModes: ['Persistent'],
      requiresRepublish: false,
      seLinuxMount: false,
    });
  });
});
