import type { EventBusPort, StorageServicePort } from '@portico/proto';
import type { Logger } from '../logger';
import { ResourceFeed } from './resource-feed';

/** The gateway's feeds, one per stored resource, created when the first watcher of it arrives. */
export class WatchHub {
  private readonly feeds = new Map<string, ResourceFeed>();
  private readonly disruption;

  constructor(
    private readonly bus: EventBusPort,
    private readonly storage: StorageServicePort,
    private readonly logger: Logger,
  ) {
    this.disruption = bus.onDisruption((d) => {
      this.logger.warn({ kind: d.kind }, 'event bus disrupted: replaying every watched resource from storage');
      for (const f of this.feeds.values()) f.disrupted();
    });
  }

  feed(group: string, resource: string): ResourceFeed {
    const key = `${group}/${resource}`;
    let f = this.feeds.get(key);
    if (f === undefined) {
      f = new ResourceFeed(group, resource, this.bus, this.storage, this.logger);
      f.start();
      this.feeds.set(key, f);
    }
    return f;
  }

  close(): void {
    this.disruption.unsubscribe();
    for (const f of this.feeds.values()) f.stop();
    this.feeds.clear();
  }
}
