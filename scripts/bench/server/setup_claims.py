#!/usr/bin/env python3
"""Setup for the claim benchmark of `rcm serve`: creates N patients, one coverage and one
encounter each through the JSON API, checks that one claim is created and scrubbed (201), and
writes the encounter/coverage pairs (one "ENCOUNTER COVERAGE" pair a line) for claims.lua.

    setup_claims.py BASE_URL TOKEN N OUT_FILE [SERVICE_DATE]

Standard library only.
"""
import json
import sys
import urllib.error
import urllib.request

BASE, TOKEN, N, OUT = sys.argv[1].rstrip("/"), sys.argv[2], int(sys.argv[3]), sys.argv[4]
DOS = sys.argv[5] if len(sys.argv) > 5 else "2026-11-02"
FIRST = ["Avery", "Jordan", "Morgan", "Riley", "Casey", "Quinn", "Harper", "Rowan", "Emerson", "Sawyer"]
LAST = ["Benchley", "Loadman", "Throughput", "Latency", "Percival", "Medianson", "Wrkowski", "Sampleton"]


def call(method, path, body=None, expect=(200, 201)):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(BASE + path, data=data, method=method)
    req.add_header("Authorization", "Bearer " + TOKEN)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            status, text = r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        status, text = e.code, e.read().decode()
    if status not in expect:
        sys.exit(f"setup_claims: {method} {path} -> {status}: {text[:500]}")
    return json.loads(text) if text else None


ref = call("GET", "/api/reference")
if not ref["payers"] or not ref["billing_providers"]:
    sys.exit("setup_claims: the organization has no payer or billing provider (start the server with --demo)")
payers = [p["id"] for p in ref["payers"]]
billing = ref["billing_providers"][0]["id"]

pairs = []
for i in range(N):
    p = call("POST", "/api/patients", {
        "last_name": LAST[i % len(LAST)],
        "first_name": FIRST[i % len(FIRST)],
        "birth_date": f"{1940 + i % 60}-{1 + i % 12:02d}-{1 + i % 28:02d}",
        "sex": "F" if i % 2 else "M",
        "address": {"line1": f"{100 + i} MAPLE AVENUE", "city": "SPRINGFIELD", "state": "IL", "postal_code": "62704"},
        "phone": "2175550100",
    })
    c = call("POST", f"/api/patients/{p['id']}/coverages", {
        "payer_id": payers[i % len(payers)],
        "order": 1,
        "member_id": f"BENCH{i:06d}",
        "relationship": "self",
        "effective_from": "2025-01-01",
    })
    e = call("POST", "/api/encounters", {
        "patient_id": p["id"],
        "billing_provider_id": billing,
        "service_date": DOS,
        "place_of_service": "11",
    })
    pairs.append((e["id"], c["id"]))

# The measured request, once, so that a wrong body fails here rather than as wrk errors.
enc, cov = pairs[0]
claim = call("POST", "/api/claims", {
    "encounter_id": enc,
    "coverage_id": cov,
    "diagnoses": ["E11.9", "I10"],
    "lines": [
        {"procedure_code": "99214", "charge": "150.00", "units": 1, "diagnosis_pointers": [1, 2]},
        {"procedure_code": "36415", "charge": "25.00", "units": 1, "diagnosis_pointers": [1]},
    ],
}, expect=(201,))
with open(OUT, "w") as f:
    for e, c in pairs:
        f.write(f"{e} {c}\n")
scrub = claim.get("scrub") or {}
print(f"setup_claims: {N} patients, coverages and encounters; sample claim {claim.get('id')} created and "
      f"scrubbed: {scrub.get('errors')} error(s), {scrub.get('warnings')} warning(s) "
      f"{[f.get('id') for f in scrub.get('findings', [])]}", file=sys.stderr)
