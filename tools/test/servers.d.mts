// Types of servers.mjs for the TypeScript tools that import it (tools/bench).
export interface TestServer {
  url: string;
  port: number;
  logFile: string;
  pid: number;
  stop(): Promise<void>;
}
export function findEtcd(): string | undefined;
export function findNats(): string | undefined;
export function ensureServerBinaries(opts?: { log?: (line: string) => void }): { etcd: string; nats: string };
export function freePort(): Promise<number>;
export function stopChild(child: import('node:child_process').ChildProcess, graceMs?: number): Promise<void>;
export function startEtcd(opts: { bin: string; dir: string; readyTimeoutMs?: number }): Promise<TestServer>;
export function startNats(opts: { bin: string; dir: string; readyTimeoutMs?: number }): Promise<TestServer>;
