// k8s parity: apiserver pkg/cel/library (lists, regex, quantity, urls, ip/cidr), the subset
// policies use most. Each function is registered with the library's signature syntax; errors
// thrown here surface as evaluation errors of the expression.
import { isIP } from 'node:net';
import type { Environment } from '@marcbachmann/cel-js';

type CelList = readonly unknown[];

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (a instanceof Quantity && b instanceof Quantity) return a.compareTo(b);
  const x = typeof a === 'bigint' ? a : Number(a);
  const y = typeof b === 'bigint' ? b : Number(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function equal(a: unknown, b: unknown): boolean {
  if (typeof a === 'object' || typeof b === 'object') return JSON.stringify(a, big) === JSON.stringify(b, big);
  return a === b;
}

const big = (_k: string, v: unknown): unknown => (typeof v === 'bigint' ? `${v}n` : v);

// --- quantity (k8s.io/apimachinery resource.Quantity), exact through BigInt millis scaled by 10^9 ---

const binarySuffixes: Record<string, bigint> = {
  Ki: 1n << 10n,
  Mi: 1n << 20n,
  Gi: 1n << 30n,
  Ti: 1n << 40n,
  Pi: 1n << 50n,
  Ei: 1n << 60n,
};
const decimalExponents: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const quantityRe = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$/;
const nanoScale = 1_000_000_000n;

export class Quantity {
  /** The value in units of 10^-9 (the finest suffix, n), exact. */
  private constructor(
    readonly nanos: bigint,
    readonly text: string,
  ) {}

  static fromNanos(nanos: bigint): Quantity {
    return new Quantity(nanos, '');
  }

  /** Quantity.String() for the values admission prints: binary suffixes for exact multiples of 1024 (memory), else decimal. */
  format(binary = false): string {
    const n = this.nanos;
    const neg = n < 0n;
    const abs = neg ? -n : n;
    const sign = neg ? '-' : '';
    if (abs === 0n) return '0';
    if (abs % nanoScale !== 0n) {
      if (abs % 1_000_000n === 0n) return `${sign}${abs / 1_000_000n}m`;
      if (abs % 1_000n === 0n) return `${sign}${abs / 1_000n}u`;
      return `${sign}${abs}n`;
    }
    const units = abs / nanoScale;
    if (binary) {
      for (const [suffix, mult] of Object.entries(binarySuffixes).reverse()) {
        if (units % mult === 0n) return `${sign}${units / mult}${suffix}`;
      }
    }
    for (const [suffix, exp] of [['E', 18], ['P', 15], ['T', 12], ['G', 9], ['M', 6], ['k', 3]] as const) {
      const mult = 10n ** BigInt(exp);
      if (units % mult === 0n) return `${sign}${units / mult}${suffix}`;
    }
    return `${sign}${units}`;
  }

  static parse(s: string): Quantity {
    const m = quantityRe.exec(s.trim());
    if (m === null || s.trim() === '') throw new Error(`quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`);
    const [, sign = '', num = '0', suffix = ''] = m;
    const [intPart = '0', frac = ''] = num.split('.');
    let nanos: bigint;
    const scaled = (exp: number): bigint => {
      // value = int.frac * 10^exp, in nanos: shift by exp+9.
      const digits = BigInt((intPart === '' ? '0' : intPart) + frac);
      const shift = exp + 9 - frac.length;
      return shift >= 0 ? digits * 10n ** BigInt(shift) : ceilDiv(digits, 10n ** BigInt(-shift));
    };
    if (suffix in binarySuffixes) {
      nanos = ceilDiv(BigInt((intPart === '' ? '0' : intPart) + frac) * (binarySuffixes[suffix] as bigint) * nanoScale, 10n ** BigInt(frac.length));
    } else if (suffix !== '' && (suffix[0] === 'e' || suffix[0] === 'E')) {
      nanos = scaled(Number(suffix.slice(1)));
    } else {
      nanos = scaled(decimalExponents[suffix] ?? 0);
    }
    return new Quantity(sign === '-' ? -nanos : nanos, s);
  }

  compareTo(o: Quantity): number {
    return this.nanos < o.nanos ? -1 : this.nanos > o.nanos ? 1 : 0;
  }

  add(o: Quantity): Quantity {
    return new Quantity(this.nanos + o.nanos, '');
  }

  sub(o: Quantity): Quantity {
    return new Quantity(this.nanos - o.nanos, '');
  }

  isInteger(): boolean {
    return this.nanos % nanoScale === 0n;
  }

  asInteger(): bigint {
    if (!this.isInteger()) throw new Error('cannot convert value to integer');
    const v = this.nanos / nanoScale;
    if (v > 9223372036854775807n || v < -9223372036854775808n) throw new Error('cannot convert value to integer');
    return v;
  }

  asApproximateFloat(): number {
    return Number(this.nanos) / 1e9;
  }
}

function ceilDiv(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}

// --- url (net/url.Parse on an absolute URI or absolute path) ---

export class KubeURL {
  constructor(readonly url: URL) {}
}

function parseKubeURL(s: string): KubeURL {
  try {
    if (s.startsWith('/')) return new KubeURL(new URL(s, 'portico-relative:/'));
    return new KubeURL(new URL(s));
  } catch {
    throw new Error(`URL parse error during conversion from string: ${s}`);
  }
}

// --- ip / cidr ---

export class KubeIP {
  constructor(readonly text: string) {}
  get family(): bigint {
    return isIP(this.text) === 6 ? 6n : 4n;
  }
}

export class KubeCIDR {
  constructor(
    readonly ip: KubeIP,
    readonly prefix: number,
  ) {}
}

function parseIP(s: string): KubeIP {
  if (isIP(s) === 0 || s.includes('%')) throw new Error(`IP Address "${s}" parse error during conversion from string`);
  return new KubeIP(s);
}

function ipBits(ip: KubeIP): bigint {
  if (ip.family === 4n) return ip.text.split('.').reduce((acc, p) => (acc << 8n) | BigInt(Number(p)), 0n);
  const [head = '', tail = ''] = ip.text.split('::');
  const h = head === '' ? [] : head.split(':');
  const t = tail === '' ? [] : tail.split(':');
  const groups = ip.text.includes('::') ? [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t] : h;
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

function parseCIDR(s: string): KubeCIDR {
  const [addr = '', bits = ''] = s.split('/');
  const ip = parseIP(addr);
  const max = ip.family === 4n ? 32 : 128;
  const prefix = Number(bits);
  if (!/^\d+$/.test(bits) || prefix > max) throw new Error(`network address "${s}" parse error during conversion from string`);
  return new KubeCIDR(ip, prefix);
}

function cidrContains(c: KubeCIDR, ip: KubeIP): boolean {
  if (c.ip.family !== ip.family) return false;
  const width = c.ip.family === 4n ? 32n : 128n;
  const shift = width - BigInt(c.prefix);
  return ipBits(c.ip) >> shift === ipBits(ip) >> shift;
}

export function registerKubernetesLibraries(env: Environment): void {
  env.registerType('kubernetes.Quantity', Quantity);
  env.registerType('kubernetes.URL', KubeURL);
  env.registerType('net.IP', KubeIP);
  env.registerType('net.CIDR', KubeCIDR);

  // lists
  env.registerFunction('list.isSorted(): bool', (l: CelList) => l.every((x, i) => i === 0 || compare(l[i - 1], x) <= 0));
  env.registerFunction('list.sum(): dyn', (l: CelList) => {
    if (l.length === 0) return 0n;
    if (l[0] instanceof Quantity) return (l as Quantity[]).reduce((a, b) => a.add(b));
    if (typeof l[0] === 'bigint') return (l as bigint[]).reduce((a, b) => a + b, 0n);
    return (l as number[]).reduce((a, b) => a + b, 0);
  });
  const extreme = (l: CelList, sign: number): unknown => {
    if (l.length === 0) throw new Error('min called on empty list'.replace('min', sign < 0 ? 'min' : 'max'));
    return l.reduce((a, b) => (compare(b, a) * sign > 0 ? b : a));
  };
  env.registerFunction('list.min(): dyn', (l: CelList) => extreme(l, -1));
  env.registerFunction('list.max(): dyn', (l: CelList) => extreme(l, 1));
  env.registerFunction('list.indexOf(dyn): int', (l: CelList, v: unknown) => BigInt(l.findIndex((x) => equal(x, v))));
  env.registerFunction('list.lastIndexOf(dyn): int', (l: CelList, v: unknown) => {
    for (let i = l.length - 1; i >= 0; i--) if (equal(l[i], v)) return BigInt(i);
    return -1n;
  });

  // regex
  const re = (p: string, flags = ''): RegExp => {
    try {
      return new RegExp(p, flags);
    } catch {
      throw new Error(`invalid regular expression: ${p}`);
    }
  };
  env.registerFunction('string.find(string): string', (s: string, p: string) => re(p).exec(s)?.[0] ?? '');
  env.registerFunction('string.findAll(string): list<string>', (s: string, p: string) => [...s.matchAll(re(p, 'g'))].map((m) => m[0]));
  env.registerFunction('string.findAll(string, int): list<string>', (s: string, p: string, n: bigint) => {
    const all = [...s.matchAll(re(p, 'g'))].map((m) => m[0]);
    return n < 0n ? all : all.slice(0, Number(n));
  });

  // strings (cel-go's strings extension, the members cel-js lacks)
  env.registerFunction('string.replace(string, string): string', (s: string, a: string, b: string) => s.split(a).join(b));
  env.registerFunction('string.replace(string, string, int): string', (s: string, a: string, b: string, n: bigint) => {
    if (n < 0n) return s.split(a).join(b);
    let out = s;
    let from = 0;
    for (let i = 0n; i < n; i++) {
      const at = out.indexOf(a, from);
      if (at < 0) break;
      out = out.slice(0, at) + b + out.slice(at + a.length);
      from = at + b.length;
    }
    return out;
  });
  env.registerFunction('string.charAt(int): string', (s: string, i: bigint) => {
    const chars = [...s];
    if (i < 0n || i > BigInt(chars.length)) throw new Error(`index out of range: ${i}`);
    return chars[Number(i)] ?? '';
  });
  env.registerFunction('string.reverse(): string', (s: string) => [...s].reverse().join(''));

  // quantity
  env.registerFunction('quantity(string): kubernetes.Quantity', (s: string) => Quantity.parse(s));
  env.registerFunction('isQuantity(string): bool', (s: string) => {
    try {
      Quantity.parse(s);
      return true;
    } catch {
      return false;
    }
  });
  env.registerFunction('kubernetes.Quantity.compareTo(kubernetes.Quantity): int', (a: Quantity, b: Quantity) => BigInt(a.compareTo(b)));
  env.registerFunction('kubernetes.Quantity.isGreaterThan(kubernetes.Quantity): bool', (a: Quantity, b: Quantity) => a.compareTo(b) > 0);
  env.registerFunction('kubernetes.Quantity.isLessThan(kubernetes.Quantity): bool', (a: Quantity, b: Quantity) => a.compareTo(b) < 0);
  env.registerFunction('kubernetes.Quantity.add(kubernetes.Quantity): kubernetes.Quantity', (a: Quantity, b: Quantity) => a.add(b));
  env.registerFunction('kubernetes.Quantity.add(int): kubernetes.Quantity', (a: Quantity, b: bigint) => a.add(Quantity.parse(String(b))));
  env.registerFunction('kubernetes.Quantity.sub(kubernetes.Quantity): kubernetes.Quantity', (a: Quantity, b: Quantity) => a.sub(b));
  env.registerFunction('kubernetes.Quantity.sub(int): kubernetes.Quantity', (a: Quantity, b: bigint) => a.sub(Quantity.parse(String(b))));
  env.registerFunction('kubernetes.Quantity.isInteger(): bool', (a: Quantity) => a.isInteger());
  env.registerFunction('kubernetes.Quantity.asInteger(): int', (a: Quantity) => a.asInteger());
  env.registerFunction('kubernetes.Quantity.asApproximateFloat(): double', (a: Quantity) => a.asApproximateFloat());
  env.registerFunction('kubernetes.Quantity.sign(): int', (a: Quantity) => BigInt(a.nanos > 0n ? 1 : a.nanos < 0n ? -1 : 0));

  // url
  env.registerFunction('url(string): kubernetes.URL', (s: string) => parseKubeURL(s));
  env.registerFunction('isURL(string): bool', (s: string) => {
    try {
      parseKubeURL(s);
      return true;
    } catch {
      return false;
    }
  });
  const relative = (u: KubeURL): boolean => u.url.protocol === 'portico-relative:';
  env.registerFunction('kubernetes.URL.getScheme(): string', (u: KubeURL) => (relative(u) ? '' : u.url.protocol.replace(/:$/, '')));
  env.registerFunction('kubernetes.URL.getHost(): string', (u: KubeURL) => (relative(u) ? '' : u.url.host));
  env.registerFunction('kubernetes.URL.getHostname(): string', (u: KubeURL) => (relative(u) ? '' : u.url.hostname.replace(/^\[|\]$/g, '')));
  env.registerFunction('kubernetes.URL.getPort(): string', (u: KubeURL) => (relative(u) ? '' : u.url.port));
  env.registerFunction('kubernetes.URL.getEscapedPath(): string', (u: KubeURL) => u.url.pathname);

  // ip / cidr
  env.registerFunction('ip(string): net.IP', (s: string) => parseIP(s));
  env.registerFunction('isIP(string): bool', (s: string) => isIP(s) !== 0 && !s.includes('%'));
  env.registerFunction('net.IP.family(): int', (ip: KubeIP) => ip.family);
  env.registerFunction('net.IP.isLoopback(): bool', (ip: KubeIP) => (ip.family === 4n ? ip.text.startsWith('127.') : ipBits(ip) === 1n));
  env.registerFunction('cidr(string): net.CIDR', (s: string) => parseCIDR(s));
  env.registerFunction('isCIDR(string): bool', (s: string) => {
    try {
      parseCIDR(s);
      return true;
    } catch {
      return false;
    }
  });
  env.registerFunction('net.CIDR.containsIP(net.IP): bool', (c: KubeCIDR, ip: KubeIP) => cidrContains(c, ip));
  env.registerFunction('net.CIDR.containsIP(string): bool', (c: KubeCIDR, s: string) => cidrContains(c, parseIP(s)));
  env.registerFunction('net.CIDR.prefixLength(): int', (c: KubeCIDR) => BigInt(c.prefix));
  env.registerFunction('net.CIDR.ip(): net.IP', (c: KubeCIDR) => c.ip);
}
