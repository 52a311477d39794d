-- Pruning deletes audit events older than the retention in batches by created_at: without an
-- index each batch would scan the whole table.
-- CreateIndex
CREATE INDEX "auth_events_created_at_idx" ON "auth_events"("created_at");
