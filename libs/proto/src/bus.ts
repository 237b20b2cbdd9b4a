// The event bus: one-to-many fan-out of watch events, NATS in the distributed shape and an
// in-process implementation in the embedded one. Delivery is at most once and ordered per subject;
// subscribers must detect gaps themselves (see WatchEventMessage.prev_resource_version).

export type BusHeaders = Record<string, string>;

export interface BusMessage {
  subject: string;
  data: Uint8Array;
  headers: BusHeaders;
}

export interface BusSubscription {
  unsubscribe(): void;
}

/** Something happened on the connection that may have lost messages (reconnect, slow consumer). */
export interface BusDisruption {
  kind: 'reconnect' | 'slow-consumer' | 'disconnect';
}

/** A message over the server's limit (NATS max_payload, 1 MB unless raised); nothing was sent. */
export class BusPayloadTooLargeError extends Error {
  override readonly name = 'BusPayloadTooLargeError';
  constructor(
    readonly subject: string,
    readonly size: number,
    readonly maxPayload: number,
    options?: ErrorOptions,
  ) {
    super(`message of ${size} bytes on ${subject} exceeds the bus's max payload of ${maxPayload} bytes`, options);
  }
}

export interface EventBusPort {
  /** Throws BusPayloadTooLargeError when the message exceeds what the bus carries. */
  publish(subject: string, data: Uint8Array, headers?: BusHeaders): void;
  /** Subject may end in `>` (NATS wildcard: every subject below). */
  subscribe(subject: string, onMessage: (m: BusMessage) => void): BusSubscription;
  /** Called after anything that may have dropped messages; subscribers then replay from storage. */
  onDisruption(listener: (d: BusDisruption) => void): BusSubscription;
  /** Resolves once everything published so far has reached the server. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** `portico.watch.<group|core>.<resource>`; dots in a group become "_" (never valid in a DNS name, so reversible). */
export function watchSubject(group: string, resource: string): string {
  return `portico.watch.${group === '' ? 'core' : group.replace(/\./g, '_')}.${resource}`;
}

export function progressSubject(group: string, resource: string): string {
  return `portico.progress.${group === '' ? 'core' : group.replace(/\./g, '_')}.${resource}`;
}

/** The in-process bus of the embedded shape: synchronous, ordered, never loses a message. */
export class InProcessBus implements EventBusPort {
  private readonly subs = new Map<number, { subject: string; cb: (m: BusMessage) => void }>();
  private next = 0;

  publish(subject: string, data: Uint8Array, headers: BusHeaders = {}): void {
    for (const s of [...this.subs.values()]) {
      if (matches(s.subject, subject)) s.cb({ subject, data, headers });
    }
  }

  subscribe(subject: string, onMessage: (m: BusMessage) => void): BusSubscription {
    const id = this.next++;
    this.subs.set(id, { subject, cb: onMessage });
    return { unsubscribe: () => this.subs.delete(id) };
  }

  onDisruption(): BusSubscription {
    return { unsubscribe: () => {} };
  }

  async flush(): Promise<void> {}

  async close(): Promise<void> {
    this.subs.clear();
  }
}

/** NATS subject matching: `*` one token, `>` the rest. */
export function matches(pattern: string, subject: string): boolean {
  if (pattern === subject) return true;
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i;
    if (i >= s.length) return false;
    if (p[i] !== '*' && p[i] !== s[i]) return false;
  }
  return p.length === s.length;
}
