// The address a connection came from, read as the server accepts it. Read later (after a body,
// say), a connection the client has reset by then has none: the kernel no longer knows its peer,
// and the call was charged to the shared "unknown" budget and recorded under no address.
import type { Server } from "node:http";
import type { Socket } from "node:net";

const peers = new WeakMap<Socket, string>();

/** Makes `server` note each connection's address as it accepts it (see peerAddress). */
export function rememberPeerAddresses(server: Server): void {
  server.on("connection", (socket: Socket) => {
    const address = socket.remoteAddress;
    if (address !== undefined) peers.set(socket, address);
  });
}

/** The address `socket` came from: as accepted when its server remembers, else as it is now. */
export function peerAddress(socket: Socket): string | undefined {
  return peers.get(socket) ?? socket.remoteAddress;
}
