// Recognises a unique-constraint violation so the API can answer "taken" rather than a 500.
import { Prisma } from "../generated/prisma/client";

/** True for Prisma's P2002 ("Unique constraint failed"), e.g. registering a taken email. */
export function isUniqueViolation(err: unknown): err is Prisma.PrismaClientKnownRequestError {
  return err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002";
}
