// Test-only: runs a function that should throw an AuthError and returns that error.
import { AuthError } from "../errors";

export function catchAuthError(run: () => unknown): AuthError {
  try {
    run();
  } catch (error) {
    if (error instanceof AuthError) return error;
    throw error;
  }
  throw new Error("Expected an AuthError, but nothing was thrown.");
}
