// Who publishes watch events: one storage replica at a time, elected through an etcd lease (the
// pattern of client-go's leaderelection and etcd's concurrency.Election: a key created only when
// absent, attached to a lease the holder keeps alive). The embedded shape has no rivals and is
// always the publisher.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Etcd3 } from 'etcd3';

export interface Leadership {
  /**
   * Starts; `onChange(term)` when this replica becomes the publisher, `onChange(undefined)` when it
   * stops being it. A term is unique to one tenure and never reused.
   */
  start(onChange: (term: string | undefined) => void): void;
  /** A change to `key` was seen on the store's watch (followers learn of a vacated seat at once). */
  observe(key: string, deleted: boolean): void;
  close(): Promise<void>;
}

/** The single process of the embedded shape. */
export class AlwaysLeader implements Leadership {
  private readonly term = `local-${randomUUID().slice(0, 8)}`;

  start(onChange: (term: string | undefined) => void): void {
    onChange(this.term);
  }

  observe(): void {
    // Nobody to wait for.
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

export interface EtcdLeaderElectionOptions {
  /** The key the leader holds; one for every resource. */
  key: string;
  /** Lease TTL in seconds (kept alive every TTL/3); a dead leader is replaced within about this long. */
  ttlSeconds: number;
  /** Written as the key's value, for operators. */
  identity?: string;
  /** How often a follower checks the seat when the watch tells it nothing; default 1 s. */
  pollMs?: number;
  onError?: (e: unknown) => void;
}

const b = (s: string) => Buffer.from(s, 'utf8');

export class EtcdLeaderElection implements Leadership {
  private onChange: (term: string | undefined) => void = () => undefined;
  private term: string | undefined;
  private closed = false;
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private readonly identity: string;

  constructor(
    private readonly client: Etcd3,
    private readonly opts: EtcdLeaderElectionOptions,
  ) {
    this.identity = opts.identity ?? `${hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`;
  }

  start(onChange: (term: string | undefined) => void): void {
    this.onChange = onChange;
    this.loop ??= this.run();
  }

  observe(key: string, deleted: boolean): void {
    if (key === this.opts.key && deleted) this.wake?.();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        resolve();
      }
      this.wake = () => {
        this.wake = undefined;
        done();
      };
    });
  }

  private async run(): Promise<void> {
    let backoff = 100;
    while (!this.closed) {
      try {
        await this.tenure();
        backoff = 100;
      } catch (e) {
        this.opts.onError?.(e);
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, 2000);
      }
    }
  }

  /** One lease: campaign with it until elected, lead until it is lost, then give it up. */
  private async tenure(): Promise<void> {
    const ttlMs = this.opts.ttlSeconds * 1000;
    const lease = this.client.lease(this.opts.ttlSeconds, { autoKeepAlive: true });
    let lastAlive = Date.now();
    let lost = false;
    lease.on('keepaliveSucceeded', () => {
      lastAlive = Date.now();
    });
    lease.on('lost', () => {
      lost = true;
      this.wake?.();
    });
    try {
      const id = await lease.grant();
      lastAlive = Date.now();
      // Campaign.
      for (;;) {
        if (this.closed || lost) return;
        const resp = await this.client.kv.txn(
          {
            compare: [{ key: b(this.opts.key), target: 'Create', result: 'Equal', create_revision: 0 }],
            success: [{ request_put: { key: b(this.opts.key), value: b(this.identity), lease: id } }],
            failure: [{ request_range: { key: b(this.opts.key) } }],
          },
          { deadline: Date.now() + ttlMs },
        );
        if (resp.succeeded) {
          // The key's creation revision: unique to this tenure, and larger than every earlier one.
          this.setTerm(String(resp.header.revision));
          break;
        }
        await this.sleep(this.opts.pollMs ?? 1000);
      }
      // Lead while the lease is demonstrably alive. The client would report the loss only after two
      // TTLs; by then a rival may have been elected for a whole TTL.
      while (!this.closed && !lost && Date.now() - lastAlive < ttlMs - Math.min(1000, ttlMs / 4)) {
        await this.sleep(Math.max(100, ttlMs / 6));
      }
    } finally {
      this.setTerm(undefined);
      await lease.revoke().catch(() => undefined);
    }
  }

  private setTerm(term: string | undefined): void {
    if (this.term === term) return;
    this.term = term;
    try {
      this.onChange(term);
    } catch (e) {
      this.opts.onError?.(e);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wake?.();
    // Revoking the lease (in tenure's finally) deletes the key, so a follower takes over at once. An
    // unreachable etcd must not hold the close up: the lease then simply expires.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.loop, new Promise<void>((resolve) => (timer = setTimeout(resolve, this.opts.ttlSeconds * 1000)))]);
    clearTimeout(timer);
  }
}
