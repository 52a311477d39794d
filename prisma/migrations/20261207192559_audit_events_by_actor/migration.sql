-- What an admin did: admin.events filtered by actor_id, newest first. Partial: only events one
-- account did to another carry an actor, so the logins and refreshes that make up the trail write
-- nothing to it.
-- CreateIndex
CREATE INDEX "auth_events_actor_id_id_idx" ON "auth_events"("actor_id", "id") WHERE ("actor_id" IS NOT NULL);
