// Finds a TCP port on 127.0.0.1 that nothing listens on.
import { createServer } from "node:net";

function listenOn(port: number): Promise<number | null> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once("error", () => resolve(null));
    server.listen({ port, host: "127.0.0.1", exclusive: true }, () => {
      const address = server.address();
      const bound = typeof address === "object" && address ? address.port : null;
      server.close(() => resolve(bound));
    });
  });
}

/** `preferred` when it is free, else a port the system picks. (Free now, not reserved.) */
export async function freePort(preferred?: number): Promise<number> {
  if (preferred !== undefined) {
    const port = await listenOn(preferred);
    if (port !== null) return port;
  }
  const port = await listenOn(0);
  if (port === null) throw new Error("No free TCP port on 127.0.0.1");
  return port;
}
