#!/bin/sh
# Stands in for Prisma's schema engine, which cannot be downloaded here: `prisma generate` only
# needs the path to exist. Migrations are applied by the kit's own runner (src/migrate.ts).
echo "The Prisma schema engine is not installed; use 'pnpm db:migrate'." >&2
exit 1
