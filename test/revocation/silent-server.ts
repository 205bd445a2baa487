/**
 * A target that hangs: a server on loopback that accepts connections and never answers, as a
 * wedged database, directory or SaaS API does. `tcp` reads what comes and never writes a byte
 * (PostgreSQL's and LDAP's clients wait for the server's first message); `http` is an HTTP server
 * that reads each request and never responds (fetch waits for the status line). Plain
 * TypeScript, so the kill benchmark uses it too.
 */
import { createServer as createHttpServer } from 'node:http';
import type { Socket } from 'node:net';
import { createServer as createTcpServer } from 'node:net';

export interface SilentServer {
  port: number;
  /** Connections accepted so far: a target that tried to reach it shows up here. */
  readonly connections: number;
  /** Connections still open: a client that gave up has closed its own. */
  readonly open: number;
  /** Closes the server and every connection it holds. */
  stop(): Promise<void>;
}

export async function startSilentServer(kind: 'tcp' | 'http'): Promise<SilentServer> {
  const sockets = new Set<Socket>();
  let connections = 0;
  const track = (socket: Socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    // A client giving up resets the socket: nothing to report.
    socket.on('error', () => undefined);
    // Read (and drop) what comes, so a client closing its end is noticed and counted.
    socket.resume();
  };
  // The HTTP server's handler never ends the response; its own timeouts are off so only the
  // client decides when to give up.
  const server =
    kind === 'http'
      ? createHttpServer({ requestTimeout: 0, headersTimeout: 0, keepAliveTimeout: 0 }, () => undefined)
      : createTcpServer();
  server.on('connection', track);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    get connections() {
      return connections;
    },
    get open() {
      return sockets.size;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
