import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TLSSocket } from 'node:tls';

/** PostgreSQL's SSLRequest code (protocol "Message Formats"). */
const sslRequestCode = 80877103;

/** A TLS endpoint in front of a PostgreSQL that speaks plain TCP. */
export interface TlsProxy {
  port: number;
  /** Connections that completed PostgreSQL's SSLRequest and a TLS handshake. */
  readonly tlsSessions: number;
  close(): Promise<void>;
}

/**
 * Answers PostgreSQL's SSLRequest with `S`, ends TLS with a fresh self-signed certificate
 * (made with the openssl command), and relays the decrypted bytes to `target`: so clients
 * reach the test server over TLS, as they reach managed databases, though it has no TLS
 * configured. Any other first message closes the connection.
 */
export async function startTlsProxy(target: { host: string; port: number }): Promise<TlsProxy> {
  const dir = mkdtempSync(join(tmpdir(), 'exportkit-tls-'));
  let key: Buffer;
  let cert: Buffer;
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    key = readFileSync(join(dir, 'key.pem'));
    cert = readFileSync(join(dir, 'cert.pem'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  let tlsSessions = 0;
  const open = new Set<Socket>();
  const server = createServer((socket) => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.once('data', (first: Buffer) => {
      if (first.length !== 8 || first.readUInt32BE(4) !== sslRequestCode) {
        socket.destroy();
        return;
      }
      socket.write('S');
      const tls = new TLSSocket(socket, { isServer: true, key, cert });
      const upstream = createConnection(target.port, target.host);
      open.add(upstream);
      upstream.on('close', () => open.delete(upstream));
      tls.once('secure', () => tlsSessions++);
      const end = () => {
        tls.destroy();
        upstream.destroy();
      };
      tls.on('error', end).on('close', end);
      upstream.on('error', end).on('close', end);
      tls.pipe(upstream);
      upstream.pipe(tls);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the TLS proxy has no port');
  return {
    port: address.port,
    get tlsSessions() {
      return tlsSessions;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
