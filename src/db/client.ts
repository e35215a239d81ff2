// The pg client every connection to the target is made with: libpq's sslmode=prefer, a connect that gives
// up once the pool has, and a goodbye that cannot hang on a link that passes nothing.
import { Client, type ClientConfig } from 'pg';
import { serverAcceptsSsl } from '../infra/libpq';

/** How long a closing connection may take to say goodbye before its socket is destroyed. */
export const END_BOUND_MS = 2_000;

export interface ClientHow {
  /** sslmode=prefer over TCP: ask the server first, as libpq does (pg fails outright on a server without SSL). */
  preferSsl: boolean;
  connectTimeoutMs: number;
}

type ConnectCallback = ((err: Error) => void) | ((err: null, c: Client) => void);

/** pg internals read here: the flag end() sets. */
function ending(client: Client): boolean {
  return (client as unknown as { _ending?: boolean })._ending === true;
}

export class TargetClient extends Client {
  constructor(
    config: ClientConfig,
    private readonly how: ClientHow,
  ) {
    super(config);
  }

  override connect(): Promise<Client>;
  override connect(callback: ConnectCallback): void;
  override connect(callback?: ConnectCallback): Promise<Client> | void {
    if (!this.how.preferSsl) {
      if (!callback) return super.connect();
      super.connect(callback);
      return;
    }
    const ask = serverAcceptsSsl(this.host, this.port, this.how.connectTimeoutMs).then((accepts) => {
      // The pool's connect timeout destroys the socket; connecting it now would open a connection no one waits for.
      if (this.connection.stream.destroyed || ending(this)) {
        throw new Error('connection attempt abandoned: timeout expired');
      }
      if (accepts === false) {
        // The Connection was made in the constructor with the TLS options; nothing is sent yet.
        (this as unknown as { connection: { ssl: unknown } }).connection.ssl = false;
        (this as unknown as { ssl: unknown }).ssl = false;
      }
    });
    if (!callback) return ask.then(() => super.connect());
    ask.then(
      () => {
        super.connect(callback);
      },
      (err: unknown) => {
        (callback as (err: Error) => void)(err instanceof Error ? err : new Error(String(err)));
      },
    );
  }

  /** pg waits for the server to close the socket; through a stalled link it never does. */
  override end(): Promise<void>;
  override end(callback: (err: Error) => void): void;
  override end(callback?: (err: Error) => void): Promise<void> | void {
    const timer = setTimeout(() => this.connection.stream.destroy(), END_BOUND_MS);
    timer.unref();
    const ended = super.end().finally(() => {
      clearTimeout(timer);
    });
    if (!callback) return ended;
    ended.then(() => {
      (callback as (err?: Error) => void)();
    }, callback);
  }
}
