// loggableDatabaseError keeps a database failure's codes and place and drops the values its
// message quotes, in the shapes Prisma 7, its pg adapter and pg report them.
import { describe, expect, it } from "vitest";
import { loggableDatabaseError, withoutValues } from "./loggable-error";

function prismaError(name: string, message: string, fields: Record<string, unknown> = {}) {
  const error = Object.assign(new Error(message), fields);
  error.name = name;
  return error;
}

describe("loggableDatabaseError", () => {
  it("keeps the call, its place and the verdict of a known request error, not the value", () => {
    const error = prismaError(
      "PrismaClientKnownRequestError",
      '\nInvalid `prisma.user.findFirst()` invocation in\n/app/src/notes.ts:8:30\n\n  5 const a = 1;\n→ 8   const user = await prisma.user.findFirst(\nInvalid input value: invalid input syntax for type uuid: "hunter2-SECRET"',
      {
        code: "P2007",
        meta: {
          modelName: "User",
          driverAdapterError: {
            name: "DriverAdapterError",
            cause: {
              originalCode: "22P02",
              originalMessage: 'invalid input syntax for type uuid: "hunter2-SECRET"',
              kind: "InvalidInputValue",
            },
          },
        },
      },
    );
    const logged = loggableDatabaseError(error);
    expect(logged).toMatchObject({
      type: "PrismaClientKnownRequestError",
      code: "P2007",
      sqlState: "22P02",
      kind: "InvalidInputValue",
      modelName: "User",
      message:
        'Invalid `prisma.user.findFirst()` invocation in /app/src/notes.ts:8:30 Invalid input value: invalid input syntax for type uuid: "…"',
    });
    expect(logged?.stack).toMatch(/^\s+at /);
    expect(JSON.stringify(logged)).not.toContain("SECRET");
  });

  it("drops a validation error's argument tree, keeping what was wrong", () => {
    const error = prismaError(
      "PrismaClientValidationError",
      '\nInvalid `prisma.user.create()` invocation:\n\n{\n  data: {\n    email: "a@b.c",\n    passwordHash: 12345,\n                  ~~~~~\n    name: "SECRETNAME"\n  }\n}\n\nArgument `passwordHash`: Invalid value provided. Expected String, provided Int.',
    );
    const logged = loggableDatabaseError(error);
    expect(logged?.message).toBe(
      "Invalid `prisma.user.create()` invocation: Argument `passwordHash`: Invalid value provided. Expected String, provided Int.",
    );
    expect(JSON.stringify(logged)).not.toMatch(/SECRETNAME|a@b\.c|12345/);
  });

  it("keeps a unique violation's constraint names, and reads pg's own errors", () => {
    const unique = prismaError(
      "PrismaClientKnownRequestError",
      "\nInvalid `prisma.user.create()` invocation:\n\n\nUnique constraint failed on the constraint: `users_email_key`",
      {
        code: "P2002",
        meta: {
          driverAdapterError: {
            cause: { originalCode: "23505", constraint: { index: "users_email_key" } },
          },
        },
      },
    );
    expect(loggableDatabaseError(unique)).toMatchObject({
      code: "P2002",
      sqlState: "23505",
      constraint: { index: "users_email_key" },
      message:
        "Invalid `prisma.user.create()` invocation: Unique constraint failed on the constraint: `users_email_key`",
    });
    const pg = Object.assign(new Error('invalid input syntax for type integer: "SECRET-NUM"'), {
      name: "error",
      severity: "ERROR",
      code: "22P02",
      detail: "Key (email)=(someone@example.com) already exists.",
    });
    const logged = loggableDatabaseError(pg);
    expect(logged).toMatchObject({
      code: "22P02",
      message: 'invalid input syntax for type integer: "…"',
    });
    expect(JSON.stringify(logged)).not.toMatch(/SECRET|someone/);
  });

  it("leaves anything else to the usual serializer", () => {
    expect(loggableDatabaseError(new Error("boom"))).toBeNull();
    expect(loggableDatabaseError({ code: "P2002" })).toBeNull();
    expect(loggableDatabaseError("PrismaClientKnownRequestError")).toBeNull();
    expect(loggableDatabaseError(null)).toBeNull();
  });
});

describe("withoutValues", () => {
  it("masks quoted text and key values, keeping identifiers in backticks", () => {
    expect(withoutValues(`Key (email)=(a@b.c) is "x" or 'y' in \`users\``)).toBe(
      "Key (email)=(…) is \"…\" or '…' in `users`",
    );
  });
});
