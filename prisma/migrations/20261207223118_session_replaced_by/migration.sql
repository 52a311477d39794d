-- AlterTable
ALTER TABLE "sessions" ADD COLUMN     "replaced_by" UUID,
ADD COLUMN     "replaced_for" VARCHAR(80);
