-- A session or a user whose id an operator changes with SQL must leave every server's session
-- cache too: the cache files sessions by id, and the tokens name the old one. The triggers of
-- 20261201170000_session_change_notify (role added by 20261202000000_user_role) now also watch
-- `id`. Their function is unchanged and sends the OLD id, the one cached. Dropped and created
-- again (not CREATE OR REPLACE TRIGGER) so the statements are the same on every PostgreSQL the
-- kit supports. No semicolon here but at the ends of statements: @prisma/adapter-pg (what
-- `prisma migrate deploy` runs through) splits a script at every one, comments included.
DROP TRIGGER "sessions_notify_change" ON "sessions";
CREATE TRIGGER "sessions_notify_change" AFTER UPDATE ON "sessions" FOR EACH ROW
  WHEN (OLD.revoked_at IS DISTINCT FROM NEW.revoked_at
     OR OLD.id IS DISTINCT FROM NEW.id
     OR OLD.user_id IS DISTINCT FROM NEW.user_id
     OR OLD.absolute_expires_at IS DISTINCT FROM NEW.absolute_expires_at
     OR NEW.expires_at < OLD.expires_at)
  EXECUTE FUNCTION "kit_notify_session_change"('s');

DROP TRIGGER "users_notify_change" ON "users";
CREATE TRIGGER "users_notify_change" AFTER UPDATE ON "users" FOR EACH ROW
  WHEN (OLD.is_active IS DISTINCT FROM NEW.is_active
     OR OLD.id IS DISTINCT FROM NEW.id
     OR OLD.email IS DISTINCT FROM NEW.email
     OR OLD.name IS DISTINCT FROM NEW.name
     OR OLD.password_hash IS DISTINCT FROM NEW.password_hash
     OR OLD.role IS DISTINCT FROM NEW.role)
  EXECUTE FUNCTION "kit_notify_session_change"('u');
