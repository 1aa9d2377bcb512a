import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RunningServer } from './status-contract.js';

/** Waits for a Node server (Express's `app.listen`, `http.createServer`) to listen on port 0. */
export async function listening(server: Server, path = '/v1/webhook'): Promise<RunningServer> {
  if (!server.listening) {
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
  }
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
