// A TCP proxy to a database that a test can cut, or freeze: from then on no byte passes either
// way, and no close either, as from a stopped server process or a host lost without a FIN or
// RST. The database's own statement_timeout cannot act there; only the client's bounds can.
import net from "node:net";

export interface FreezableProxy {
  /** `url` with the proxy's port. */
  url: string;
  freeze(): void;
  /** Passes bytes again; the connections that lived through the freeze are cut (they lost bytes). */
  thaw(): void;
  /** Drops every connection through the proxy at once, as a network that fails does. */
  cut(): void;
  close(): Promise<void>;
}

export async function startFreezableProxy(url: string): Promise<FreezableProxy> {
  const target = new URL(url);
  const sockets = new Set<net.Socket>();
  let frozen = false;
  // Half-open allowed, so that a client's FIN is not answered by ours while frozen: a frozen
  // host answers nothing, and a client that waits for the reply must not get one.
  const server = net.createServer({ allowHalfOpen: true }, (incoming) => {
    const outgoing = net.connect({
      port: Number(target.port),
      host: target.hostname,
      allowHalfOpen: true,
    });
    for (const [from, to] of [
      [incoming, outgoing],
      [outgoing, incoming],
    ] as const) {
      sockets.add(from);
      from.on("error", () => {});
      // While frozen, bytes are read and thrown away, like packets lost on the way.
      from.on("data", (chunk) => frozen || to.write(chunk));
      from.on("end", () => frozen || to.end());
      from.on("close", () => {
        sockets.delete(from);
        if (!frozen) to.destroy();
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const proxied = new URL(url);
  proxied.port = String((server.address() as net.AddressInfo).port);
  const cut = () => {
    for (const socket of sockets) socket.destroy();
  };
  return {
    url: proxied.toString(),
    freeze() {
      frozen = true;
    },
    thaw() {
      frozen = false;
      cut();
    },
    cut,
    close: () =>
      new Promise<void>((resolve) => {
        cut();
        server.close(() => resolve());
      }),
  };
}
