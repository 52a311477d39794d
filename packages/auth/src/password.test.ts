import { hash } from "@node-rs/argon2";
import { describe, expect, it, vi } from "vitest";
import {
  ARGON2_PARAMS,
  DUMMY_HASH,
  hashPassword,
  needsRehash,
  verifyAgainstDummy,
  verifyPassword,
  verifyPasswordForm,
} from "./password";
import { createPasswordQueue, type PasswordQueue } from "./password-queue";

// One real hash for the whole file: each costs ~15 ms.
const ourHash = hashPassword("correct horse battery staple");

describe("hashPassword and verifyPassword", () => {
  it("makes an argon2id PHC string with the OWASP parameters", async () => {
    expect(ARGON2_PARAMS).toEqual({ memoryCost: 19456, timeCost: 2, parallelism: 1 });
    expect(await ourHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]+\$/);
  });

  it("verifies the right password and refuses a wrong one", async () => {
    expect(await verifyPassword(await ourHash, "correct horse battery staple")).toBe(true);
    expect(await verifyPassword(await ourHash, "correct horse battery stapler")).toBe(false);
  });

  it("matches a password typed in another Unicode form (NFC, NFD, full-width)", async () => {
    const composed = "Crème brûlée 42".normalize("NFC");
    const decomposed = composed.normalize("NFD");
    expect(decomposed).not.toBe(composed);
    const madeDecomposed = await hashPassword(decomposed);
    expect(await verifyPasswordForm(madeDecomposed, composed)).toBe("normalized");
    expect(await verifyPasswordForm(madeDecomposed, decomposed)).toBe("normalized");
    expect(await verifyPasswordForm(madeDecomposed, "Creme brulee 42")).toBeNull();
    expect(
      await verifyPassword(await hashPassword("ｃｏｒｒｅｃｔ ｈｏｒｓｅ"), "correct horse"),
    ).toBe(true);
  });

  it("still matches a hash made of the password as typed before normalising, and says so", async () => {
    // What registration stored before: the bytes a Mac sent (NFD), hashed as they came.
    const decomposed = "Crème brûlée 42".normalize("NFD");
    const legacy = await hash(decomposed, ARGON2_PARAMS);
    expect(await verifyPasswordForm(legacy, decomposed)).toBe("legacy");
    expect(await verifyPasswordForm(legacy, decomposed.normalize("NFC"))).toBe("legacy");
    expect(await verifyPasswordForm(legacy, "Crème brûlée 43")).toBeNull();
    // An ASCII password has one form: a wrong one costs one verify, as before.
    expect(await verifyPasswordForm(await ourHash, "correct horse battery staple")).toBe(
      "normalized",
    );
  });

  it("returns false for a malformed hash instead of throwing", async () => {
    const truncated = (await ourHash).slice(0, 40);
    for (const bad of ["", "not-a-hash", "$argon2id$v=19$", truncated]) {
      await expect(verifyPassword(bad, "whatever")).resolves.toBe(false);
    }
  });
});

describe("needsRehash", () => {
  it("is false for a hash made with the current parameters", async () => {
    expect(needsRehash(await ourHash)).toBe(false);
  });

  it("is true for a valid hash made with lower parameters", async () => {
    const weak = await hash("pw-weak-params", { memoryCost: 4096, timeCost: 2, parallelism: 1 });
    expect(weak).toContain("$m=4096,t=2,p=1$");
    expect(await verifyPassword(weak, "pw-weak-params")).toBe(true);
    expect(needsRehash(weak)).toBe(true);
  });

  it("is true for other algorithms, versions, other t/p, and garbage", async () => {
    const current = await ourHash;
    expect(needsRehash(current.replace("$argon2id$", "$argon2i$"))).toBe(true);
    expect(needsRehash(current.replace("$v=19$", "$v=16$"))).toBe(true);
    expect(needsRehash(current.replace(",t=2,", ",t=3,"))).toBe(true);
    expect(needsRehash(current.replace(",p=1$", ",p=2$"))).toBe(true);
    expect(needsRehash(current.replace("m=19456", "m=194560"))).toBe(true);
    expect(needsRehash("$2b$10$abcdefghijklmnopqrstuu")).toBe(true);
    expect(needsRehash("")).toBe(true);
  });
});

describe("verifyAgainstDummy", () => {
  it("always resolves false, also when called again", async () => {
    await expect(verifyAgainstDummy("correct horse battery staple")).resolves.toBe(false);
    await expect(verifyAgainstDummy("")).resolves.toBe(false);
  });

  it("checks against a hash of today's parameters, so it costs what a real verify does", () => {
    expect(needsRehash(DUMMY_HASH)).toBe(false);
  });

  it("costs one argon2 job from a process's first call on, as a wrong password does", async () => {
    // A fresh copy of the module: its first call, as in a server that just started.
    vi.resetModules();
    const fresh = await import("./password");
    const queue = createPasswordQueue({ concurrency: 1 });
    let jobs = 0;
    const counting: PasswordQueue = {
      concurrency: queue.concurrency,
      maxWaiting: queue.maxWaiting,
      active: 0,
      waiting: 0,
      run(job) {
        jobs += 1;
        return queue.run(job);
      },
    };
    await fresh.verifyAgainstDummy("first unknown email's password", { queue: counting });
    expect(jobs).toBe(1);
  });
});
