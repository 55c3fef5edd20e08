-- OpenRCM store, SQLite dialect, third migration: getting paid (acknowledgements, 835 posting,
-- the work queue, balances). Keep in step with ../postgres/0003_payments.sql.

-- Files received from payers and clearinghouses (835, 999, 277CA), kept encrypted (an 835 names
-- patients). The SHA-256 makes a second import of the same file a no-op.
CREATE TABLE received_files (
    id INTEGER PRIMARY KEY,
    organization_id BIGINT NOT NULL REFERENCES organizations(id),
    kind TEXT NOT NULL CHECK (kind IN ('835', '999', '277CA')),
    file_sha256 BLOB NOT NULL,
    file_enc BLOB NOT NULL,
    summary TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    imported_by TEXT NOT NULL,
    UNIQUE (organization_id, file_sha256)
);

-- One 835 payment (BPR/TRN): a check or EFT. A payment is posted once: the payer's trace number
-- (TRN02 under TRN03) is unique, so the same payment in a re-sent file is not posted twice.
CREATE TABLE remittances (
    id INTEGER PRIMARY KEY,
    organization_id BIGINT NOT NULL REFERENCES organizations(id),
    received_file_id BIGINT NOT NULL REFERENCES received_files(id),
    payer_name TEXT NOT NULL,
    payer_identifier TEXT NOT NULL,
    trace_number TEXT NOT NULL,
    payment_method TEXT NOT NULL,
    payment_date TEXT,
    payment_cents BIGINT NOT NULL,
    claims_posted BIGINT NOT NULL,
    claims_unmatched BIGINT NOT NULL,
    posted_at TEXT NOT NULL,
    UNIQUE (organization_id, payer_identifier, trace_number)
);

-- What one CLP said about one claim. A reversal (CLP02 = 22) is a row with negative amounts, so
-- a claim's money is the sum of its rows (but for predeterminations, which move none).
CREATE TABLE claim_payments (
    id INTEGER PRIMARY KEY,
    remittance_id BIGINT NOT NULL REFERENCES remittances(id),
    claim_id BIGINT NOT NULL REFERENCES claims(id),
    position BIGINT NOT NULL,
    status_code TEXT NOT NULL,
    charge_cents BIGINT NOT NULL,
    paid_cents BIGINT NOT NULL,
    patient_resp_cents BIGINT NOT NULL,
    adjusted_cents BIGINT NOT NULL,
    payer_claim_control_number TEXT NOT NULL,
    UNIQUE (remittance_id, position)
);
CREATE INDEX claim_payments_claim ON claim_payments (claim_id, id);

-- CAS adjustments (line_number NULL: claim level) and SVC payments per service line.
CREATE TABLE payment_adjustments (
    claim_payment_id BIGINT NOT NULL REFERENCES claim_payments(id),
    line_number BIGINT,
    group_code TEXT NOT NULL,
    reason_code TEXT NOT NULL,
    amount_cents BIGINT NOT NULL,
    quantity_milli BIGINT
);
CREATE INDEX payment_adjustments_payment ON payment_adjustments (claim_payment_id);

CREATE TABLE service_line_payments (
    claim_payment_id BIGINT NOT NULL REFERENCES claim_payments(id),
    position BIGINT NOT NULL,
    line_number BIGINT,
    procedure_code TEXT NOT NULL,
    modifiers TEXT NOT NULL,
    charge_cents BIGINT NOT NULL,
    paid_cents BIGINT NOT NULL,
    allowed_cents BIGINT,
    remark_codes TEXT NOT NULL,
    PRIMARY KEY (claim_payment_id, position)
);

-- PLB: money the payer took or added at provider level, recorded against the payment.
CREATE TABLE provider_adjustments (
    remittance_id BIGINT NOT NULL REFERENCES remittances(id),
    position BIGINT NOT NULL,
    provider_identifier TEXT NOT NULL,
    reason_code TEXT NOT NULL,
    reference TEXT NOT NULL,
    amount_cents BIGINT NOT NULL,
    PRIMARY KEY (remittance_id, position)
);

-- A CLP no claim could be found for: kept whole (encrypted, it names the patient) until a biller
-- resolves it, so nothing in an 835 is ever dropped.
CREATE TABLE unmatched_payments (
    id INTEGER PRIMARY KEY,
    remittance_id BIGINT NOT NULL REFERENCES remittances(id),
    position BIGINT NOT NULL,
    patient_control_number TEXT NOT NULL,
    payer_claim_control_number TEXT NOT NULL,
    status_code TEXT NOT NULL,
    charge_cents BIGINT NOT NULL,
    paid_cents BIGINT NOT NULL,
    reason TEXT NOT NULL,
    detail_enc BLOB NOT NULL,
    resolved_at TEXT,
    resolved_by TEXT,
    UNIQUE (remittance_id, position)
);

-- 999 and 277CA answers about a claim, in the order received.
CREATE TABLE claim_acknowledgements (
    id INTEGER PRIMARY KEY,
    claim_id BIGINT NOT NULL REFERENCES claims(id),
    received_file_id BIGINT NOT NULL REFERENCES received_files(id),
    kind TEXT NOT NULL CHECK (kind IN ('999', '277CA')),
    accepted BIGINT NOT NULL CHECK (accepted IN (0, 1)),
    code TEXT NOT NULL,
    message TEXT NOT NULL,
    received_at TEXT NOT NULL
);
CREATE INDEX claim_acknowledgements_claim ON claim_acknowledgements (claim_id);

-- The work queue: rejected and denied claims, each with its reason, owner and notes.
CREATE TABLE work_items (
    id INTEGER PRIMARY KEY,
    organization_id BIGINT NOT NULL REFERENCES organizations(id),
    claim_id BIGINT NOT NULL REFERENCES claims(id),
    kind TEXT NOT NULL CHECK (kind IN ('rejected', 'denied', 'line_denied')),
    source TEXT NOT NULL,
    group_code TEXT NOT NULL,
    reason_code TEXT NOT NULL,
    remark_code TEXT NOT NULL,
    amount_cents BIGINT NOT NULL,
    opened_at TEXT NOT NULL,
    assigned_to TEXT,
    appealed_at TEXT,
    resolved_at TEXT,
    resolved_by TEXT
);
CREATE INDEX work_items_open ON work_items (organization_id, resolved_at);
CREATE INDEX work_items_claim ON work_items (claim_id);

CREATE TABLE work_item_notes (
    id INTEGER PRIMARY KEY,
    work_item_id BIGINT NOT NULL REFERENCES work_items(id),
    written_at TEXT NOT NULL,
    author TEXT NOT NULL,
    note_enc BLOB NOT NULL
);
CREATE INDEX work_item_notes_item ON work_item_notes (work_item_id);

-- What patients paid on a claim (front desk, mail, portal): the patient balance goes down by it.
CREATE TABLE patient_payments (
    id INTEGER PRIMARY KEY,
    claim_id BIGINT NOT NULL REFERENCES claims(id),
    amount_cents BIGINT NOT NULL CHECK (amount_cents <> 0),
    method TEXT NOT NULL CHECK (method IN ('cash', 'check', 'card', 'other')),
    reference TEXT NOT NULL,
    received_on TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL
);
CREATE INDEX patient_payments_claim ON patient_payments (claim_id);

-- The claim's money, kept as the sum of its postings (predeterminations and "not our claim" answers
-- are recorded but move no money) so A/R reads one row per claim:
-- insurance balance = charge - paid - adjusted - patient responsibility;
-- patient balance = patient responsibility - patient paid.
ALTER TABLE claims ADD COLUMN paid_cents BIGINT NOT NULL DEFAULT 0;
ALTER TABLE claims ADD COLUMN adjusted_cents BIGINT NOT NULL DEFAULT 0;
ALTER TABLE claims ADD COLUMN patient_resp_cents BIGINT NOT NULL DEFAULT 0;
ALTER TABLE claims ADD COLUMN patient_paid_cents BIGINT NOT NULL DEFAULT 0;
ALTER TABLE claims ADD COLUMN payer_claim_control_number TEXT;
ALTER TABLE claims ADD COLUMN submitted_at TEXT;
ALTER TABLE claims ADD COLUMN service_date TEXT;
ALTER TABLE claims ADD COLUMN first_response TEXT;
CREATE INDEX claims_payer_ccn ON claims (organization_id, payer_claim_control_number);
UPDATE claims SET service_date = (SELECT e.service_date FROM encounters e WHERE e.id = claims.encounter_id);
UPDATE claims SET submitted_at = (
    SELECT MIN(h.changed_at) FROM claim_status_history h WHERE h.claim_id = claims.id AND h.to_status = 'submitted'
);
