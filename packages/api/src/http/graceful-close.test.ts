// gracefulCloser on a real HTTP server: idle keep-alive connections do not hold the close, a
// request in flight is answered (and told the connection closes), a connection that arrives just
// after the signal is still taken, one request that never ends is cut.
import { Agent, createServer, request, type Server } from "node:http";
import { type AddressInfo, connect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { gracefulCloser } from "./graceful-close";

let server: Server | undefined;
afterEach(() => {
  server?.closeAllConnections();
  server?.close();
  server = undefined;
});

async function serve(handler: Parameters<typeof createServer>[1]) {
  server = createServer(handler);
  const closer = gracefulCloser(server);
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  return { closer, port: (server.address() as AddressInfo).port };
}

function get(port: number, agent: Agent | false = false) {
  return new Promise<{ status: number; connection: string | undefined }>((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: "/", agent }, (res) => {
      res.resume();
      res.once("end", () =>
        resolve({ status: res.statusCode ?? 0, connection: res.headers.connection }),
      );
    });
    req.once("error", reject);
    req.end();
  });
}

describe("gracefulCloser", () => {
  it("closes a keep-alive connection idle between requests at once", async () => {
    const { closer, port } = await serve((_, res) => res.end("ok"));
    const agent = new Agent({ keepAlive: true });
    expect((await get(port, agent)).status).toBe(200);
    const started = Date.now();
    expect(await closer.close({ timeoutMs: 5000 })).toBe(true);
    expect(Date.now() - started).toBeLessThan(1000);
    agent.destroy();
  });

  it("never runs a request that reaches a keep-alive connection after the close ended it", async () => {
    const ran: string[] = [];
    const { closer, port } = await serve((req, res) => {
      ran.push(req.url ?? "");
      res.end("ok");
    });
    const socket = connect(port, "127.0.0.1");
    let received = "";
    socket.on("data", (chunk) => {
      received += chunk;
    });
    const gone = new Promise<void>((resolve) => socket.once("close", () => resolve()));
    socket.on("error", () => {});
    socket.write("GET /first HTTP/1.1\r\nHost: x\r\n\r\n");
    await expect.poll(() => received).toContain("ok");
    const closing = closer.close({ timeoutMs: 5000 });
    // Sent as the server's FIN is on its way: a refresh run here would be rotated unanswered.
    socket.write("POST /second HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}");
    await gone;
    expect(await closing).toBe(true);
    expect(ran).toEqual(["/first"]);
    expect(received).not.toContain("/second");
  });

  it("answers a request in flight, with Connection: close, and refuses new connections", async () => {
    let entered = () => {};
    const inHandler = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const { closer, port } = await serve((_, res) => {
      entered();
      setTimeout(() => res.end("late"), 300);
    });
    const agent = new Agent({ keepAlive: true });
    const pending = get(port, agent);
    await inHandler;
    const closing = closer.close({ timeoutMs: 5000 });
    expect(await pending).toEqual({ status: 200, connection: "close" });
    expect(await closing).toBe(true);
    await expect(get(port)).rejects.toThrow(/ECONNREFUSED/);
    agent.destroy();
  });

  it("still takes a connection that arrives a moment after the close began, long after the last", async () => {
    const { closer, port } = await serve((_, res) => res.end("ok"));
    expect((await get(port)).status).toBe(200);
    // The last connection is well past the quiet period: a server idle for a while.
    await new Promise((resolve) => setTimeout(resolve, 400));
    const closing = closer.close({ timeoutMs: 5000 });
    // One on its way when the signal came (a busy primary hands it on late, say).
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(await get(port)).toEqual({ status: 200, connection: "close" });
    expect(await closing).toBe(true);
    await expect(get(port)).rejects.toThrow(/ECONNREFUSED/);
  });

  it("given `awake`, keeps listening until it settles, and a moment more", async () => {
    const { closer, port } = await serve((_, res) => res.end("ok"));
    let markAwake = () => {};
    const awake = new Promise<void>((resolve) => {
      markAwake = resolve;
    });
    const closing = closer.close({ timeoutMs: 5000, awake });
    // Longer than the quiet alone: a primary that runs again only now hands a connection on.
    await new Promise((resolve) => setTimeout(resolve, 500));
    markAwake();
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(await get(port)).toEqual({ status: 200, connection: "close" });
    expect(await closing).toBe(true);
    await expect(get(port)).rejects.toThrow(/ECONNREFUSED/);
  });

  it("cuts a request still open after the timeout", async () => {
    let entered = () => {};
    const inHandler = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const { closer, port } = await serve(() => entered());
    const pending = get(port);
    await inHandler;
    expect(await closer.close({ timeoutMs: 200 })).toBe(false);
    await expect(pending).rejects.toThrow(/socket hang up|ECONNRESET/);
  });
});
