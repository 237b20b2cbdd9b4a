import { createLogger, type Logger } from '@portico/telemetry';

export type { Logger };

export const silentLogger: Logger = createLogger({ service: 'gateway', level: 'silent' });
