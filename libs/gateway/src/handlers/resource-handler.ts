// The REST verbs of every resource, driven by its descriptor (k8s: the endpoint installer plus the
// handlers in pkg/endpoints/handlers). Nothing here knows a resource by name.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { stringify as yamlStringify } from 'yaml';
import {
  encodeProtobufObject,
  groupVersionString,
  isPlainObject,
  protobufMessageForKind,
  type JsonObject,
  parseFieldSelector,
  parseGroupVersion,
  StatusError,
  statusErrors,
  type KubeObject,
} from '@portico/api';
import {
  customResourceVerbs,
  ensureObjectNamespaceMatchesRequestNamespace,
  dropUnknownFields,
  goJsonSyntaxError,
  jsonKind,
  managerOrUserAgent,
  strictDecodingErrorText,
  type FieldValidation,
  type ResourceDescriptor,
} from '@portico/registry';
import type { AuthServicePort } from '@portico/proto';
import type { ApiResources } from '../discovery/api-resources';
import { callContext, contextOf, type RequestContext } from '../request/context';
import { writeRawJson, writeJson } from '../responses/writers';
import type { GenericStore, WriteOptions } from '../store/generic-store';
import { decodeBody, negotiateResponse, parseMediaType, protobufMediaType, type ResponseFormat } from './negotiation';
import { parseDeleteOptions, parseListOptions, parseWriteOptions } from './options';
import { parseWatchOptions, serveWatch, type ServeWatchDeps } from '../watch/serve-watch';
import { negotiateTable, tableResponse, TableWatch } from './table';
import { servePatch } from './patch';
import { serveReview } from './reviews';
import { versionsOf, type VersionConverter } from './request-versions';
import { serveScale } from './scale';
import { serveServiceAccountToken } from './service-account-token';

export interface ResourceHandlerDeps {
  api: ApiResources;
  store: GenericStore;
  /** Absent when the gateway has no event bus: watch is then not served. */
  watch: ServeWatchDeps | undefined;
  /** Issues service-account tokens (the token subresource). */
  auth?: AuthServicePort;
  /** Whether the CRD serving a custom resource is being deleted: creates are refused meanwhile. */
  isTerminating?: (desc: ResourceDescriptor) => boolean;
  /** Converts custom resources between versions through the CRD's conversion webhook. */
  convert?: VersionConverter;
  /**
   * Runs after a client's write (not a dry run) and before its response: the gateway brings its
   * own state in line with what was written (a CRD's resources served at once).
   */
  afterWrite?: (desc: ResourceDescriptor, written: KubeObject) => Promise<void>;
}

function send(res: ServerResponse, ctx: RequestContext, format: ResponseFormat, code: number, body: unknown): void {
  writeWarnings(res, ctx.warnings);
  if (format === 'protobuf' && isPlainObject(body)) {
    const encoded = tryEncodeProtobuf(body as JsonObject);
    if (encoded !== undefined) {
      res.statusCode = code;
      res.setHeader('Content-Type', protobufMediaType);
      res.setHeader('Content-Length', encoded.length);
      res.end(encoded);
      return;
    }
  }
  if (format === 'yaml') {
    res.statusCode = code;
    res.setHeader('Content-Type', 'application/yaml');
    res.end(yamlStringify(body));
    return;
  }
  writeJson(res, code, body, { pretty: ctx.pretty });
}

/** Objects whose kind has no protobuf form (or that do not fit it) are answered in JSON, which every client reads. */
function tryEncodeProtobuf(obj: JsonObject): Buffer | undefined {
  const apiVersion = typeof obj['apiVersion'] === 'string' ? obj['apiVersion'] : '';
  const kind = typeof obj['kind'] === 'string' ? obj['kind'] : '';
  if (protobufMessageForKind(apiVersion, kind) === undefined) return undefined;
  try {
    return Buffer.from(encodeProtobufObject(obj));
  } catch {
    return undefined;
  }
}

function sendRaw(res: ServerResponse, ctx: RequestContext, format: ResponseFormat, code: number, raw: Buffer | string): void {
  if (format !== 'json' || ctx.pretty) return send(res, ctx, format, code, JSON.parse(raw.toString()));
  writeWarnings(res, ctx.warnings);
  writeRawJson(res, code, raw);
}

/** One `Warning: 299 - "text"` header per warning, as kube-apiserver writes them. */
function writeWarnings(res: ServerResponse, warnings: string[]): void {
  if (warnings.length === 0 || res.headersSent) return;
  const unique = [...new Set(warnings)];
  res.setHeader(
    'Warning',
    unique.map((w) => `299 - "${w.replace(/[\\"]/g, (c) => `\\${c}`).replace(/[\r\n]/g, ' ')}"`),
  );
}

/** k8s parity: serializer summarizeData, appended to "unrecognized object" errors. */
function summarizeData(data: Buffer, maxLength = 30): string {
  if (data.length === 0) return '<empty>';
  if (data[0] === 0x7b) return data.length > maxLength ? `${data.subarray(0, maxLength).toString('utf8')} ...` : data.toString('utf8');
  return data.length > maxLength ? `${data.subarray(0, maxLength).toString('hex')} ...` : data.toString('hex');
}

/** The Go package of a group's internal types, as conversion errors name them ("core.ConfigMap", "apps.Deployment"). */
function internalPackage(group: string): string {
  if (group === '') return 'core';
  return group.split('.')[0] as string;
}

/**
 * The object in a create or update body, with its apiVersion/kind checked against the URL the way
 * kube-apiserver's decoder and create handler check them (same outcomes, same messages).
 */
function decodeObject(api: ApiResources, desc: ResourceDescriptor, ctx: RequestContext, req: IncomingMessage, fieldValidation: FieldValidation): KubeObject {
  const body = ctx.body ?? Buffer.alloc(0);
  const contentType = parseMediaType(req.headers['content-type'] ?? 'application/json').type;
  const unrecognized = (why: string) =>
    statusErrors.badRequest(`the object provided is unrecognized (must be of type ${desc.kind}): ${why} (${summarizeData(body)})`);
  if (contentType === 'application/json' || contentType === '') {
    const syntax = goJsonSyntaxError(body);
    if (syntax !== undefined) throw unrecognized(`couldn't get version/kind; json parse error: ${syntax}`);
  }
  const gv = groupVersionString(desc.group, desc.version);
  const value = decodeBody(body, req.headers['content-type'], { apiVersion: gv, kind: desc.kind });
  if (!isPlainObject(value)) {
    throw unrecognized(`couldn't get version/kind; json parse error: json: cannot unmarshal ${jsonKind(value)} into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }`);
  }
  const obj = value as KubeObject;
  const kind = typeof obj.kind === 'string' && obj.kind !== '' ? obj.kind : desc.kind;
  const apiVersion = typeof obj.apiVersion === 'string' && obj.apiVersion !== '' ? obj.apiVersion : gv;
  if (kind !== desc.kind || apiVersion !== gv) {
    const body = parseGroupVersion(apiVersion);
    const known = api.all().some((d) => d.group === body.group && d.version === body.version && d.kind === kind);
    if (!known) {
      throw statusErrors.badRequest(
        `${kind} in version "${apiVersion}" cannot be handled as a ${desc.kind}: no kind "${kind}" is registered for version "${apiVersion}" in scheme "pkg/api/legacyscheme/scheme.go:30"`,
      );
    }
    if (kind !== desc.kind) {
      throw statusErrors.badRequest(
        `${kind} in version "${apiVersion}" cannot be handled as a ${desc.kind}: converting (${body.version}.${kind}) to (${internalPackage(desc.group)}.${desc.kind}): unknown conversion`,
      );
    }
    throw statusErrors.badRequest(`the API version in the data (${apiVersion}) does not match the expected API version (${gv})`);
  }
  obj.apiVersion = gv;
  obj.kind = desc.kind;
  // Decoding into the typed object drops what its schema does not declare; fieldValidation decides
  // whether the client hears about it (Strict: 400, Warn: Warning headers, Ignore: silently).
  const unknown = dropUnknownFields(desc, obj as JsonObject);
  if (unknown.length > 0) {
    if (fieldValidation === 'Strict') {
      // The unstructured decoder of custom resources names the bare version.
      const shown = desc.customResource !== undefined ? desc.version : gv;
      throw statusErrors.badRequest(`${desc.kind} in version "${shown}" cannot be handled as a ${desc.kind}: ${strictDecodingErrorText(unknown)}`);
    }
    if (fieldValidation === 'Warn') ctx.warnings.push(...unknown.map((p) => `unknown field ${JSON.stringify(p)}`));
  }
  const decodeError = desc.strategy.decodeError?.(obj);
  if (decodeError !== undefined) {
    throw statusErrors.badRequest(`${desc.kind} in version "${gv}" cannot be handled as a ${desc.kind}: ${decodeError}`);
  }
  return desc.toStorage === undefined ? obj : desc.toStorage(obj);
}

/**
 * Converts the field selector's labels the way this version's scheme does (kube-apiserver's
 * ConvertFieldLabel) and returns it in the form storage matches against; unknown labels are a 400.
 */
function convertFieldSelector(desc: ResourceDescriptor, text: string): string {
  if (text === '') return '';
  return parseFieldSelector(text)
    .transform((field, value) => {
      const c = desc.convertFieldLabel(field, value);
      if ('error' in c) throw statusErrors.badRequest(c.error);
      return { field: c.label, value: c.value };
    })
    .toString();
}

/** customresource_handler.go: a CRD being deleted takes no new objects. */
function crdTerminating(): StatusError {
  return new StatusError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'create not allowed while custom resource definition is terminating',
    reason: 'MethodNotAllowed',
    code: 405,
  });
}

export function resourceHandler(deps: ResourceHandlerDeps) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const ctx = contextOf(req);
    const info = ctx.info;
    const desc = deps.api.lookup(info.apiGroup, info.apiVersion, info.resource);
    if (desc === undefined) throw statusErrors.notFoundPath();
    // A deprecated CRD version warns on every request, as kube-apiserver's CR handler does.
    const deprecation = desc.customResource?.deprecationWarning;
    if (deprecation !== undefined) ctx.warnings.push(deprecation);
    if (desc.createOnly === true) {
      // The reviews store nothing: their own handler computes the answer. What it turns down (a
      // subresource path, or no auth service to ask) is not found, never the generic store.
      if (deps.auth !== undefined && (await serveReview(req, res, deps.auth))) return;
      throw statusErrors.notFoundPath();
    }
    // The namespaces resource names its object in the namespace position of the URL.
    const namespace = desc.namespaced ? info.namespace : '';
    const clusterWideCollection = desc.namespaced && info.namespace === '' && info.name === '';
    if (desc.namespaced && info.namespace === '' && !(clusterWideCollection && (info.verb === 'list' || info.verb === 'watch'))) {
      throw statusErrors.notFoundPath();
    }
    if (!desc.namespaced && info.namespace !== '' && !(desc.group === '' && desc.resource === 'namespaces')) throw statusErrors.notFoundPath();
    const sub = info.subresource === '' ? undefined : desc.subresources.find((s) => s.name === info.subresource);
    // Subresources that are views of the stored object (status, finalize) are served here; others
    // (scale, token, …) arrive with their own handlers.
    if (info.subresource === 'scale' && sub !== undefined && sub.kind.kind === 'Scale') {
      if (!sub.verbs.includes(info.verb as never)) {
        throw statusErrors.methodNotSupported({ group: desc.group, resource: `${desc.resource}/scale` }, info.verb);
      }
      const call = callContext(ctx);
      return serveScale({
        req,
        verb: info.verb,
        body: ctx.body,
        desc,
        namespace,
        name: info.name,
        store: deps.store,
        writeOptions: () => {
          const w = parseWriteOptions(ctx.url.searchParams, 'UpdateOptions');
          return { dryRun: w.dryRun, fieldManager: managerOrUserAgent(w.fieldManager, req.headers['user-agent']), user: ctx.user, ctx: call, warnings: ctx.warnings };
        },
        respond: (code, body) => send(res, ctx, negotiateResponse(req.headers.accept, true), code, body),
      });
    }
    if (info.subresource === 'token' && sub?.kind.kind === 'TokenRequest' && deps.auth !== undefined) {
      if (info.verb !== 'create') throw statusErrors.methodNotSupported({ group: desc.group, resource: `${desc.resource}/token` }, info.verb);
      return serveServiceAccountToken({
        req,
        body: ctx.body,
        api: deps.api,
        namespace,
        name: info.name,
        store: deps.store,
        auth: deps.auth,
        ctx: callContext(ctx),
        dryRun: parseWriteOptions(ctx.url.searchParams, 'CreateOptions').dryRun,
        respond: (code, body) => send(res, ctx, negotiateResponse(req.headers.accept, true), code, body),
      });
    }
    if (info.subresource !== '' && sub?.strategy === undefined) throw statusErrors.notFoundPath();
    // Checked before the verbs: discovery hides create while a CRD terminates, but the answer is
    // kube-apiserver's 405 naming the reason.
    if (info.verb === 'create' && info.subresource === '' && deps.isTerminating?.(desc) === true) throw crdTerminating();
    // A terminating CRD lists fewer verbs in discovery but still serves updates (finalizers must
    // be removable), as kube-apiserver's CR handler does.
    const verbs: readonly string[] = sub?.verbs ?? (desc.customResource !== undefined ? customResourceVerbs : desc.verbs);
    if (!verbs.includes(info.verb)) {
      const what = sub === undefined ? desc.resource : `${desc.resource}/${sub.name}`;
      throw statusErrors.methodNotSupported({ group: desc.group, resource: what }, info.verb);
    }
    // Table first: a client asking only for Tables would otherwise get a 406 from the plain negotiation.
    const table = negotiateTable(req.headers.accept, desc, { watch: info.verb === 'watch' });
    const format =
      table?.format ?? negotiateResponse(req.headers.accept, protobufMessageForKind(groupVersionString(desc.group, desc.version), desc.kind) !== undefined);
    const q = ctx.url.searchParams;
    const call = callContext(ctx);
    const versions = versionsOf(desc, deps.convert, call);
    const writeOptions = (kind: 'CreateOptions' | 'UpdateOptions'): { o: WriteOptions; fieldValidation: FieldValidation } => {
      const w = parseWriteOptions(q, kind);
      const o: WriteOptions = {
        dryRun: w.dryRun,
        fieldManager: managerOrUserAgent(w.fieldManager, req.headers['user-agent']),
        user: ctx.user,
        ctx: call,
        warnings: ctx.warnings,
        subresource: info.subresource,
      };
      return { o, fieldValidation: w.fieldValidation };
    };

    switch (info.verb) {
      case 'get': {
        const raw = await deps.store.get(desc, namespace, info.name, q.get('resourceVersion') ?? '', call);
        const [out] = await versions.rawOut([raw]);
        if (table !== undefined) return send(res, ctx, format, 200, tableResponse(desc, table, out as Buffer, q, new Date(), info.subresource));
        return sendRaw(res, ctx, format, 200, out as Buffer);
      }
      case 'list': {
        const o = parseListOptions(q);
        o.fieldSelector = convertFieldSelector(desc, o.fieldSelector);
        const list = await deps.store.list(desc, namespace, o, call);
        const meta: Record<string, unknown> = { resourceVersion: list.resourceVersion };
        if (list.continue !== '') meta['continue'] = list.continue;
        if (list.remainingItemCount !== undefined) meta['remainingItemCount'] = list.remainingItemCount;
        const items = await versions.rawOut(list.items);
        if (table !== undefined) {
          return send(res, ctx, format, 200, tableResponse(desc, table, { metadata: meta, items }, q));
        }
        // Items arrive serialized from storage; the list is assembled around them without re-encoding.
        const head = `{"kind":${JSON.stringify(desc.listKind)},"apiVersion":${JSON.stringify(groupVersionString(desc.group, desc.version))},"metadata":${JSON.stringify(meta)},"items":[`;
        const body = Buffer.concat([Buffer.from(head), ...joinItems(items), Buffer.from(']}')]);
        return sendRaw(res, ctx, format, 200, body);
      }
      case 'watch': {
        if (deps.watch === undefined) throw statusErrors.methodNotSupported({ group: desc.group, resource: desc.resource }, 'watch');
        const o = parseWatchOptions(q);
        const fieldSelector = convertFieldSelector(desc, o.fieldSelector);
        return serveWatch(
          req,
          res,
          ctx,
          desc,
          namespace,
          o,
          fieldSelector === '' ? undefined : parseFieldSelector(fieldSelector),
          deps.watch,
          table === undefined ? undefined : new TableWatch(desc, table, q),
          format === 'protobuf',
          versions.viaWebhook ? (obj) => versions.out(obj) : undefined,
        );
      }
      case 'patch':
        return servePatch({
          req,
          ctx,
          desc,
          namespace,
          store: deps.store,
          versions,
          respond: async (code, body) => {
            if (!parseWriteOptions(q, 'UpdateOptions').dryRun) await deps.afterWrite?.(desc, body);
            send(res, ctx, format, code, body);
          },
        });
      case 'create': {
        if (info.name !== '') throw statusErrors.methodNotSupported({ group: desc.group, resource: desc.resource }, 'create');
        const { o, fieldValidation } = writeOptions('CreateOptions');
        const obj = await versions.toStorage(decodeObject(deps.api, desc, ctx, req, fieldValidation));
        ensureObjectNamespaceMatchesRequestNamespace(desc, obj, namespace);
        const created = await deps.store.create(desc, namespace, obj, o);
        if (!o.dryRun) await deps.afterWrite?.(desc, created);
        return send(res, ctx, format, 201, await versions.out(created));
      }
      case 'update': {
        const { o, fieldValidation } = writeOptions('UpdateOptions');
        const obj = await versions.toStorage(decodeObject(deps.api, desc, ctx, req, fieldValidation));
        ensureObjectNamespaceMatchesRequestNamespace(desc, obj, namespace);
        const objName = obj.metadata?.name ?? '';
        if (objName !== info.name) {
          throw statusErrors.badRequest(`the name of the object (${objName}) does not match the name on the URL (${info.name})`);
        }
        const r = await deps.store.update(desc, namespace, info.name, obj, o);
        if (!o.dryRun) await deps.afterWrite?.(desc, r.object);
        return send(res, ctx, format, r.created ? 201 : 200, await versions.out(r.object));
      }
      case 'delete': {
        const d = parseDeleteOptions(q, ctx.body, req.headers['content-type']);
        const r = await deps.store.delete(desc, namespace, info.name, d, {
          dryRun: (d.dryRun ?? []).length > 0,
          fieldManager: '',
          user: ctx.user,
          ctx: call,
          warnings: ctx.warnings,
        });
        if ((d.dryRun ?? []).length === 0 && r.body.kind !== 'Status') await deps.afterWrite?.(desc, r.body);
        return send(res, ctx, format, r.code, await versions.out(r.body));
      }
      case 'deletecollection': {
        const d = parseDeleteOptions(q, ctx.body, req.headers['content-type']);
        const o = parseListOptions(q);
        o.fieldSelector = convertFieldSelector(desc, o.fieldSelector);
        const deleted: unknown[] = [];
        let cont = '';
        let resourceVersion = '';
        do {
          const page = await deps.store.list(desc, namespace, { ...o, limit: 500, continue: cont }, call);
          resourceVersion ||= page.resourceVersion;
          for (const raw of page.items) {
            const item = JSON.parse(raw.toString('utf8')) as KubeObject;
            const itemNamespace = item.metadata?.namespace ?? '';
            try {
              const r = await deps.store.delete(desc, itemNamespace, item.metadata?.name ?? '', d, {
                dryRun: (d.dryRun ?? []).length > 0,
                fieldManager: '',
                user: ctx.user,
                ctx: call,
                warnings: ctx.warnings,
              });
              deleted.push(await versions.out(r.body['kind'] === 'Status' ? item : r.body));
            } catch (e) {
              // An item deleted concurrently is simply gone already.
              if (!(typeof e === 'object' && e !== null && 'code' in e && (e as { code: unknown }).code === 404)) throw e;
            }
          }
          cont = page.continue;
        } while (cont !== '');
        return send(res, ctx, format, 200, {
          kind: desc.listKind,
          apiVersion: groupVersionString(desc.group, desc.version),
          metadata: { resourceVersion },
          items: deleted,
        });
      }
      default:
        throw statusErrors.methodNotSupported({ group: desc.group, resource: desc.resource }, info.verb);
    }
  };
}

function joinItems(items: Buffer[]): Buffer[] {
  const out: Buffer[] = [];
  const comma = Buffer.from(',');
  items.forEach((b, i) => {
    if (i > 0) out.push(comma);
    out.push(b);
  });
  return out;
}
