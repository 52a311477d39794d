// The authenticator chain: the first that recognises the request decides, and whatever an
// authenticator does (resolve, reject, return or throw outright) reaches the caller as a promise.
import { describe, expect, it } from "vitest";
import type { AppDeps } from "../deps";
import { type Authenticator, runAuthenticators } from "./authenticate";
import type { Principal } from "./principal";

const deps = {} as AppDeps;
const request = { headers: new Headers(), clientIp: null };
const principal = (name: string) => ({ user: { id: name } }) as unknown as Principal;
const recognises =
  (name: string): Authenticator =>
  async () =>
    principal(name);
const passes: Authenticator = async () => null;

describe("runAuthenticators", () => {
  it("answers with the first authenticator that recognises the request", async () => {
    await expect(
      runAuthenticators([passes, recognises("b"), recognises("c")], deps, request),
    ).resolves.toEqual(principal("b"));
    await expect(runAuthenticators([recognises("a")], deps, request)).resolves.toEqual(
      principal("a"),
    );
  });

  it("answers null when none does, or there are none", async () => {
    await expect(runAuthenticators([passes, passes], deps, request)).resolves.toBeNull();
    await expect(runAuthenticators([passes], deps, request)).resolves.toBeNull();
    await expect(runAuthenticators([], deps, request)).resolves.toBeNull();
  });

  it("stops at one that fails: its error decides, the later ones never run", async () => {
    let laterRan = false;
    const later: Authenticator = async () => {
      laterRan = true;
      return principal("later");
    };
    const fails: Authenticator = async () => {
      throw new Error("bad token");
    };
    await expect(runAuthenticators([fails, later], deps, request)).rejects.toThrow("bad token");
    expect(laterRan).toBe(false);
  });

  it("gives a promise even for an authenticator that is not async, alone or in a chain", async () => {
    const throwsOutright = (() => {
      throw new Error("thrown, not rejected");
    }) as Authenticator;
    const returnsPlainly = (() => principal("plain")) as unknown as Authenticator;
    for (const chain of [[throwsOutright], [passes, throwsOutright]]) {
      const result = runAuthenticators(chain, deps, request);
      expect(result).toBeInstanceOf(Promise);
      await expect(result).rejects.toThrow("thrown, not rejected");
    }
    for (const chain of [[returnsPlainly], [passes, returnsPlainly]]) {
      const result = runAuthenticators(chain, deps, request);
      expect(result).toBeInstanceOf(Promise);
      await expect(result).resolves.toEqual(principal("plain"));
    }
  });
});
