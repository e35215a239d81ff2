// A TCP proxy that can stall as a hung ssh tunnel does: every socket stays open, no byte passes either way,
// no close is passed on. Healed, it lets new connections through again; the ones it stalled stay stalled.
import net from 'node:net';

export interface StallProxy {
  port: number;
  /** host:port, for a Temporal address. */
  address: string;
  /** The URL `url` with its host and port replaced by the proxy's. */
  through(url: string): string;
  stall(): void;
  /** New connections pass again; stalled ones stay as they are until close(). */
  heal(): void;
  /** When the last stall began, for figures. */
  stalledAt(): number | undefined;
  close(): Promise<void>;
}

interface Pair {
  stalled: boolean;
  sockets: net.Socket[];
}

export async function startStallProxy(targetHost: string, targetPort: number): Promise<StallProxy> {
  const pairs = new Set<Pair>();
  let stalled = false;
  let stalledSince: number | undefined;

  const freeze = (pair: Pair) => {
    pair.stalled = true;
    // Not read any more: what the peers send piles up in the kernel's buffers, as behind a hung tunnel.
    for (const s of pair.sockets) s.pause();
  };

  const server = net.createServer((downstream) => {
    const pair: Pair = { stalled: false, sockets: [downstream] };
    pairs.add(pair);
    downstream.on('error', () => undefined);
    if (stalled) {
      freeze(pair);
      return;
    }
    const upstream = net.connect({ host: targetHost, port: targetPort });
    upstream.on('error', () => undefined);
    pair.sockets.push(upstream);
    const forward = (from: net.Socket, to: net.Socket) => {
      from.on('data', (chunk: Buffer) => {
        if (!pair.stalled) to.write(chunk);
      });
      from.on('close', () => {
        if (!pair.stalled) to.destroy();
      });
    };
    forward(downstream, upstream);
    forward(upstream, downstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;

  return {
    port,
    address: `127.0.0.1:${port}`,
    through(url) {
      const u = new URL(url);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString();
    },
    stall() {
      stalled = true;
      stalledSince = Date.now();
      for (const pair of pairs) freeze(pair);
    },
    heal() {
      stalled = false;
    },
    stalledAt: () => stalledSince,
    async close() {
      for (const pair of pairs) for (const s of pair.sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
