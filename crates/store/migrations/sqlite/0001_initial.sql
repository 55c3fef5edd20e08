-- OpenRCM store, SQLite dialect. Keep in step with ../postgres/0001_initial.sql:
-- the test `both_engines_have_the_same_tables_and_columns` compares them.
-- Money: integer cents. Dates: 'YYYY-MM-DD' text. Timestamps: 'YYYY-MM-DDTHH:MM:SS.ffffffZ' text (UTC).
-- Columns ending in _enc hold AES-256-GCM ciphertext (PHI); they are never stored in clear.

CREATE TABLE store_meta (
    name TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);

CREATE TABLE organizations (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    npi TEXT,
    tax_id TEXT,
    last_interchange_control BIGINT NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);

CREATE TABLE billing_providers (
    id INTEGER PRIMARY KEY,
    organization_id BIGINT NOT NULL REFERENCES organizations(id),
    name TEXT NOT NULL,
    npi TEXT NOT NULL,
    tax_id TEXT NOT NULL,
    taxonomy TEXT,
    address_line1 TEXT NOT NULL,
    address_line2 TEXT,
    city TEXT NOT NULL,
    state TEXT NOT NULL,
    postal_code TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE rendering_providers (
    id INTEGER PRIMARY KEY,
    organization_id BIGINT NOT NULL REFERENCES organizations(id),
    last_name TEXT NOT NULL,
    first_name TEXT,
    npi TEXT NOT NULL,
    taxonomy TEXT,
    created_at TEXT NOT NULL
);

CREATE TABLE payers (
    id INTEGER PRIMARY KEY,
    organization_id BIGINT NOT NULL REFERENCES organizations(id),
    name TEXT NOT NULL,
    payer_code TEXT NOT NULL,
    claim_filing_indicator TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (organization_id, payer_code)
);

CREATE TABLE patients (
    id INTEGER PRIMARY KEY,
    organization_id BIGINT NOT NULL REFERENCES organizations(id),
    last_name_enc BLOB NOT NULL,
    first_name_enc BLOB NOT NULL,
    middle_name_enc BLOB,
    birth_date_enc BLOB NOT NULL,
    sex TEXT NOT NULL CHECK (sex IN ('F', 'M', 'U')),
    address_line1_enc BLOB,
    address_line2_enc BLOB,
    city_enc BLOB,
    state_enc BLOB,
    postal_code_enc BLOB,
    phone_enc BLOB,
    lookup_index BLOB NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX patients_lookup ON patients (organization_id, lookup_index);

CREATE TABLE coverages (
    id INTEGER PRIMARY KEY,
    patient_id BIGINT NOT NULL REFERENCES patients(id),
    payer_id BIGINT NOT NULL REFERENCES payers(id),
    coverage_order BIGINT NOT NULL CHECK (coverage_order BETWEEN 1 AND 3),
    member_id_enc BLOB NOT NULL,
    group_number_enc BLOB,
    relationship TEXT NOT NULL CHECK (relationship IN ('self', 'spouse', 'child', 'other')),
    subscriber_last_name_enc BLOB NOT NULL,
    subscriber_first_name_enc BLOB NOT NULL,
    subscriber_birth_date_enc BLOB,
    effective_from TEXT NOT NULL,
    effective_to TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX coverages_patient ON coverages (patient_id);

CREATE TABLE encounters (
    id INTEGER PRIMARY KEY,
    organization_id BIGINT NOT NULL REFERENCES organizations(id),
    patient_id BIGINT NOT NULL REFERENCES patients(id),
    billing_provider_id BIGINT NOT NULL REFERENCES billing_providers(id),
    rendering_provider_id BIGINT REFERENCES rendering_providers(id),
    service_date TEXT NOT NULL,
    place_of_service TEXT NOT NULL,
    notes_enc BLOB,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX encounters_patient ON encounters (patient_id);

CREATE TABLE batches (
    id INTEGER PRIMARY KEY,
    organization_id BIGINT NOT NULL REFERENCES organizations(id),
    kind TEXT NOT NULL CHECK (kind IN ('professional', 'institutional')),
    interchange_control_number BIGINT NOT NULL,
    group_control_number BIGINT NOT NULL,
    file_enc BLOB,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    UNIQUE (organization_id, interchange_control_number)
);

CREATE TABLE claims (
    id INTEGER PRIMARY KEY,
    organization_id BIGINT NOT NULL REFERENCES organizations(id),
    encounter_id BIGINT NOT NULL REFERENCES encounters(id),
    coverage_id BIGINT NOT NULL REFERENCES coverages(id),
    kind TEXT NOT NULL CHECK (kind IN ('professional', 'institutional')),
    status TEXT NOT NULL CHECK (status IN ('draft', 'ready', 'submitted', 'accepted', 'rejected', 'paid', 'denied', 'void')),
    frequency_code TEXT NOT NULL,
    total_charge_cents BIGINT NOT NULL,
    batch_id BIGINT REFERENCES batches(id),
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);
CREATE INDEX claims_status ON claims (organization_id, status);
CREATE INDEX claims_encounter ON claims (encounter_id);

CREATE TABLE claim_diagnoses (
    claim_id BIGINT NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
    position BIGINT NOT NULL CHECK (position BETWEEN 1 AND 25),
    code TEXT NOT NULL,
    PRIMARY KEY (claim_id, position)
);

CREATE TABLE claim_lines (
    claim_id BIGINT NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
    line_number BIGINT NOT NULL CHECK (line_number BETWEEN 1 AND 999),
    procedure_code TEXT NOT NULL,
    modifiers TEXT NOT NULL,
    charge_cents BIGINT NOT NULL CHECK (charge_cents >= 0),
    units_milli BIGINT NOT NULL CHECK (units_milli > 0),
    diagnosis_pointers TEXT NOT NULL,
    service_date TEXT NOT NULL,
    place_of_service TEXT,
    rendering_provider_id BIGINT REFERENCES rendering_providers(id),
    PRIMARY KEY (claim_id, line_number)
);

CREATE TABLE claim_status_history (
    id INTEGER PRIMARY KEY,
    claim_id BIGINT NOT NULL REFERENCES claims(id),
    from_status TEXT,
    to_status TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    changed_by TEXT NOT NULL,
    note_enc BLOB
);
CREATE INDEX claim_status_history_claim ON claim_status_history (claim_id);

CREATE TABLE batch_claims (
    batch_id BIGINT NOT NULL REFERENCES batches(id),
    claim_id BIGINT NOT NULL REFERENCES claims(id),
    PRIMARY KEY (batch_id, claim_id)
);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    disabled_at TEXT,
    created_at TEXT NOT NULL
);

CREATE TABLE user_roles (
    user_id BIGINT NOT NULL REFERENCES users(id),
    role TEXT NOT NULL CHECK (role IN ('admin', 'coder', 'biller', 'supervisor', 'auditor')),
    PRIMARY KEY (user_id, role)
);

CREATE TABLE audit_events (
    seq BIGINT PRIMARY KEY NOT NULL,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    record_type TEXT NOT NULL,
    record_id TEXT NOT NULL,
    ip TEXT NOT NULL,
    prev_hash BLOB NOT NULL,
    hash BLOB NOT NULL
);

-- The chain's head: the last sequence number and hash. Appends lock this row first, so they are serial.
CREATE TABLE audit_head (
    id BIGINT PRIMARY KEY NOT NULL CHECK (id = 1),
    last_seq BIGINT NOT NULL,
    last_hash BLOB NOT NULL
);
INSERT INTO audit_head (id, last_seq, last_hash) VALUES (1, 0, zeroblob(32));

-- Append-only, also below the API: a changed or deleted entry needs the triggers dropped first
-- (and is then found by verify_audit).
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;
