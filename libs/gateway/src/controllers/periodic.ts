import type { Logger } from '../logger';

/**
 * Runs a controller's sync over and over, one pass at a time, `intervalMs` apart, until stopped.
 * A failed pass is logged and retried on the next tick: controllers converge, they do not give up.
 */
export class PeriodicSync {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly name: string,
    private readonly sync: () => Promise<void>,
    private readonly logger: Logger,
    private readonly intervalMs: number,
  ) {}

  start(firstDelayMs = this.intervalMs): void {
    const tick = async () => {
      if (this.stopped) return;
      try {
        await this.sync();
      } catch (e) {
        this.logger.warn({ err: e }, `${this.name}: sync failed, retrying`);
      }
      if (!this.stopped) this.timer = setTimeout(() => void tick(), this.intervalMs);
    };
    this.timer = setTimeout(() => void tick(), firstDelayMs);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
  }
}
