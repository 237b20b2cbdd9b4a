// How one request moves objects between the version it speaks and the version storage keeps:
// built-ins and CRDs without a webhook convert synchronously through the descriptor, a custom
// resource version whose CRD converts by webhook goes through it (one call per request).
import { groupVersionString, type KubeObject } from '@portico/api';
import type { CallContext } from '@portico/proto';
import type { ResourceDescriptor } from '@portico/registry';

/** Storage keeps every version of a kind in one form; a version that differs converts on the way in and out. */
export function fromStorage(desc: ResourceDescriptor, raw: Buffer): Buffer {
  if (desc.fromStorage === undefined) return raw;
  return Buffer.from(JSON.stringify(desc.fromStorage(JSON.parse(raw.toString('utf8')) as KubeObject)));
}

/** Converts custom resources to a version (the CRD's webhook); see versionsOf. */
export type VersionConverter = (desc: ResourceDescriptor, objects: KubeObject[], desiredAPIVersion: string, ctx: CallContext) => Promise<KubeObject[]>;

/**
 * How one request moves objects between its version and the storage version: synchronously
 * through the descriptor (built-ins, CRDs without a webhook), or through the conversion webhook
 * for a custom resource version that is not the storage version.
 */
export interface RequestVersions {
  /** Whether objects go through the webhook (the descriptor's own toStorage/fromStorage do not apply). */
  viaWebhook: boolean;
  /** The decoded request object, in the form storage keeps. */
  toStorage(obj: KubeObject): Promise<KubeObject>;
  /** A stored object (or a Status, unchanged) in the request's version. */
  out(obj: KubeObject): Promise<KubeObject>;
  /** Stored objects as bytes, in the request's version (one webhook call for all). */
  rawOut(raws: Buffer[]): Promise<Buffer[]>;
}

export function versionsOf(desc: ResourceDescriptor, convert: VersionConverter | undefined, ctx: CallContext): RequestVersions {
  const cr = desc.customResource;
  if (convert === undefined || cr === undefined || cr.conversion.strategy !== 'Webhook' || cr.storageVersion === desc.version) {
    return {
      viaWebhook: false,
      toStorage: (obj) => Promise.resolve(obj),
      out: (obj) => Promise.resolve(desc.fromStorage === undefined || obj.kind === 'Status' ? obj : desc.fromStorage(obj)),
      rawOut: (raws) => Promise.resolve(raws.map((r) => fromStorage(desc, r))),
    };
  }
  const requestVersion = groupVersionString(desc.group, desc.version);
  const storageVersion = groupVersionString(desc.group, cr.storageVersion);
  return {
    viaWebhook: true,
    toStorage: async (obj) => (await convert(desc, [obj], storageVersion, ctx))[0] ?? obj,
    out: async (obj) => (obj.kind === 'Status' ? obj : ((await convert(desc, [obj], requestVersion, ctx))[0] ?? obj)),
    rawOut: async (raws) => {
      if (raws.length === 0) return raws;
      const converted = await convert(desc, raws.map((r) => JSON.parse(r.toString('utf8')) as KubeObject), requestVersion, ctx);
      return converted.map((o) => Buffer.from(JSON.stringify(o)));
    },
  };
}

