// A TCP server that accepts and never writes: a database host that is frozen or firewalled
// after the handshake. Tests point DATABASE_URL at it to prove nothing waits on it forever.
import net from "node:net";

export interface SilentServer {
  /** postgresql://user:secret@127.0.0.1:<port>/db; the password must never reach an error. */
  url: string;
  /** Connections accepted so far: how often something tried it. */
  accepted(): number;
  close(): Promise<void>;
}

export async function startSilentServer(): Promise<SilentServer> {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  const server = net.createServer((socket) => {
    accepted += 1;
    sockets.add(socket);
    socket.on("error", () => {});
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `postgresql://user:s3cret-pw@127.0.0.1:${port}/db`,
    accepted: () => accepted,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
