// The Prisma client over adapter-pg, the named selects and the unique-violation check, for real.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { provisionTestDatabase } from "../testing/test-database";
import { createPrismaClient, type PrismaClient, poolOf } from "./client";
import { sessionSelect, userAuthSelect, userCredentialsSelect, userPublicSelect } from "./selects";
import { isUniqueViolation } from "./unique-violation";

let db: { url: string; dispose(): Promise<void> };
let prisma: PrismaClient;

beforeAll(async () => {
  db = await provisionTestDatabase({ serverUrl: inject("postgresServerUrl") });
  prisma = createPrismaClient(db.url);
});
afterAll(async () => {
  await prisma?.$disconnect();
  await db?.dispose();
});

describe("createPrismaClient", () => {
  it("writes and reads through the pg adapter, and fills in ids and timestamps", async () => {
    const user = await prisma.user.create({
      data: { email: "ada@example.com", name: "Ada", passwordHash: "hash-1" },
    });
    expect(user).toMatchObject({ email: "ada@example.com", isActive: true });
    expect(user.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(user.updatedAt).toBeInstanceOf(Date);
  });
});

describe("poolOf", () => {
  it("gives the pool under the client: a row Prisma wrote is read through it", async () => {
    const user = await prisma.user.create({
      data: { email: "pool@example.com", passwordHash: "h" },
    });
    const { rows } = await poolOf(prisma).query<{ email: string }>({
      name: "client-test-user-email",
      text: "SELECT email FROM users WHERE id = $1::uuid",
      values: [user.id],
    });
    expect(rows).toEqual([{ email: "pool@example.com" }]);
    expect(poolOf(prisma)).toBe(poolOf(prisma));
  });

  it("refuses a client it did not make", () => {
    const other = Object.create(prisma) as PrismaClient;
    expect(() => poolOf(other)).toThrow(/not made by createPrismaClient/);
  });

  it("is ended by $disconnect, as the adapter's own pool would be", async () => {
    const own = createPrismaClient(inject("postgresServerUrl"));
    await own.$queryRaw`SELECT 1`;
    await own.$disconnect();
    expect(poolOf(own).ended).toBe(true);
  });
});

describe("named selects", () => {
  it("keep the password hash out unless it is asked for by name", async () => {
    await prisma.user.create({ data: { email: "bob@example.com", passwordHash: "hash-2" } });
    const where = { email: "bob@example.com" };
    const pub = await prisma.user.findUniqueOrThrow({ where, select: userPublicSelect });
    expect(Object.keys(pub).sort()).toEqual(["email", "id", "name"]);
    const auth = await prisma.user.findUniqueOrThrow({ where, select: userAuthSelect });
    expect(Object.keys(auth).sort()).toEqual(["email", "id", "isActive", "name", "role"]);
    const credentials = await prisma.user.findUniqueOrThrow({
      where,
      select: userCredentialsSelect,
    });
    expect(credentials.passwordHash).toBe("hash-2");
  });

  it("sessionSelect returns every session column", async () => {
    const user = await prisma.user.create({ data: { email: "cy@example.com", passwordHash: "h" } });
    const session = await prisma.session.create({
      data: {
        userId: user.id,
        refreshJti: crypto.randomUUID(),
        expiresAt: new Date(Date.now() + 60_000),
        absoluteExpiresAt: new Date(Date.now() + 120_000),
        userAgent: "vitest",
        ip: "127.0.0.1",
      },
      select: sessionSelect,
    });
    expect(Object.keys(session).sort()).toEqual(Object.keys(sessionSelect).sort());
  });

  it("sessions go with their user (ON DELETE CASCADE)", async () => {
    const user = await prisma.user.create({
      data: { email: "dee@example.com", passwordHash: "h" },
    });
    await prisma.session.create({
      data: {
        userId: user.id,
        refreshJti: crypto.randomUUID(),
        expiresAt: new Date(),
        absoluteExpiresAt: new Date(),
      },
    });
    await prisma.user.delete({ where: { id: user.id } });
    expect(await prisma.session.count({ where: { userId: user.id } })).toBe(0);
  });
});

describe("isUniqueViolation", () => {
  it("recognises a taken email (P2002), and nothing else", async () => {
    const data = { email: "eve@example.com", passwordHash: "h" };
    await prisma.user.create({ data });
    const duplicate = await prisma.user.create({ data }).catch((err: unknown) => err);
    expect(isUniqueViolation(duplicate)).toBe(true);

    const missing = await prisma.user
      .update({ where: { email: "nobody@example.com" }, data: { name: "x" } })
      .catch((err: unknown) => err);
    expect(missing).toBeInstanceOf(Error);
    expect(isUniqueViolation(missing)).toBe(false);
    expect(isUniqueViolation(new Error("P2002"))).toBe(false);
    expect(isUniqueViolation(undefined)).toBe(false);
  });
});
