// k8s parity: kubernetes pkg/registry/core/pod/strategy.go (status reset to Pending with the QoS
// class, graceful deletion, selectable fields, the DNS-label warning), pkg/apis/core/validation
// ValidatePodCreate / ValidatePodUpdate / ValidatePodStatusUpdate, SetDefaults_Pod.
//
// Without a kubelet nothing finishes a graceful deletion, so a pod bound to a node keeps its
// deletionTimestamp until its grace period is cut to 0; an unscheduled pod goes at once, as
// kube-apiserver deletes it.
import {
  type FieldError,
  FieldPath,
  type KubeObject,
  compareBytes,
  fieldErrors,
  inclusiveRangeError,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
} from '@portico/api';
import { builtin, coreMeta, coreMetaUpdate } from '../builtin';
import { deepEqualJson } from '../core-validation';
import { metaOf } from '../define';
import type { DeleteOptions } from '../descriptor';
import { type Obj, child, has, isObj, isValidIP, obj, objs, optNum, optStrMap, s, strMap } from '../validation/common';
import { defaultPod, dropDisabledPodSpecFields, podQOSClass, validatePodSpec, validatePodSpecificAnnotations, validateTolerations } from '../validation/pod-spec';

type Errs = FieldError[];

const specPath = FieldPath.root('spec');
const metaPath = FieldPath.root('metadata');

/** The two PriorityClasses every cluster has; other classes need the Priority admission plugin. */
const systemPriorityClasses: Record<string, number> = { 'system-node-critical': 2000001000, 'system-cluster-critical': 2000000000 };

/** validatePodMetadataAndSpec. */
function validatePodMetadataAndSpec(pod: KubeObject): Errs {
  const spec = obj(pod.spec);
  const errs = coreMeta(pod, true);
  errs.push(...validatePodSpecificAnnotations(optStrMap(metaOf(pod).annotations) ?? {}, spec, metaPath.child('annotations')));
  errs.push(...validatePodSpec(spec, specPath, { resourceIsPod: true }, s(metaOf(pod).name)));
  if (s(spec.serviceAccountName) === '') {
    objs(spec.volumes).forEach((v, vi) => {
      if (!isObj(v.projected)) return;
      objs(v.projected.sources).forEach((src, si) => {
        if (has(src.serviceAccountToken)) {
          errs.push(
            fieldErrors.forbidden(
              String(specPath.child('volumes').index(vi).child('projected').child('sources').index(si).child('serviceAccountToken')),
              'must not be specified when serviceAccountName is not set',
            ),
          );
        }
      });
    });
  }
  for (const key of ['containers', 'initContainers'] as const) {
    objs(spec[key]).forEach((c, i) => {
      const image = s(c.image);
      if (image.length !== image.trim().length) errs.push(fieldErrors.invalid(String(specPath.child(key).index(i).child('image')), image, 'must not have leading or trailing whitespace'));
    });
  }
  return errs;
}

/** ValidatePodCreate. */
export function validatePodCreate(pod: KubeObject): Errs {
  const errs = validatePodMetadataAndSpec(pod);
  const spec = obj(pod.spec);
  if (objs(spec.ephemeralContainers).length > 0) errs.push(fieldErrors.forbidden(String(specPath.child('ephemeralContainers')), 'cannot be set on create'));
  if (s(spec.nodeName) !== '' && objs(spec.schedulingGates).length > 0) {
    errs.push(fieldErrors.forbidden(String(specPath.child('nodeName')), 'cannot be set until all schedulingGates have been cleared'));
  }
  return errs;
}

const updatablePodSpecFields = [
  '`spec.containers[*].image`',
  '`spec.initContainers[*].image`',
  '`spec.activeDeadlineSeconds`',
  '`spec.tolerations` (only additions to existing tolerations)',
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
];

/** A readable stand-in for Go's cmp.Diff of two pod specs (Go prints its own format). */
function specDiff(oldSpec: Obj, newSpec: Obj): string {
  const keys = [...new Set([...Object.keys(oldSpec), ...Object.keys(newSpec)])].sort(compareBytes);
  const lines = ['  core.PodSpec{'];
  for (const k of keys) {
    if (deepEqualJson(oldSpec[k], newSpec[k])) continue;
    if (k in oldSpec) lines.push(`- \t${k}: ${JSON.stringify(oldSpec[k])},`);
    if (k in newSpec) lines.push(`+ \t${k}: ${JSON.stringify(newSpec[k])},`);
  }
  lines.push('  }');
  return `${lines.join('\n')}\n`;
}

function validateContainerUpdates(next: Obj[], prev: Obj[], p: FieldPath): { errs: Errs; stop: boolean } {
  if (next.length !== prev.length) return { errs: [fieldErrors.forbidden(String(p), 'pod updates may not add or remove containers')], stop: true };
  const errs: Errs = [];
  next.forEach((c, i) => {
    const image = s(c.image);
    if (image === '') errs.push(fieldErrors.required(String(p.index(i).child('image'))));
    if (image.trim().length !== image.length) errs.push(fieldErrors.invalid(String(p.index(i).child('image')), image, 'must not have leading or trailing whitespace'));
  });
  return { errs, stop: false };
}

const mirrorPodAnnotation = 'kubernetes.io/config.mirror';
const appArmorPrefix = 'container.apparmor.security.beta.kubernetes.io/';

function validatePodAnnotationUpdates(pod: KubeObject, old: KubeObject): Errs {
  const errs: Errs = [];
  const p = metaPath.child('annotations');
  const next = strMap(metaOf(pod).annotations);
  const prev = strMap(metaOf(old).annotations);
  for (const k of Object.keys(prev).sort(compareBytes)) {
    if (k in next && next[k] === prev[k]) continue;
    if (k.startsWith(appArmorPrefix)) errs.push(fieldErrors.forbidden(String(p.key(k)), 'may not remove or update AppArmor annotations'));
    if (k === mirrorPodAnnotation) errs.push(fieldErrors.forbidden(String(p.key(k)), 'may not remove or update mirror pod annotation'));
  }
  for (const k of Object.keys(next).sort(compareBytes)) {
    if (k in prev) continue;
    if (k.startsWith(appArmorPrefix)) errs.push(fieldErrors.forbidden(String(p.key(k)), 'may not add AppArmor annotations'));
    if (k === mirrorPodAnnotation) errs.push(fieldErrors.forbidden(String(p.key(k)), 'may not add mirror pod annotation'));
  }
  errs.push(...validatePodSpecificAnnotations(next, obj(pod.spec), p));
  return errs;
}

/** ValidatePodUpdate: only images, activeDeadlineSeconds, added tolerations and removed gates change. */
export function validatePodUpdate(pod: KubeObject, old: KubeObject): Errs {
  const errs = coreMetaUpdate(pod, old);
  errs.push(...validatePodMetadataAndSpec(pod));
  errs.push(...validatePodAnnotationUpdates(pod, old));
  const spec = obj(pod.spec);
  const oldSpec = obj(old.spec);
  for (const key of ['containers', 'initContainers'] as const) {
    const r = validateContainerUpdates(objs(spec[key]), objs(oldSpec[key]), specPath.child(key));
    errs.push(...r.errs);
    if (r.stop) return errs;
  }
  const ads = optNum(spec.activeDeadlineSeconds);
  const oldAds = optNum(oldSpec.activeDeadlineSeconds);
  if (ads !== undefined) {
    if (ads < 0 || ads > 2147483647) {
      errs.push(fieldErrors.invalid(String(specPath.child('activeDeadlineSeconds')), ads, inclusiveRangeError(0, 2147483647)));
      return errs;
    }
    if (oldAds !== undefined && oldAds < ads) {
      errs.push(fieldErrors.invalid(String(specPath.child('activeDeadlineSeconds')), ads, 'must be less than or equal to previous value'));
      return errs;
    }
  } else if (oldAds !== undefined) {
    errs.push(fieldErrors.invalid(String(specPath.child('activeDeadlineSeconds')), 'null', 'must not update from a positive integer to nil value'));
  }
  // Only additions to tolerations (tolerationSeconds may change).
  const tolerations = objs(spec.tolerations);
  const oldTolerations = objs(oldSpec.tolerations);
  const sameBut = (a: Obj, b: Obj) => deepEqualJson({ ...a, tolerationSeconds: undefined }, { ...b, tolerationSeconds: undefined });
  if (!oldTolerations.every((o) => tolerations.some((t) => sameBut(o, t)))) {
    errs.push(fieldErrors.forbidden(String(specPath.child('tolerations')), 'existing toleration can not be modified except its tolerationSeconds'));
  } else {
    errs.push(...validateTolerations(tolerations, specPath.child('tolerations')));
  }
  const oldGates = new Set(objs(oldSpec.schedulingGates).map((g) => s(g.name)));
  objs(spec.schedulingGates).forEach((g, i) => {
    if (!oldGates.has(s(g.name))) {
      errs.push(fieldErrors.forbidden(String(specPath.child('schedulingGates').index(i).child('name')), `only deletion is allowed, but found new scheduling gate '${s(g.name)}'`));
    }
  });
  if (deepEqualJson(spec, oldSpec)) return errs;

  const munged: Obj = structuredClone(spec);
  for (const key of ['containers', 'initContainers'] as const) {
    const prev = objs(oldSpec[key]);
    if (Array.isArray(munged[key])) munged[key] = objs(munged[key]).map((c, i) => ({ ...c, image: prev[i]?.image }));
  }
  if (oldAds === undefined) delete munged.activeDeadlineSeconds;
  else munged.activeDeadlineSeconds = oldAds;
  if (oldSpec.schedulingGates === undefined) delete munged.schedulingGates;
  else munged.schedulingGates = structuredClone(oldSpec.schedulingGates);
  if (oldSpec.tolerations === undefined) delete munged.tolerations;
  else munged.tolerations = structuredClone(oldSpec.tolerations);
  const oldGrace = optNum(oldSpec.terminationGracePeriodSeconds);
  if (oldGrace !== undefined && oldGrace < 0 && munged.terminationGracePeriodSeconds === 1) munged.terminationGracePeriodSeconds = oldGrace;
  if (oldGates.size > 0) {
    // Gated pods may gain node selectors and node affinity.
    if (oldSpec.nodeSelector === undefined) delete munged.nodeSelector;
    else munged.nodeSelector = structuredClone(oldSpec.nodeSelector);
    if (isObj(munged.affinity)) {
      const oldNA = isObj(oldSpec.affinity) ? oldSpec.affinity.nodeAffinity : undefined;
      if (oldNA === undefined) delete munged.affinity.nodeAffinity;
      else munged.affinity.nodeAffinity = structuredClone(oldNA);
      if (Object.keys(munged.affinity).length === 0 && oldSpec.affinity === undefined) delete munged.affinity;
    }
  }
  if (!deepEqualJson(munged, oldSpec)) {
    errs.push(fieldErrors.forbidden(String(specPath), `pod updates may not change fields other than ${updatablePodSpecFields.join(',')}\n${specDiff(oldSpec, munged)}`));
  }
  return errs;
}

/** ValidatePodStatusUpdate, for the fields a client can get wrong without a kubelet. */
export function validatePodStatusUpdate(pod: KubeObject, old: KubeObject): Errs {
  const errs = coreMetaUpdate(pod, old);
  errs.push(...validatePodAnnotationUpdates(pod, old));
  const status = obj(pod.status);
  const oldStatus = obj(old.status);
  objs(status.conditions).forEach((c, i) => {
    const type = s(c.type);
    if (['PodScheduled', 'Ready', 'Initialized'].includes(type)) return;
    for (const m of isQualifiedName(type)) errs.push(fieldErrors.invalid(String(metaPath.child('conditions').index(i).child('Type')), type, m));
  });
  const sp = FieldPath.root('status');
  if (s(obj(pod.spec).nodeName) !== s(obj(old.spec).nodeName)) errs.push(fieldErrors.forbidden(String(sp.child('nodeName')), 'may not be changed directly'));
  const nominated = s(status.nominatedNodeName);
  if (nominated !== s(oldStatus.nominatedNodeName) && nominated.length > 0) {
    for (const m of isDNS1123Subdomain(nominated)) errs.push(fieldErrors.invalid(String(sp.child('nominatedNodeName')), nominated, m));
  }
  if (s(status.qosClass) !== s(oldStatus.qosClass)) errs.push(fieldErrors.invalid(String(sp.child('qosClass')), s(status.qosClass), 'field is immutable'));
  objs(status.podIPs).forEach((ip, i) => errs.push(...isValidIP(sp.child('podIPs').index(i), s(ip.ip))));
  const hostIPs = objs(status.hostIPs);
  if (hostIPs.length > 0 && s(status.hostIP) !== s(hostIPs[0]?.ip)) {
    errs.push(fieldErrors.invalid(String(sp.child('hostIPs').index(0).child('ip')), s(hostIPs[0]?.ip), 'must be equal to `hostIP`'));
  }
  hostIPs.forEach((ip, i) => errs.push(...isValidIP(sp.child('hostIPs').index(i), s(ip.ip))));
  return errs;
}

function applySchedulingGatedCondition(pod: KubeObject): void {
  if (objs(obj(pod.spec).schedulingGates).length === 0) return;
  const status = child(pod as Obj, 'status');
  const conditions = objs(status.conditions);
  if (conditions.some((c) => s(c.type) === 'PodScheduled')) return;
  conditions.push({
    type: 'PodScheduled',
    status: 'False',
    lastProbeTime: null,
    lastTransitionTime: null,
    reason: 'SchedulingGated',
    message: 'Scheduling is blocked due to non-empty scheduling gates',
  });
  status.conditions = conditions;
}

/** PodStrategy.CheckGracefulDelete. */
export function checkPodGracefulDelete(pod: KubeObject, options: DeleteOptions): boolean {
  const spec = obj(pod.spec);
  let period = typeof options.gracePeriodSeconds === 'number' ? options.gracePeriodSeconds : (optNum(spec.terminationGracePeriodSeconds) ?? 0);
  if (s(spec.nodeName) === '') period = 0;
  const phase = s(obj(pod.status).phase);
  if (phase === 'Failed' || phase === 'Succeeded') period = 0;
  if (period < 0) period = 1;
  options.gracePeriodSeconds = period;
  return true;
}

/** ToSelectableFields of a pod. */
export function podSelectableFields(pod: KubeObject): Record<string, string> {
  const spec = obj(pod.spec);
  const status = obj(pod.status);
  return {
    'spec.nodeName': s(spec.nodeName),
    'spec.restartPolicy': s(spec.restartPolicy),
    'spec.schedulerName': s(spec.schedulerName),
    'spec.serviceAccountName': s(spec.serviceAccountName),
    'spec.hostNetwork': String(spec.hostNetwork === true),
    'status.phase': s(status.phase),
    'status.podIP': s(objs(status.podIPs)[0]?.ip),
    'status.nominatedNodeName': s(status.nominatedNodeName),
  };
}

export const pods = builtin({
  group: '',
  version: 'v1',
  resource: 'pods',
  kind: 'Pod',
  shortNames: ['po'],
  categories: ['all'],
  tracksGeneration: true,
  defaults: (pod) => defaultPod(pod as Obj),
  prepareForCreate(pod) {
    const spec = child(pod as Obj, 'spec');
    dropDisabledPodSpecFields(spec, undefined);
    // The Priority admission plugin's work when no PriorityClass is named.
    const pcn = s(spec.priorityClassName);
    if (!has(spec.priority)) {
      if (pcn === '') spec.priority = 0;
      else if (pcn in systemPriorityClasses) spec.priority = systemPriorityClasses[pcn];
    }
    if (!has(spec.preemptionPolicy) && (pcn === '' || pcn in systemPriorityClasses)) spec.preemptionPolicy = 'PreemptLowerPriority';
    pod.status = { phase: 'Pending', qosClass: podQOSClass(spec) };
    applySchedulingGatedCondition(pod);
  },
  prepareForUpdate(pod, old) {
    dropDisabledPodSpecFields(child(pod as Obj, 'spec'), obj(old.spec));
  },
  validate: validatePodCreate,
  validateUpdate: validatePodUpdate,
  status: {
    resetOnCreate: false,
    validateUpdate: validatePodStatusUpdate,
    prepareForUpdate(pod, old) {
      // The status endpoint may not touch owners (old kubelets corrupted them); QoS is backfilled.
      const m = metaOf(pod);
      const o = metaOf(old);
      if (o.ownerReferences === undefined) delete m.ownerReferences;
      else m.ownerReferences = structuredClone(o.ownerReferences);
      const status = child(pod as Obj, 'status');
      if (s(status.qosClass) === '' && s(obj(old.status).qosClass) !== '') status.qosClass = obj(old.status).qosClass;
    },
  },
  selectableFields: podSelectableFields,
  fieldLabels: [
    'spec.nodeName',
    'spec.restartPolicy',
    'spec.schedulerName',
    'spec.serviceAccountName',
    'spec.hostNetwork',
    'status.phase',
    'status.podIP',
    'status.podIPs',
    'status.nominatedNodeName',
  ],
  fieldLabelAliases: { 'spec.host': 'spec.nodeName' },
  strategy: {
    returnDeletedObject: true,
    checkGracefulDelete: checkPodGracefulDelete,
    warningsOnCreate(pod) {
      const msgs = isDNS1123Label(s(metaOf(pod).name));
      return msgs.length === 0 ? [] : [`metadata.name: this is used in the Pod's hostname, which can result in surprising behavior; a DNS label is recommended: [${msgs.join(' ')}]`];
    },
  },
});
