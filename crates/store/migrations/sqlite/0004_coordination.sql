-- OpenRCM store, SQLite dialect, fourth migration: coordination of benefits (secondary claims).
-- Keep in step with ../postgres/0004_coordination.sql.

-- A claim to the next payer (secondary, tertiary) names the claim whose adjudication it carries
-- (primary_claim_id) and the part of the charge that payer already settled (prior_payer_cents:
-- paid and adjusted, i.e. the charge less what was still the patient's). Until the next payer
-- answers, the claim's insurance balance is the charge less that prior part; once it answers,
-- its own adjustments (which repeat the prior payer's, e.g. OA-23) take over, so the prior part
-- is never counted twice.
ALTER TABLE claims ADD COLUMN primary_claim_id BIGINT REFERENCES claims(id);
ALTER TABLE claims ADD COLUMN prior_payer_cents BIGINT NOT NULL DEFAULT 0;
-- On the earlier claim: the patient balance moved to the next payer by a claim to it that was
-- sent and not voided (recomputed from those claims whenever one is sent or changes status).
ALTER TABLE claims ADD COLUMN transferred_cents BIGINT NOT NULL DEFAULT 0;
CREATE INDEX claims_primary ON claims (primary_claim_id);
