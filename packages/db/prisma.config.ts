// Prisma CLI settings: the schema lives at the top of the repo, one source of truth.
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "../../prisma/schema.prisma",
  migrations: { path: "../../prisma/migrations" },
});
