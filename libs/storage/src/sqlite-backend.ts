// The embedded store: a kine-style revision log in one SQLite table (k3s-io/kine pkg/drivers/generic).
// Every write appends a row whose id is the new revision; a row records the key's previous row
// (prev_revision), so a key's history is a chain and UNIQUE(name, prev_revision) makes two writers
// that raced on the same predecessor collide instead of both succeeding. The state at revision R is,
// per key, the newest row with id <= R unless that row is a deletion. Compaction drops rows that a
// newer row at or below the compaction revision supersedes, and deletion rows up to it; a marker row
// (name "compact_rev_key", its prev_revision = the compacted revision) lets reads below it fail with
// the same 410 etcd gives.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import {
  CompactedError,
  type DeleteResult,
  FutureRevisionError,
  type GetResult,
  type KVBackend,
  type KVEvent,
  type KVWatch,
  type KVWatchHandler,
  type KVWatchRequest,
  type KeyValue,
  type RangeRequest,
  type RangeResult,
  type ReadOptions,
  type WriteResult,
} from './kv';
import { startCompactionLoop } from './compaction';

const compactRevKey = 'compact_rev_key';

interface Row {
  id: number;
  name: string;
  created: number;
  deleted: number;
  create_revision: number;
  prev_revision: number;
  value: Buffer | null;
  old_value: Buffer | null;
}

const schema = `
CREATE TABLE IF NOT EXISTS kine (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  created INTEGER NOT NULL,
  deleted INTEGER NOT NULL,
  create_revision INTEGER NOT NULL,
  prev_revision INTEGER NOT NULL,
  value BLOB,
  old_value BLOB
);
CREATE INDEX IF NOT EXISTS kine_name_index ON kine (name);
CREATE INDEX IF NOT EXISTS kine_name_id_index ON kine (name, id);
CREATE INDEX IF NOT EXISTS kine_id_deleted_index ON kine (id, deleted);
CREATE INDEX IF NOT EXISTS kine_prev_revision_index ON kine (prev_revision);
CREATE UNIQUE INDEX IF NOT EXISTS kine_name_prev_revision_uindex ON kine (name, prev_revision);
`;

const empty = Buffer.alloc(0);

function liveKv(r: Row): KeyValue {
  return { key: r.name, value: r.value ?? empty, createRevision: r.create_revision, modRevision: r.id };
}

export interface SqliteBackendOptions {
  /** A file path (created if missing) or ":memory:". */
  path: string;
  /** Run the compaction loop every this many ms; 0 or absent = never. */
  compactionIntervalMs?: number;
  /** Receives failures of background work (compaction). */
  onError?: (e: unknown) => void;
  /** Told each revision this backend compacted to (by its loop or on request). */
  onCompacted?: (revision: number) => void;
}

export class SqliteBackend implements KVBackend {
  private readonly db: Database.Database;
  private readonly stopCompaction: () => void;
  private readonly onError: (e: unknown) => void;
  private readonly onCompacted: (revision: number) => void;
  private readonly watchers = new Set<SqliteWatcher>();
  private pumping = false;
  private pumpAgain = false;
  private closed = false;

  private readonly stmts: {
    current: Database.Statement<[], { seq: number }>;
    compactRev: Database.Statement<[string], { prev_revision: number }>;
    latest: Database.Statement<[string], Row>;
    latestAt: Database.Statement<[string, number], Row>;
    insert: Database.Statement<[string, number, number, number, number, Buffer | null, Buffer | null]>;
    setCreateRevision: Database.Statement<[number, number]>;
    range: Database.Statement<[string, string, number, number], Row>;
    count: Database.Statement<[string, string, number], { n: number }>;
    history: Database.Statement<[number, number, string, string], Row>;
    compactSuperseded: Database.Statement<[number]>;
    compactDeleted: Database.Statement<[number]>;
    setCompactRev: Database.Statement<[number, string]>;
  };

  constructor(opts: SqliteBackendOptions) {
    if (opts.path !== ':memory:' && opts.path !== '') mkdirSync(dirname(resolve(opts.path)), { recursive: true });
    this.db = new Database(opts.path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 30000');
    this.db.exec(schema);
    this.onError = opts.onError ?? (() => undefined);
    this.onCompacted = opts.onCompacted ?? (() => undefined);
    // The marker takes revision 1, so the first object write is revision 2, as in a fresh etcd.
    const marker = this.db.prepare('SELECT id FROM kine WHERE name = ?').get(compactRevKey);
    if (marker === undefined) {
      this.db
        .prepare('INSERT INTO kine(name, created, deleted, create_revision, prev_revision, value, old_value) VALUES (?, 0, 0, 0, 0, NULL, NULL)')
        .run(compactRevKey);
    }
    const latestSql = 'SELECT id, name, created, deleted, create_revision, prev_revision, value, old_value FROM kine WHERE name = ?';
    const cols = 'kv.id, kv.name, kv.created, kv.deleted, kv.create_revision, kv.prev_revision, kv.value, kv.old_value';
    // Newest row per key at or below a revision, among keys in [start, end).
    const newestPerKey = 'SELECT MAX(m.id) AS id FROM kine AS m WHERE m.name >= ? AND m.name < ? AND m.id <= ? GROUP BY m.name';
    this.stmts = {
      current: this.db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'kine'"),
      compactRev: this.db.prepare('SELECT prev_revision FROM kine WHERE name = ?'),
      latest: this.db.prepare(`${latestSql} ORDER BY id DESC LIMIT 1`),
      latestAt: this.db.prepare(`${latestSql} AND id <= ? ORDER BY id DESC LIMIT 1`),
      insert: this.db.prepare(
        'INSERT INTO kine(name, created, deleted, create_revision, prev_revision, value, old_value) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      setCreateRevision: this.db.prepare('UPDATE kine SET create_revision = ? WHERE id = ?'),
      range: this.db.prepare(
        `SELECT ${cols} FROM kine AS kv JOIN (${newestPerKey}) AS mx ON mx.id = kv.id WHERE kv.deleted = 0 ORDER BY kv.name LIMIT ?`,
      ),
      count: this.db.prepare(`SELECT COUNT(*) AS n FROM kine AS kv JOIN (${newestPerKey}) AS mx ON mx.id = kv.id WHERE kv.deleted = 0`),
      history: this.db.prepare(
        `SELECT ${cols} FROM kine AS kv WHERE kv.id > ? AND kv.id <= ? AND kv.name >= ? AND kv.name < ? ORDER BY kv.id`,
      ),
      compactSuperseded: this.db.prepare(
        `DELETE FROM kine WHERE id IN (SELECT s.prev_revision FROM kine AS s WHERE s.name != '${compactRevKey}' AND s.prev_revision != 0 AND s.id <= ?)`,
      ),
      compactDeleted: this.db.prepare('DELETE FROM kine WHERE deleted != 0 AND id <= ?'),
      setCompactRev: this.db.prepare('UPDATE kine SET prev_revision = ? WHERE name = ?'),
    };
    this.stopCompaction = startCompactionLoop(
      opts.compactionIntervalMs ?? 0,
      0,
      async (prev) => {
        if (prev > 0) await this.compact(prev);
        return this.revisionNow();
      },
      opts.onError,
    );
  }

  private revisionNow(): number {
    return this.stmts.current.get()?.seq ?? 0;
  }

  private compactRevisionNow(): number {
    return this.stmts.compactRev.get(compactRevKey)?.prev_revision ?? 0;
  }

  /** Fails a read at `revision` the way etcd does: below the compacted revision, or beyond the current one. */
  private checkReadable(revision: number, current: number): void {
    if (revision > current) throw new FutureRevisionError(revision, current);
    const compacted = this.compactRevisionNow();
    if (revision < compacted) throw new CompactedError(revision, compacted);
  }

  private ensureOpen(): void {
    if (this.closed) throw new Error('sqlite backend is closed');
  }

  get(key: string, opts: ReadOptions = {}): Promise<GetResult> {
    return this.sync(() =>
      this.db.transaction((): GetResult => {
        const current = this.revisionNow();
        const rev = opts.revision ?? 0;
        let row: Row | undefined;
        if (rev > 0) {
          this.checkReadable(rev, current);
          row = this.stmts.latestAt.get(key, rev);
        } else {
          row = this.stmts.latest.get(key);
        }
        return row === undefined || row.deleted !== 0 ? { revision: rev > 0 ? rev : current } : { kv: liveKv(row), revision: rev > 0 ? rev : current };
      })(),
    );
  }

  range(req: RangeRequest): Promise<RangeResult> {
    return this.sync(() =>
      this.db.transaction((): RangeResult => {
        const current = this.revisionNow();
        const rev = req.revision !== undefined && req.revision > 0 ? req.revision : current;
        if (rev !== current) this.checkReadable(rev, current);
        const limit = req.limit !== undefined && req.limit > 0 ? req.limit : 0;
        const rows = this.stmts.range.all(req.start, req.end, rev, limit > 0 ? limit + 1 : -1);
        const more = limit > 0 && rows.length > limit;
        const kvs = (more ? rows.slice(0, limit) : rows).map(liveKv);
        const res: RangeResult = { kvs, more, revision: rev };
        if (req.count) res.count = more ? (this.stmts.count.get(req.start, req.end, rev)?.n ?? 0) : kvs.length;
        return res;
      })(),
    );
  }

  create(key: string, value: Buffer): Promise<WriteResult> {
    return this.sync(() =>
      this.db.transaction((): WriteResult => {
        const cur = this.stmts.latest.get(key);
        if (cur !== undefined && cur.deleted === 0) return { succeeded: false, revision: this.revisionNow(), kv: liveKv(cur) };
        const id = Number(this.stmts.insert.run(key, 1, 0, 0, cur?.id ?? 0, value, null).lastInsertRowid);
        this.stmts.setCreateRevision.run(id, id);
        return { succeeded: true, revision: id, kv: { key, value, createRevision: id, modRevision: id } };
      }).immediate(),
      true,
    );
  }

  update(key: string, value: Buffer, expectedModRevision?: number): Promise<WriteResult> {
    return this.sync(() =>
      this.db.transaction((): WriteResult => {
        const cur = this.stmts.latest.get(key);
        if (cur === undefined || cur.deleted !== 0) return { succeeded: false, revision: this.revisionNow() };
        const kv = liveKv(cur);
        if (expectedModRevision !== undefined && cur.id !== expectedModRevision) return { succeeded: false, revision: this.revisionNow(), kv };
        if (kv.value.equals(value)) return { succeeded: true, revision: this.revisionNow(), kv };
        const id = Number(this.stmts.insert.run(key, 0, 0, cur.create_revision, cur.id, value, cur.value).lastInsertRowid);
        return { succeeded: true, revision: id, kv: { key, value, createRevision: cur.create_revision, modRevision: id } };
      }).immediate(),
      true,
    );
  }

  delete(key: string, expectedModRevision?: number): Promise<DeleteResult> {
    return this.sync(() =>
      this.db.transaction((): DeleteResult => {
        const cur = this.stmts.latest.get(key);
        if (cur === undefined || cur.deleted !== 0) return { succeeded: false, revision: this.revisionNow() };
        const kv = liveKv(cur);
        if (expectedModRevision !== undefined && cur.id !== expectedModRevision) return { succeeded: false, revision: this.revisionNow(), kv };
        // Like kine, the deletion row keeps the last value so history can replay it.
        const id = Number(this.stmts.insert.run(key, 0, 1, cur.create_revision, cur.id, cur.value, cur.value).lastInsertRowid);
        return { succeeded: true, revision: id, prevKv: kv };
      }).immediate(),
      true,
    );
  }

  currentRevision(): Promise<number> {
    return this.sync(() => this.revisionNow());
  }

  compactedRevision(): Promise<number> {
    return this.sync(() => this.compactRevisionNow());
  }

  compact(revision: number): Promise<void> {
    return this.sync(() =>
      this.db
        .transaction(() => {
          const current = this.revisionNow();
          if (revision > current) throw new FutureRevisionError(revision, current);
          if (revision <= this.compactRevisionNow()) return;
          this.stmts.compactSuperseded.run(revision);
          this.stmts.compactDeleted.run(revision);
          this.stmts.setCompactRev.run(revision, compactRevKey);
        })
        .immediate(),
    ).then(() => this.onCompacted(revision));
  }

  /**
   * The in-process watch: this process is the only writer, so every committed write pokes the
   * watchers, which read the revision log after their position (kine's poll loop, without the poll).
   * Delivery is synchronous, before the write's promise settles.
   */
  watch(req: KVWatchRequest, handler: KVWatchHandler): KVWatch {
    const w: SqliteWatcher = { req, handler, position: req.after, closed: false };
    const watch: KVWatch = {
      requestProgress: () => this.sync(() => this.revisionNow()),
      close: () => {
        w.closed = true;
        this.watchers.delete(w);
      },
    };
    queueMicrotask(() => {
      if (w.closed || this.closed) return;
      const compacted = this.compactRevisionNow();
      if (req.after < compacted) {
        watch.close();
        handler.onBroken(new CompactedError(req.after, compacted));
        return;
      }
      this.watchers.add(w);
      this.pump();
    });
    return watch;
  }

  /** Brings every watcher up to the current revision; re-entrant calls (a watcher that writes) fold into the running one. */
  private pump(): void {
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.pumpAgain = false;
        if (this.closed) return;
        const current = this.revisionNow();
        for (const w of [...this.watchers]) {
          if (w.closed || w.position >= current) continue;
          const events = this.stmts.history.all(w.position, current, w.req.start, w.req.end).map(rowEvent);
          w.position = current;
          try {
            w.handler.onChanges(events, current);
          } catch (e) {
            this.onError(e);
          }
        }
      } while (this.pumpAgain);
    } finally {
      this.pumping = false;
    }
  }

  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.stopCompaction();
      this.watchers.clear();
      this.db.close();
    }
    return Promise.resolve();
  }

  // better-sqlite3 is synchronous; callers still get promises so that backends are interchangeable.
  // After a write, watchers see it before the caller does.
  private sync<T>(fn: () => T, write = false): Promise<T> {
    try {
      this.ensureOpen();
      const out = fn();
      if (write) {
        try {
          this.pump();
        } catch (e) {
          // The write is committed whatever happened to a watcher.
          this.onError(e);
        }
      }
      return Promise.resolve(out);
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
  }
}

interface SqliteWatcher {
  req: KVWatchRequest;
  handler: KVWatchHandler;
  position: number;
  closed: boolean;
}

function rowEvent(r: Row): KVEvent {
  if (r.deleted !== 0) {
    return {
      type: 'delete',
      kv: { key: r.name, value: empty, createRevision: 0, modRevision: r.id },
      prevKv: { key: r.name, value: r.old_value ?? empty, createRevision: r.create_revision, modRevision: r.prev_revision },
    };
  }
  if (r.created !== 0) return { type: 'put', kv: liveKv(r) };
  return {
    type: 'put',
    kv: liveKv(r),
    prevKv: { key: r.name, value: r.old_value ?? empty, createRevision: r.create_revision, modRevision: r.prev_revision },
  };
}

export function createSqliteBackend(opts: SqliteBackendOptions): SqliteBackend {
  return new SqliteBackend(opts);
}
