-- Users get a role: `admin` may call the admin router (adminProcedure), everyone else is `user`.
-- A PostgreSQL enum rather than a checked varchar: the schema drift test compares enum types, and
-- the database itself refuses any other value, whoever writes it.
-- CreateEnum
CREATE TYPE "Role" AS ENUM ('user', 'admin');

-- AlterTable
ALTER TABLE "users" ADD COLUMN "role" "Role" NOT NULL DEFAULT 'user';

-- Who acted, for the admin router's events (the account acted on stays in user_id). No foreign
-- key: the record keeps naming the admin after that account is deleted.
ALTER TABLE "auth_events" ADD COLUMN "actor_id" UUID;

-- A role change must reach every server's session cache, which holds the user row (auth.me
-- answers the role from it): the users trigger of 20261201170000_session_change_notify now
-- watches `role` too. Its function is unchanged. Dropped and created again (not CREATE OR
-- REPLACE TRIGGER) so the statement is the same on every PostgreSQL the kit supports.
DROP TRIGGER "users_notify_change" ON "users";
CREATE TRIGGER "users_notify_change" AFTER UPDATE ON "users" FOR EACH ROW
  WHEN (OLD.is_active IS DISTINCT FROM NEW.is_active
     OR OLD.email IS DISTINCT FROM NEW.email
     OR OLD.name IS DISTINCT FROM NEW.name
     OR OLD.password_hash IS DISTINCT FROM NEW.password_hash
     OR OLD.role IS DISTINCT FROM NEW.role)
  EXECUTE FUNCTION "kit_notify_session_change"('u');
