// The watch verb (k8s parity: handlers/watch.go serveWatch and the cacher's Watch). The start is
// settled before the response begins: an unusable resourceVersion is an HTTP error (410 when its
// history is gone, as Portico's issue on watch asks); once the stream has started, errors arrive as
// ERROR events.
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  fieldErrors,
  parseFieldSelector,
  parseLabelSelector,
  parseResourceVersion,
  statusErrors,
  StatusError,
  type FieldError,
  type FieldSelector,
  type KubeObject,
} from '@portico/api';
import type { StorageServicePort } from '@portico/proto';
import type { ResourceDescriptor } from '@portico/registry';
import type { TableWatch } from '../handlers/table';
import { callService } from '../store/port-status';
import type { RequestContext } from '../request/context';
import { FeedEvent } from './feed-event';
import { collectReplay } from './resource-feed';
import { Watcher } from './watcher';
import type { WatchHub } from './watch-hub';

export interface WatchOptions {
  resourceVersion: string;
  resourceVersionMatch: string;
  sendInitialEvents: boolean | undefined;
  allowWatchBookmarks: boolean;
  timeoutSeconds: number | undefined;
  labelSelector: string;
  fieldSelector: string;
}

function parseBool(q: URLSearchParams, name: string): boolean | undefined {
  const v = q.get(name);
  if (v === null) return undefined;
  if (v === '' || v === 'true' || v === '1' || v === 'True' || v === 'TRUE' || v === 't' || v === 'T') return true;
  if (v === 'false' || v === '0' || v === 'False' || v === 'FALSE' || v === 'f' || v === 'F') return false;
  throw statusErrors.badRequest(`strconv.ParseBool: parsing ${JSON.stringify(v)}: invalid syntax`);
}

/** Decodes and validates watch parameters (metainternalversion validation.validateWatchOptions). */
export function parseWatchOptions(q: URLSearchParams): WatchOptions {
  const timeoutText = q.get('timeoutSeconds');
  let timeoutSeconds: number | undefined;
  if (timeoutText !== null && timeoutText !== '') {
    timeoutSeconds = Number(timeoutText);
    if (!Number.isInteger(timeoutSeconds)) throw statusErrors.badRequest(`strconv.ParseInt: parsing ${JSON.stringify(timeoutText)}: invalid syntax`);
  }
  const o: WatchOptions = {
    resourceVersion: q.get('resourceVersion') ?? '',
    resourceVersionMatch: q.get('resourceVersionMatch') ?? '',
    sendInitialEvents: parseBool(q, 'sendInitialEvents'),
    allowWatchBookmarks: parseBool(q, 'allowWatchBookmarks') ?? false,
    timeoutSeconds,
    labelSelector: q.get('labelSelector') ?? '',
    fieldSelector: q.get('fieldSelector') ?? '',
  };
  const errs: FieldError[] = [];
  const match = o.resourceVersionMatch;
  if (o.sendInitialEvents !== undefined && match !== 'NotOlderThan') {
    errs.push(fieldErrors.forbidden('resourceVersionMatch', 'sendInitialEvents requires setting resourceVersionMatch to NotOlderThan'));
  }
  if (match !== '') {
    if (o.sendInitialEvents === undefined) {
      errs.push(fieldErrors.forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided'));
    }
    if (match !== 'NotOlderThan') errs.push(fieldErrors.notSupported('resourceVersionMatch', match, ['NotOlderThan']));
    if ((q.get('continue') ?? '') !== '') errs.push(fieldErrors.forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden when continue is provided'));
  }
  if (errs.length > 0) throw statusErrors.invalid('meta.k8s.io', 'ListOptions', '', errs);
  // k8s parity: SetListOptionsDefaults with WatchList on: a watch from "" or "0" sends the initial state.
  if (o.sendInitialEvents === undefined && match === '' && (o.resourceVersion === '' || o.resourceVersion === '0')) {
    o.sendInitialEvents = true;
    o.resourceVersionMatch = 'NotOlderThan';
  }
  return o;
}

export interface ServeWatchDeps {
  hub: WatchHub;
  storage: StorageServicePort;
  /** Random extra on top of --min-request-timeout (1800 s), as kube-apiserver spreads reconnects. */
  minRequestTimeoutSeconds: number;
  bookmarkIntervalMs: number;
  maxQueuedFrames: number;
}

export async function serveWatch(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: RequestContext,
  desc: ResourceDescriptor,
  namespace: string,
  o: WatchOptions,
  requestedFieldSelector: FieldSelector | undefined,
  deps: ServeWatchDeps,
  table?: TableWatch,
  protobuf = false,
  convert?: (obj: KubeObject) => Promise<KubeObject>,
): Promise<void> {
  const labelSelector = o.labelSelector === '' ? undefined : parseLabelSelector(o.labelSelector);
  const fromRv = parseResourceVersion(o.resourceVersion);
  // k8s parity: handlers/get.go ListResource. The legacy /watch/…/<name> path watches that one
  // object, as a metadata.name field selector would; a selector naming another object is refused.
  let fieldSelector = requestedFieldSelector;
  const pathName = ctx.info.name;
  if (pathName !== '') {
    if (fieldSelector !== undefined && !fieldSelector.isEmpty()) {
      if (fieldSelector.requiresExactMatch('metadata.name') !== pathName) {
        throw statusErrors.badRequest("fieldSelector metadata.name doesn't match requested name");
      }
    } else {
      fieldSelector = parseFieldSelector(`metadata.name=${pathName}`);
    }
  }
  const initial = o.sendInitialEvents === true;
  const feed = deps.hub.feed(desc.storage.group, desc.storage.resource);
  const watcher = new Watcher(res, {
    desc,
    namespace,
    labelSelector: labelSelector?.isEmpty() ? undefined : labelSelector,
    fieldSelector: fieldSelector?.isEmpty() ? undefined : fieldSelector,
    allowBookmarks: o.allowWatchBookmarks,
    maxQueuedFrames: deps.maxQueuedFrames,
    table,
    protobuf: protobuf && table === undefined,
    ...(convert !== undefined ? { convert } : {}),
  });
  // Attach before replaying: whatever the feed receives meanwhile waits in the watcher.
  feed.attach(watcher);
  watcher.whenDone(() => feed.detach(watcher));
  const nameScope = fieldSelector?.requiresExactMatch('metadata.name');
  let replay;
  try {
    replay = await callService(
      'storage',
      collectReplay(
        deps.storage,
        desc.storage.group,
        desc.storage.resource,
        initial ? (o.resourceVersion === '' ? 0 : fromRv) : fromRv,
        initial,
        { namespace, ...(nameScope !== undefined && nameScope !== '' ? { name: nameScope } : {}) },
        { signal: ctx.signal },
      ),
    );
  } catch (e) {
    feed.detach(watcher);
    throw e;
  }
  if (replay.status !== undefined) {
    feed.detach(watcher);
    throw new StatusError(replay.status);
  }

  res.statusCode = 200;
  res.setHeader('Content-Type', protobuf && table === undefined ? 'application/vnd.kubernetes.protobuf;stream=watch' : 'application/json');
  res.flushHeaders();

  watcher.lastRv = initial ? 0 : fromRv;
  for (const e of replay.events) watcher.send(new FeedEvent(e.type, e.rv, 0, e.object, e.prevObject), initial && e.type === 'ADDED');
  const caughtUp = Math.max(replay.caughtUp, replay.initialStateEnd ?? 0, watcher.lastRv);
  watcher.lastRv = caughtUp;
  feed.anchor(caughtUp);
  if (initial) watcher.bookmark(replay.initialStateEnd ?? caughtUp, { 'k8s.io/initial-events-end': 'true' });

  // Events the feed saw while the replay ran (or just before) complete the picture; sending skips
  // everything at or below what the replay covered.
  const candidates = [...feed.recent, ...watcher.takePending()].filter((e) => e.rv > caughtUp).sort((a, b) => a.rv - b.rv);
  for (const e of candidates) watcher.send(e);

  const timeoutMs =
    o.timeoutSeconds !== undefined && o.timeoutSeconds > 0
      ? o.timeoutSeconds * 1000
      : deps.minRequestTimeoutSeconds * 1000 * (1 + Math.random());
  const timeout = setTimeout(() => {
    watcher.bookmark(feed.bookmarkRevision(watcher.lastRv));
    watcher.end();
  }, timeoutMs);
  const jitter = () => deps.bookmarkIntervalMs * (0.9 + Math.random() * 0.2);
  let bookmarkTimer: NodeJS.Timeout;
  const scheduleBookmark = () => {
    bookmarkTimer = setTimeout(() => {
      watcher.bookmark(feed.bookmarkRevision(watcher.lastRv));
      scheduleBookmark();
    }, jitter());
  };
  if (o.allowWatchBookmarks) scheduleBookmark();
  await new Promise<void>((resolve) => {
    watcher.whenDone(() => {
      clearTimeout(timeout);
      clearTimeout(bookmarkTimer);
      resolve();
    });
    req.once('close', () => watcher.end());
  });
}
