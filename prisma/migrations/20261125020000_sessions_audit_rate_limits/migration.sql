-- AlterTable
ALTER TABLE "sessions" ADD COLUMN     "absolute_expires_at" TIMESTAMPTZ(3),
ADD COLUMN     "previous_jti" UUID,
ADD COLUMN     "rotated_at" TIMESTAMPTZ(3);

-- Sessions opened before the cap existed get the default cap from their creation.
UPDATE "sessions" SET "absolute_expires_at" = "created_at" + INTERVAL '30 days';
ALTER TABLE "sessions" ALTER COLUMN "absolute_expires_at" SET NOT NULL;

-- CreateTable
CREATE TABLE "auth_events" (
    "id" BIGSERIAL NOT NULL,
    "type" VARCHAR(32) NOT NULL,
    "user_id" UUID,
    "session_id" UUID,
    "ip" VARCHAR(64),
    "user_agent" VARCHAR(512),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "auth_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "rate_limits" (
    "key" VARCHAR(255) NOT NULL,
    "points" INTEGER NOT NULL DEFAULT 0,
    "expire" BIGINT,

    CONSTRAINT "rate_limits_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "auth_events_user_id_id_idx" ON "auth_events"("user_id", "id");

-- AddForeignKey
ALTER TABLE "auth_events" ADD CONSTRAINT "auth_events_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;
