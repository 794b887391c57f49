import type { Socket } from 'node:net';
import { startTlsRelay, type TlsRelay } from '@exportkit/dev-servers';

/** PostgreSQL's SSLRequest code (protocol "Message Formats"). */
const sslRequestCode = 80877103;

/**
 * A TLS endpoint in front of a PostgreSQL that speaks plain TCP: it answers PostgreSQL's
 * SSLRequest with `S`, then ends TLS with a fresh self-signed certificate and relays the
 * decrypted bytes to `target` (dev-servers' `startTlsRelay`), so clients reach the test server
 * over TLS, as they reach managed databases. Any other first message closes the connection.
 */
export function startTlsProxy(target: { host: string; port: number }): Promise<TlsRelay> {
  return startTlsRelay({ target, preamble: answerSslRequest });
}

function answerSslRequest(socket: Socket): Promise<boolean> {
  return new Promise((resolve) => {
    socket.once('data', (first: Buffer) => {
      const isSslRequest = first.length === 8 && first.readUInt32BE(4) === sslRequestCode;
      if (isSslRequest) socket.write('S');
      resolve(isSslRequest);
    });
  });
}
