// k8s parity: kube-controller-manager's service-account tokens controller
// (pkg/controller/serviceaccount/tokens_controller.go). A Secret of type
// kubernetes.io/service-account-token gets a legacy token of the service account it names, the
// cluster CA and its namespace, and the account's UID as an annotation. Portico has no controller
// manager, so the gateway does it: on each Secret event from the bus, and in a slower resync over
// the Secrets of that type. Filling is idempotent (a Secret that already holds a token is left
// alone), so every gateway replica may run it. When a ServiceAccount is deleted, its token Secrets
// go too.
import { isStatusError, type KubeObject } from '@portico/api';
import { WatchEventMessage, watchSubject, type AuthServicePort, type BusSubscription, type EventBusPort } from '@portico/proto';
import type { ApiResources } from '../discovery/api-resources';
import type { Logger } from '../logger';
import { parseObject, type GenericStore, type WriteOptions } from '../store/generic-store';

export const serviceAccountTokenType = 'kubernetes.io/service-account-token';
const nameAnnotation = 'kubernetes.io/service-account.name';
const uidAnnotation = 'kubernetes.io/service-account.uid';
const controllerUser = { username: 'system:serviceaccount:kube-system:tokens-controller', uid: '', groups: ['system:masters'], extra: {} };

function needsToken(obj: KubeObject): boolean {
  if (obj['type'] !== serviceAccountTokenType || obj.metadata?.deletionTimestamp !== undefined) return false;
  const data = (obj['data'] ?? {}) as Record<string, unknown>;
  return typeof data['token'] !== 'string' || data['token'] === '';
}

export class ServiceAccountTokenController {
  private subs: BusSubscription[] = [];
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly queue = new Set<string>();
  private draining = false;

  constructor(
    private readonly store: GenericStore,
    private readonly api: ApiResources,
    private readonly auth: AuthServicePort,
    private readonly bus: EventBusPort | undefined,
    private readonly caPem: string,
    private readonly logger: Logger,
    private readonly resyncMs = 30_000,
  ) {}

  start(): void {
    const accountsSub = this.bus?.subscribe(watchSubject('', 'serviceaccounts'), (m) => {
      try {
        const e = WatchEventMessage.decode(m.data);
        if (e.type !== 'DELETED') return;
        const sa = JSON.parse(Buffer.from(e.object).toString('utf8')) as KubeObject;
        void this.deleteTokensOf(sa).catch((err: unknown) => this.logger.warn({ err }, 'service-account token controller: could not delete token secrets'));
      } catch (err) {
        this.logger.warn({ err }, 'service-account token controller: undecodable event');
      }
    });
    if (accountsSub !== undefined) this.subs.push(accountsSub);
    const secretsSub = this.bus?.subscribe(watchSubject('', 'secrets'), (m) => {
      try {
        const e = WatchEventMessage.decode(m.data);
        if (e.type === 'DELETED') return;
        const obj = JSON.parse(Buffer.from(e.object).toString('utf8')) as KubeObject;
        if (needsToken(obj)) this.enqueue(obj.metadata?.namespace ?? '', obj.metadata?.name ?? '');
      } catch (err) {
        this.logger.warn({ err }, 'service-account token controller: undecodable event');
      }
    });
    if (secretsSub !== undefined) this.subs.push(secretsSub);
    const resync = async () => {
      if (this.stopped) return;
      try {
        await this.resync();
      } catch (err) {
        this.logger.warn({ err }, 'service-account token controller: resync failed');
      }
      if (!this.stopped) this.timer = setTimeout(() => void resync(), this.resyncMs);
    };
    this.timer = setTimeout(() => void resync(), 1_000);
  }

  stop(): void {
    this.stopped = true;
    for (const sub of this.subs) sub.unsubscribe();
    this.subs = [];
    if (this.timer !== undefined) clearTimeout(this.timer);
  }

  private options(): WriteOptions {
    return { dryRun: false, fieldManager: 'tokens-controller', user: controllerUser, ctx: { deadline: Date.now() + 30_000 }, warnings: [] };
  }

  private enqueue(namespace: string, name: string): void {
    this.queue.add(`${namespace}/${name}`);
    if (this.draining) return;
    this.draining = true;
    void (async () => {
      while (this.queue.size > 0 && !this.stopped) {
        const key = this.queue.values().next().value as string;
        this.queue.delete(key);
        const [namespace, name] = key.split('/') as [string, string];
        try {
          await this.sync(namespace, name);
        } catch (err) {
          this.logger.warn({ err, namespace, name }, 'service-account token controller: could not fill the secret');
        }
      }
      this.draining = false;
    })();
  }

  /** The token Secrets naming a deleted ServiceAccount (by name, and by UID when they carry one). */
  async deleteTokensOf(sa: KubeObject): Promise<void> {
    const secrets = this.api.lookup('', 'v1', 'secrets');
    const namespace = sa.metadata?.namespace ?? '';
    if (secrets === undefined || namespace === '') return;
    const list = await this.store.list(
      secrets,
      namespace,
      { resourceVersion: '', resourceVersionMatch: '', limit: 0, continue: '', labelSelector: '', fieldSelector: `type=${serviceAccountTokenType}` },
      { deadline: Date.now() + 10_000 },
    );
    for (const raw of list.items) {
      const secret = parseObject(raw);
      const annotations = (secret.metadata?.annotations ?? {}) as Record<string, string>;
      if (annotations[nameAnnotation] !== sa.metadata?.name) continue;
      const uid = annotations[uidAnnotation];
      if (uid !== undefined && uid !== '' && uid !== sa.metadata?.uid) continue;
      try {
        await this.store.delete(secrets, namespace, secret.metadata?.name ?? '', {}, this.options());
        this.logger.info({ namespace, name: secret.metadata?.name, serviceAccount: sa.metadata?.name }, 'deleted the token secret of a deleted service account');
      } catch (e) {
        if (!(isStatusError(e) && e.code === 404)) throw e;
      }
    }
  }

  async resync(): Promise<void> {
    const secrets = this.api.lookup('', 'v1', 'secrets');
    if (secrets === undefined) return;
    const list = await this.store.list(
      secrets,
      '',
      { resourceVersion: '', resourceVersionMatch: '', limit: 0, continue: '', labelSelector: '', fieldSelector: `type=${serviceAccountTokenType}` },
      { deadline: Date.now() + 10_000 },
    );
    for (const raw of list.items) {
      const obj = parseObject(raw);
      if (needsToken(obj)) this.enqueue(obj.metadata?.namespace ?? '', obj.metadata?.name ?? '');
    }
  }

  /** Fills one Secret, if it still needs it and its service account exists. */
  async sync(namespace: string, name: string): Promise<void> {
    const secrets = this.api.lookup('', 'v1', 'secrets');
    const accounts = this.api.lookup('', 'v1', 'serviceaccounts');
    if (secrets === undefined || accounts === undefined) return;
    const ctx = { deadline: Date.now() + 30_000 };
    let current: KubeObject;
    try {
      current = parseObject(await this.store.get(secrets, namespace, name, '', ctx));
    } catch (e) {
      if (isStatusError(e) && e.code === 404) return;
      throw e;
    }
    if (!needsToken(current)) return;
    const annotations = (current.metadata?.annotations ?? {}) as Record<string, string>;
    const saName = annotations[nameAnnotation] ?? '';
    let sa: KubeObject;
    try {
      sa = parseObject(await this.store.get(accounts, namespace, saName, '', ctx));
    } catch (e) {
      // Not there (yet): a later event or resync fills the Secret once it is.
      if (isStatusError(e) && e.code === 404) return;
      throw e;
    }
    const saUid = sa.metadata?.uid ?? '';
    const wantedUid = annotations[uidAnnotation];
    if (wantedUid !== undefined && wantedUid !== '' && wantedUid !== saUid) return;
    const issued = await this.auth.issueServiceAccountToken(
      { namespace, serviceAccountName: saName, serviceAccountUid: saUid, audiences: [], expirationSeconds: '0', boundObject: undefined, legacySecretName: name },
      ctx,
    );
    if (issued.status !== undefined && issued.status.code !== 0) throw new Error(issued.status.message);
    const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
    try {
        await this.store.guaranteedUpdate(
        secrets,
        namespace,
        name,
        this.options(),
        async (cur) => {
          if (cur === undefined || !needsToken(cur)) return cur ?? current;
          const next = structuredClone(cur);
          const meta = (next.metadata ??= {});
          meta.annotations = { ...(meta.annotations ?? {}), [uidAnnotation]: saUid };
          next['data'] = { ...((next['data'] ?? {}) as Record<string, string>), token: b64(issued.token), 'ca.crt': b64(this.caPem), namespace: b64(namespace) };
          return next;
        },
        false,
      );
    } catch (e) {
      if (isStatusError(e) && e.code === 404) return;
      throw e;
    }
    this.logger.info({ namespace, name, serviceAccount: saName }, 'filled service-account token secret');
  }
}
