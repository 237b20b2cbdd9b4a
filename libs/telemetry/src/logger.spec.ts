import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString('utf8').split('\n')) {
        if (!l) continue;
        raw.push(l);
        lines.push(JSON.parse(l) as Record<string, unknown>);
      }
      cb();
    },
  });
  return { lines, raw, destination };
}

const PEM = [
  '-----BEGIN EC PRIVATE KEY-----',
  'MHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBnVJk5oJUQV0m3UJ0JoAoGCCqGSM49',
  'AwEHoUQDQgAE0e5zvgbVqo2vG6sGBQ5lXEvRWm1ZHcZ1iHtYUjtKk8x3hHjnvw1V',
  '-----END EC PRIVATE KEY-----',
].join('\n');
const JWT = 'eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJpc3MiOiJrdWJlcm5ldGVzIiwic3ViIjoic3lzdGVtIn0.c2lnbmF0dXJlLXBhcnQ';

describe('createLogger', () => {
  it('writes one JSON object per line with the service, level name, ISO time and message', () => {
    const c = capture();
    const log = createLogger({ service: 'gateway', level: 'info', destination: c.destination });
    log.info({ resource: 'configmaps' }, 'listed');
    log.debug('not written at info');
    expect(c.lines).toHaveLength(1);
    const l = c.lines[0]!;
    expect(l).toMatchObject({ service: 'gateway', level: 'info', msg: 'listed', resource: 'configmaps' });
    expect(typeof l['time']).toBe('string');
    expect(new Date(l['time'] as string).toISOString()).toBe(l['time']);
  });

  it('honours the level option', () => {
    const c = capture();
    const log = createLogger({ service: 's', level: 'debug', destination: c.destination });
    log.debug('shown');
    expect(c.lines[0]).toMatchObject({ level: 'debug', msg: 'shown' });
  });

  it('never writes Authorization headers, in any casing or nesting', () => {
    const c = capture();
    const log = createLogger({ service: 's', destination: c.destination, level: 'info' });
    log.info({ req: { headers: { authorization: 'Bearer abc.def', 'user-agent': 'kubectl/v1.33' } } }, 'r1');
    log.info({ headers: { Authorization: 'Basic dXNlcjpwYXNz' } }, 'r2');
    log.info({ call: { metadata: { request: { headers: { authorization: 'Bearer deep' } } } } }, 'r3');
    const all = c.raw.join('\n');
    expect(all).not.toContain('abc.def');
    expect(all).not.toContain('dXNlcjpwYXNz');
    expect(all).not.toContain('deep');
    expect(c.lines[0]).toMatchObject({ req: { headers: { authorization: '[REDACTED]', 'user-agent': 'kubectl/v1.33' } } });
  });

  it('never writes tokens: TokenReview spec.token, TokenRequest status.token, bearer tokens and JWTs in strings', () => {
    const c = capture();
    const log = createLogger({ service: 'auth', destination: c.destination, level: 'info' });
    log.info({ review: { kind: 'TokenReview', spec: { token: 'tok-1' } } }, 'review');
    log.info({ obj: { kind: 'TokenRequest', status: { token: JWT, expirationTimestamp: 'x' } } }, 'issued');
    log.info(`authenticating with Bearer tok-2 from 127.0.0.1`);
    log.info({ detail: `token ${JWT} rejected` }, 'jwt');
    log.info('printf %s and %o', 'Bearer tok-3', { token: 'tok-4' });
    const all = c.raw.join('\n');
    for (const secret of ['tok-1', 'tok-2', 'tok-3', 'tok-4', JWT, 'c2lnbmF0dXJl']) expect(all).not.toContain(secret);
    expect(c.lines[0]).toMatchObject({ review: { spec: { token: '[REDACTED]' } } });
    expect(c.lines[1]).toMatchObject({ obj: { status: { token: '[REDACTED]', expirationTimestamp: 'x' } } });
    expect(c.lines[2]!['msg']).toBe('authenticating with Bearer [REDACTED] from 127.0.0.1');
  });

  it("never writes a Secret's data or stringData, wherever the Secret sits, but keeps ConfigMap data", () => {
    const c = capture();
    const log = createLogger({ service: 'storage', destination: c.destination, level: 'info' });
    const secret = {
      kind: 'Secret',
      apiVersion: 'v1',
      metadata: { name: 's1', namespace: 'default' },
      data: { password: 'c3VwZXJzZWNyZXQ=' },
      stringData: { user: 'admin-plain' },
      type: 'Opaque',
    };
    log.info({ event: { type: 'ADDED', object: secret } }, 'event');
    log.info({ items: [secret] }, 'list');
    log.info({ object: { kind: 'ConfigMap', apiVersion: 'v1', data: { color: 'blue' } } }, 'cm');
    log.info({ body: JSON.stringify(secret) }, 'body');
    const all = c.raw.join('\n');
    expect(all).not.toContain('c3VwZXJzZWNyZXQ=');
    expect(all).not.toContain('admin-plain');
    expect(c.lines[0]).toMatchObject({
      event: { object: { metadata: { name: 's1' }, data: { password: '[REDACTED]' }, stringData: '[REDACTED]', type: 'Opaque' } },
    });
    expect(c.lines[2]).toMatchObject({ object: { data: { color: 'blue' } } });
    expect(secret.data.password).toBe('c3VwZXJzZWNyZXQ='); // the caller's object is not modified
  });

  it('never writes private keys, as fields or inside strings', () => {
    const c = capture();
    const log = createLogger({ service: 'auth', destination: c.destination, level: 'info' });
    log.info({ privateKey: PEM }, 'k1');
    log.info({ pki: { caKeyPem: 'x', keyPem: PEM } }, 'k2');
    log.info({ kubeconfig: { users: [{ user: { 'client-key-data': 'LS0tLS1CRUdJTg==' } }] } }, 'k3');
    log.error({ note: `loaded ${PEM} from disk` }, 'k4');
    const all = c.raw.join('\n');
    expect(all).not.toContain('MHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBnVJk5oJUQV0m3UJ0JoAoGCCqGSM49');
    expect(all).not.toContain('LS0tLS1CRUdJTg==');
    expect(c.lines[3]!['note']).toBe('loaded [REDACTED PRIVATE KEY] from disk');
  });

  it('censors child bindings too', () => {
    const c = capture();
    const log = createLogger({ service: 's', destination: c.destination, level: 'info' }).child({ token: 'child-tok', user: 'alice' });
    log.info('hello');
    expect(c.raw.join('\n')).not.toContain('child-tok');
    expect(c.lines[0]).toMatchObject({ user: 'alice', token: '[REDACTED]' });
  });

  it('logs byte buffers as their length only, since they may hold a serialized Secret', () => {
    const c = capture();
    const log = createLogger({ service: 's', destination: c.destination, level: 'info' });
    log.info({ value: Buffer.from('{"kind":"Secret","data":{"a":"Yg=="}}') }, 'put');
    expect(c.lines[0]!['value']).toBe('[37 bytes]');
  });

  it('still serializes errors with message and stack', () => {
    const c = capture();
    const log = createLogger({ service: 's', destination: c.destination, level: 'info' });
    log.error({ err: new Error('etcd unavailable') }, 'failed');
    expect(c.lines[0]).toMatchObject({ msg: 'failed', err: { type: 'Error', message: 'etcd unavailable' } });
    expect(String((c.lines[0]!['err'] as Record<string, unknown>)['stack'])).toContain('etcd unavailable');
  });
});
