-- Webhook deliveries are never listed by field, yet each is written three times (made, claimed, recorded):
-- keeping them out of the GIN index spares a GIN insertion per write, and the pending-list merges those
-- insertions set off in the middle of a delivery round.
DROP INDEX objects_filter_fields;
CREATE INDEX objects_filter_fields ON objects USING GIN (portico_filter_fields(data) jsonb_path_ops)
    WHERE kind NOT IN ('event', 'webhook_delivery');
