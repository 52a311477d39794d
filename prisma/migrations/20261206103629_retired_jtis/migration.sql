-- Every token a run of rotations by one client retired, with when: tabs that load at once each
-- refresh, the chain moves on more than once inside the grace window, and the slowest tab still
-- carries a token from two or more rotations back. It was reuse, and the whole session was
-- revoked. The grace window now honours any token of such a run (the client that made them,
-- within the window of its own rotation), not only the one just retired (previous_jti, kept).
-- Added with defaults and nothing else: servers of the release before go on without them.
-- No semicolon here but at the ends of statements: @prisma/adapter-pg (what `prisma migrate
-- deploy` runs through) splits a script at every one, comments included.
ALTER TABLE "sessions" ADD COLUMN     "retired_at" TIMESTAMPTZ(3)[] DEFAULT ARRAY[]::TIMESTAMPTZ(3)[],
ADD COLUMN     "retired_jtis" UUID[] DEFAULT ARRAY[]::UUID[];
