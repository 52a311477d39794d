// The address a call is charged to and recorded under is the one it came from, even when its
// connection is gone by the time the call runs: a client that sends a login and resets the
// connection at once was charged to the shared "unknown" budget, with no address in the audit
// trail (rate-limit tester's LOW), because the address was read only after the body.
import net from "node:net";
import { describe, expect, it } from "vitest";
import { startInProcessServer } from "../../test/in-process-server";
import { serversPerTest, uniqueEmail } from "../../test/test-server";

const serverWith = serversPerTest(startInProcessServer);

/** Writes a whole login request and resets the connection without waiting for the answer. */
function loginAndReset(base: string, email: string, userAgent: string): Promise<void> {
  const { hostname, port } = new URL(base);
  const body = JSON.stringify({ email, password: "wrong password" });
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => {
      socket.write(
        `POST /api/trpc/auth.login HTTP/1.1\r\nHost: ${hostname}:${port}\r\n` +
          `Content-Type: application/json\r\nUser-Agent: ${userAgent}\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
        () => {
          socket.resetAndDestroy();
          resolve();
        },
      );
    });
    socket.on("error", reject);
  });
}

describe("a call whose client reset the connection right after sending it", () => {
  it("is still charged to, and recorded under, the address it came from", async () => {
    const api = await serverWith();
    const email = uniqueEmail("reset");
    await api.post("auth.register", { email, password: "correct horse battery" });
    const agent = `reset-${uniqueEmail()}`;
    for (let i = 0; i < 5; i += 1) await loginAndReset(api.base, email, `${agent}-${i}`);
    const recorded = () =>
      api.db.authEvent.findMany({
        where: { type: "login_failed", userAgent: { startsWith: agent } },
        select: { ip: true },
      });
    await expect.poll(async () => (await recorded()).length, { timeout: 10_000 }).toBe(5);
    expect((await recorded()).map((row) => row.ip)).toEqual(Array(5).fill("127.0.0.1"));
  });
});
