import net from 'node:net';

/** A port on 127.0.0.1 that nothing listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not find a free port'));
      });
    });
  });
}

/**
 * `count` distinct ports on 127.0.0.1 that nothing listens on right now, all below `below`. The
 * Temporal server's membership (ringpop) ports must stay below the kernel's ephemeral range
 * (32768 and up), where an outgoing connection could take them between probe and bind.
 */
export async function freePortsBelow(count: number, below = 32768, from = 20000): Promise<number[]> {
  const found: number[] = [];
  let port = from + Math.floor(Math.random() * (below - from - 1000));
  for (let tries = 0; found.length < count && tries < 2000; tries += 1, port = port + 1 < below ? port + 1 : from) {
    if (await isFree(port)) found.push(port);
  }
  if (found.length < count) throw new Error(`fewer than ${count} free ports between ${from} and ${below}`);
  return found;
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
