// The storage service's logic over any KV backend: kube-apiserver's etcd3 store
// (k8s.io/apiserver pkg/storage/etcd3/store.go) behind the StorageServicePort. Objects are JSON
// bytes; the store owns keys, resourceVersion stamping, conditional writes, pagination, selection
// and the resourceVersion semantics of reads. It knows nothing about kinds beyond what `fieldsFor`
// tells it.
import {
  type GroupResource,
  type KubeObject,
  type Revision,
  continueExpiredMessage,
  decodeContinueParam,
  encodeContinue,
  inconsistentContinueMessage,
  isPlainObject,
  parseFieldSelector,
  parseLabelSelector,
  parseResourceVersion,
  statusErrors,
  type FieldSelector,
  type LabelSelector,
} from '@portico/api';
import type {
  CallContext,
  CreateRequest,
  CreateResponse,
  CurrentRevisionResponse,
  DeleteRequest,
  DeleteResponse,
  GetRequest,
  GetResponse,
  ListRequest,
  ListResponse,
  ResourceRef,
  StorageServicePort,
  UpdateRequest,
  UpdateResponse,
} from '@portico/proto';
import { collectionPrefix, groupResourceOf, objectKey } from './keys';
import { CompactedError, FutureRevisionError, type KVBackend, type KeyValue, RequestTooLargeError, prefixEnd } from './kv';
import { toProtoStatus, withStatus } from './status';
import { stampBytes, stripResourceVersion } from './versioner';

/**
 * etcd's default --max-request-bytes (1.5 MiB). Objects are refused above it with a 413 instead of
 * an etcd error, whatever the backend, so both backends accept the same objects.
 */
export const maxObjectBytes = 1572864;

/** The values of an object's selectable fields (the descriptor's selectableFields), by group/resource. */
export type FieldsFor = (gr: GroupResource, obj: KubeObject) => Record<string, string>;

/** metadata.name and metadata.namespace: the fields every kind can be selected by. */
export const defaultFieldsFor: FieldsFor = (_gr, obj) => ({
  'metadata.name': obj.metadata?.name ?? '',
  'metadata.namespace': obj.metadata?.namespace ?? '',
});

export interface ObjectStoreOptions {
  fieldsFor?: FieldsFor;
  /**
   * How long a read for a resourceVersion the store has not reached waits before the 504
   * "Too large resource version" (the watch cache's blockTimeout); default 3000 ms.
   */
  resourceVersionWaitMs?: number;
  /** Told the revision of every write that succeeded (the cacher's read-your-writes and trace hand-off). */
  onWritten?: (revision: number) => void;
}

// k8s parity: etcd3/store.go maxLimit. Pages are refilled from storage in growing batches when a
// selector drops objects, up to this many keys per read.
const maxLimit = 10000;

const emptyBytes = Buffer.alloc(0);

export interface Predicate {
  label?: LabelSelector;
  field?: FieldSelector;
}

/** The list's selectors, parsed (400 for bad ones); empty selectors are left out. */
export function compileSelectors(req: ListRequest): Predicate {
  const p: Predicate = {};
  if (req.labelSelector !== '') {
    const s = parseLabelSelector(req.labelSelector);
    if (!s.isEmpty()) p.label = s;
  }
  if (req.fieldSelector !== '') {
    const s = parseFieldSelector(req.fieldSelector);
    if (!s.isEmpty()) p.field = s;
  }
  return p;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Parses a stored or submitted object; anything but a JSON object is refused. */
export function parseObject(data: Buffer | string, what: string): KubeObject {
  let v: unknown;
  try {
    v = JSON.parse(typeof data === 'string' ? data : data.toString('utf8'));
  } catch (e) {
    throw statusErrors.badRequest(`${what} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!isPlainObject(v)) throw statusErrors.badRequest(`${what} is not a JSON object`);
  return v as KubeObject;
}

/**
 * The store without the watch cache: kube-apiserver's etcd3 store. It serves everything but watch
 * replays, which only the cache can (CachedStore, over it, is the StorageServicePort).
 */
export class ObjectStore implements Omit<StorageServicePort, 'watchReplay'> {
  private readonly fieldsFor: FieldsFor;
  private readonly waitMs: number;
  private readonly onWritten: (revision: number) => void;

  constructor(
    private readonly kv: KVBackend,
    opts: ObjectStoreOptions = {},
  ) {
    this.fieldsFor = opts.fieldsFor ?? defaultFieldsFor;
    this.waitMs = opts.resourceVersionWaitMs ?? 3000;
    this.onWritten = opts.onWritten ?? (() => undefined);
  }

  // ---- helpers ----------------------------------------------------------------------------------

  /** The bytes to persist: a validated JSON object without metadata.resourceVersion, within the size limit. */
  private prepareForStorage(object: Buffer): Buffer {
    const text = object.toString('utf8');
    parseObject(text, 'the object');
    const stored = Buffer.from(stripResourceVersion(text), 'utf8');
    if (stored.length > maxObjectBytes) throw statusErrors.requestEntityTooLarge(`Request entity too large: limit is ${maxObjectBytes}`);
    return stored;
  }

  private stamp(kv: KeyValue): Buffer {
    return stampBytes(kv.value, kv.modRevision);
  }

  /**
   * Waits until the store has reached `rev` (a read "not older than" it), up to the wait budget and
   * the caller's deadline; then answers 504 "Too large resource version" with retry-after 1 s.
   */
  private async waitForRevision(rev: Revision, original: string, ctx?: CallContext): Promise<number> {
    const budgetEnd = Date.now() + this.waitMs;
    const until = ctx?.deadline !== undefined ? Math.min(budgetEnd, ctx.deadline - 50) : budgetEnd;
    for (;;) {
      const current = await this.kv.currentRevision({ deadline: ctx?.deadline });
      if (current >= rev) return current;
      const left = until - Date.now();
      if (left <= 0 || ctx?.signal?.aborted === true) throw statusErrors.tooLargeResourceVersion(original, current, 1);
      await sleep(Math.min(50, left), ctx?.signal);
    }
  }

  private async tooLarge(requested: string, ctx?: CallContext): Promise<never> {
    throw statusErrors.tooLargeResourceVersion(requested, await this.kv.currentRevision({ deadline: ctx?.deadline }), 1);
  }

  private matches(p: Predicate, gr: GroupResource, kv: KeyValue): boolean {
    if (p.label === undefined && p.field === undefined) return true;
    const obj = parseObject(kv.value, `the object at ${kv.key}`);
    if (p.label !== undefined && !p.label.matches(obj.metadata?.labels ?? {})) return false;
    if (p.field !== undefined && !p.field.matches(this.fieldsFor(gr, obj))) return false;
    return true;
  }

  // ---- the port ---------------------------------------------------------------------------------

  get(req: GetRequest, ctx?: CallContext): Promise<GetResponse> {
    return withStatus(
      async () => {
        const key = objectKey(req.ref);
        const minRV = parseResourceVersion(req.resourceVersion);
        const read = () => this.kv.get(key, { stale: req.resourceVersion === '0', deadline: ctx?.deadline });
        let res = await read();
        if (minRV > res.revision) {
          await this.waitForRevision(minRV, req.resourceVersion, ctx);
          res = await read();
          if (minRV > res.revision) return this.tooLarge(req.resourceVersion, ctx);
        }
        if (res.kv === undefined) throw statusErrors.notFound(groupResourceOf(req.ref), (req.ref as ResourceRef).name);
        return { object: this.stamp(res.kv) };
      },
      (status) => ({ object: emptyBytes, status }),
    );
  }

  list(req: ListRequest, ctx?: CallContext): Promise<ListResponse> {
    return withStatus(
      () => this.doList(req, ctx),
      (status) => ({ items: [], resourceVersion: '', continue: '', status }),
    );
  }

  private async doList(req: ListRequest, ctx?: CallContext): Promise<ListResponse> {
    const gr = groupResourceOf(req.ref);
    const keyPrefix = collectionPrefix(req.ref);
    const end = prefixEnd(keyPrefix);
    const limit = Math.max(0, Number(req.limit === '' ? 0 : req.limit));
    const paging = limit > 0;
    const pred = compileSelectors(req);
    const predicateEmpty = pred.label === undefined && pred.field === undefined;

    const fromRV = req.resourceVersion === '' ? undefined : parseResourceVersion(req.resourceVersion);
    // k8s parity: etcd3/store.go GetList, the choice of the revision to read at.
    let withRev = 0;
    let startKey = keyPrefix;
    const continuing = req.continue !== '';
    if (continuing) {
      const c = decodeContinueParam(req.continue, keyPrefix);
      if (req.resourceVersion !== '' && req.resourceVersion !== '0') {
        throw statusErrors.badRequest('specifying resource version is not allowed when using continue');
      }
      startKey = c.startKey;
      // rv -1 (handed out with a 410) continues at the latest revision.
      if (c.resourceVersion > 0) withRev = c.resourceVersion;
    } else if (fromRV !== undefined) {
      switch (req.resourceVersionMatch) {
        case 'NotOlderThan':
          break;
        case 'Exact':
          withRev = fromRV;
          break;
        case '':
          // The legacy meaning of resourceVersion=N with a limit: exactly N.
          if (paging && fromRV > 0) withRev = fromRV;
          break;
        default:
          throw statusErrors.badRequest(`unknown ResourceVersionMatch value: ${req.resourceVersionMatch}`);
      }
    }
    // A revision the store has not reached is waited for once, briefly (see waitForRevision).
    const mustReach = fromRV !== undefined && fromRV > 0 && !continuing ? fromRV : 0;
    let waited = false;

    const stale = req.resourceVersion === '0' && !continuing;
    const items: Buffer[] = [];
    let key = startKey;
    let batch = limit;
    let lastKey = '';
    let hasMore = false;
    let count: number | undefined;
    for (;;) {
      let res;
      try {
        res = await this.kv.range({
          start: key,
          end,
          revision: withRev,
          limit: paging ? batch : 0,
          count: paging && predicateEmpty,
          stale,
          deadline: ctx?.deadline,
        });
      } catch (e) {
        if (e instanceof CompactedError) {
          if (continuing) {
            // k8s parity: etcd3 handleCompactedErrorForPaging. Offer a token that continues the same
            // listing at the latest revision, knowingly inconsistent.
            let next: string;
            try {
              next = encodeContinue(startKey, keyPrefix, -1);
            } catch {
              throw statusErrors.expired(continueExpiredMessage);
            }
            return {
              items: [],
              resourceVersion: '',
              continue: next,
              status: toProtoStatus(statusErrors.expired(inconsistentContinueMessage).status),
            };
          }
          throw statusErrors.expired(`too old resource version: ${e.requested} (${e.compactRevision})`);
        }
        if (e instanceof FutureRevisionError) {
          if (waited || mustReach === 0) return this.tooLarge(String(e.requested), ctx);
          await this.waitForRevision(mustReach, req.resourceVersion, ctx);
          waited = true;
          continue;
        }
        throw e;
      }
      if (mustReach > res.revision) {
        if (waited) return this.tooLarge(req.resourceVersion, ctx);
        await this.waitForRevision(mustReach, req.resourceVersion, ctx);
        waited = true;
        continue;
      }
      if (withRev === 0) withRev = res.revision;
      hasMore = res.more;
      count = res.count;
      for (const kv of res.kvs) {
        if (paging && items.length >= limit) {
          hasMore = true;
          break;
        }
        lastKey = kv.key;
        if (this.matches(pred, gr, kv)) items.push(this.stamp(kv));
      }
      if (!hasMore || !paging) break;
      if (items.length >= limit) break;
      if (batch < maxLimit) batch = Math.min(batch * 2, maxLimit);
      key = `${lastKey}\u0000`;
    }

    const out: ListResponse = { items, resourceVersion: String(withRev), continue: '' };
    if (hasMore) {
      out.continue = encodeContinue(`${lastKey}\u0000`, keyPrefix, withRev);
      // The count covers objects a selector would drop, so it is only reported without one.
      if (predicateEmpty && count !== undefined) out.remainingItemCount = String(count - limit);
    }
    return out;
  }

  create(req: CreateRequest, ctx?: CallContext): Promise<CreateResponse> {
    return withStatus(
      async () => {
        const key = objectKey(req.ref);
        const data = this.prepareForStorage(req.object);
        const res = await this.write(() => this.kv.create(key, data, { deadline: ctx?.deadline }));
        if (!res.succeeded) throw statusErrors.alreadyExists(groupResourceOf(req.ref), (req.ref as ResourceRef).name);
        this.onWritten(res.revision);
        return { object: stampBytes(data, res.revision) };
      },
      (status) => ({ object: emptyBytes, status }),
    );
  }

  update(req: UpdateRequest, ctx?: CallContext): Promise<UpdateResponse> {
    return withStatus(
      async () => {
        const key = objectKey(req.ref);
        const expected = req.expectedResourceVersion === '' ? 0 : parseResourceVersion(req.expectedResourceVersion);
        const data = this.prepareForStorage(req.object);
        const res = await this.write(() => this.kv.update(key, data, expected > 0 ? expected : undefined, { deadline: ctx?.deadline }));
        if (res.succeeded && res.kv !== undefined) {
          this.onWritten(res.kv.modRevision);
          return { succeeded: true, object: this.stamp(res.kv) };
        }
        return { succeeded: false, object: res.kv === undefined ? emptyBytes : this.stamp(res.kv) };
      },
      (status) => ({ succeeded: false, object: emptyBytes, status }),
    );
  }

  delete(req: DeleteRequest, ctx?: CallContext): Promise<DeleteResponse> {
    return withStatus(
      async () => {
        const gr = groupResourceOf(req.ref);
        const key = objectKey(req.ref);
        const name = (req.ref as ResourceRef).name;
        const expected = req.expectedResourceVersion === '' ? 0 : parseResourceVersion(req.expectedResourceVersion);
        let cur = (await this.kv.get(key, { deadline: ctx?.deadline })).kv;
        // k8s parity: etcd3/store.go conditionalDelete. Preconditions are checked against the state
        // the delete is conditioned on; a concurrent write makes the delete fail and re-check.
        for (;;) {
          if (cur === undefined) throw statusErrors.notFound(gr, name);
          this.checkPreconditions(req, gr, key, name, cur);
          if (expected > 0 && cur.modRevision !== expected) return { succeeded: false, object: this.stamp(cur) };
          const res = await this.kv.delete(key, cur.modRevision, { deadline: ctx?.deadline });
          if (res.succeeded) {
            this.onWritten(res.revision);
            // The deleted object carries the deletion revision, as etcd3's store decodes it.
            const last = res.prevKv ?? cur;
            return { succeeded: true, object: stampBytes(last.value, res.revision) };
          }
          cur = res.kv;
        }
      },
      (status) => ({ succeeded: false, object: emptyBytes, status }),
    );
  }

  /** k8s parity: apiserver pkg/storage/interfaces.go Preconditions.Check, as InterpretDeleteError words it. */
  private checkPreconditions(req: DeleteRequest, gr: GroupResource, key: string, name: string, cur: KeyValue): void {
    const p = req.preconditions;
    if (p === undefined || (p.uid === undefined && p.resourceVersion === undefined)) return;
    const fail = (detail: string) =>
      statusErrors.conflict(gr, name, `StorageError: invalid object, Code: 4, Key: ${key}, ResourceVersion: 0, AdditionalErrorMsg: ${detail}`);
    if (p.uid !== undefined) {
      const uid = parseObject(cur.value, `the object at ${key}`).metadata?.uid ?? '';
      if (p.uid !== uid) throw fail(`Precondition failed: UID in precondition: ${p.uid}, UID in object meta: ${uid}`);
    }
    if (p.resourceVersion !== undefined) {
      const rv = String(cur.modRevision);
      if (p.resourceVersion !== rv) {
        throw fail(`Precondition failed: ResourceVersion in precondition: ${p.resourceVersion}, ResourceVersion in object meta: ${rv}`);
      }
    }
  }

  /** etcd's own request-size refusal becomes the same 413 as the store's check. */
  private async write<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof RequestTooLargeError) throw statusErrors.requestEntityTooLarge(`Request entity too large: limit is ${maxObjectBytes}`);
      throw e;
    }
  }

  async currentRevision(ctx?: CallContext): Promise<CurrentRevisionResponse> {
    return { resourceVersion: String(await this.kv.currentRevision({ deadline: ctx?.deadline })) };
  }
}
