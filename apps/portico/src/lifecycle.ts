/** Resolves on the first SIGINT/SIGTERM; a second one exits at once. */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const first = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', first).off('SIGTERM', first);
      process.once('SIGINT', () => process.exit(130)).once('SIGTERM', () => process.exit(143));
      resolve(signal);
    };
    process.on('SIGINT', first).on('SIGTERM', first);
  });
}

/** The message for a user; the stack too with PORTICO_DEBUG set. */
export function errorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  return process.env['PORTICO_DEBUG'] ? (err.stack ?? err.message) : err.message;
}
