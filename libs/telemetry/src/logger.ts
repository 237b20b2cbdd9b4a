import pino from 'pino';
import { REDACT_PATHS, REDACTED, scrubForLog, scrubString } from './redact';

export type Logger = pino.Logger;
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface LoggerOptions {
  /** Service name, on every line as `service` (gateway, auth, admission, storage, portico). */
  service: string;
  /** Defaults to $PORTICO_LOG_LEVEL, else `info` (`warn` under vitest, where logs bypass its capture). */
  level?: LogLevel;
  /** Where lines go; stdout by default. Tests pass a stream to read the lines back. */
  destination?: pino.DestinationStream;
}

const LEVELS: readonly string[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function defaultLevel(): LogLevel {
  const env = process.env['PORTICO_LOG_LEVEL'];
  if (env && LEVELS.includes(env)) return env as LogLevel;
  return process.env['VITEST'] ? 'warn' : 'info';
}

/**
 * A JSON logger (one object per line) that never writes credentials: Authorization headers,
 * tokens, Secret data and private keys are censored by path and by a walk of each logged object
 * (see redact.ts).
 */
export function createLogger(options: LoggerOptions): Logger {
  const opts: pino.LoggerOptions = {
    level: options.level ?? defaultLevel(),
    base: { service: options.service, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: [...REDACT_PATHS], censor: REDACTED },
    formatters: {
      level: (label) => ({ level: label }),
      bindings: (bindings) => scrubForLog(bindings) as Record<string, unknown>,
      log: (obj) => scrubForLog(obj) as Record<string, unknown>,
    },
    hooks: {
      // The message and its printf arguments bypass the formatters.
      logMethod(args, method) {
        for (let i = 0; i < args.length; i++) {
          const a = args[i];
          if (typeof a === 'string') args[i] = scrubString(a);
          else if (i > 0) args[i] = scrubForLog(a); // printf-style object arguments
        }
        return method.apply(this, args);
      },
    },
  };
  return options.destination ? pino(opts, options.destination) : pino(opts);
}
