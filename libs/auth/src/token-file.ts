// kube-apiserver's --token-auth-file (k8s parity: apiserver pkg/authentication/token/tokenfile):
// CSV lines `token,user,uid[,"group1,group2"]`. Tokens are compared in constant time over every
// entry, so neither the position of a match nor a shared prefix shows in the timing.
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { UserInfo } from '@portico/proto';

interface Entry {
  digest: Buffer;
  user: UserInfo;
}

/** encoding/csv with FieldsPerRecord = -1: quoted fields, "" as an escaped quote. */
export function parseCsvLine(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let v = '';
      i++;
      while (i < line.length) {
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            v += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        v += line[i];
        i++;
      }
      out.push(v);
      if (line[i] === ',') i++;
      else break;
    } else {
      const end = line.indexOf(',', i);
      if (end < 0) {
        out.push(line.slice(i));
        break;
      }
      out.push(line.slice(i, end));
      i = end + 1;
      if (i === line.length) out.push('');
    }
  }
  return out;
}

const digest = (token: string) => createHash('sha256').update(token, 'utf8').digest();

export class StaticTokenAuthenticator {
  private readonly entries: Entry[] = [];

  static fromFile(path: string): StaticTokenAuthenticator {
    return new StaticTokenAuthenticator(readFileSync(path, 'utf8'), path);
  }

  constructor(csv: string, source = 'token file') {
    const seen = new Set<string>();
    for (const raw of csv.split(/\r?\n/)) {
      if (raw.trim() === '') continue;
      const record = parseCsvLine(raw);
      if (record.length < 3) throw new Error(`token file '${source}' must have at least 3 columns (token, user name, user uid), found ${record.length}`);
      const [token, name, uid, groups] = record as [string, string, string, string | undefined];
      // As kube-apiserver: an empty token is skipped, a repeated one keeps its last line.
      if (token === '') continue;
      const user: UserInfo = { username: name, uid, groups: groups === undefined || groups === '' ? [] : groups.split(',').map((g) => g.trim()), extra: {} };
      if (seen.has(token)) {
        const d = digest(token);
        const at = this.entries.findIndex((e) => e.digest.equals(d));
        if (at >= 0) this.entries.splice(at, 1);
      }
      seen.add(token);
      this.entries.push({ digest: digest(token), user });
    }
  }

  get size(): number {
    return this.entries.length;
  }

  authenticate(token: string): UserInfo | undefined {
    const d = digest(token);
    let found: UserInfo | undefined;
    for (const e of this.entries) {
      // No early exit: every entry is compared whatever matched.
      if (timingSafeEqual(e.digest, d)) found = e.user;
    }
    return found === undefined ? undefined : { ...found, groups: [...found.groups], extra: {} };
  }
}
