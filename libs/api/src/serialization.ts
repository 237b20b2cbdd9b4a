// Decoding untrusted request bodies. Every decoder checks nesting depth before parsing, because
// the parsers recurse: a deep enough document exhausts the stack (JSON) or memory (the YAML
// parser's regular expressions) and would take the process down instead of earning a 400.
import { parseAllDocuments } from 'yaml';
import { statusErrors } from './status';

/** kube-apiserver accepts 10000 levels of JSON; JSON.stringify of such an object overflows V8's stack, so Portico stops at 1000. */
export const maxJsonDepth = 1000;
/** The YAML parser fails on flow collections nested a few hundred deep; no real manifest comes near. */
export const maxYamlFlowDepth = 256;
export const maxYamlIndent = 2048;

/** Nesting depth of a JSON text, counting brackets outside strings; stops counting past limit. */
export function jsonDepth(text: string, limit: number): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth > max) {
        max = depth;
        if (max > limit) return max;
      }
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return max;
}

/** Parses a JSON request body; malformed or too deep → 400 with the decoder's reason. */
export function decodeJson(body: Buffer | string, what = 'body'): unknown {
  const text = typeof body === 'string' ? body : body.toString('utf8');
  if (jsonDepth(text, maxJsonDepth) > maxJsonDepth) {
    throw statusErrors.badRequest(`the ${what} is nested too deeply: exceeded max depth of ${maxJsonDepth}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw statusErrors.badRequest(`json parse error: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function yamlTooDeep(text: string): boolean {
  let flow = 0;
  let quote = '';
  let lineStart = true;
  let indent = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') {
      lineStart = true;
      indent = 0;
      continue;
    }
    if (lineStart) {
      if (c === ' ' || c === '-' || c === '\t') {
        if (++indent > maxYamlIndent) return true;
        continue;
      }
      lineStart = false;
    }
    if (quote !== '') {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = '';
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '[' || c === '{') {
      if (++flow > maxYamlFlowDepth) return true;
    } else if (c === ']' || c === '}') flow = Math.max(0, flow - 1);
  }
  return false;
}

/**
 * Parses a YAML request body the way kube-apiserver's sigs.k8s.io/yaml does (YAML 1.1 booleans),
 * refusing alias bombs (more than 100 alias expansions) and documents nested too deeply.
 */
export function decodeYaml(body: Buffer | string): unknown {
  const text = typeof body === 'string' ? body : body.toString('utf8');
  if (yamlTooDeep(text)) throw statusErrors.badRequest('yaml: exceeded max depth');
  let docs;
  try {
    docs = parseAllDocuments(text, { version: '1.1', uniqueKeys: false, prettyErrors: false });
  } catch (e) {
    throw statusErrors.badRequest(`yaml: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!Array.isArray(docs)) throw statusErrors.badRequest('yaml: unexpected document stream');
  const [doc] = docs;
  if (doc === undefined) return null;
  if (doc.errors.length > 0) throw statusErrors.badRequest(`yaml: ${doc.errors[0]?.message ?? 'invalid document'}`);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw statusErrors.badRequest(`yaml: ${e instanceof Error ? e.message : String(e)}`);
  }
  const asJson = JSON.stringify(value ?? null);
  if (jsonDepth(asJson, maxJsonDepth) > maxJsonDepth) throw statusErrors.badRequest('yaml: exceeded max depth');
  return JSON.parse(asJson);
}
