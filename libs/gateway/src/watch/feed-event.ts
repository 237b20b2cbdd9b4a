import type { KubeObject } from '@portico/api';

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/**
 * One change of one object, as the storage service published (or replayed) it. Decoding and
 * serialization are done lazily and at most once, however many watchers receive the event.
 */
export class FeedEvent {
  private decoded: KubeObject | undefined;
  private decodedPrev: KubeObject | undefined;
  /** Serialized frames by (version, delivered type, which object): each built once, shared by all watchers. */
  readonly frames = new Map<string, Buffer>();

  constructor(
    readonly type: EventType,
    readonly rv: number,
    /** The revision of the event before this one on the resource's stream (0 when unknown). */
    readonly prevRv: number,
    readonly object: Buffer,
    readonly prevObject: Buffer | undefined,
  ) {}

  get obj(): KubeObject {
    this.decoded ??= JSON.parse(this.object.toString('utf8')) as KubeObject;
    return this.decoded;
  }

  get prev(): KubeObject | undefined {
    if (this.prevObject === undefined || this.prevObject.length === 0) return undefined;
    this.decodedPrev ??= JSON.parse(this.prevObject.toString('utf8')) as KubeObject;
    return this.decodedPrev;
  }

  frame(key: string, build: () => Buffer): Buffer {
    let f = this.frames.get(key);
    if (f === undefined) {
      f = build();
      this.frames.set(key, f);
    }
    return f;
  }
}
