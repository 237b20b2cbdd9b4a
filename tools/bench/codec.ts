// The cost of protobuf vs JSON request bodies (issue 3 item 10): a realistic Deployment (two
// containers with ports, env, probes, resources and volume mounts, labels, annotations, a rolling
// update strategy) decoded as the gateway decodes each content type: `decodeProtobufObject` with the
// endpoint's expected kind for `application/vnd.kubernetes.protobuf`, `decodeJson` (depth check and
// JSON.parse) plus the same apiVersion/kind check for `application/json`. In process, no I/O;
// rounds alternate between the two so that neither gets a warmer machine.
//
// Part of `npm run bench` (--benches codec).
import { isDeepStrictEqual } from 'node:util';
// tools/ belongs to no tagged project; it measures the library the gateway decodes bodies with.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { decodeJson, decodeProtobufObject, encodeProtobufObject, type JsonObject } from '@portico/api';

export interface CodecFigure {
  what: string;
  bytes: number;
  opsPerSec: number;
  /** Microseconds per decode. */
  usPerOp: number;
}

export interface CodecReport {
  iterationsPerRound: number;
  rounds: number;
  json: CodecFigure;
  protobuf: CodecFigure;
  /** Protobuf decodes/s ÷ JSON decodes/s (> 1: protobuf is cheaper). */
  protobufVsJson: number;
}

export function realisticDeployment(): JsonObject {
  const container = (name: string, image: string, port: number): JsonObject => ({
    name,
    image,
    imagePullPolicy: 'IfNotPresent',
    args: ['--port', String(port), '--log-level', 'info'],
    ports: [
      { name: 'http', containerPort: port, protocol: 'TCP' },
      { name: 'metrics', containerPort: port + 1000, protocol: 'TCP' },
    ],
    env: [
      { name: 'APP_ENV', value: 'production' },
      { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
      { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
    ],
    resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } },
    livenessProbe: { httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP' }, initialDelaySeconds: 10, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 },
    readinessProbe: { httpGet: { path: '/readyz', port: 'http', scheme: 'HTTP' }, periodSeconds: 5, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 },
    volumeMounts: [
      { name: 'config', mountPath: '/etc/app', readOnly: true },
      { name: 'cache', mountPath: '/var/cache/app' },
    ],
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
    securityContext: { runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
  });
  const labels = { 'app.kubernetes.io/name': 'shop', 'app.kubernetes.io/instance': 'shop-prod', 'app.kubernetes.io/version': '2.4.1', tier: 'backend' };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'shop',
      namespace: 'default',
      labels,
      annotations: { 'deployment.kubernetes.io/revision': '7', 'meta.helm.sh/release-name': 'shop-prod', 'meta.helm.sh/release-namespace': 'default' },
    },
    spec: {
      replicas: 3,
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      selector: { matchLabels: { 'app.kubernetes.io/name': 'shop', 'app.kubernetes.io/instance': 'shop-prod' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
      template: {
        metadata: { labels, annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9080' } },
        spec: {
          serviceAccountName: 'shop',
          restartPolicy: 'Always',
          terminationGracePeriodSeconds: 30,
          dnsPolicy: 'ClusterFirst',
          schedulerName: 'default-scheduler',
          securityContext: { fsGroup: 2000 },
          containers: [container('shop', 'registry.example.com/shop:2.4.1', 8080), container('sidecar', 'registry.example.com/proxy:1.9.0', 9080)],
          volumes: [
            { name: 'config', configMap: { name: 'shop-config', defaultMode: 420 } },
            { name: 'cache', emptyDir: { sizeLimit: '1Gi' } },
          ],
          affinity: {
            podAntiAffinity: {
              preferredDuringSchedulingIgnoredDuringExecution: [
                { weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'shop' } } } },
              ],
            },
          },
          tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'shop', effect: 'NoSchedule' }],
        },
      },
    },
  };
}

const EXPECTED = { apiVersion: 'apps/v1', kind: 'Deployment' };

function decodeJsonBody(body: Buffer): JsonObject {
  const obj = decodeJson(body) as JsonObject;
  // The same check decodeProtobufObject makes against the endpoint's kind.
  if (obj['apiVersion'] !== EXPECTED.apiVersion || obj['kind'] !== EXPECTED.kind) throw new Error('kind mismatch');
  return obj;
}

function timeRound(fn: () => unknown, iterations: number): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) fn();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

export function benchCodec(opts: { iterations?: number; rounds?: number } = {}, say: (line: string) => void = () => undefined): CodecReport {
  const iterations = opts.iterations ?? 10_000;
  const rounds = opts.rounds ?? 5;
  const deployment = realisticDeployment();
  const json = Buffer.from(JSON.stringify(deployment));
  const protobuf = Buffer.from(encodeProtobufObject(deployment));
  // Both must read back the same pod template, or the comparison is of different work (the
  // protobuf side also renders Go's zero values: creationTimestamp null, status {}).
  const template = (o: JsonObject): unknown => ((o['spec'] as JsonObject)['template'] as JsonObject)['spec'];
  if (!isDeepStrictEqual(template(decodeProtobufObject(protobuf, EXPECTED).object), template(decodeJsonBody(json)))) {
    throw new Error('codec bench: protobuf and JSON decode to different specs');
  }
  const decodeProto = (): unknown => decodeProtobufObject(protobuf, EXPECTED);
  const decodeJ = (): unknown => decodeJsonBody(json);
  say(`bench: codec (Deployment: ${json.length} B JSON, ${protobuf.length} B protobuf; ${rounds} rounds × ${iterations} decodes each)…`);
  timeRound(decodeProto, Math.ceil(iterations / 4));
  timeRound(decodeJ, Math.ceil(iterations / 4));
  const jsonTimes: number[] = [];
  const protoTimes: number[] = [];
  for (let r = 0; r < rounds; r++) {
    jsonTimes.push(timeRound(decodeJ, iterations));
    protoTimes.push(timeRound(decodeProto, iterations));
  }
  // The median round: one GC pause or scheduler hiccup does not move it.
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
  const figure = (what: string, bytes: number, sec: number): CodecFigure => ({ what, bytes, opsPerSec: iterations / sec, usPerOp: (sec / iterations) * 1e6 });
  const j = figure('JSON (decodeJson + apiVersion/kind check)', json.length, median(jsonTimes));
  const p = figure('protobuf (decodeProtobufObject, expected kind)', protobuf.length, median(protoTimes));
  return { iterationsPerRound: iterations, rounds, json: j, protobuf: p, protobufVsJson: p.opsPerSec / j.opsPerSec };
}

export function codecMarkdown(r: CodecReport, fmt: (n: number | undefined, digits?: number) => string): string[] {
  return [
    `Request body decoding, in process (a realistic Deployment; median of ${r.rounds} alternating rounds of ${fmt(r.iterationsPerRound)} decodes):`,
    '',
    '| decode | body bytes | decodes/s | µs per decode |',
    '|---|---:|---:|---:|',
    ...[r.json, r.protobuf].map((f) => `| ${f.what} | ${fmt(f.bytes)} | ${fmt(f.opsPerSec)} | ${fmt(f.usPerOp, 1)} |`),
    '',
    `Protobuf decodes/s ÷ JSON decodes/s = ${fmt(r.protobufVsJson, 3)}.`,
  ];
}
