// A child process of `npm run bench` holding many watches at once, so that decoding the fan-out does
// not share the event loop of the writer that times acknowledgements. Either Portico watches (HTTPS,
// newline-delimited JSON) or etcd watches through etcd3, one per watcher. It records, for every
// revision, when each watcher received it (performance.timeOrigin + performance.now(), comparable
// across processes on one machine), and reports on request over IPC ('advanced' serialization).
//
// parent → child: { start: ClientConfig } | { report: true } | { count: rvs } | { stop: true }
// child → parent: { ready: { watchers } } | { report: Report } | { count: number } | { error: string }
import { request } from 'node:https';
import { Etcd3 } from 'etcd3';

export type ClientConfig =
  | {
      kind: 'portico';
      watchers: number;
      /** https://host:port */
      server: string;
      ca: Buffer;
      cert: Buffer;
      key: Buffer;
      /** The collection to watch, e.g. /api/v1/namespaces/bench-watch/configmaps */
      path: string;
      fromRv: number;
    }
  | {
      kind: 'etcd';
      watchers: number;
      endpoint: string;
      prefix: string;
      fromRv: number;
      /** etcd3 clients (gRPC connections) the watches are spread over. */
      clients: number;
    };

export interface Report {
  /** Revisions received, in ascending order; `times[i]` holds one receipt time per watcher that got `rvs[i]`. */
  rvs: number[];
  times: Float64Array[];
  /** Streams that ended or failed and were resumed from the watcher's last revision. */
  resumed: number;
  errors: string[];
}

const now = (): number => performance.timeOrigin + performance.now();
const receipts = new Map<number, number[]>();
let resumed = 0;
const errors: string[] = [];
let stopping = false;
const closers: (() => void)[] = [];

function note(rv: number, t: number): void {
  let a = receipts.get(rv);
  if (a === undefined) {
    a = [];
    receipts.set(rv, a);
  }
  a.push(t);
}

function err(e: string): void {
  if (errors.length < 20) errors.push(e);
}

const RV = /"resourceVersion":"(\d+)"/;

/** One Portico watch; resumes from its last revision when the stream ends (as every client does). */
function porticoWatch(c: Extract<ClientConfig, { kind: 'portico' }>, onReady: () => void): void {
  // Buffers arrive as Uint8Arrays over 'advanced' IPC.
  const [ca, cert, key] = [Buffer.from(c.ca), Buffer.from(c.cert), Buffer.from(c.key)];
  let lastRv = c.fromRv;
  let readyOnce = false;
  const open = (): void => {
    if (stopping) return;
    const url = new URL(`${c.path}?watch=1&resourceVersion=${lastRv}&timeoutSeconds=3600`, c.server);
    const req = request(
      { host: url.hostname, port: url.port, path: url.pathname + url.search, ca, cert, key, agent: false, headers: { accept: 'application/json' } },
      (res) => {
        if (res.statusCode !== 200) {
          err(`watch answered ${res.statusCode}`);
          res.resume();
          res.on('end', () => setTimeout(open, 500));
          return;
        }
        if (!readyOnce) {
          readyOnce = true;
          onReady();
        }
        let buf = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          const t = now();
          buf += chunk;
          let nl: number;
          while ((nl = buf.indexOf('\n')) >= 0) {
            const line = buf.slice(0, nl);
            buf = buf.slice(nl + 1);
            if (line.startsWith('{"type":"ERROR"')) {
              err(line.slice(0, 200));
              continue;
            }
            const m = RV.exec(line);
            if (!m) continue;
            const rv = Number(m[1]);
            if (rv > lastRv) {
              lastRv = rv;
              note(rv, t);
            }
          }
        });
        res.on('close', () => {
          if (stopping) return;
          resumed++;
          setTimeout(open, 100);
        });
      },
    );
    req.on('error', (e) => {
      if (stopping) return;
      err(`watch: ${e.message}`);
      setTimeout(open, 500);
    });
    closers.push(() => req.destroy());
    req.end();
  };
  open();
}

async function etcdWatches(c: Extract<ClientConfig, { kind: 'etcd' }>, onReady: () => void): Promise<void> {
  const clients = Array.from({ length: Math.max(1, c.clients) }, () => new Etcd3({ hosts: c.endpoint }));
  closers.push(() => clients.forEach((cl) => cl.close()));
  for (let i = 0; i < c.watchers; i++) {
    const client = clients[i % clients.length] as Etcd3;
    const w = await client.watch().prefix(c.prefix).startRevision(String(c.fromRv + 1)).create();
    w.on('put', (kv) => note(Number(kv.mod_revision), now()));
    w.on('error', (e) => err(`etcd watch: ${String(e)}`));
    onReady();
  }
}

function report(): Report {
  const rvs = [...receipts.keys()].sort((a, b) => a - b);
  return { rvs, times: rvs.map((rv) => Float64Array.from(receipts.get(rv) ?? [])), resumed, errors };
}

/** How many receipts there are for the revisions in `rvs`. */
function count(rvs: number[]): number {
  let n = 0;
  for (const rv of rvs) n += receipts.get(rv)?.length ?? 0;
  return n;
}

process.on('message', (m: { start?: ClientConfig; report?: boolean; count?: number[]; stop?: boolean }) => {
  if (m.start) {
    const c = m.start;
    let ready = 0;
    const onReady = (): void => {
      if (++ready === c.watchers) process.send?.({ ready: { watchers: ready } });
    };
    if (c.kind === 'portico') for (let i = 0; i < c.watchers; i++) porticoWatch(c, onReady);
    else etcdWatches(c, onReady).catch((e: unknown) => process.send?.({ error: String(e) }));
  } else if (m.report) {
    process.send?.({ report: report() });
  } else if (m.count) {
    process.send?.({ count: count(m.count) });
  } else if (m.stop) {
    stopping = true;
    for (const c of closers) c();
    setTimeout(() => process.exit(0), 200);
  }
});
process.on('disconnect', () => process.exit(0));
