// A TCP proxy to a database that a test can cut, freeze, hold or silence. Frozen, no byte
// passes either way, and no close either, as from a host lost without a FIN or RST: the
// database never sees what was sent meanwhile. Held, the database does see it, late: what the client sends waits and
// arrives in order on release, close included, as from a server process stopped and resumed, or
// a network whose retransmissions get through once it heals. The database's own
// statement_timeout cannot act in either; only the client's bounds can.
import net from "node:net";

export interface FreezableProxy {
  /** `url` with the proxy's port. */
  url: string;
  freeze(): void;
  /** Passes bytes again; the connections that lived through the freeze are cut (they lost bytes). */
  thaw(): void;
  /**
   * Nothing reaches the client from now on, and what the client sends (its close too) waits:
   * `release()` delivers it to the database in order, then passes bytes again.
   */
  hold(): void;
  /**
   * Delivers what waited and passes bytes again; resolves once the database has closed every
   * connection whose client closed while held (it has read, and acted on, all that came before).
   */
  release(): Promise<void>;
  /**
   * What the client sends reaches the database, and nothing comes back: a commit that never
   * returns, an answer lost on the way. The database acts on everything it is sent.
   */
  loseAnswers(): void;
  /** Answers pass again; the connections that lived through `loseAnswers` are cut (they lost bytes). */
  answerAgain(): void;
  /** Drops every connection through the proxy at once, as a network that fails does. */
  cut(): void;
  /** Connections clients have opened through the proxy so far. */
  accepted(): number;
  close(): Promise<void>;
}

export async function startFreezableProxy(url: string): Promise<FreezableProxy> {
  const target = new URL(url);
  const sockets = new Set<net.Socket>();
  let frozen = false;
  let held = false;
  let answersLost = false;
  let accepted = 0;
  // What the clients sent while held, in the order they sent it: a chunk, or their close.
  const waiting: { to: net.Socket; chunk: Buffer | "end" }[] = [];
  // Half-open allowed, so that a client's FIN is not answered by ours while frozen: a frozen
  // host answers nothing, and a client that waits for the reply must not get one.
  const server = net.createServer({ allowHalfOpen: true }, (incoming) => {
    accepted += 1;
    const outgoing = net.connect({
      port: Number(target.port),
      host: target.hostname,
      allowHalfOpen: true,
    });
    for (const [from, to] of [
      [incoming, outgoing],
      [outgoing, incoming],
    ] as const) {
      const towardDatabase = from === incoming;
      sockets.add(from);
      from.on("error", () => {});
      // While frozen, bytes are read and thrown away, like packets lost on the way.
      from.on("data", (chunk: Buffer) => {
        if (frozen || (answersLost && !towardDatabase)) return;
        if (!held) to.write(chunk);
        else if (towardDatabase) waiting.push({ to, chunk });
      });
      from.on("end", () => {
        if (frozen) return;
        if (!held) to.end();
        else if (towardDatabase) waiting.push({ to, chunk: "end" });
      });
      from.on("close", () => {
        sockets.delete(from);
        if (frozen) return;
        if (!held) to.destroy();
        else if (towardDatabase) waiting.push({ to, chunk: "end" });
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
    accepted: () => accepted,
    url: proxied.toString(),
    freeze() {
      frozen = true;
    },
    thaw() {
      frozen = false;
      cut();
    },
    hold() {
      held = true;
    },
    release() {
      held = false;
      const closing = new Set<net.Socket>();
      for (const { to, chunk } of waiting.splice(0)) {
        if (chunk === "end") {
          to.end();
          closing.add(to);
        } else to.write(chunk);
      }
      return Promise.all(
        [...closing].map(
          (socket) =>
            new Promise<void>((resolve) => {
              if (socket.closed) resolve();
              else socket.once("close", () => resolve());
            }),
        ),
      ).then(() => {});
    },
    loseAnswers() {
      answersLost = true;
    },
    answerAgain() {
      answersLost = false;
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
