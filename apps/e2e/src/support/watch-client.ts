// Raw HTTPS watches (newline-delimited JSON over a chunked response) and a reflector built on
// them: what client-go's Reflector does (list, watch from the list's resourceVersion, re-watch from
// the last one seen when a stream ends, relist on 410 Gone/Expired), recording every event so a
// test can check order and completeness against the store.
import { request, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { rawRequest, type KubeconfigCredentials } from './https';
import { sleep } from './poll';

export interface WatchEvent {
  type: string;
  object: KubeObjectLike;
}

export interface KubeObjectLike {
  kind?: string;
  apiVersion?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [k: string]: unknown;
  };
  code?: number;
  reason?: string;
  message?: string;
  status?: string;
  [k: string]: unknown;
}

export interface WatchStream {
  status: number;
  headers: IncomingHttpHeaders;
  /** The events received so far, in order. */
  events: WatchEvent[];
  /** For a response other than 200: its body, parsed when it is JSON. */
  body: unknown;
  /** Settles when the response ends: cleanly (`end`), or with a transport error. */
  ended: Promise<{ clean: boolean; error?: Error }>;
  /** True once `ended` has settled. */
  isEnded(): boolean;
  /** Resolves when `pred(events)` holds; rejects if the stream ends first or after `timeoutMs`. */
  waitFor(pred: (events: WatchEvent[]) => boolean, what: string, timeoutMs?: number): Promise<WatchEvent[]>;
  close(): void;
}

export interface WatchOptions {
  headers?: Record<string, string>;
  /** Called for each event as it arrives. */
  onEvent?: (e: WatchEvent) => void;
}

/** Opens a watch and resolves once the response headers (and, for errors, the body) have arrived. */
export function openWatch(creds: KubeconfigCredentials, path: string, opts: WatchOptions = {}): Promise<WatchStream> {
  const url = new URL(path, creds.server);
  const events: WatchEvent[] = [];
  const waiters = new Set<() => void>();
  let ended = false;
  let endResolve: (v: { clean: boolean; error?: Error }) => void = () => undefined;
  const endedP = new Promise<{ clean: boolean; error?: Error }>((r) => (endResolve = r));
  const finish = (v: { clean: boolean; error?: Error }): void => {
    if (ended) return;
    ended = true;
    endResolve(v);
    for (const w of [...waiters]) w();
  };
  const send = url.protocol === 'https:' ? httpsRequest : request;
  return new Promise((resolve, reject) => {
    const req = send(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method: 'GET',
        ca: creds.ca,
        cert: creds.cert,
        key: creds.key,
        agent: false,
        headers: { accept: 'application/json', 'user-agent': 'portico-e2e/watch', ...opts.headers },
      },
      (res) => {
        const status = res.statusCode ?? 0;
        const stream: WatchStream = {
          status,
          headers: res.headers,
          events,
          body: undefined,
          ended: endedP,
          isEnded: () => ended,
          waitFor: (pred, what, timeoutMs = 20_000) =>
            new Promise((ok, fail) => {
              const check = (): boolean => {
                if (pred(events)) {
                  cleanup();
                  ok(events);
                  return true;
                }
                if (ended) {
                  cleanup();
                  fail(new Error(`watch ${path} ended before ${what}; events: ${describeEvents(events)}`));
                  return true;
                }
                return false;
              };
              const timer = setTimeout(() => {
                cleanup();
                fail(new Error(`no ${what} within ${timeoutMs} ms on ${path}; events: ${describeEvents(events)}`));
              }, timeoutMs);
              const cleanup = (): void => {
                clearTimeout(timer);
                waiters.delete(waiter);
              };
              const waiter = (): void => void check();
              if (!check()) waiters.add(waiter);
            }),
          close: () => {
            req.destroy();
            finish({ clean: false, error: new Error('closed by the client') });
          },
        };
        if (status !== 200) {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            try {
              stream.body = JSON.parse(text);
            } catch {
              stream.body = text;
            }
            finish({ clean: true });
            resolve(stream);
          });
          res.on('error', (e) => {
            finish({ clean: false, error: e });
            resolve(stream);
          });
          return;
        }
        let buffered = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffered += chunk;
          let nl: number;
          while ((nl = buffered.indexOf('\n')) >= 0) {
            const line = buffered.slice(0, nl);
            buffered = buffered.slice(nl + 1);
            if (line.trim() === '') continue;
            const e = JSON.parse(line) as WatchEvent;
            events.push(e);
            opts.onEvent?.(e);
          }
          for (const w of [...waiters]) w();
        });
        res.on('end', () => finish({ clean: buffered.trim() === '' }));
        res.on('error', (e) => finish({ clean: false, error: e }));
        res.on('close', () => finish({ clean: res.complete, ...(res.complete ? {} : { error: new Error('connection closed mid-stream') }) }));
        resolve(stream);
      },
    );
    req.on('error', (e) => {
      finish({ clean: false, error: e });
      reject(e);
    });
    req.end();
  });
}

export function describeEvents(events: WatchEvent[], max = 30): string {
  const shown = events.slice(-max).map((e) => `${e.type} ${e.object.metadata?.name ?? e.object.reason ?? ''}@${e.object.metadata?.resourceVersion ?? e.object.code ?? ''}`);
  return `[${events.length > max ? '… ' : ''}${shown.join(', ')}]`;
}

/** namespace/name */
export function keyOf(o: KubeObjectLike): string {
  return `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
}

export function rvOf(o: KubeObjectLike): number {
  return Number(o.metadata?.resourceVersion ?? NaN);
}

export interface ReflectorOptions {
  /** The collection, e.g. /api/v1/namespaces/ns/configmaps or /api/v1/configmaps. */
  path: string;
  labelSelector?: string;
  fieldSelector?: string;
  bookmarks?: boolean;
  /** Each watch asks for this timeoutSeconds (the server ends it then); default none. */
  timeoutSeconds?: number;
  name: string;
}

export interface ObservedEvent {
  type: string;
  /** namespace/name */
  name: string;
  rv: number;
  /** Which list this event followed (0 = the first). */
  generation: number;
}

/**
 * client-go's Reflector, reduced to what the proofs need: list, watch from the list's
 * resourceVersion, re-watch from the last resourceVersion seen whenever a stream ends or fails,
 * relist on 410. Everything it sees is recorded; `state` is its reconstruction of the collection.
 */
export class Reflector {
  /** namespace/name → resourceVersion of the object as this reflector last saw it. */
  readonly state = new Map<string, number>();
  readonly events: ObservedEvent[] = [];
  /** Resource versions that went backwards (must stay empty). */
  readonly orderViolations: string[] = [];
  /** 410s seen (in-stream ERROR events or HTTP responses), each followed by a relist. */
  expired = 0;
  /** In-stream ERROR events other than 410, and failed watch requests. */
  readonly errors: string[] = [];
  lists = 0;
  /** The resourceVersion of each list, by generation. */
  readonly listRvs: number[] = [];
  watches = 0;
  bookmarks = 0;
  lastRv = 0;
  /** The resourceVersion of the first list. */
  firstListRv = 0;
  private stopped = false;
  private current: WatchStream | undefined;
  private loop: Promise<void> | undefined;
  private generation = -1;

  constructor(
    private readonly creds: () => KubeconfigCredentials,
    readonly opts: ReflectorOptions,
  ) {}

  /** Lists (the first time) and starts watching; resolves after the first list. */
  async start(): Promise<void> {
    await this.list();
    this.firstListRv = this.lastRv;
    this.loop = this.run();
  }

  /** True while a watch is open and streaming (200, not ended). */
  isLive(): boolean {
    return this.current !== undefined && this.current.status === 200 && !this.current.isEnded();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.current?.close();
    await this.loop;
  }

  private query(extra: Record<string, string>): string {
    const q = new URLSearchParams(extra);
    if (this.opts.labelSelector) q.set('labelSelector', this.opts.labelSelector);
    if (this.opts.fieldSelector) q.set('fieldSelector', this.opts.fieldSelector);
    return `${this.opts.path}?${q.toString()}`;
  }

  private async list(): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      if (this.stopped) return;
      try {
        const s = await rawRequest(this.creds(), { method: 'GET', path: this.query({}), timeoutMs: 15_000 });
        if (s.status === 200) {
          const body = s.json as { metadata: { resourceVersion: string }; items: KubeObjectLike[] };
          this.generation++;
          this.lists++;
          this.state.clear();
          for (const item of body.items) this.state.set(keyOf(item), rvOf(item));
          this.lastRv = Number(body.metadata.resourceVersion);
          this.listRvs.push(this.lastRv);
          return;
        }
        this.errors.push(`list: HTTP ${s.status}`);
      } catch (e) {
        this.errors.push(`list: ${(e as Error).message}`);
      }
      await sleep(Math.min(1000, 100 * 2 ** attempt));
    }
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      let needList = false;
      try {
        const q: Record<string, string> = { watch: '1', resourceVersion: String(this.lastRv) };
        if (this.opts.bookmarks) q['allowWatchBookmarks'] = 'true';
        if (this.opts.timeoutSeconds !== undefined) q['timeoutSeconds'] = String(this.opts.timeoutSeconds);
        this.watches++;
        const s = await openWatch(this.creds(), this.query(q), { onEvent: (e) => (needList = this.apply(e) || needList) });
        this.current = s;
        if (this.stopped) s.close();
        if (s.status === 410) {
          this.expired++;
          needList = true;
        } else if (s.status !== 200) {
          this.errors.push(`watch: HTTP ${s.status} ${JSON.stringify(s.body).slice(0, 200)}`);
        }
        const end = await s.ended;
        if (s.status === 200 && end.clean) failures = 0;
        else failures++;
      } catch (e) {
        this.errors.push(`watch: ${(e as Error).message}`);
        failures++;
      }
      if (this.stopped) return;
      if (failures > 0) await sleep(Math.min(1000, 50 * 2 ** failures));
      if (needList) await this.list();
    }
  }

  /** Applies one event; true when it says the reflector must relist. */
  private apply(e: WatchEvent): boolean {
    const o = e.object;
    if (e.type === 'ERROR') {
      if (o.code === 410) {
        this.expired++;
        return true;
      }
      this.errors.push(`ERROR event ${o.code} ${o.reason}: ${o.message}`);
      return false;
    }
    const rv = rvOf(o);
    if (e.type === 'BOOKMARK') {
      this.bookmarks++;
      if (rv < this.lastRv) this.orderViolations.push(`BOOKMARK@${rv} after ${this.lastRv}`);
      this.lastRv = Math.max(this.lastRv, rv);
      return false;
    }
    const name = keyOf(o);
    if (!(rv > this.lastRv)) this.orderViolations.push(`${e.type} ${name}@${rv} after ${this.lastRv}`);
    this.lastRv = Math.max(this.lastRv, rv);
    this.events.push({ type: e.type, name, rv, generation: this.generation });
    if (e.type === 'DELETED') this.state.delete(name);
    else this.state.set(name, rv);
    return false;
  }

  describe(): string {
    return `${this.opts.name}: lists ${this.lists}, watches ${this.watches}, 410s ${this.expired}, bookmarks ${this.bookmarks}, lastRv ${this.lastRv}, errors ${JSON.stringify(this.errors.slice(-5))}, order violations ${JSON.stringify(this.orderViolations.slice(0, 5))}`;
  }
}
