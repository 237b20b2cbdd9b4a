// Server-side apply vs plain update (issue 3 item 10): against `portico start`, `--connections`
// closed-loop clients for `--duration` seconds each change one of 64 pre-created ConfigMaps
// (1 KiB of data, a counter that makes every write a real change), first with PUT (an
// unconditional update, application/json), then with PATCH application/apply-patch+yaml
// (fieldManager=bench, force=true), as writes/s and their ratio. Each phase is preceded by a short
// warm-up of the same requests. Nothing leaves loopback.
//
// Part of `npm run bench` (--benches apply).
// tools/ belongs to no tagged project; the bench starts Portico exactly as the e2e suites do.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { startPortico } from '@portico/e2e';
import { closedLoop, type HttpsLoadClient, httpsClient, type LoadPhase, loadPhase } from './https-load';

export type ApplyPhase = LoadPhase;

export interface ApplyReport {
  connections: number;
  durationSec: number;
  objects: number;
  update: ApplyPhase;
  apply: ApplyPhase;
  /** Server-side apply writes/s ÷ PUT writes/s. */
  applyVsUpdate: number;
}

const OBJECTS = 64;
const NS = 'default';
const PREFIX = 'bench-apply';
const VALUE = 'x'.repeat(1024);

type Send = HttpsLoadClient['send'];

const itemPath = (i: number): string => `/api/v1/namespaces/${NS}/configmaps/${PREFIX}-${i}`;

function putRequest(i: number, n: number): [string, string, string, string] {
  const body = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${PREFIX}-${i}`, namespace: NS }, data: { n: String(n), v: VALUE } });
  return ['PUT', itemPath(i), 'application/json', body];
}

function applyRequest(i: number, n: number): [string, string, string, string] {
  const body = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${PREFIX}-${i}\n  namespace: ${NS}\ndata:\n  n: "${n}"\n  v: ${VALUE}\n`;
  return ['PATCH', `${itemPath(i)}?fieldManager=bench&force=true`, 'application/apply-patch+yaml', body];
}

async function phase(
  send: Send,
  label: string,
  make: (i: number, n: number) => [string, string, string, string],
  okCode: number,
  connections: number,
  durationSec: number,
  counter: { n: number },
): Promise<ApplyPhase> {
  const run = await closedLoop({ connections, durationSec, okCode }, async () => {
    const n = counter.n++;
    const [method, path, contentType, body] = make(n % OBJECTS, n);
    return (await send(method, path, body, contentType)).code;
  });
  return loadPhase(label, [run]);
}

export async function benchApply(opts: { durationSec: number; connections: number }, say: (line: string) => void): Promise<ApplyReport> {
  say(`bench: apply vs update (embedded, ${opts.connections} connections, ${opts.durationSec} s per phase)…`);
  const portico = await startPortico('embedded', { env: { PORTICO_LOG_LEVEL: 'warn' } });
  const { send, close } = httpsClient(portico.kubeconfigPath, { maxSockets: opts.connections });
  try {
    for (let i = 0; i < OBJECTS; i++) {
      const body = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${PREFIX}-${i}` }, data: { n: '0', v: VALUE } });
      const { code } = await send('POST', `/api/v1/namespaces/${NS}/configmaps`, body);
      if (code !== 201) throw new Error(`creating ${PREFIX}-${i} answered ${code}`);
    }
    const counter = { n: 1 };
    const warm = Math.min(3, opts.durationSec);
    await phase(send, 'warm-up', putRequest, 200, opts.connections, warm, counter);
    const update = await phase(send, 'PUT ConfigMap (update, application/json)', putRequest, 200, opts.connections, opts.durationSec, counter);
    await phase(send, 'warm-up', applyRequest, 200, opts.connections, warm, counter);
    const apply = await phase(send, 'PATCH ConfigMap (server-side apply, application/apply-patch+yaml)', applyRequest, 200, opts.connections, opts.durationSec, counter);
    return { connections: opts.connections, durationSec: opts.durationSec, objects: OBJECTS, update, apply, applyVsUpdate: apply.opsPerSec / update.opsPerSec };
  } finally {
    close();
    await portico.stop();
  }
}

export function applyMarkdown(r: ApplyReport, fmt: (n: number | undefined, digits?: number) => string): string[] {
  return [
    `Server-side apply vs update through \`portico start\` (${r.connections} closed-loop clients, ${r.durationSec} s each, over ${r.objects} ConfigMaps of 1 KiB, every write a change):`,
    '',
    '| write | writes/s | p50 ms | p99 ms | failed |',
    '|---|---:|---:|---:|---:|',
    ...[r.update, r.apply].map((p) => `| ${p.label} | ${fmt(p.opsPerSec)} | ${fmt(p.p50Ms, 1)} | ${fmt(p.p99Ms, 1)} | ${p.failed} |`),
    '',
    `Server-side apply writes/s ÷ update writes/s = ${fmt(r.applyVsUpdate, 3)}.`,
  ];
}
