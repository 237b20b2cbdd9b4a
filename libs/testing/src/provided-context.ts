// The values global-setup.ts provides to tests: `inject('porticoEtcd')`, `inject('porticoNats')`.
export {};

declare module 'vitest' {
  export interface ProvidedContext {
    /** etcd client URL, e.g. http://127.0.0.1:34461 */
    porticoEtcd: string;
    /** NATS URL, e.g. nats://127.0.0.1:35053 */
    porticoNats: string;
  }
}
