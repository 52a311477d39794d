-- A refresh whose swap committed after the server had given up on it (a commit that stalled
-- past DATABASE_TIMEOUT, an answer lost on the way back) was answered 503: the client kept its
-- token and never got the new one, and its retry past the grace window was reuse, which revoked
-- the session. The server that gave up now records here, once the database answers, the token
-- presented to that rotation: its client may present it again until the next rotation.
-- Nullable and without a default: servers of the release before go on without it.
-- No semicolon here but at the ends of statements: @prisma/adapter-pg (what `prisma migrate
-- deploy` runs through) splits a script at every one, comments included.
ALTER TABLE "sessions" ADD COLUMN "unanswered_jti" UUID;
