// A loopback TCP proxy that a test can cut and restore: one process's link to a server (a
// gateway's to NATS) fails while everyone else's stays up, which no server restart can do.
import { createServer, connect, type Server, type Socket } from 'node:net';
import { freePort } from '@portico/testing';

export class TcpProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  private constructor(
    readonly port: number,
    private readonly targetPort: number,
  ) {}

  /** Listens on a free port and forwards every connection to 127.0.0.1:`targetPort`. */
  static async start(targetPort: number): Promise<TcpProxy> {
    const p = new TcpProxy(await freePort(), targetPort);
    await p.listen(p.port);
    return p;
  }

  private listen(port: number): Promise<void> {
    const server = createServer((down) => {
      const up = connect({ host: '127.0.0.1', port: this.targetPort });
      for (const s of [down, up]) {
        this.sockets.add(s);
        s.once('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      down.pipe(up);
      up.pipe(down);
      // Either side going away takes the other with it, as a broken link would.
      down.once('close', () => up.destroy());
      up.once('close', () => down.destroy());
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
  }

  /** Drops every connection and refuses new ones. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    if (server) await new Promise<void>((r) => server.close(() => r()));
  }

  /** Accepts connections again, on the same port. */
  async restore(): Promise<void> {
    if (this.server) return;
    await this.listen(this.port);
  }

  async close(): Promise<void> {
    await this.cut();
  }
}
