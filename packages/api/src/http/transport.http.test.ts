// The transport contract over real HTTP: statuses, limits, batching, and what responses never show.

import { Agent, request as httpRequest } from "node:http";
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer, target, uniqueEmail } from "../../test/test-server";
import { MAX_BODY_BYTES } from "../request/limits";
import { MAX_BATCH_SIZE } from "../wire";
import { REQUEST_TIMEOUTS } from "./client-error";
import { API_SECURITY_HEADERS } from "./security-headers";

let api: TestServer;
beforeAll(async () => {
  api = await startTestServer();
});
afterAll(async () => {
  await api?.close();
});

const json = { "content-type": "application/json" };

/** The build with its API through Next.js's route handler, which resolves paths before routing. */
const throughNextRoute = target === "build" && process.env.API_HANDLER === "next";

/** Writes `request` as it is on a new connection; everything read until the server closes it. */
function exchange(request: string): Promise<string> {
  const { hostname, port } = new URL(api.base);
  return new Promise<string>((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) }, () => socket.write(request));
    let text = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      text += chunk;
    });
    // The server may reset the connection under a request it stopped reading: the answer came
    // before that, and is what is checked.
    socket.on("error", () => {});
    socket.once("close", () => resolve(text));
  });
}

/** One request through `agent` (node:http, so that which socket carried it can be seen). */
function onAgent(
  agent: Agent,
  path: string,
  body?: string,
): Promise<{ status: number | undefined; reusedSocket: boolean }> {
  return new Promise((resolve, reject) => {
    const sent = httpRequest(
      new URL(path, api.base),
      {
        agent,
        method: body === undefined ? "GET" : "POST",
        headers: body === undefined ? {} : { ...json, "content-length": Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.once("end", () => resolve({ status: res.statusCode, reusedSocket: sent.reusedSocket }));
      },
    );
    sent.once("error", reject);
    sent.end(body);
  });
}

describe("HTTP contract", () => {
  it("404 for an unknown procedure", async () => {
    const reply = await api.post("auth.nothing", {});
    expect(reply.status).toBe(404);
    expect(reply.body.error.data).toMatchObject({
      code: "NOT_FOUND",
      httpStatus: 404,
      appCode: "NOT_FOUND",
    });
  });

  it("answers procedures under /api/trpc/ only: another path naming one is a 404 that runs nothing", async () => {
    // A proxy rule such as "no /api/trpc/admin.* from outside" must not be walked around.
    for (const path of [
      "/abcdefgh/admin.users",
      "/API/TRPC/auth.me",
      "/foo/auth.me",
      "/api/trpcx/auth.me",
    ]) {
      const reply = await api.raw(path, { headers: { authorization: "Bearer not-a-token" } });
      expect(reply.status, path).toBe(404);
      // No tRPC answer (an INVALID_TOKEN or a procedure's data): nothing was called.
      expect(typeof reply.body === "object" && reply.body !== null, path).toBe(false);
    }
  });

  // Next.js redirects or resolves these before its route handler (README, "Transport errors").
  it.skipIf(throughNextRoute)(
    "reports a path with more segments as sent, never resolving them to another procedure",
    async () => {
      for (const [path, reported] of [
        ["/api/trpc/../health", "../health"],
        ["/api/trpc/auth.me/", "auth.me/"],
        ["/api/trpc/x/../auth.me", "x/../auth.me"],
        ["/api/trpc/%2e%2e/auth.me?input=1", "../auth.me"],
        // A backslash is a slash to the URL parser: x\..\auth.me was auth.me.
        ["/api/trpc/x\\..\\auth.me", "x\\\\..\\\\auth.me"],
        ["/api/trpc/..\\health?a=/b", "..\\\\health"],
      ]) {
        // Sent as written: fetch would resolve the dots before sending.
        const answer = await exchange(
          `GET ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`,
        );
        expect(answer.split("\r\n")[0], path).toBe("HTTP/1.1 404 Not Found");
        expect(answer, path).toContain(`No procedure found on path \\"${reported}\\"`);
      }
    },
  );

  it("405 for the wrong method", async () => {
    expect((await api.get("auth.login", { email: "a@b.co", password: "x" })).status).toBe(405);
    expect(
      (await api.raw("/api/trpc/auth.me", { method: "POST", headers: json, body: "{}" })).status,
    ).toBe(405);
  });

  it("answers any method but GET, POST and HEAD 405 with Allow, whatever its content type", async () => {
    for (const [path, allow] of [
      ["/api/trpc/auth.me", "GET, HEAD"],
      ["/api/trpc/auth.login", "POST"],
    ] as const) {
      for (const method of ["OPTIONS", "PUT", "PATCH", "DELETE"]) {
        for (const headers of [{}, json, { "content-type": "text/plain" }]) {
          const body = method === "OPTIONS" ? undefined : "not json";
          const reply = await api.raw(path, { method, headers, body });
          const what = `${method} ${path} ${JSON.stringify(headers)}`;
          expect(reply.status, what).toBe(405);
          expect(reply.headers.get("allow"), what).toBe(allow);
          expect(reply.headers.get("x-request-id"), what).toBeTruthy();
          expect(reply.headers.get("x-content-type-options"), what).toBe("nosniff");
          // No CORS: a cross-site preflight gets no permission.
          expect(reply.headers.get("access-control-allow-origin"), what).toBeNull();
          expect(reply.body.error.data, what).toMatchObject({
            code: "METHOD_NOT_SUPPORTED",
            appCode: "METHOD_NOT_SUPPORTED",
          });
        }
      }
    }
    // The wrong one of the two names the right one too.
    const get = await api.get("auth.login", { email: "a@b.co", password: "x" });
    expect(get.headers.get("allow")).toBe("POST");
    // No procedure: 404 whatever the method, as for GET and POST.
    for (const method of ["OPTIONS", "DELETE"]) {
      expect((await api.raw("/api/trpc/auth.nothing", { method })).status, method).toBe(404);
    }
    expect(api.output()).not.toMatch(/"level":50/);
  });

  it("answers a method no route handler exports 405 in JSON, as the others (WebDAV's and such)", async () => {
    for (const method of ["PROPFIND", "MKCOL", "SEARCH", "M-SEARCH"]) {
      const reply = await api.raw("/api/trpc/auth.me", { method });
      expect(reply.status, method).toBe(405);
      expect(reply.headers.get("allow"), method).toBe("GET, HEAD");
      expect(reply.headers.get("x-request-id"), method).toBeTruthy();
      expect(reply.body.error.data, method).toMatchObject({ appCode: "METHOD_NOT_SUPPORTED" });
    }
  });

  it("answers a procedure path that does not decode 400 in JSON, never a 500", async () => {
    for (const path of ["auth.me%", "auth.me%zz", "%E0%A4%A"]) {
      const reply = await api.raw(`/api/trpc/${path}`);
      expect(reply.status, path).toBe(400);
      expect(reply.headers.get("x-request-id"), path).toBeTruthy();
      expect(reply.body.error.data, path).toMatchObject({ appCode: "BAD_REQUEST" });
    }
    expect(api.output()).not.toMatch(/"level":50/);
  });

  it("answers HEAD as GET without the body: the same status, headers and checks", async () => {
    const head = (path: string, headers: Record<string, string> = {}) =>
      api.raw(path, { method: "HEAD", headers });
    const unsigned = await head("/api/trpc/auth.me");
    expect(unsigned.status).toBe(401);
    expect(unsigned.headers.get("x-request-id")).toBeTruthy();
    expect(unsigned.headers.get("content-type")).toMatch(/application\/json/);
    expect(unsigned.body).toBe("");
    expect((await head("/api/trpc/auth.nothing")).status).toBe(404);
    const mutation = await head("/api/trpc/auth.login");
    expect(mutation.status).toBe(405);
    expect(mutation.headers.get("allow")).toBe("POST");
    const { access } = (
      await api.post("auth.register", { email: uniqueEmail(), password: "correct horse battery" })
    ).body.result.data;
    const signedIn = await head("/api/trpc/auth.me", { authorization: `Bearer ${access}` });
    expect(signedIn.status).toBe(200);
    expect(signedIn.body).toBe("");
  });

  it("labels as JSON the refusal of a streamed call that is not a batch", async () => {
    const reply = await api.raw("/api/trpc/auth.me", {
      headers: { "trpc-accept": "application/jsonl" },
    });
    expect(reply.status).toBe(400);
    expect(reply.headers.get("content-type")).toMatch(/^application\/json/);
    expect(reply.body.error.data).toMatchObject({ appCode: "BAD_REQUEST" });
  });

  it("400 for malformed JSON, never a 500", async () => {
    const reply = await api.raw("/api/trpc/auth.login", {
      method: "POST",
      headers: json,
      body: '{"email":secret-value',
    });
    expect(reply.status).toBe(400);
    expect(reply.body.error.data).toMatchObject({ httpStatus: 400, appCode: "PARSE_ERROR" });
    // Said in a sentence of ours: the parser's own message quotes the body.
    expect(reply.body.error.message).toBe(
      "The input is not valid JSON (the request body, or a query's ?input=).",
    );
  });

  it("415 for an encoded body (gzip or any other Content-Encoding), never a parse error or a pass", async () => {
    const { gzipSync } = await import("node:zlib");
    const plain = JSON.stringify({ email: "demo@example.com", password: "wrong password" });
    for (const [encoding, body] of [
      ["gzip", gzipSync(plain)],
      ["br", Buffer.from(plain)],
      ["deflate, gzip", Buffer.from(plain)],
    ] as const) {
      const reply = await api.raw("/api/trpc/auth.login", {
        method: "POST",
        headers: { ...json, "content-encoding": encoding },
        body,
      });
      expect(reply.status, encoding).toBe(415);
      expect(reply.body.error.data, encoding).toMatchObject({ appCode: "UNSUPPORTED_MEDIA_TYPE" });
    }
    const identity = await api.raw("/api/trpc/auth.login", {
      method: "POST",
      headers: { ...json, "content-encoding": "identity" },
      body: plain,
    });
    expect(identity.status).toBe(401);
  });

  it("415 for a mutation without a JSON content type", async () => {
    const reply = await api.raw("/api/trpc/auth.login", {
      method: "POST",
      body: JSON.stringify({ email: "a@b.co", password: "x" }),
    });
    expect(reply.status).toBe(415);
  });

  it("415 for a form post or raw bytes too: a procedure never runs on a cross-site form's body", async () => {
    const form = new FormData();
    form.set("refresh", "x");
    const bodies: [string, RequestInit][] = [
      ["multipart", { body: form }],
      [
        "octet-stream",
        {
          headers: { "content-type": "application/octet-stream" },
          body: new Uint8Array([123, 125]),
        },
      ],
    ];
    for (const [kind, init] of bodies) {
      // auth.logout's fields are all optional: before, a form post reached its handler.
      const reply = await api.raw("/api/trpc/auth.logout", { method: "POST", ...init });
      expect(reply.status, kind).toBe(415);
      expect(reply.body.error.data.appCode, kind).toBe("UNSUPPORTED_MEDIA_TYPE");
      expect(reply.headers.get("x-request-id"), kind).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it("413 for a body over the limit, declared or streamed", async () => {
    const big = JSON.stringify({ email: uniqueEmail(), password: "p".repeat(MAX_BODY_BYTES) });
    const reply = await api.raw("/api/trpc/auth.login", {
      method: "POST",
      headers: json,
      body: big,
    });
    expect(reply.status).toBe(413);
    expect(reply.body.error.data.appCode).toBe("PAYLOAD_TOO_LARGE");
    expect(reply.body.error.message).toBe("The request body is too large.");
    const megabyte = JSON.stringify({ email: uniqueEmail(), password: "p".repeat(1024 * 1024) });
    expect(
      (await api.raw("/api/trpc/auth.register", { method: "POST", headers: json, body: megabyte }))
        .status,
    ).toBe(413);
  });

  it("answers the next call on the same connection after refusing a body over the limit", async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const megabyte = JSON.stringify({ email: uniqueEmail(), password: "p".repeat(1024 * 1024) });
      const refused = await onAgent(agent, "/api/trpc/auth.register", megabyte);
      expect(refused.status).toBe(413);
      const next = await onAgent(agent, "/api/trpc/auth.me");
      expect(next.reusedSocket).toBe(true);
      expect(next.status).toBe(401);
    } finally {
      agent.destroy();
    }
  });

  it("answers a small batch and refuses one over the cap", async () => {
    const paths = (n: number) => Array.from({ length: n }, () => "auth.me").join(",");
    const ok = await api.raw(`/api/trpc/${paths(2)}?batch=1`);
    expect(Array.isArray(ok.body)).toBe(true);
    expect(ok.body).toHaveLength(2);
    const tooMany = await api.raw(`/api/trpc/${paths(MAX_BATCH_SIZE + 1)}?batch=1`);
    expect(tooMany.status).toBe(400);
  });

  it("sends no framework fingerprint and no stack trace", async () => {
    const reply = await api.post("auth.login", {
      email: "nobody@example.com",
      password: "wrong password",
    });
    expect(reply.headers.get("x-powered-by")).toBeNull();
    expect(reply.headers.get("server")).toBeNull();
    expect(reply.body.error.data.stack).toBeUndefined();
    expect(JSON.stringify(reply.body)).not.toMatch(/node_modules|\.ts:\d+/);
  });

  it("sends nosniff, a no-framing policy and no-store on every answer, errors included", async () => {
    const signedUp = await api.post("auth.register", {
      email: uniqueEmail(),
      password: "correct horse battery",
    });
    const { access, refresh } = signedUp.body.result.data;
    const replies = [
      // Answers with tokens, and a GET with personal data.
      signedUp,
      await api.post("auth.refresh", { refresh }),
      await api.get("auth.me", undefined, { authorization: `Bearer ${access}` }),
      await api.get("auth.me"),
      await api.post("auth.nothing", {}),
      await api.raw("/api/trpc/auth.login", { method: "POST", headers: json, body: "{not json" }),
      await api.raw("/api/trpc/auth.login", {
        method: "POST",
        headers: json,
        body: JSON.stringify({ email: uniqueEmail(), password: "p".repeat(MAX_BODY_BYTES) }),
      }),
      await api.post("auth.login", { email: "nobody@example.com", password: "wrong password" }),
      // A HEAD (GET's answer without the body), and the server's answers to odd request targets.
      await api.raw("/api/trpc/auth.me", { method: "HEAD" }),
      await withTarget("*", "OPTIONS"),
      await withTarget("*"),
    ];
    for (const reply of replies) {
      for (const [name, value] of Object.entries(API_SECURITY_HEADERS)) {
        expect(reply.headers.get(name), `${name} on a ${reply.status}`).toBe(value);
      }
      expect(reply.headers.get("cache-control"), `cache-control on a ${reply.status}`).toBe(
        "no-store",
      );
    }
  });
});

/** One request whose request line names `target` as given: node:http writes `path` verbatim. */
function withTarget(
  target: string,
  method = "GET",
  host?: string,
): Promise<{ status: number | undefined; headers: Headers; body: string }> {
  const { hostname, port } = new URL(api.base);
  const headers = host === undefined ? {} : { host };
  return new Promise((resolve, reject) => {
    const sent = httpRequest({ hostname, port, method, path: target, headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        body += chunk;
      });
      const headers = new Headers();
      for (const [name, value] of Object.entries(res.headers)) headers.set(name, String(value));
      res.once("end", () => resolve({ status: res.statusCode, headers, body }));
    });
    sent.once("error", reject);
    sent.end();
  });
}

describe("request targets other than a path (RFC 9112 §3.2)", () => {
  it("answers an absolute target as its path, never redirecting to the host it names", async () => {
    const health = await withTarget("http://evil.example/api/health");
    expect(health.status).toBe(200);
    expect(health.headers.get("location")).toBeNull();

    const me = await withTarget("http://evil.example/api/trpc/auth.me");
    expect(me.status).toBe(401);
    expect(JSON.parse(me.body).error.data.appCode).toBe("MISSING_TOKEN");
  });

  it("answers OPTIONS * with the methods served, and any other odd target 400, never a 500", async () => {
    const options = await withTarget("*", "OPTIONS");
    expect(options.status).toBe(204);
    expect(options.headers.get("allow")).toBe("GET, HEAD, POST, OPTIONS");

    for (const [target, method] of [
      ["*", "GET"],
      ["http://user:pw@evil.example/api/health", "GET"],
      ["ftp://evil.example/api/health", "GET"],
    ] as const) {
      const reply = await withTarget(target, method);
      expect(reply.status, `${method} ${target}`).toBe(400);
      expect(reply.headers.get("x-content-type-options"), `${method} ${target}`).toBe("nosniff");
    }
  });

  it("answers a Host header that names no host 400 with the API's headers (RFC 9112 §3.2)", async () => {
    for (const target of ["/api/trpc/auth.me", "/api/trpc/auth.login?batch=1", "/api/health"]) {
      for (const host of ["exa mple", "app.example:99999"]) {
        const reply = await withTarget(target, "GET", host);
        expect([reply.status, reply.body.trim()], `${target} ${host}`).toEqual([
          400,
          "Bad Host header",
        ]);
        expect(reply.headers.get("x-content-type-options"), target).toBe("nosniff");
        expect(reply.headers.get("cache-control"), target).toBe("no-store");
      }
    }
    expect(api.output()).not.toMatch(/"level":50/);
  });

  it("answers two Host lines 400, whichever comes first (RFC 9112 §3.2)", async () => {
    // node:http's client sends one Host line at most: this is written by hand.
    const { hostname, port } = new URL(api.base);
    for (const hosts of [
      ["localhost", "exa mple"],
      ["localhost", "localhost"],
    ]) {
      const answer = await new Promise<string>((resolve, reject) => {
        const socket = connect({ host: hostname, port: Number(port) }, () => {
          const lines = hosts.map((host) => `Host: ${host}\r\n`).join("");
          socket.end(`GET /api/trpc/auth.me HTTP/1.1\r\n${lines}Connection: close\r\n\r\n`);
        });
        let text = "";
        socket.setEncoding("utf8");
        socket.on("data", (chunk: string) => {
          text += chunk;
        });
        socket.once("end", () => resolve(text));
        socket.once("error", reject);
      });
      expect(answer.split("\r\n")[0], hosts.join(" + ")).toBe("HTTP/1.1 400 Bad Request");
      expect(answer).toMatch(/\r\nx-content-type-options: nosniff\r\n/i);
    }
  });

  it("answers two Authorization lines 400, whichever comes first: a proxy may read the other", async () => {
    const signedUp = await api.post("auth.register", {
      email: uniqueEmail(),
      password: "correct horse battery",
    });
    const good = signedUp.body.result.data.access as string;
    const one = await api.get("auth.me", undefined, { authorization: `Bearer ${good}` });
    expect(one.status).toBe(200);
    for (const pair of [
      [good, "x"],
      ["x", good],
    ]) {
      const answer = await exchange(
        `GET /api/trpc/auth.me HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${pair[0]}\r\nAuthorization: Bearer ${pair[1]}\r\nConnection: close\r\n\r\n`,
      );
      expect(answer.split("\r\n")[0]).toBe("HTTP/1.1 400 Bad Request");
      expect(answer).toContain("More than one Authorization header");
    }
  });

  it("answers a request Node cannot read with the API's headers, and closes", async () => {
    const big = `X-Filler: ${"a".repeat(20_000)}\r\n`;
    for (const [request, status] of [
      [`GET /api/trpc/auth.me HTTP/1.1\r\nHost: localhost\r\n${big}\r\n`, "431"],
      [`GET /login HTTP/1.1\r\nHost: localhost\r\n${big}\r\n`, "431"],
      ["NOT AN HTTP REQUEST\r\n\r\n", "400"],
      ["GET /api/health HTTP/1.1\r\nHost: localhost\r\nBad Header Name: x\r\n\r\n", "400"],
    ] as const) {
      const answer = await exchange(request);
      expect(answer.split("\r\n")[0], request.slice(0, 30)).toMatch(
        new RegExp(`^HTTP/1\\.1 ${status} `),
      );
      expect(answer).toMatch(/\r\nx-content-type-options: nosniff\r\n/i);
      expect(answer).toMatch(/\r\ncache-control: no-store\r\n/i);
      expect(answer).toMatch(/\r\nconnection: close\r\n/i);
    }
    expect(api.output()).not.toMatch(/"level":50/);
  });

  it("closes a connection whose headers never finish with 408, in the headers' time", async () => {
    // Slowloris: a request begun and never ended would hold its socket for Node's 60 s (300 s
    // for a body) by default.
    const started = Date.now();
    const answer = await exchange("GET /api/health HTTP/1.1\r\nHost: localhost\r\nX-Slow: ");
    const took = Date.now() - started;
    expect(answer.split("\r\n")[0]).toBe("HTTP/1.1 408 Request Timeout");
    expect(answer).toMatch(/\r\nx-content-type-options: nosniff\r\n/i);
    const { headersTimeout, connectionsCheckingInterval } = REQUEST_TIMEOUTS;
    expect(took).toBeGreaterThanOrEqual(headersTimeout - 100);
    expect(took).toBeLessThan(headersTimeout + connectionsCheckingInterval + 5_000);
    expect(api.output()).not.toMatch(/"level":50/);
  }, 30_000);

  it("answers 408 to a body that never finishes, in the request's time, and logs the 408", async () => {
    const body = '{"email":"slow@example.com",';
    const answer = await exchange(
      `POST /api/trpc/auth.login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${body.length + 100}\r\n\r\n${body}`,
    );
    expect(answer.split("\r\n")[0]).toBe("HTTP/1.1 408 Request Timeout");
    // The access line says what the client got, not that the client went away (499).
    await expect
      .poll(() =>
        api
          .output()
          .match(/"procedure":"auth.login","status":\d+/g)
          ?.at(-1),
      )
      .toBe('"procedure":"auth.login","status":408');
    expect(api.output()).not.toMatch(/"status":499/);
  }, 60_000);

  it("answers TRACE 405 with the methods served, never a 500", async () => {
    for (const target of ["/api/trpc/auth.me", "/api/health", "/api/trpc/nope"]) {
      const reply = await withTarget(target, "TRACE");
      expect(reply.status, target).toBe(405);
      expect(reply.headers.get("allow"), target).toBe("GET, HEAD, POST, OPTIONS");
      expect(reply.headers.get("x-content-type-options"), target).toBe("nosniff");
    }
    expect(api.output()).not.toMatch(/"level":50/);
  });
});
