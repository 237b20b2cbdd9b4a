// Printers of storage.k8s.io/v1 (k8s parity: printers.go printStorageClass,
// printVolumeAttributesClass, printVolumeAttachment, printCSINode, printCSIDriver,
// CSIStorageCapacity has a printer upstream, but its store registers the default convertor).
import { ageColumn, ageOf, annotations, arr, boolPtr, column, doc, nameColumn, nameOf, printer, rec, recs, str, strPtr, strings } from './helpers';
import type { TableConvertor } from './types';

export const storageClasses = printer(
  [
    nameColumn,
    column('Provisioner', 'string', doc('storage/v1.StorageClass.provisioner')),
    column('ReclaimPolicy', 'string', doc('storage/v1.StorageClass.reclaimPolicy')),
    column('VolumeBindingMode', 'string', doc('storage/v1.StorageClass.volumeBindingMode')),
    column('AllowVolumeExpansion', 'string', doc('storage/v1.StorageClass.allowVolumeExpansion')),
    ageColumn,
  ],
  (obj, now) => {
    const anns = annotations(obj);
    const isDefault =
      anns['storageclass.kubernetes.io/is-default-class'] === 'true' || anns['storageclass.beta.kubernetes.io/is-default-class'] === 'true';
    return [
      isDefault ? `${nameOf(obj)} (default)` : nameOf(obj),
      str(obj['provisioner']),
      strPtr(obj['reclaimPolicy']) ?? 'Delete',
      strPtr(obj['volumeBindingMode']) ?? 'Immediate',
      boolPtr(obj['allowVolumeExpansion']) ?? false,
      ageOf(obj, now),
    ];
  },
);

export const volumeAttributesClasses = printer(
  [nameColumn, column('DriverName', 'string', doc('storage/v1beta1.VolumeAttributesClass.driverName')), ageColumn],
  (obj, now) => {
    const isDefault = annotations(obj)['volumeattributesclass.alpha.kubernetes.io/is-default-class'] === 'true';
    return [isDefault ? `${nameOf(obj)} (default)` : nameOf(obj), str(obj['driverName']), ageOf(obj, now)];
  },
);

export const volumeAttachments = printer(
  [
    nameColumn,
    column('Attacher', 'string', doc('storage/v1.VolumeAttachmentSpec.attacher'), { format: 'name' }),
    column('PV', 'string', doc('storage/v1.VolumeAttachmentSource.persistentVolumeName')),
    column('Node', 'string', doc('storage/v1.VolumeAttachmentSpec.nodeName')),
    column('Attached', 'boolean', doc('storage/v1.VolumeAttachmentStatus.attached')),
    ageColumn,
  ],
  (obj, now) => {
    const spec = rec(obj['spec']);
    return [
      nameOf(obj),
      str(spec['attacher']),
      str(rec(spec['source'])['persistentVolumeName']),
      str(spec['nodeName']),
      rec(obj['status'])['attached'] === true,
      ageOf(obj, now),
    ];
  },
);

export const csiNodes = printer(
  [nameColumn, column('Drivers', 'integer', 'Drivers indicates the number of CSI drivers registered on the node'), ageColumn],
  (obj, now) => [nameOf(obj), arr(rec(obj['spec'])['drivers']).length, ageOf(obj, now)],
);

export const csiDrivers = printer(
  [
    nameColumn,
    column('AttachRequired', 'boolean', doc('storage/v1.CSIDriverSpec.attachRequired')),
    column('PodInfoOnMount', 'boolean', doc('storage/v1.CSIDriverSpec.podInfoOnMount')),
    column('StorageCapacity', 'boolean', doc('storage/v1.CSIDriverSpec.storageCapacity')),
    column('TokenRequests', 'string', doc('storage/v1.CSIDriverSpec.tokenRequests')),
    column('RequiresRepublish', 'boolean', doc('storage/v1.CSIDriverSpec.requiresRepublish')),
    column('Modes', 'string', doc('storage/v1.CSIDriverSpec.volumeLifecycleModes')),
    ageColumn,
  ],
  (obj, now) => {
    const spec = rec(obj['spec']);
    // An empty list does not survive storage (omitempty), so it reads back as unset.
    const tokenRequests = recs(spec['tokenRequests']);
    return [
      nameOf(obj),
      boolPtr(spec['attachRequired']) ?? true,
      boolPtr(spec['podInfoOnMount']) ?? false,
      boolPtr(spec['storageCapacity']) ?? false,
      tokenRequests.length > 0 ? tokenRequests.map((t) => str(t['audience'])).join(',') : '<unset>',
      boolPtr(spec['requiresRepublish']) ?? false,
      strings(spec['volumeLifecycleModes']).join(',') || '<none>',
      ageOf(obj, now),
    ];
  },
);

export const storageConvertors: Record<string, TableConvertor> = {
  storageclasses: storageClasses,
  volumeattributesclasses: volumeAttributesClasses,
  volumeattachments: volumeAttachments,
  csinodes: csiNodes,
  csidrivers: csiDrivers,
};
