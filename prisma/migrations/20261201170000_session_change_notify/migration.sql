-- Every server caches live sessions in memory (packages/api/src/session-cache/session-cache.ts)
-- and must hear at once when one may no longer be used. These triggers send that news on the
-- channel `kit_session_change`, in the transaction that made the change (so only once it
-- commits), whoever made it: the app, another instance, or an operator's SQL.
-- Payloads: `s:<session id>`, `u:<user id>`, `*` (a table was truncated: forget everything).
-- Rotation (refresh) changes none of the watched columns and sends nothing: refresh stays cheap.
-- The body is an E'' string with each semicolon written as \073: @prisma/adapter-pg (what
-- `prisma migrate deploy` runs through here) splits a script at every semicolon, even inside
-- a dollar-quoted body, and then fails. So this file has no literal semicolon but at the ends.
CREATE FUNCTION "kit_notify_session_change"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  IF TG_LEVEL = ''STATEMENT'' THEN
    PERFORM pg_notify(''kit_session_change'', ''*'')\073
  ELSE
    PERFORM pg_notify(''kit_session_change'', TG_ARGV[0] || '':'' || OLD.id::text)\073
  END IF\073
  RETURN NULL\073
END
';

-- A session ends (revoked), moves to another user, gets an earlier end, or goes away. Rotation
-- only ever moves expires_at later, so an earlier one is an operator cutting a session short.
CREATE TRIGGER "sessions_notify_change" AFTER UPDATE ON "sessions" FOR EACH ROW
  WHEN (OLD.revoked_at IS DISTINCT FROM NEW.revoked_at
     OR OLD.user_id IS DISTINCT FROM NEW.user_id
     OR OLD.absolute_expires_at IS DISTINCT FROM NEW.absolute_expires_at
     OR NEW.expires_at < OLD.expires_at)
  EXECUTE FUNCTION "kit_notify_session_change"('s');
CREATE TRIGGER "sessions_notify_delete" AFTER DELETE ON "sessions" FOR EACH ROW
  EXECUTE FUNCTION "kit_notify_session_change"('s');
CREATE TRIGGER "sessions_notify_truncate" AFTER TRUNCATE ON "sessions" FOR EACH STATEMENT
  EXECUTE FUNCTION "kit_notify_session_change"('s');

-- A user is deactivated, renamed, changes email or password, or goes away: cached copies of the
-- user (and every session of theirs) are dropped. updated_at alone changes nothing.
CREATE TRIGGER "users_notify_change" AFTER UPDATE ON "users" FOR EACH ROW
  WHEN (OLD.is_active IS DISTINCT FROM NEW.is_active
     OR OLD.email IS DISTINCT FROM NEW.email
     OR OLD.name IS DISTINCT FROM NEW.name
     OR OLD.password_hash IS DISTINCT FROM NEW.password_hash)
  EXECUTE FUNCTION "kit_notify_session_change"('u');
CREATE TRIGGER "users_notify_delete" AFTER DELETE ON "users" FOR EACH ROW
  EXECUTE FUNCTION "kit_notify_session_change"('u');
CREATE TRIGGER "users_notify_truncate" AFTER TRUNCATE ON "users" FOR EACH STATEMENT
  EXECUTE FUNCTION "kit_notify_session_change"('u');
