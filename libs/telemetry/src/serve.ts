// The lifecycle every service process shares: tracing before anything else is loaded, a ready
// line, and a graceful close on a signal or when its supervisor goes away.
import { createLogger } from './logger';
import { initTracing } from './tracing';

/** What a started service hands back: where it listens and how to stop it. */
export interface ServedProcess {
  address: string;
  close(): Promise<void>;
}

/**
 * Tracing first, then the service; one `<name> listening on <addr>` line once it serves; a graceful
 * close on SIGINT/SIGTERM (a second signal exits at once), or when the supervisor that started it
 * with an IPC channel (`portico start-distributed`) goes away.
 */
export async function serveProcess(name: string, start: () => Promise<ServedProcess>): Promise<void> {
  const tracing = initTracing(name);
  const log = createLogger({ service: name });
  let running: ServedProcess;
  try {
    running = await start();
  } catch (err) {
    await tracing.shutdown();
    throw err;
  }
  process.stdout.write(`${name} listening on ${running.address}\n`);
  const reason = await new Promise<string>((resolve) => {
    const stop = (why: string): void => {
      process.off('SIGINT', stop).off('SIGTERM', stop).off('disconnect', onDisconnect);
      process.once('SIGINT', () => process.exit(130)).once('SIGTERM', () => process.exit(143));
      resolve(why);
    };
    const onDisconnect = (): void => stop('supervisor gone');
    process.on('SIGINT', stop).on('SIGTERM', stop);
    if (process.connected) process.once('disconnect', onDisconnect);
  });
  log.info({ reason }, 'shutting down');
  await running.close();
  await tracing.shutdown();
}
