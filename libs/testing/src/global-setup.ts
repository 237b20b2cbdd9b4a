// vitest globalSetup for projects configured with `{ servers: true }` (vitest.shared.mjs): one etcd
// and one NATS server for the whole run, unless the environment already names them
// (PORTICO_TEST_ETCD, PORTICO_TEST_NATS), in which case those are used and left alone. Tests read the
// endpoints from process.env (set here before the workers start, so they inherit it) or through
// `inject('porticoEtcd')` / `inject('porticoNats')`.
import type { TestProject } from 'vitest/node';
import { type EtcdServer, type NatsServer, startEtcd, startNats } from './harness';
import './provided-context';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started: Array<EtcdServer | NatsServer> = [];
  const setEnv: string[] = [];
  try {
    let etcd = process.env.PORTICO_TEST_ETCD;
    if (etcd === undefined || etcd === '') {
      const s = await startEtcd();
      started.push(s);
      etcd = s.endpoint;
      process.env.PORTICO_TEST_ETCD = etcd;
      setEnv.push('PORTICO_TEST_ETCD');
    }
    let nats = process.env.PORTICO_TEST_NATS;
    if (nats === undefined || nats === '') {
      const s = await startNats();
      started.push(s);
      nats = s.url;
      process.env.PORTICO_TEST_NATS = nats;
      setEnv.push('PORTICO_TEST_NATS');
    }
    project.provide('porticoEtcd', etcd);
    project.provide('porticoNats', nats);
  } catch (e) {
    await Promise.allSettled(started.map((s) => s.stop()));
    throw e;
  }
  return async () => {
    await Promise.allSettled(started.map((s) => s.stop()));
    for (const k of setEnv) delete process.env[k];
  };
}
