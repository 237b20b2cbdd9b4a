// k8s parity: github.com/robfig/cron/v3 parser.go, ParseStandard (minute, hour, day of month,
// month, day of week, and the @descriptors), as CronJob validation calls it. Returns Go's error
// text, which kube-apiserver puts in the field error.

interface Bounds {
  min: number;
  max: number;
  names?: Record<string, number>;
}

const minutes: Bounds = { min: 0, max: 59 };
const hours: Bounds = { min: 0, max: 23 };
const dom: Bounds = { min: 1, max: 31 };
const months: Bounds = {
  min: 1,
  max: 12,
  names: { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 },
};
const dow: Bounds = { min: 0, max: 6, names: { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 } };

class CronError extends Error {}

/** strconv.Atoi's error text. */
function atoi(expr: string): number {
  if (!/^[+-]?[0-9]+$/.test(expr)) throw new CronError(`failed to parse int from ${expr}: strconv.Atoi: parsing ${JSON.stringify(expr)}: invalid syntax`);
  const v = Number(expr);
  if (!Number.isSafeInteger(v) || Math.abs(v) > 2 ** 63 - 1) throw new CronError(`failed to parse int from ${expr}: strconv.Atoi: parsing ${JSON.stringify(expr)}: value out of range`);
  if (v < 0) throw new CronError(`negative number (${v}) not allowed: ${expr}`);
  return v;
}

function parseIntOrName(expr: string, names: Record<string, number> | undefined): number {
  const named = names?.[expr.toLowerCase()];
  return named ?? atoi(expr);
}

function checkRange(expr: string, r: Bounds): void {
  const rangeAndStep = expr.split('/');
  const lowAndHigh = (rangeAndStep[0] as string).split('-');
  const singleDigit = lowAndHigh.length === 1;
  let start: number;
  let end: number;
  if (lowAndHigh[0] === '*' || lowAndHigh[0] === '?') {
    start = r.min;
    end = r.max;
  } else {
    start = parseIntOrName(lowAndHigh[0] as string, r.names);
    if (lowAndHigh.length === 1) end = start;
    else if (lowAndHigh.length === 2) end = parseIntOrName(lowAndHigh[1] as string, r.names);
    else throw new CronError(`too many hyphens: ${expr}`);
  }
  let step = 1;
  if (rangeAndStep.length === 2) {
    step = atoi(rangeAndStep[1] as string);
    if (singleDigit) end = r.max;
  } else if (rangeAndStep.length > 2) {
    throw new CronError(`too many slashes: ${expr}`);
  }
  if (start < r.min) throw new CronError(`beginning of range (${start}) below minimum (${r.min}): ${expr}`);
  if (end > r.max) throw new CronError(`end of range (${end}) above maximum (${r.max}): ${expr}`);
  if (start > end) throw new CronError(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  if (step === 0) throw new CronError(`step of range should be a positive number: ${expr}`);
}

/** Go's time.ParseDuration error for a value it refuses (what @every reports). */
function parseGoDuration(s: string): string | undefined {
  const orig = s;
  let rest = s;
  if (rest.startsWith('-') || rest.startsWith('+')) rest = rest.slice(1);
  if (rest === '0') return undefined;
  if (rest === '') return `time: invalid duration ${JSON.stringify(orig)}`;
  const units = ['ns', 'us', 'µs', 'μs', 'ms', 's', 'm', 'h'];
  while (rest !== '') {
    const m = /^([0-9]*(?:\.[0-9]*)?)/.exec(rest);
    const num = m?.[1] ?? '';
    if (num === '' || num === '.') return `time: invalid duration ${JSON.stringify(orig)}`;
    rest = rest.slice(num.length);
    const u = /^[^0-9.]*/.exec(rest)?.[0] ?? '';
    if (u === '') return `time: missing unit in duration ${JSON.stringify(orig)}`;
    if (!units.includes(u)) return `time: unknown unit ${JSON.stringify(u)} in duration ${JSON.stringify(orig)}`;
    rest = rest.slice(u.length);
  }
  return undefined;
}

const descriptors = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);

/** cron.ParseStandard: the error text, or undefined when the schedule parses. */
export function cronParseStandardError(spec: string): string | undefined {
  try {
    if (spec.length === 0) throw new CronError('empty spec string');
    let rest = spec;
    if (rest.startsWith('TZ=') || rest.startsWith('CRON_TZ=')) {
      const i = rest.indexOf(' ');
      const eq = rest.indexOf('=');
      const loc = rest.slice(eq + 1, i < 0 ? undefined : i);
      if (i < 0 || !isKnownTimeZone(loc)) throw new CronError(`provided bad location ${loc}: unknown time zone ${loc}`);
      rest = rest.slice(i).trim();
    }
    if (rest.startsWith('@')) {
      if (descriptors.has(rest)) return undefined;
      if (rest.startsWith('@every ')) {
        const err = parseGoDuration(rest.slice('@every '.length));
        if (err !== undefined) throw new CronError(`failed to parse duration ${rest}: ${err}`);
        return undefined;
      }
      throw new CronError(`unrecognized descriptor: ${rest}`);
    }
    const fields = rest.split(/\s+/).filter((f) => f !== '');
    if (fields.length !== 5) throw new CronError(`expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`);
    const bounds = [minutes, hours, dom, months, dow];
    fields.forEach((field, i) => {
      for (const expr of field.split(',').filter((e) => e !== '')) checkRange(expr, bounds[i] as Bounds);
    });
    return undefined;
  } catch (e) {
    if (e instanceof CronError) return e.message;
    throw e;
  }
}

/** Whether time.LoadLocation knows a zone name (the IANA database Node ships). */
export function isKnownTimeZone(name: string): boolean {
  if (name === 'UTC' || name === 'Local' || name === '') return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
