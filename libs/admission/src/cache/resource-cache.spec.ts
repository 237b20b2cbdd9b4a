import { InProcessBus, WatchEventMessage, watchSubject, type ListResponse, type StorageServicePort } from '@portico/proto';
import { describe, expect, it } from 'vitest';
import { WatchedSource } from './resource-cache';

function storageWith(state: { items: object[]; rv: number; lists: number }): StorageServicePort {
  const list = async (): Promise<ListResponse> => {
    state.lists++;
    return { items: state.items.map((o) => Buffer.from(JSON.stringify(o))), resourceVersion: String(state.rv), continue: '', status: undefined };
  };
  const unused = () => {
    throw new Error('unused');
  };
  return { list, get: unused, create: unused, update: unused, delete: unused, currentRevision: unused, watchReplay: unused };
}

const cfg = (name: string) => ({ metadata: { name } });
const names = (xs: readonly { metadata?: { name?: string } }[]) => xs.map((x) => x.metadata?.name);

describe('WatchedSource', () => {
  const publish = (bus: InProcessBus, type: string, rv: number, prev: number, o: object, epoch = 'e1') =>
    bus.publish(
      watchSubject('admissionregistration.k8s.io', 'validatingwebhookconfigurations'),
      WatchEventMessage.encode({ type, resourceVersion: String(rv), prevResourceVersion: String(prev), publisherEpoch: epoch, object: Buffer.from(JSON.stringify(o)), prevObject: Buffer.alloc(0) }).finish(),
    );

  it('lists once, then follows events in order', async () => {
    const state = { items: [cfg('a')], rv: 5, lists: 0 };
    const bus = new InProcessBus();
    const src = new WatchedSource(storageWith(state), bus, 'admissionregistration.k8s.io', 'validatingwebhookconfigurations');
    expect(names(await src.list())).toEqual(['a']);
    publish(bus, 'ADDED', 6, 3, cfg('b'));
    publish(bus, 'DELETED', 7, 6, cfg('a'));
    expect(names(await src.list())).toEqual(['b']);
    expect(state.lists).toBe(1);
  });

  it('lists again after a gap or a new publisher epoch', async () => {
    const state = { items: [cfg('a')], rv: 5, lists: 0 };
    const bus = new InProcessBus();
    const src = new WatchedSource(storageWith(state), bus, 'admissionregistration.k8s.io', 'validatingwebhookconfigurations');
    await src.list();
    publish(bus, 'ADDED', 6, 5, cfg('b'));
    // rv 7 was lost: the event naming it as previous reveals the gap.
    state.items = [cfg('a'), cfg('b'), cfg('c'), cfg('d')];
    state.rv = 8;
    publish(bus, 'ADDED', 8, 7, cfg('d'));
    expect(names(await src.list())).toEqual(['a', 'b', 'c', 'd']);
    expect(state.lists).toBe(2);
    publish(bus, 'ADDED', 9, 8, cfg('e'));
    expect(names(await src.list())).toEqual(['a', 'b', 'c', 'd', 'e']);
    // Another storage replica took over publishing: what it sends cannot be chained to the old stream.
    state.items = [cfg('x')];
    state.rv = 10;
    publish(bus, 'ADDED', 10, 9, cfg('x'), 'e2');
    expect(names(await src.list())).toEqual(['x']);
    expect(state.lists).toBe(3);
  });
});
