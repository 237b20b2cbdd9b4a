// portico storage service: node apps/storage/dist/main.js --listen HOST:PORT --etcd URL[,URL]
import { storageCommand } from './command';

storageCommand()
  .parseAsync(process.argv)
  .then(
    // Whatever a library left running (timers, sockets) must not keep a stopped service alive.
    () => setTimeout(() => process.exit(0), 2_000).unref(),
    (err: unknown) => {
      process.stderr.write(`storage: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
