import { createConnection, createServer, type Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { selfSignedCertificate } from './self-signed-certificate.js';

/** Options for {@link startTlsRelay}. */
export interface TlsRelayOptions {
  /** The plain-TCP server the decrypted bytes go to. */
  target: { host: string; port: number };
  /**
   * What a protocol exchanges in clear before TLS starts (PostgreSQL's SSLRequest, say):
   * resolves `true` to go on with the handshake, `false` to close the connection.
   * @defaultValue none: TLS from the first byte, as HTTPS
   */
  preamble?: (socket: Socket) => Promise<boolean>;
}

/** A TLS endpoint in front of a server that speaks plain TCP. */
export interface TlsRelay {
  port: number;
  /** The relay's self-signed certificate, for clients to trust as their CA. */
  ca: Buffer;
  /** Connections that completed a TLS handshake. */
  readonly tlsSessions: number;
  close(): Promise<void>;
}

/**
 * Ends TLS with a fresh self-signed certificate ({@link selfSignedCertificate}) on
 * 127.0.0.1 and relays the decrypted bytes to `target`: so tests reach a local server over
 * TLS, as clients reach managed services, though it has no TLS configured.
 */
export async function startTlsRelay(options: TlsRelayOptions): Promise<TlsRelay> {
  const { target, preamble } = options;
  const { key, cert } = selfSignedCertificate();
  let tlsSessions = 0;
  const open = new Set<Socket>();
  const track = (socket: Socket) => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
  };
  const relay = (socket: Socket) => {
    const tls = new TLSSocket(socket, { isServer: true, key, cert });
    const upstream = createConnection(target.port, target.host);
    track(upstream);
    tls.once('secure', () => tlsSessions++);
    const end = () => {
      tls.destroy();
      upstream.destroy();
    };
    tls.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    tls.pipe(upstream);
    upstream.pipe(tls);
  };
  const server = createServer((socket) => {
    track(socket);
    socket.on('error', () => socket.destroy());
    if (!preamble) return relay(socket);
    preamble(socket).then(
      (go) => (go ? relay(socket) : socket.destroy()),
      () => socket.destroy(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the TLS relay has no port');
  return {
    port: address.port,
    ca: cert,
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
