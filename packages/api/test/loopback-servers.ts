// Plain Node HTTP servers on loopback for tests that compare two handlers side by side.
import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface LoopbackServers {
  /** Serves `handler` on a free loopback port; resolves with its base URL. */
  listen(handler: RequestListener): Promise<string>;
  /** Closes every server `listen` started. */
  closeAll(): Promise<void>;
}

export function loopbackServers(): LoopbackServers {
  const servers: Server[] = [];
  return {
    async listen(handler) {
      const server = createServer(handler);
      servers.push(server);
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    async closeAll() {
      await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
    },
  };
}
