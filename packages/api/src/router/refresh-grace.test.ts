// The grace window to the millisecond, which only an in-process clock can place precisely (the
// statuses it checks are reached on both servers by refresh-grace.http.test.ts).
import { describe, expect, it } from "vitest";
import {
  type InProcessOptions,
  type InProcessServer,
  startInProcessServer,
} from "../../test/in-process-server";
import { serversPerTest, uniqueEmail } from "../../test/test-server";

const serverWith = serversPerTest<InProcessOptions, InProcessServer>(startInProcessServer);

describe("the reuse grace window", () => {
  it("counts from the rotation's millisecond, not from the start of its second", async () => {
    // A clock that moves only when told: the instants below are exact.
    const api = await serverWith({ refreshReuseGrace: 1, frozenClock: true });
    const reply = await api.post("auth.register", {
      email: uniqueEmail("grace-ms"),
      password: "correct horse battery",
    });
    const t0 = reply.body.result.data.refresh;
    // Rotate at .900 of a second, replay 900 ms later: inside a 1 s window. Counted from the
    // start of the rotation's second it would be 1.8 s: reuse, and the owner signed out.
    await api.elapse(((1900 - (api.now() % 1000)) % 1000) / 1000);
    expect(api.now() % 1000).toBe(900);
    const t1 = (await api.post("auth.refresh", { refresh: t0 })).body.result.data.refresh;
    await api.elapse(0.9);
    const again = await api.post("auth.refresh", { refresh: t0 });
    expect(again.status).toBe(200);
    expect(again.body.result.data.refresh).toBe(t1);
    // And past the window it is reuse.
    await api.elapse(0.2);
    expect((await api.post("auth.refresh", { refresh: t0 })).body.error.data.appCode).toBe(
      "TOKEN_REUSED",
    );
  });
});
