// k8s parity: kube-openapi pkg/validation/strfmt (default.go, date.go, time.go, duration.go,
// bson.go) as CRD schemas see it through apiextensions-apiserver pkg/apiserver/validation/formats.go
// (the formats supported at compatibility version 1.33; others are ignored). The Go checks rely on
// net, net/mail, net/url and govalidator; these are the same rules written for JavaScript strings.
import { isIP } from 'node:net';
import { fullFormats } from 'ajv-formats/dist/formats';

type FormatCheck = (s: string) => boolean;

const hostnamePattern =
  /^([a-zA-Z0-9\p{S}\p{L}]((-?[a-zA-Z0-9\p{S}\p{L}]{0,62})?)|([a-zA-Z0-9\p{S}\p{L}](([a-zA-Z0-9\-\p{S}\p{L}]{0,61}[a-zA-Z0-9\p{S}\p{L}])?)(\.)){1,}([a-zA-Z\p{L}]){2,63})$/u;

function isHostname(s: string): boolean {
  if (!hostnamePattern.test(s) || Buffer.byteLength(s) > 255) return false;
  return s.split('.').every((part) => Buffer.byteLength(part) <= 63);
}

/** ajv-formats' full `date` is time.Parse("2006-01-02")'s rule: four-digit year, real calendar day. */
function formatCheck(format: unknown): FormatCheck {
  const validate: unknown = typeof format === 'object' && format !== null && 'validate' in format ? format.validate : format;
  if (typeof validate === 'function') return (s) => validate(s) === true;
  if (validate instanceof RegExp) return (s) => validate.test(s);
  throw new Error('ajv-formats: unexpected format definition');
}
const isDate = formatCheck(fullFormats.date);

const dateTimeTail = /^([0-9]{2}):([0-9]{2}):([0-9]{2})(.[0-9]+)?(z|([+-][0-9]{2}:[0-9]{2}))$/;

/** strfmt.IsDateTime: a full date, "t", then a time whose fields are compared as text. */
function isDateTime(s: string): boolean {
  if (s.length < 4) return false;
  const parts = s.toLowerCase().split('t');
  if (parts.length < 2 || !isDate(parts[0] as string)) return false;
  const m = dateTimeTail.exec(parts[1] as string);
  if (m === null) return false;
  return (m[1] as string) <= '23' && (m[2] as string) <= '59' && (m[3] as string) <= '59';
}

/**
 * netutils.ParseIPSloppy: Go 1.16's parser, which still reads IPv4 octets with leading zeros as
 * decimal ("010.0.0.1" is 10.0.0.1), also in an IPv6 address's trailing dotted quad.
 */
function sloppyIP(s: string): string {
  const lastColon = s.lastIndexOf(':');
  const head = s.slice(0, lastColon + 1);
  const quad = s.slice(lastColon + 1);
  if (!quad.includes('.')) return s;
  const parts = quad.split('.');
  if (parts.some((p) => !/^[0-9]+$/.test(p) || Number(p) > 255)) return s;
  return head + parts.map((p) => String(Number(p))).join('.');
}
const ipFamily = (s: string): number => isIP(sloppyIP(s));

/** strfmt's isIPv4: any address ParseIPSloppy reads, written with a dot (IPv4-mapped IPv6 too). */
const isIPv4: FormatCheck = (s) => ipFamily(s) !== 0 && s.includes('.');
/** govalidator.IsIPv6: net.ParseIP succeeds and the text has a colon. */
const isIPv6: FormatCheck = (s) => isIP(s) !== 0 && s.includes(':');

/** netutils.ParseCIDRSloppy. */
function isCIDR(s: string): boolean {
  const slash = s.indexOf('/');
  if (slash < 0) return false;
  const ip = sloppyIP(s.slice(0, slash));
  const bits = s.slice(slash + 1);
  const family = isIP(ip);
  if (family === 0 || !/^[0-9]+$/.test(bits) || bits.length > 3) return false;
  return Number(bits) <= (family === 4 ? 32 : 128);
}

/** net.ParseMAC's accepted shapes, compiled once: per length, colon/dash then dot separated. */
const macPatterns = [6, 8, 20].flatMap((octets) => [
  new RegExp(`^(?:[0-9a-fA-F]{2}([:-])(?:[0-9a-fA-F]{2}\\1){${octets - 2}}[0-9a-fA-F]{2})$`),
  new RegExp(`^(?:[0-9a-fA-F]{4}\\.){${octets / 2 - 1}}[0-9a-fA-F]{4}$`),
]);

/** net.ParseMAC: EUI-48, EUI-64 and 20-octet InfiniBand addresses, colon, dash or dot separated. */
function isMAC(s: string): boolean {
  return macPatterns.some((p) => p.test(s));
}

/** url.ParseRequestURI: an absolute URI or an absolute path, no fragment. */
function isRequestURI(s: string): boolean {
  if (s.includes('#') || [...s].some((ch) => /\s/.test(ch) || (ch.codePointAt(0) ?? 0) < 0x20 || ch === '\x7f')) return false;
  if (s.startsWith('/')) return true;
  return /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(s);
}

/** mail.ParseAddress, for the address forms CRD users write: `a@b` or `Name <a@b>`. */
function isEmail(s: string): boolean {
  const angle = /^[^<>]*<([^<>]+)>$/.exec(s.trim());
  const addr = angle ? (angle[1] as string) : s.trim();
  return /^[^\s@"(),:;<>[\]\\]+@[^\s@"(),:;<>[\]\\]+$/.test(addr) && !addr.startsWith('.') && !addr.includes('..');
}

function isISBN10(s: string): boolean {
  const d = s.replace(/[\s-]/g, '');
  if (!/^(?:[0-9]{9}X|[0-9]{10})$/.test(d)) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += (i + 1) * Number(d[i]);
  sum += d[9] === 'X' ? 100 : 10 * Number(d[9]);
  return sum % 11 === 0;
}

function isISBN13(s: string): boolean {
  const d = s.replace(/[\s-]/g, '');
  if (!/^[0-9]{13}$/.test(d)) return false;
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(d[i]) * (i % 2 === 0 ? 1 : 3);
  return (10 - (sum % 10)) % 10 === Number(d[12]);
}

const creditCardPattern =
  /^(?:4[0-9]{12}(?:[0-9]{3})?|5[1-5][0-9]{14}|(222[1-9]|22[3-9][0-9]|2[3-6][0-9]{2}|27[01][0-9]|2720)[0-9]{12}|6(?:011|5[0-9][0-9])[0-9]{12}|3[47][0-9]{13}|3(?:0[0-5]|[68][0-9])[0-9]{11}|(?:2131|1800|35\d{3})\d{11}|6[27][0-9]{14})$/;

function isCreditCard(s: string): boolean {
  const d = s.replace(/[^0-9]/g, '');
  if (!creditCardPattern.test(d)) return false;
  let sum = 0;
  let double = false;
  for (let i = d.length - 1; i >= 0; i--) {
    let n = Number(d[i]);
    if (double) {
      n *= 2;
      if (n > 9) n -= 9;
    }
    sum += n;
    double = !double;
  }
  return sum % 10 === 0;
}

const rgbPart = '\\s*(0|[1-9]\\d?|1\\d\\d?|2[0-4]\\d|25[0-5])\\s*';
const rgbPattern = new RegExp(`^rgb\\(${rgbPart},${rgbPart},${rgbPart}\\)$`);

const durationUnits = '(?:ns|us|µs|μs|ms|s|m|h)';
const goDuration = new RegExp(`^[-+]?(?:0|(?:(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)${durationUnits})+)$`);
const scalaDuration =
  /^\s*(\d+)\s*(ns|nano|nanos|nanosecond|nanoseconds|us|µs|μs|micro|micros|microsecond|microseconds|ms|milli|millis|millisecond|milliseconds|s|sec|secs|second|seconds|m|min|mins|minute|minutes|h|hr|hrs|hour|hours|d|day|days|w|wk|wks|week|weeks)\s*$/;

/** The strfmt.Default registry, keyed by the normalized name (dashes removed). */
const registry: ReadonlyMap<string, FormatCheck> = new Map<string, FormatCheck>([
  ['bsonobjectid', (s) => /^[0-9a-fA-F]{24}$/.test(s)],
  ['uri', isRequestURI],
  ['email', isEmail],
  ['hostname', isHostname],
  ['ipv4', isIPv4],
  ['ipv6', isIPv6],
  ['cidr', isCIDR],
  ['mac', isMAC],
  ['uuid', (s) => /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(s)],
  ['uuid3', (s) => /^[0-9a-f]{8}-?[0-9a-f]{4}-?3[0-9a-f]{3}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(s)],
  ['uuid4', (s) => /^[0-9a-f]{8}-?[0-9a-f]{4}-?4[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i.test(s)],
  ['uuid5', (s) => /^[0-9a-f]{8}-?[0-9a-f]{4}-?5[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i.test(s)],
  ['isbn', (s) => isISBN10(s) || isISBN13(s)],
  ['isbn10', isISBN10],
  ['isbn13', isISBN13],
  ['creditcard', isCreditCard],
  ['ssn', (s) => s.length === 11 && /^\d{3}[- ]?\d{2}[- ]?\d{4}$/.test(s)],
  ['hexcolor', (s) => /^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/.test(s)],
  ['rgbcolor', (s) => rgbPattern.test(s)],
  ['byte', (s) => /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4})$/.test(s)],
  ['password', () => true],
  ['date', isDate],
  ['datetime', isDateTime],
  ['duration', (s) => goDuration.test(s) || scalaDuration.test(s)],
]);

/** The check for a format a CRD may use on strings, or undefined when kube-apiserver ignores it. */
export function stringFormat(format: string): FormatCheck | undefined {
  return registry.get(format.replaceAll('-', ''));
}
