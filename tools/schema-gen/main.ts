// schema-gen: compiles the Kubernetes OpenAPI documents and protobuf IDL, at the version pinned in
// config.ts, into Portico's generated tables. A maintainer tool: nothing at install, test or run
// time calls it. Usage: npm run schema-gen [-- --cache-dir DIR] [--check]
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
// eslint-disable-next-line @nx/enforce-module-boundaries -- tools/ is no Nx project; the generator type-checks its output against the libs' table types
import type { SchemaNode } from '@portico/registry';
import { modules, outputs, protoPackages, servedGroupVersions, kubernetesVersion, type ModuleKey } from './config';
import { header, renderModule, writeOutput } from './emit';
import { goModDownload } from './go-modules';
import { compileOpenAPI, compileSchema, loadDocuments, schemaClosure } from './openapi';
import { buildProtobufTable } from './protobuf-table';

const repoRoot = resolve(__dirname, '../..');

function main(): void {
  const { values } = parseArgs({
    options: {
      'cache-dir': { type: 'string', default: join(process.env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'portico-schema-gen') },
      check: { type: 'boolean', default: false },
    },
  });
  const cacheDir = resolve(values['cache-dir'] as string);
  const check = values.check === true;

  console.log(`schema-gen: Kubernetes ${kubernetesVersion}, module cache ${cacheDir}`);
  const keys = Object.keys(modules) as ModuleKey[];
  const downloaded = goModDownload(
    cacheDir,
    keys.map((k) => modules[k]),
  );
  const dirOf = new Map<ModuleKey, string>(keys.map((k, i) => [k, (downloaded[i] as { dir: string }).dir]));
  const moduleDir = (k: ModuleKey) => dirOf.get(k) as string;
  const sourceLine = downloaded.map((d) => `${d.path}@${d.version} (${d.sum})`).join(', ');

  // OpenAPI: the served group-versions, the discovery roots, each served group, and /version.
  const specDir = join(moduleDir('kubernetes'), 'api/openapi-spec');
  const groups = [...new Set(servedGroupVersions.filter((gv) => gv.includes('/')).map((gv) => gv.split('/')[0] as string))].sort();
  const docPaths = [
    'api',
    'api/v1',
    'apis',
    ...groups.flatMap((g) => [`apis/${g}`, ...servedGroupVersions.filter((gv) => gv.startsWith(`${g}/`)).map((gv) => `apis/${gv}`)]),
    'version',
  ];
  const documents = loadDocuments(join(specDir, 'v3'), docPaths);
  const gvOfDoc = (p: string) => {
    if (p === 'api/v1') return 'v1';
    const m = /^apis\/([^/]+\/[^/]+)$/.exec(p);
    return m ? m[1] : undefined;
  };
  const compiled = compileOpenAPI(documents, gvOfDoc);

  // Each document's components must be exactly the closure of its paths' refs: the rebuilder relies on it.
  for (const [docPath, doc] of documents) {
    const declared = Object.keys(((doc['components'] as Record<string, unknown> | undefined)?.['schemas'] as object | undefined) ?? {});
    const roots = new Set<string>();
    JSON.stringify(doc['paths'], (k, v: unknown) => {
      if (k === '$ref' && typeof v === 'string') roots.add(v.replace('#/components/schemas/', ''));
      return v;
    });
    const closure = schemaClosure(compiled.schemas, roots);
    if (closure.size !== declared.length || declared.some((d) => !closure.has(d))) {
      throw new Error(`${docPath}: components.schemas is not the closure of its paths' refs`);
    }
  }

  // swagger.json (OpenAPI v2) must agree with v3 on every definition we keep: same properties and
  // the same Kubernetes extensions (v2 spells refs without allOf and has no defaults on refs).
  const swagger = JSON.parse(readFileSync(join(specDir, 'swagger.json'), 'utf8')) as { definitions: Record<string, unknown> };
  let checked = 0;
  for (const [name, node] of compiled.schemas) {
    const v2 = swagger.definitions[name];
    if (v2 === undefined) throw new Error(`swagger.json lacks ${name}`);
    const v2node = compileSchema(JSON.parse(JSON.stringify(v2).replaceAll('#/definitions/', '#/components/schemas/')), `swagger ${name}`);
    const a = extensionsOf(node);
    const b = extensionsOf(v2node);
    if (a !== b) throw new Error(`swagger.json and v3 disagree on ${name}:\n v3 ${a}\n v2 ${b}`);
    checked++;
  }

  // Protobuf.
  const protoSources = protoPackages.map((p) => ({ dir: join(moduleDir(p.module), p.dir) }));
  for (const s of protoSources) if (!existsSync(join(s.dir, 'generated.proto'))) throw new Error(`${s.dir}: no generated.proto`);
  const pb = buildProtobufTable(protoSources, compiled.schemas, servedGroupVersions);
  for (const w of pb.warnings) console.warn(`warning: ${w}`);

  const files: [string, string][] = [
    [
      outputs.openapiSchemas,
      renderModule(
        header(`OpenAPI v3 definitions of Kubernetes ${kubernetesVersion}, compacted (format: openapi-format.ts).`, sourceLine),
        ["import type { SchemaNode } from './openapi-format';"],
        [{ name: 'openapiSchemas', type: 'Readonly<Record<string, SchemaNode>>', entries: compiled.schemas }],
      ),
    ],
    [
      outputs.openapiDocuments,
      renderModule(
        header(`The /openapi/v3 documents of Kubernetes ${kubernetesVersion}: paths, operations and served resources.`, sourceLine),
        ["import type { OpenAPIDocumentEntry, OpenAPIParameter } from './openapi-format';"],
        [
          { name: 'openapiDocuments', type: 'Readonly<Record<string, OpenAPIDocumentEntry>>', entries: compiled.documents, split: 'paths' },
          { name: 'openapiParameters', type: 'Readonly<Record<string, OpenAPIParameter>>', entries: compiled.parameters },
          { name: 'openapiMediaSets', type: 'Readonly<Record<string, readonly string[]>>', entries: compiled.mediaSets },
        ],
        `export const openapiKubernetesVersion = ${JSON.stringify(kubernetesVersion)};\n`,
      ),
    ],
    [
      outputs.protobufMessages,
      renderModule(
        header(`Protobuf messages of the Kubernetes ${kubernetesVersion} API types (format: ../table.ts).`, sourceLine),
        ["import type { MessageRow } from '../table';"],
        [{ name: 'protobufMessages', type: 'Readonly<Record<string, MessageRow>>', entries: pb.messages }],
      ),
    ],
  ];

  let stale = 0;
  for (const [rel, text] of files) {
    const path = join(repoRoot, rel);
    if (check) {
      const current = existsSync(path) ? readFileSync(path, 'utf8') : '';
      if (current !== text) {
        console.error(`stale: ${rel}`);
        stale++;
      }
      continue;
    }
    const bytes = writeOutput(path, text);
    console.log(`wrote ${rel} (${(bytes / 1024).toFixed(0)} KiB)`);
  }
  console.log(
    `${compiled.schemas.size} definitions (${checked} checked against swagger.json), ${compiled.documents.size} documents, ` +
      `${compiled.parameters.size} parameters, ${pb.messages.size} protobuf messages (${pb.crossChecked} cross-checked against OpenAPI)`,
  );
  if (stale > 0) process.exit(1);
}

function extensionsOf(n: SchemaNode): string {
  const props = Object.entries(n.properties ?? {})
    .map(([k, p]) => `${k}:${p.patchMergeKey ?? ''}/${p.patchStrategy ?? ''}/${p.listType ?? ''}/${(p.listMapKeys ?? []).join('+')}/${p.mapType ?? ''}`)
    .sort();
  return JSON.stringify([n.gvk ?? [], n.mapType ?? '', n.required ?? [], props]);
}

main();
