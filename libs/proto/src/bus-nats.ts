// The event bus over core NATS (the distributed shape). Core NATS is at-most-once: anything that may
// have lost messages (a disconnect, a reconnect, a subscription falling behind) is reported through
// onDisruption so that subscribers replay from storage; the per-subject revision chain in the
// messages catches whatever this cannot see.
import { connect, headers as natsHeaders, type MsgHdrs, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { BusPayloadTooLargeError, type BusDisruption, type BusHeaders, type BusMessage, type BusSubscription, type EventBusPort } from './bus';

export interface NatsBusOptions {
  /** The client name the server shows in its monitoring pages. */
  name?: string;
  /**
   * Keep trying when no server answers yet (a service started before NATS); default true. With
   * false, connectNatsBus rejects when the first connection fails.
   */
  waitForServer?: boolean;
  /** Reconnect backoff: the first delay, doubled per failed attempt up to the cap; default 250 ms and 5 s. */
  reconnectDelayMs?: { initial: number; max: number };
  /**
   * Messages waiting in one subscription above which it counts as a slow consumer (a 'slow-consumer'
   * disruption); default 10,000.
   */
  slowConsumerPending?: number;
  /** Client pings, which detect a dead server on an idle connection; default 30 s. */
  pingIntervalMs?: number;
  /** Receives a subscriber's exception (the subscription goes on) and failures of the status loop. */
  onError?: (e: unknown) => void;
}

function isMaxPayloadError(e: unknown): boolean {
  return e instanceof Error && e.message.includes('max_payload');
}

function toNatsHeaders(h: BusHeaders | undefined): MsgHdrs | undefined {
  if (h === undefined) return undefined;
  const keys = Object.keys(h);
  if (keys.length === 0) return undefined;
  const out = natsHeaders();
  for (const k of keys) out.set(k, h[k] as string);
  return out;
}

function fromNatsHeaders(h: MsgHdrs | undefined): BusHeaders {
  const out: BusHeaders = {};
  if (h === undefined) return out;
  for (const k of h.keys()) out[k] = h.get(k);
  return out;
}

class NatsBus implements EventBusPort {
  private readonly disruptionListeners = new Set<(d: BusDisruption) => void>();
  private readonly subs = new Set<Subscription>();
  private readonly statusLoop: Promise<void>;

  constructor(
    private readonly nc: NatsConnection,
    private readonly opts: NatsBusOptions,
    private readonly onReconnected: () => void,
  ) {
    this.statusLoop = this.watchStatus();
  }

  /** The server's limit on one message (headers included), in bytes. */
  get maxPayload(): number {
    return this.nc.info?.max_payload ?? 1024 * 1024;
  }

  private async watchStatus(): Promise<void> {
    try {
      for await (const s of this.nc.status()) {
        switch (s.type) {
          case 'disconnect':
            this.disrupted({ kind: 'disconnect' });
            break;
          case 'reconnect':
            this.onReconnected();
            this.disrupted({ kind: 'reconnect' });
            break;
          case 'slowConsumer':
            this.disrupted({ kind: 'slow-consumer' });
            break;
          default:
            break;
        }
      }
    } catch (e) {
      this.opts.onError?.(e);
    }
  }

  private disrupted(d: BusDisruption): void {
    for (const l of [...this.disruptionListeners]) {
      try {
        l(d);
      } catch (e) {
        this.opts.onError?.(e);
      }
    }
  }

  publish(subject: string, data: Uint8Array, headers?: BusHeaders): void {
    const h = toNatsHeaders(headers);
    try {
      this.nc.publish(subject, data, h === undefined ? undefined : { headers: h });
    } catch (e) {
      if (isMaxPayloadError(e)) {
        throw new BusPayloadTooLargeError(subject, data.length, this.maxPayload, { cause: e });
      }
      throw e;
    }
  }

  subscribe(subject: string, onMessage: (m: BusMessage) => void): BusSubscription {
    // An iterator subscription (not a callback) is what lets nats.js count pending messages and
    // raise its slowConsumer status.
    const sub = this.nc.subscribe(subject, { slow: this.opts.slowConsumerPending ?? 10_000 });
    this.subs.add(sub);
    void (async () => {
      for await (const m of sub) {
        try {
          onMessage({ subject: m.subject, data: m.data, headers: fromNatsHeaders(m.headers) });
        } catch (e) {
          this.opts.onError?.(e);
        }
      }
    })().finally(() => this.subs.delete(sub));
    return {
      unsubscribe: () => {
        if (!sub.isClosed()) sub.unsubscribe();
        this.subs.delete(sub);
      },
    };
  }

  onDisruption(listener: (d: BusDisruption) => void): BusSubscription {
    this.disruptionListeners.add(listener);
    return { unsubscribe: () => this.disruptionListeners.delete(listener) };
  }

  flush(): Promise<void> {
    return this.nc.flush();
  }

  async close(): Promise<void> {
    this.disruptionListeners.clear();
    if (!this.nc.isClosed()) await this.nc.close();
    await this.statusLoop;
  }
}

/**
 * Connects to NATS and returns the bus. The connection reconnects forever (exponential backoff with
 * jitter, capped); subscriptions are re-established by the client after a reconnect.
 */
export async function connectNatsBus(url: string | string[], opts: NatsBusOptions = {}): Promise<EventBusPort & { readonly maxPayload: number }> {
  const initial = opts.reconnectDelayMs?.initial ?? 250;
  const max = opts.reconnectDelayMs?.max ?? 5000;
  let attempt = 0;
  const nc = await connect({
    servers: url,
    ...(opts.name === undefined ? {} : { name: opts.name }),
    maxReconnectAttempts: -1,
    waitOnFirstConnect: opts.waitForServer ?? true,
    reconnectTimeWait: initial,
    reconnectJitter: Math.ceil(initial / 2),
    reconnectDelayHandler: () => {
      const d = Math.min(max, initial * 2 ** Math.min(attempt, 16));
      attempt++;
      return d + Math.random() * (d / 4);
    },
    pingInterval: opts.pingIntervalMs ?? 30_000,
    maxPingOut: 2,
  });
  return new NatsBus(nc, opts, () => {
    attempt = 0;
  });
}
