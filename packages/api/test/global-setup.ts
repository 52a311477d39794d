// One fresh, migrated database per test run: a throwaway embedded PostgreSQL, or a new database
// on the server named by TEST_DATABASE_URL (CI points it at PostgreSQL 15).
import { provisionTestDatabase } from "@kit/db/testing";
import type { TestProject } from "vitest/node";
import "./provided-context";

export default async function setup(project: TestProject) {
  const database = await provisionTestDatabase({
    serverUrl: process.env.TEST_DATABASE_URL || undefined,
  });
  project.provide("databaseUrl", database.url);
  return () => database.dispose();
}
