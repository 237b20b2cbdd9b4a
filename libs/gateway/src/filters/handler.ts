import type { IncomingMessage, ServerResponse } from 'node:http';

/** One step of the filter chain or the final handler (k8s: http.Handler). */
export type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;
