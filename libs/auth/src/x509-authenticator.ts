// k8s parity: apiserver pkg/authentication/request/x509. A client certificate authenticates when it
// chains to the client CA, is valid now and allows client authentication; CN is the user, each O a group.
import { X509Certificate } from 'node:crypto';
import type { UserInfo } from '@portico/proto';

export type X509Result = { kind: 'none' } | { kind: 'invalid'; reason: string } | { kind: 'user'; user: UserInfo };

const clientAuthOid = '1.3.6.1.5.5.7.3.2';
const anyExtendedKeyUsageOid = '2.5.29.37.0';

/** Splits an X509Certificate subject ("O=a\nO=b\nCN=c") into its attributes, in order. */
export function parseSubject(subject: string): { cn: string; o: string[] } {
  let cn = '';
  const o: string[] = [];
  for (const line of subject.split('\n')) {
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    const key = line.slice(0, eq);
    const value = line.slice(eq + 1);
    if (key === 'CN') cn = value;
    else if (key === 'O') o.push(value);
  }
  return { cn, o };
}

export class X509Authenticator {
  private readonly roots: X509Certificate[];
  constructor(clientCAPem: string) {
    this.roots = splitPem(clientCAPem).map((p) => new X509Certificate(p));
  }

  authenticate(chain: readonly Uint8Array[], now = new Date()): X509Result {
    const [leafDer, ...intermediatesDer] = chain;
    if (leafDer === undefined || leafDer.length === 0) return { kind: 'none' };
    let leaf: X509Certificate;
    let intermediates: X509Certificate[];
    try {
      leaf = new X509Certificate(leafDer);
      intermediates = intermediatesDer.map((d) => new X509Certificate(d));
    } catch {
      return { kind: 'invalid', reason: 'malformed certificate' };
    }
    if (!this.validAt(leaf, now)) return { kind: 'invalid', reason: 'certificate expired or not yet valid' };
    const usages = leaf.keyUsage;
    if (usages !== undefined && !usages.includes(clientAuthOid) && !usages.includes(anyExtendedKeyUsageOid)) {
      return { kind: 'invalid', reason: 'certificate not valid for client authentication' };
    }
    if (!this.chainsToRoot(leaf, intermediates, now, 0)) return { kind: 'invalid', reason: 'certificate signed by unknown authority' };
    const { cn, o } = parseSubject(leaf.subject);
    if (cn === '') return { kind: 'invalid', reason: 'certificate has no common name' };
    return { kind: 'user', user: { username: cn, uid: '', groups: o, extra: {} } };
  }

  private validAt(c: X509Certificate, now: Date): boolean {
    return new Date(c.validFrom).getTime() <= now.getTime() && now.getTime() <= new Date(c.validTo).getTime();
  }

  private chainsToRoot(cert: X509Certificate, intermediates: X509Certificate[], now: Date, depth: number): boolean {
    if (depth > 5) return false;
    for (const root of this.roots) {
      if (cert.checkIssued(root) && cert.verify(root.publicKey)) return true;
    }
    for (const mid of intermediates) {
      if (mid.ca && this.validAt(mid, now) && cert.checkIssued(mid) && cert.verify(mid.publicKey)) {
        if (this.chainsToRoot(mid, intermediates, now, depth + 1)) return true;
      }
    }
    return false;
  }
}

export function splitPem(pem: string): string[] {
  return pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}
