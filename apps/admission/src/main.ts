// portico admission service: node apps/admission/dist/main.js --listen HOST:PORT --storage HOST:PORT
import { admissionCommand } from './command';

admissionCommand()
  .parseAsync(process.argv)
  .then(
    // Whatever a library left running (timers, sockets) must not keep a stopped service alive.
    () => setTimeout(() => process.exit(0), 2_000).unref(),
    (err: unknown) => {
      process.stderr.write(`admission: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
