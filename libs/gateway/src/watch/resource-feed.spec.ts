// The feed's gap rules against an in-memory bus and storage: where its stream stands when it starts
// (or starts afresh), what progress may prove, what bookmarks may claim, and that a watcher whose
// replay and the feed do not meet ends rather than skipping.
import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { Status } from '@portico/api';
import {
  InProcessBus,
  ProgressMessage,
  progressSubject,
  WatchEventMessage,
  watchSubject,
  type BusDisruption,
  type BusMessage,
  type BusSubscription,
  type EventBusPort,
  type StorageServicePort,
  type WatchReplayRequest,
  type WatchReplayResponse,
} from '@portico/proto';
import { configmaps } from '@portico/registry';
import { createLogger } from '@portico/telemetry';
import { FeedEvent } from './feed-event';
import { ResourceFeed, type FeedListener } from './resource-feed';
import { Watcher } from './watcher';

const logger = createLogger({ service: 'test', level: 'silent' });
const epoch = '1.0';

/** The in-process bus, plus disruptions on demand (the in-process one never has any). */
class Bus implements EventBusPort {
  private readonly inner = new InProcessBus();
  private readonly listeners = new Set<(d: BusDisruption) => void>();
  publish(subject: string, data: Uint8Array): void {
    this.inner.publish(subject, data);
  }
  subscribe(subject: string, onMessage: (m: BusMessage) => void): BusSubscription {
    return this.inner.subscribe(subject, onMessage);
  }
  flush(): Promise<void> {
    return this.inner.flush();
  }
  close(): Promise<void> {
    return this.inner.close();
  }
  onDisruption(l: (d: BusDisruption) => void): BusSubscription {
    this.listeners.add(l);
    return { unsubscribe: () => this.listeners.delete(l) };
  }
  disrupt(): void {
    for (const l of this.listeners) l({ kind: 'reconnect' });
  }
  event(rv: number, prev: number): void {
    const m = WatchEventMessage.encode({
      type: 'MODIFIED',
      resourceVersion: String(rv),
      prevResourceVersion: String(prev),
      publisherEpoch: epoch,
      object: obj(rv),
      prevObject: Buffer.alloc(0),
    }).finish();
    this.publish(watchSubject('', 'configmaps'), m);
  }
  progress(rv: number, lastEvent: number): void {
    const m = ProgressMessage.encode({ resourceVersion: String(rv), lastEventResourceVersion: String(lastEvent), publisherEpoch: epoch }).finish();
    this.publish(progressSubject('', 'configmaps'), m);
  }
}

const obj = (rv: number): Buffer =>
  Buffer.from(JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${rv}`, namespace: 'default', resourceVersion: String(rv) } }));

/** Storage whose history holds events at `rvs`, resumable from `floor` on. */
function storage(rvs: number[], floor = 0): StorageServicePort & { replays: string[]; floor: number } {
  const replays: string[] = [];
  const port = {
    replays,
    floor,
    watchReplay(req: WatchReplayRequest): AsyncIterable<WatchReplayResponse> {
      const from = Number(req.resourceVersion);
      replays.push(req.resourceVersion);
      return (async function* () {
        await Promise.resolve();
        const floor = port.floor;
        if (from < floor) {
          yield {
            initialStateEndResourceVersion: '',
            caughtUpResourceVersion: '',
            status: { code: 410, reason: 'Expired', message: `too old resource version: ${from} (${floor})`, details: undefined },
          } as unknown as WatchReplayResponse;
          return;
        }
        for (const rv of rvs.filter((r) => r > from)) {
          yield { event: { type: 'MODIFIED', resourceVersion: String(rv), object: obj(rv), prevObject: Buffer.alloc(0) }, initialStateEndResourceVersion: '', caughtUpResourceVersion: '' };
        }
        yield { initialStateEndResourceVersion: '', caughtUpResourceVersion: String(Math.max(from, ...rvs)) };
      })();
    },
  };
  return port as unknown as StorageServicePort & { replays: string[]; floor: number };
}

class Recorder implements FeedListener {
  readonly rvs: number[] = [];
  readonly links: string[] = [];
  expired: Status | undefined;
  onEvent(e: FeedEvent): void {
    this.rvs.push(e.rv);
    this.links.push(`${e.prevRv}→${e.rv}`);
  }
  onProgress(): void {}
  onExpired(s: Status): void {
    this.expired = s;
  }
}

async function until(what: string, f: () => boolean): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (f()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`not reached: ${what}`);
}

function feedOn(bus: Bus, port: StorageServicePort): ResourceFeed {
  const f = new ResourceFeed('', 'configmaps', bus, port, logger);
  f.start();
  bus.onDisruption(() => f.disrupted());
  return f;
}

describe('ResourceFeed', () => {
  it('takes a watcher’s replay as where it stands: an event naming a predecessor it never saw makes it replay', async () => {
    const bus = new Bus();
    const port = storage([11, 12, 13, 14]);
    const feed = feedOn(bus, port);
    const r = new Recorder();
    feed.attach(r);
    feed.anchor(10);
    bus.event(14, 13); // 11, 12 and 13 were published before this gateway subscribed
    await until('the replay', () => r.rvs.length === 4);
    expect(r.rvs).toEqual([11, 12, 13, 14]);
    expect(port.replays).toEqual(['10']);
    bus.event(15, 14);
    expect(r.rvs.at(-1)).toBe(15);
  });

  it('after an anchor that is not an event’s revision, the next event follows on without a replay', () => {
    const bus = new Bus();
    const port = storage([]);
    const feed = feedOn(bus, port);
    const r = new Recorder();
    feed.attach(r);
    feed.anchor(20);
    bus.event(25, 20); // the first message also tells the feed the publisher's epoch…
    bus.event(27, 18); // … then an event whose predecessor is below the anchor follows on
    expect(port.replays).toEqual(['20']);
  });

  it('ignores progress until it knows where its stream stands, and bookmarks never run ahead of a watcher', async () => {
    const bus = new Bus();
    const port = storage([11, 12, 13, 14]);
    const feed = feedOn(bus, port);
    const r = new Recorder();
    feed.attach(r);
    bus.progress(30, 14);
    expect(feed.bookmarkRevision(10)).toBe(10);
    expect(port.replays).toEqual([]);
    feed.anchor(10);
    bus.progress(30, 14); // names an event the feed has not seen
    await until('the replay', () => r.rvs.length === 4);
    bus.progress(31, 14);
    expect(feed.bookmarkRevision(14)).toBe(31);
    // A watcher that has not seen everything the feed delivered gets its own revision.
    expect(feed.bookmarkRevision(12)).toBe(12);
  });

  it('a disruption makes it replay; when that history is gone its watchers end with 410 and it starts afresh', async () => {
    const bus = new Bus();
    const port = storage([16, 17]);
    const feed = feedOn(bus, port);
    const r = new Recorder();
    feed.attach(r);
    feed.anchor(10);
    bus.progress(12, 9); // the first message: the feed learns the epoch by replaying
    await until('the replay', () => r.rvs.length === 2);
    bus.progress(20, 17);
    expect(feed.bookmarkRevision(17)).toBe(20);
    port.floor = 19; // history before 19 is gone from storage
    bus.disrupt();
    await until('the 410', () => r.expired !== undefined);
    expect(r.expired).toMatchObject({ code: 410, reason: 'Expired' });
    // Nothing the old stream proved is claimed for the next watchers.
    expect(feed.bookmarkRevision(16)).toBe(16);
    bus.progress(40, 17);
    expect(feed.bookmarkRevision(16)).toBe(16);
  });
});

describe('Watcher', () => {
  function response(): { res: ServerResponse; written: string[]; ended: () => boolean } {
    const written: string[] = [];
    let ended = false;
    const res = {
      writableEnded: false,
      destroyed: false,
      write: (b: Buffer) => {
        written.push(b.toString('utf8'));
        return true;
      },
      end: () => {
        ended = true;
      },
      on: () => res,
      once: () => res,
    };
    return { res: res as unknown as ServerResponse, written, ended: () => ended };
  }

  it('ends (the client resumes from what it has) when an event’s predecessor is newer than what it sent', () => {
    const out = response();
    const w = new Watcher(out.res, { desc: configmaps, namespace: '', labelSelector: undefined, fieldSelector: undefined, allowBookmarks: true, maxQueuedFrames: 10, table: undefined, protobuf: false });
    w.takePending();
    w.lastRv = 10;
    w.send(new FeedEvent('MODIFIED', 11, 10, obj(11), undefined));
    w.send(new FeedEvent('MODIFIED', 11, 10, obj(11), undefined)); // a duplicate: nothing
    expect(out.written).toHaveLength(1);
    expect(w.isEnded).toBe(false);
    w.send(new FeedEvent('MODIFIED', 14, 13, obj(14), undefined)); // 12 and 13 never reached it
    expect(out.written).toHaveLength(1);
    expect(w.isEnded).toBe(true);
    expect(out.ended()).toBe(true);
  });
});
