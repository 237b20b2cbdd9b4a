// Test vectors produced by the real Go types (tools/schema-gen/fixtures-go): each .pb is what
// kube-apiserver's protobuf serializer writes, each .json what it would write as JSON after
// decoding that .pb.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../meta';
import { decodeProtobufMessage, decodeProtobufObject } from './decode';
import { encodeProtobufList, encodeProtobufMessage, encodeProtobufObject, encodeProtobufWatchEvent } from './encode';

interface ManifestEntry {
  name: string;
  apiVersion: string;
  kind: string;
  byteExact: boolean;
  note?: string;
}

const dir = join(__dirname, 'fixtures');
const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as ManifestEntry[];
const pb = (name: string) => new Uint8Array(readFileSync(join(dir, `${name}.pb`)));
const json = (name: string) => JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as JsonObject;
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('Go-generated fixtures', () => {
  it('covers the objects the codec must handle', () => {
    expect(manifest.map((m) => m.name)).toEqual(
      expect.arrayContaining([
        'namespace',
        'configmap',
        'secret',
        'deployment',
        'service',
        'job',
        'cronjob',
        'lease',
        'event',
        'rolebinding',
        'crd',
        'selfsubjectaccessreview',
        'tokenrequest',
      ]),
    );
  });

  describe.each(manifest)('$name ($apiVersion $kind)', (m) => {
    it('decodes to the JSON Go writes', () => {
      const decoded = decodeProtobufObject(pb(m.name));
      expect(decoded.apiVersion).toBe(m.apiVersion);
      expect(decoded.kind).toBe(m.kind);
      expect(decoded.object).toEqual(json(m.name));
    });

    it('decodes with the keys in Go order', () => {
      // Not needed for correctness, but it keeps responses diffable against kube-apiserver's.
      expect(JSON.stringify(decodeProtobufObject(pb(m.name)).object)).toBe(JSON.stringify(json(m.name)));
    });

    it('encodes the JSON to the bytes Go writes', () => {
      const bytes = encodeProtobufObject(json(m.name));
      if (m.byteExact) expect(hex(bytes)).toBe(hex(pb(m.name)));
      expect(decodeProtobufObject(bytes).object).toEqual(json(m.name));
    });

    it('round-trips protobuf → JSON → protobuf', () => {
      const decoded = decodeProtobufObject(pb(m.name), { apiVersion: m.apiVersion, kind: m.kind });
      expect(hex(encodeProtobufObject(decoded.object))).toBe(hex(pb(m.name)));
    });
  });

  it('encodes a list from JSON items or from pre-encoded items', () => {
    const list = json('configmaplist');
    const items = list['items'] as JsonObject[];
    const metadata = list['metadata'] as JsonObject;
    const fromJson = encodeProtobufList({ apiVersion: 'v1', kind: 'ConfigMapList', metadata, items });
    expect(hex(fromJson)).toBe(hex(pb('configmaplist')));
    const raw = items.map((i) => encodeProtobufMessage(i, 'v1', 'ConfigMap'));
    const fromRaw = encodeProtobufList({ apiVersion: 'v1', kind: 'ConfigMapList', metadata, items: raw });
    expect(hex(fromRaw)).toBe(hex(pb('configmaplist')));
    expect(decodeProtobufMessage(raw[0] as Uint8Array, 'v1', 'ConfigMap')).toEqual(items[0]);
  });

  it('frames a watch event like the watch handler', () => {
    const frame = encodeProtobufWatchEvent('ADDED', encodeProtobufObject(json('configmap')));
    expect(hex(frame)).toBe(hex(new Uint8Array(readFileSync(join(dir, 'watch-event-configmap.bin')))));
  });

  it('matches the envelope captured from kubectl create namespace', () => {
    // kubernetes-api-wire.md §1: 6b3873000a0f0a02763112094e616d657370616365121c0a140a0464656d6f…1a002200
    const h = hex(encodeProtobufObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'demo' } }));
    expect(h.startsWith('6b3873000a0f0a02763112094e616d657370616365121c0a140a0464656d6f')).toBe(true);
    expect(h.endsWith('1a002200')).toBe(true);
  });
});
