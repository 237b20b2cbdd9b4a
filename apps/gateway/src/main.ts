// portico gateway: node apps/gateway/dist/main.js --host H --port N --pki-dir DIR --storage T --auth T --admission T
import { gatewayCommand } from './command';

gatewayCommand()
  .parseAsync(process.argv)
  .then(
    // Whatever a library left running (timers, sockets) must not keep a stopped service alive.
    () => setTimeout(() => process.exit(0), 2_000).unref(),
    (err: unknown) => {
      process.stderr.write(`gateway: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
