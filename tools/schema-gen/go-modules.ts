// Fetches the pinned Kubernetes modules through the Go module proxy. Only `go mod download` is
// used: it verifies each zip against sum.golang.org, so the generator reads exactly the released
// sources. GOMODCACHE/GOPATH point into our own cache directory so the user's Go setup is untouched.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export interface DownloadedModule {
  path: string;
  version: string;
  dir: string;
  sum: string;
}

interface GoModDownloadJson {
  Path: string;
  Version: string;
  Dir?: string;
  Sum?: string;
  Error?: string;
}

export function goModDownload(cacheDir: string, mods: readonly { path: string; version: string }[]): DownloadedModule[] {
  mkdirSync(cacheDir, { recursive: true });
  const env = {
    ...process.env,
    GOMODCACHE: join(cacheDir, 'mod'),
    GOPATH: join(cacheDir, 'gopath'),
    // Files in the module cache are read-only by default, which makes the cache dir hard to delete.
    GOFLAGS: '-modcacherw',
    GO111MODULE: 'on',
  };
  const args = ['mod', 'download', '-json', ...mods.map((m) => `${m.path}@${m.version}`)];
  let out: string;
  try {
    out = execFileSync('go', args, { env, cwd: cacheDir, encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'inherit'] });
  } catch (e) {
    const stdout = (e as { stdout?: string }).stdout ?? '';
    throw new Error(`go ${args.join(' ')} failed: ${stdout || String(e)}`);
  }
  const results = parseJsonStream(out) as GoModDownloadJson[];
  return mods.map((m) => {
    const r = results.find((x) => x.Path === m.path && x.Version === m.version);
    if (r === undefined) throw new Error(`go mod download gave no result for ${m.path}@${m.version}`);
    if (r.Error !== undefined || r.Dir === undefined) throw new Error(`go mod download ${m.path}@${m.version}: ${r.Error ?? 'no Dir'}`);
    return { path: m.path, version: m.version, dir: r.Dir, sum: r.Sum ?? '' };
  });
}

/** `go … -json` prints concatenated JSON objects, not an array. */
function parseJsonStream(text: string): unknown[] {
  const out: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{') {
      if (depth++ === 0) start = i;
    } else if (c === '}') {
      if (--depth === 0) out.push(JSON.parse(text.slice(start, i + 1)));
    }
  }
  return out;
}
