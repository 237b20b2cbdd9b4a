// portico auth service: node apps/auth/dist/main.js --listen HOST:PORT --pki-dir DIR
import { authCommand } from './command';

authCommand()
  .parseAsync(process.argv)
  .then(
    // Whatever a library left running (timers, sockets) must not keep a stopped service alive.
    () => setTimeout(() => process.exit(0), 2_000).unref(),
    (err: unknown) => {
      process.stderr.write(`auth: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
