import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A real HTTP server on 127.0.0.1 with an OS-chosen port. */
export interface TestServer {
  /** `http://127.0.0.1:{port}` */
  origin: string;
  /** Swaps the request handler (the store needs the origin before its handler exists). */
  use(handler: RequestListener): void;
  close(): Promise<void>;
}

/** Starts a server that answers 503 until {@link TestServer.use} installs a handler. */
export async function startServer(): Promise<TestServer> {
  let current: RequestListener = (_req, res) => {
    res.writeHead(503).end();
  };
  const server = createServer((req, res) => current(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    use: (handler) => {
      current = handler;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
