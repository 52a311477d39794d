// IncomingHeaders must be indistinguishable from the Headers it replaces: one `append` per field
// of Node's parsed headers. Checked on requests Node itself parsed, awkward ones included.
import { once } from "node:events";
import { createServer, type IncomingHttpHeaders } from "node:http";
import { type AddressInfo, connect } from "node:net";
import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IncomingHeaders } from "./incoming-headers";

/** The Headers the fast path built before IncomingHeaders. */
function eagerHeaders(source: IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(source)) {
    if (name.startsWith(":")) continue;
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else if (value !== undefined) headers.append(name, value);
  }
  return headers;
}

const outcome = (read: () => unknown) => {
  try {
    return { value: read() };
  } catch (error) {
    return { threw: (error as Error).constructor.name };
  }
};

const TOKEN = `eyJhbGciOiJIUzI1NiJ9.${"a".repeat(300)}.${"b".repeat(43)}`;
// Raw requests as a client may send them: duplicates of every kind Node treats differently,
// padding, bytes past ASCII, an empty value, odd casing.
const REQUESTS = [
  `GET /a HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\nUser-Agent: wrk\r\n\r\n`,
  [
    "GET /b HTTP/1.1",
    "Host: x",
    "authorization: Bearer first",
    "Authorization: Bearer second",
    "Cookie: a=1",
    "cookie: b=2",
    "X-Twice: one",
    "x-twice: two",
    "Set-Cookie: s=1",
    "Set-Cookie: t=2",
    "X-Pad: \t padded value \t",
    "X-Empty:",
    "X-MiXeD-CaSe: Value",
    "X-Latin: caf\u00e9 na\u00efve",
    "\r\n",
  ].join("\r\n"),
];

const seen: IncomingHttpHeaders[] = [];
const server = createServer((req, res) => {
  seen.push(req.headers);
  res.end("ok");
});

beforeAll(async () => {
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  for (const raw of REQUESTS) {
    const socket = connect(port, "127.0.0.1");
    socket.end(Buffer.from(raw, "latin1"));
    socket.resume();
    await once(socket, "close");
  }
});

afterAll(() => {
  server.close();
});

describe("IncomingHeaders", () => {
  it("saw every request (the raw requests are valid HTTP)", () => {
    expect(seen).toHaveLength(REQUESTS.length);
  });

  it("answers get and has as the filled Headers does, before and after it fills", () => {
    for (const source of seen) {
      const names = [
        ...Object.keys(source),
        ...Object.keys(source).map((name) => name.toUpperCase()),
        "absent",
        "content-type",
        "constructor",
        "__proto__",
        "toString",
        "hasOwnProperty",
        ":path",
        "bad name",
        "",
      ];
      const eager = eagerHeaders(source);
      // Filling lists Node's fields (Object.entries): a proxy tells when that happens.
      let filled = false;
      const watched = new Proxy(source, {
        ownKeys: (target) => {
          filled = true;
          return Reflect.ownKeys(target);
        },
      });
      const lazy = new IncomingHeaders(watched);
      for (const name of names) {
        expect(
          outcome(() => lazy.get(name)),
          name,
        ).toEqual(outcome(() => eager.get(name)));
        expect(
          outcome(() => lazy.has(name)),
          name,
        ).toEqual(outcome(() => eager.has(name)));
      }
      // Set-Cookie is a list: get("set-cookie") fills, by design; nothing else does.
      expect(filled).toBe(source["set-cookie"] !== undefined);
      expect([...lazy]).toEqual([...eager]);
      for (const name of names) {
        expect(
          outcome(() => lazy.get(name)),
          name,
        ).toEqual(outcome(() => eager.get(name)));
      }
    }
  });

  it("fills before anything else: iteration, cookies, changes, inspection, undici", () => {
    for (const source of seen) {
      const eager = eagerHeaders(source);
      const fresh = () => new IncomingHeaders(source);
      expect([...fresh().keys()]).toEqual([...eager.keys()]);
      expect([...fresh().values()]).toEqual([...eager.values()]);
      expect([...fresh().entries()]).toEqual([...eager.entries()]);
      expect(fresh().getSetCookie()).toEqual(eager.getSetCookie());
      const visited: string[] = [];
      fresh().forEach((value, name) => {
        visited.push(`${name}=${value}`);
      });
      expect(visited).toEqual([...eager].map(([name, value]) => `${name}=${value}`));
      expect(inspect(fresh())).toEqual(inspect(eager));
      expect([...new Response(null, { headers: fresh() }).headers]).toEqual([
        ...new Response(null, { headers: eager }).headers,
      ]);
      const changed = fresh();
      changed.append("x-added", "1");
      changed.set("host", "elsewhere");
      changed.delete("user-agent");
      const expected = eagerHeaders(source);
      expected.append("x-added", "1");
      expected.set("host", "elsewhere");
      expected.delete("user-agent");
      expect([...changed]).toEqual([...expected]);
    }
  });

  it("strips HTTP whitespace from a value as appending it does", () => {
    const source = { "x-pad": " \t value \t ", "x-inner": "a  b", "x-blank": " \t " };
    const lazy = new IncomingHeaders(source);
    const eager = eagerHeaders(source);
    for (const name of Object.keys(source)) expect(lazy.get(name)).toBe(eager.get(name));
  });

  it("is a Headers, and overrides every member Headers has (so none reads it unfilled)", () => {
    expect(new IncomingHeaders({})).toBeInstanceOf(Headers);
    const members = Reflect.ownKeys(Headers.prototype).filter(
      (key) => key !== "constructor" && key !== Symbol.toStringTag,
    );
    expect(members.length).toBeGreaterThan(10);
    for (const key of members) {
      expect(Object.hasOwn(IncomingHeaders.prototype, key), String(key)).toBe(true);
    }
  });
});
