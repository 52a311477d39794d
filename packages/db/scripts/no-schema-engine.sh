#!/bin/sh
# Stands in for Prisma's schema engine, which cannot be downloaded here: `prisma generate` only
# needs the path to exist. Migrations are written by `pnpm db:migration` (src/bin/migration.ts)
# and applied by the kit's own runner (src/migrations/migrate.ts).
echo "The Prisma schema engine is not installed here: write a migration with 'pnpm db:migration <name>', apply migrations with 'pnpm db:migrate'." >&2
exit 1
