-- Who made a session's last rotation: a replay of the previous refresh token inside the grace
-- window is honoured only for that same client.
ALTER TABLE "sessions" ADD COLUMN "rotated_by" VARCHAR(80);
