//! Synthetic but guide-valid documents for tests, benchmarks and the independent pyx12 check.
//! Deterministic from a seed; the data is invented (no real people), with valid NPIs.

use crate::model::claim837::{
    self, BillingProviderGroup, Claim, ClaimKind, ClaimProvider, ClaimTransaction, CodeEntry,
    Coverage, DiagnosisPointers, DrugIdentification, InstitutionalInfo, OtherPayer, PatientGroup,
    Payer, Person, ServiceLine, SubscriberGroup,
};
use crate::model::remit835::{
    self, ClaimPayment, Payment, ProviderAdjustment, ProviderAdjustmentItem, RemitParty,
    Remittance, ServicePayment, Trace,
};
use crate::model::{Address, Adjustment, Modifiers, Party, Procedure, Reference};
use crate::values::{Code, Date, DatePeriod, Decimal, Money, npi_check_digit};
use crate::writer::{GroupHeader, InterchangeHeader, SegmentWriter, write_interchange};
use crate::{Delimiters, WriteError};

/// Small deterministic generator (SplitMix64).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next_u64() % n }
    }
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// A valid NPI from any nine leading digits.
pub fn npi(rng: &mut Rng) -> String {
    let first = format!("1{:08}", rng.below(100_000_000));
    let d = npi_check_digit(first.as_bytes()).unwrap_or(0);
    format!("{first}{d}")
}

const LAST: &[&str] = &[
    "SMITH", "JOHNSON", "GARCIA", "NGUYEN", "OKAFOR", "MULLER", "ROSSI", "TANAKA",
];
const FIRST: &[&str] = &[
    "ANA", "JOHN", "MARIA", "WEI", "AMARA", "LUKAS", "GIULIA", "KENJI",
];
const CITIES: &[(&str, &str, &str)] = &[
    ("MIAMI", "FL", "33111"),
    ("AUSTIN", "TX", "78701"),
    ("DENVER", "CO", "80202"),
    ("BOSTON", "MA", "02108"),
    ("SEATTLE", "WA", "98101"),
];
const CPT: &[&str] = &[
    "99213", "99214", "93000", "36415", "80053", "71046", "97110", "J3301", "G0008", "90471",
];
const MODS: &[&str] = &["25", "59", "LT", "RT", "XS", "GT", "95", "KX"];
const DX: &[&str] = &[
    "E119", "I10", "J069", "M545", "R0789", "Z0000", "E785", "K219", "F419", "N390", "J449",
    "M179", "R51", "Z23",
];
const REV: &[&str] = &["0450", "0300", "0301", "0250", "0636", "0320", "0730"];

fn address(rng: &mut Rng, zip9: bool) -> Address {
    let (c, s, z) = rng.pick(CITIES);
    let zip = if zip9 {
        format!("{z}{:04}", rng.below(10_000))
    } else {
        z.to_string()
    };
    Address::new(&format!("{} MAIN ST", 1 + rng.below(9000)), c, s, &zip)
}

fn person(rng: &mut Rng, entity: &str, member: bool) -> Person {
    let mut name = Party::person(entity, rng.pick(LAST), rng.pick(FIRST), "", "");
    if member {
        name.id_qualifier = "MI".into();
        name.id = format!("M{:09}", rng.below(1_000_000_000)).into();
    }
    Person {
        name,
        address: Some(address(rng, false)),
        birth_date: Some(Date {
            year: 1940 + rng.below(70) as u16,
            month: 1 + rng.below(12) as u8,
            day: 1 + rng.below(28) as u8,
        }),
        gender: rng.pick(&["F", "M"]).into(),
        refs: vec![],
    }
}

/// One claim with `lines` service lines.
/// NDCs (11 digits, 5-4-2) of drugs billed with J3301 (triamcinolone acetonide, per 10 mg).
const J3301_NDC: &[&str] = &["00003029305", "00003029320", "00003049320", "70069000101"];

/// Lines billing a drug HCPCS (J-codes) carry the 2410 drug identification. Chosen from the claim
/// and line numbers, not the generator, so the rest of a generated document does not change.
fn with_drug(mut line: ServiceLine, n: u64, i: usize) -> ServiceLine {
    let is_j = line
        .procedure
        .as_ref()
        .is_some_and(|p| p.code.as_str().starts_with('J'));
    if is_j {
        let k = n as usize + i;
        let quantity = match k % 4 {
            0 => Decimal::from_int(1),
            1 => Decimal::from_int(2),
            2 => Decimal::parse(b"0.5").unwrap_or_default(),
            _ => Decimal::from_int(40),
        };
        line.drug = Some(DrugIdentification {
            ndc: J3301_NDC[k % J3301_NDC.len()].into(),
            quantity,
            unit: claim837::DRUG_UNITS[k % claim837::DRUG_UNITS.len()].into(),
            prescription_number: if k.is_multiple_of(3) {
                format!("RX{n:07}{i}").into()
            } else {
                Default::default()
            },
        });
    }
    line
}

pub fn claim(rng: &mut Rng, kind: ClaimKind, n: u64, lines: usize, secondary: bool) -> Claim {
    let dos = Date {
        year: 2026,
        month: 1 + rng.below(9) as u8,
        day: 1 + rng.below(28) as u8,
    };
    let ndx = if rng.chance(30) {
        12
    } else {
        1 + rng.below(6) as usize
    };
    let mut dxs: Vec<&str> = Vec::new();
    while dxs.len() < ndx {
        let d = rng.pick(DX);
        if !dxs.contains(&d) {
            dxs.push(d);
        }
        if dxs.len() == DX.len() {
            break;
        }
    }
    let ndx = dxs.len();
    let diagnoses: Vec<CodeEntry> = dxs
        .iter()
        .enumerate()
        .map(|(i, d)| CodeEntry {
            qualifier: if i == 0 { "ABK" } else { "ABF" }.into(),
            code: Code::new(d),
            ..CodeEntry::default()
        })
        .collect();
    let mut ls = Vec::new();
    for i in 0..lines {
        let charge = Money(((20 + rng.below(480)) * 100 + rng.below(100)) as i64);
        let line = match kind {
            ClaimKind::Professional => {
                // Up to two modifiers and three pointers: within the composites' four places.
                let nm = rng.below(3) as usize;
                let mut mods = Modifiers::new();
                while mods.len() < nm {
                    let m = rng.pick(MODS);
                    if !mods.iter().any(|x| x == m) && mods.try_push(m).is_err() {
                        break;
                    }
                }
                let first = 1 + rng.below(ndx as u64) as u8;
                let more = (0..rng.below(3)).map(|_| 1 + rng.below(ndx as u64) as u8);
                let mut ptrs = DiagnosisPointers::new();
                for p in std::iter::once(first).chain(more) {
                    if !ptrs.contains(&p) && ptrs.try_push(p).is_err() {
                        break;
                    }
                }
                ServiceLine {
                    number: i as u32 + 1,
                    procedure: Some(Procedure::hc(rng.pick(CPT), mods)),
                    charge,
                    unit_basis: "UN".into(),
                    units: Decimal::from_int(1 + rng.below(3) as i64),
                    diagnosis_pointers: ptrs,
                    service_date: Some(DatePeriod::Day { date: dos }),
                    refs: vec![Reference::new("6R", &format!("L{n}X{i}"))],
                    ..ServiceLine::default()
                }
            }
            ClaimKind::Institutional => ServiceLine {
                number: i as u32 + 1,
                revenue_code: rng.pick(REV).into(),
                procedure: if rng.chance(60) {
                    Some(Procedure::hc(rng.pick(CPT), Modifiers::new()))
                } else {
                    None
                },
                charge,
                unit_basis: "UN".into(),
                units: Decimal::from_int(1 + rng.below(4) as i64),
                service_date: Some(DatePeriod::Day { date: dos }),
                refs: vec![Reference::new("6R", &format!("L{n}X{i}"))],
                ..ServiceLine::default()
            },
        };
        ls.push(with_drug(line, n, i));
    }
    let total: Money = ls.iter().map(|l| l.charge).sum();
    let mut c = Claim {
        patient_control_number: format!("PCN{n:08}").into(),
        total_charge: total,
        facility_code: match kind {
            ClaimKind::Professional => rng.pick(&["11", "22", "02", "10"]).into(),
            ClaimKind::Institutional => rng.pick(&["13", "11", "85"]).into(),
        },
        frequency_code: "1".into(),
        provider_signature: if kind == ClaimKind::Professional {
            "Y".into()
        } else {
            Default::default()
        },
        assignment: "A".into(),
        benefits_assigned: "Y".into(),
        release_of_information: "Y".into(),
        diagnoses,
        lines: ls,
        ..Claim::default()
    };
    if kind == ClaimKind::Institutional {
        c.dates
            .push(("434".into(), DatePeriod::Range { from: dos, to: dos }));
        if c.facility_code == "11" {
            // Inpatient: the admission date is required (DTP*435).
            c.dates.push(("435".into(), DatePeriod::Day { date: dos }));
        }
        c.institutional = Some(InstitutionalInfo {
            admission_type: "1".into(),
            admission_source: "7".into(),
            patient_status: "01".into(),
        });
    } else if rng.chance(40) {
        c.dates.push(("431".into(), DatePeriod::Day { date: dos }));
    }
    let rendering = ClaimProvider {
        party: Party::person("82", rng.pick(LAST), rng.pick(FIRST), "XX", &npi(rng)),
        taxonomy: if kind == ClaimKind::Professional {
            "207Q00000X".into()
        } else {
            Default::default()
        },
        ..ClaimProvider::default()
    };
    if kind == ClaimKind::Professional {
        if rng.chance(70) {
            c.providers.push(rendering);
        }
    } else {
        c.providers.push(ClaimProvider {
            party: Party::person("71", rng.pick(LAST), rng.pick(FIRST), "XX", &npi(rng)),
            ..ClaimProvider::default()
        });
    }
    if secondary {
        // The primary payer adjudicated: paid + adjustments = total charge.
        let contractual = Money(total.cents() / 5);
        let coins = Money(total.cents() / 10);
        let paid = total - contractual - coins;
        c.other_payers.push(OtherPayer {
            coverage: Coverage {
                payer_responsibility: "P".into(),
                relationship: "18".into(),
                group_number: "GRP100".into(),
                filing_indicator: "CI".into(),
                ..Coverage::default()
            },
            adjustments: vec![
                Adjustment {
                    group: "CO".into(),
                    reason: "45".into(),
                    amount: contractual,
                    quantity: None,
                },
                Adjustment {
                    group: "PR".into(),
                    reason: "2".into(),
                    amount: coins,
                    quantity: None,
                },
            ],
            paid: Some(paid),
            benefits_assigned: "Y".into(),
            patient_signature_source: if kind == ClaimKind::Professional {
                "P".into()
            } else {
                Default::default()
            },
            release_of_information: "Y".into(),
            subscriber: Person {
                name: Party::person(
                    "IL",
                    rng.pick(LAST),
                    rng.pick(FIRST),
                    "MI",
                    &format!("P{:08}", rng.below(100_000_000)),
                ),
                ..Person::default()
            },
            payer: Payer {
                name: Party::org("PR", "PRIMARY HEALTH PLAN", "PI", "PRI01"),
                ..Payer::default()
            },
            adjudication_date: Some(dos),
            ..OtherPayer::default()
        });
    }
    c
}

/// One 837 transaction with `claims` claims spread over subscribers, some with a patient ≠ subscriber.
pub fn claim_transaction(
    rng: &mut Rng,
    kind: ClaimKind,
    control: u32,
    claims: usize,
) -> ClaimTransaction {
    let mut t = ClaimTransaction {
        kind,
        control_number: format!("{control:04}").into(),
        purpose: "00".into(),
        reference: format!("B{control}").into(),
        created_date: Some(Date {
            year: 2026,
            month: 11,
            day: 20,
        }),
        created_time: "1200".into(),
        claim_or_encounter: "CH".into(),
        submitter: Party::org("41", "OPENRCM DEMO PRACTICE", "46", "SUB123456"),
        submitter_contact: vec!["BILLING DESK".into(), "TE".into(), "5555550100".into()],
        receiver: Party::org("40", "DEMO CLEARINGHOUSE", "46", "RCV654321"),
        billing_providers: vec![],
    };
    let mut bp = BillingProviderGroup {
        taxonomy: if kind == ClaimKind::Professional {
            "207Q00000X".into()
        } else {
            "282N00000X".into()
        },
        provider: Party::org("85", "DEMO MEDICAL GROUP", "XX", &npi(rng)),
        address: address(rng, true),
        tax_id: Reference::new("EI", &format!("{:09}", rng.below(1_000_000_000))),
        ..BillingProviderGroup::default()
    };
    let mut made = 0;
    let mut n = u64::from(control) * 100_000;
    while made < claims {
        let patient_is_subscriber = rng.chance(60);
        let secondary = rng.chance(30);
        let mut g = SubscriberGroup {
            coverage: Coverage {
                payer_responsibility: if secondary { "S".into() } else { "P".into() },
                relationship: if patient_is_subscriber {
                    "18".into()
                } else {
                    Default::default()
                },
                group_number: "G12345".into(),
                filing_indicator: rng.pick(&["CI", "MB", "MC", "BL"]).into(),
                ..Coverage::default()
            },
            subscriber: person(rng, "IL", true),
            payer: Payer {
                name: Party::org("PR", "DEMO PAYER", "PI", "PAYER01"),
                ..Payer::default()
            },
            ..SubscriberGroup::default()
        };
        let k = 1 + rng.below(3) as usize;
        let mut cs = Vec::new();
        for _ in 0..k.min(claims - made) {
            n += 1;
            let lines = 1 + rng.below(6) as usize;
            cs.push(claim(rng, kind, n, lines, secondary));
            made += 1;
        }
        if patient_is_subscriber {
            g.claims = cs;
        } else {
            if !rng.chance(50) {
                g.subscriber.birth_date = None;
                g.subscriber.gender = Default::default();
                g.subscriber.address = None;
            }
            g.patients.push(PatientGroup {
                relationship: rng.pick(&["01", "19"]).into(),
                patient: {
                    let mut p = person(rng, "QC", false);
                    p.name.id_qualifier = Code::default();
                    p
                },
                claims: cs,
            });
        }
        bp.subscribers.push(g);
    }
    t.billing_providers.push(bp);
    t
}

fn headers(functional: &str, version: &str, control: u32) -> (InterchangeHeader, GroupHeader) {
    (
        InterchangeHeader {
            sender_qualifier: "ZZ".into(),
            sender_id: "OPENRCM".into(),
            receiver_qualifier: "ZZ".into(),
            receiver_id: "DEMOCH".into(),
            date_yymmdd: "261120".into(),
            time_hhmm: "1200".into(),
            control_number: control,
            ack_requested: false,
            production: false,
        },
        GroupHeader {
            functional_id: functional.into(),
            sender_code: "OPENRCM".into(),
            receiver_code: "DEMOCH".into(),
            date: "20261120".into(),
            time: "1200".into(),
            control_number: control,
            version: version.into(),
        },
    )
}

/// A whole 837 interchange with the given transactions.
pub fn claim_interchange(txs: &[ClaimTransaction], control: u32) -> Result<Vec<u8>, WriteError> {
    let kind = txs.first().map_or(ClaimKind::Professional, |t| t.kind);
    let (isa, gs) = headers("HC", kind.version(), control);
    write_interchange(
        Delimiters::default(),
        &isa,
        &gs,
        txs.len(),
        |w: &mut SegmentWriter| txs.iter().try_for_each(|t| claim837::write(t, w)),
    )
}

/// A balanced 835 transaction with `claims` claims.
pub fn remittance(rng: &mut Rng, control: u32, claims: usize) -> Remittance {
    let mut r = Remittance {
        control_number: format!("{control:04}"),
        trace: Trace {
            trace_type: "1".into(),
            number: format!("EFT{control:09}"),
            originator: "1123456789".into(),
            ..Trace::default()
        },
        production_date: Some(Date {
            year: 2026,
            month: 11,
            day: 18,
        }),
        payer: demo_payer(),
        payee: RemitParty {
            name: "DEMO MEDICAL GROUP".into(),
            id_qualifier: "XX".into(),
            id: npi(rng),
            ..RemitParty::default()
        },
        ..Remittance::default()
    };
    let mut total = Money::ZERO;
    for i in 0..claims {
        let nsvc = 1 + rng.below(4) as usize;
        let mut c = ClaimPayment {
            header_number: Some(1),
            patient_control_number: format!("PCN{:08}", u64::from(control) * 100_000 + i as u64)
                .into(),
            status: "1".into(),
            filing_indicator: "12".into(),
            payer_claim_control_number: format!("PCC{control}{i:06}").into(),
            ..ClaimPayment::default()
        };
        c.parties.push(Party::person(
            "QC",
            rng.pick(LAST),
            rng.pick(FIRST),
            "MI",
            &format!("M{:09}", rng.below(1_000_000_000)),
        ));
        c.dates.push((
            "232".into(),
            Date {
                year: 2026,
                month: 10,
                day: 1 + rng.below(28) as u8,
            },
        ));
        let mut pr = Money::ZERO;
        for _ in 0..nsvc {
            let charge = Money(((30 + rng.below(400)) * 100) as i64);
            let co = Money(charge.cents() * (10 + rng.below(30) as i64) / 100);
            let ded = if rng.chance(30) {
                Money(charge.cents() / 10)
            } else {
                Money::ZERO
            };
            let mut adj = vec![Adjustment {
                group: "CO".into(),
                reason: "45".into(),
                amount: co,
                quantity: None,
            }];
            if ded != Money::ZERO {
                adj.push(Adjustment {
                    group: "PR".into(),
                    reason: "1".into(),
                    amount: ded,
                    quantity: None,
                });
                pr += ded;
            }
            let paid = charge - co - ded;
            c.charge += charge;
            c.paid += paid;
            c.services.push(ServicePayment {
                procedure: Procedure::hc(rng.pick(CPT), Modifiers::new()),
                charge,
                paid,
                units_paid: Some(Decimal::from_int(1)),
                dates: vec![(
                    "472".into(),
                    Date {
                        year: 2026,
                        month: 10,
                        day: 2,
                    },
                )],
                adjustments: adj,
                refs: vec![Reference::new("6R", &format!("L{i}"))],
                allowed: Some(charge - co),
                remarks: if rng.chance(20) {
                    vec!["N130".into()]
                } else {
                    vec![]
                },
                ..ServicePayment::default()
            });
        }
        c.patient_responsibility = Some(pr);
        total += c.paid;
        r.claims.push(c);
    }
    let plb = if rng.chance(30) && total.cents() > 1000 {
        Money(500)
    } else {
        Money::ZERO
    };
    if plb != Money::ZERO {
        r.provider_adjustments.push(ProviderAdjustment {
            provider_id: r.payee.id.clone(),
            fiscal_period_end: Some(Date {
                year: 2026,
                month: 12,
                day: 31,
            }),
            items: vec![ProviderAdjustmentItem {
                reason: "WO".into(),
                reference: "OVERPAY1".into(),
                amount: plb,
            }],
        });
    }
    r.payment = Payment {
        handling_code: "I".into(),
        amount: total - plb,
        credit_debit: "C".into(),
        method: "ACH".into(),
        format: "CCP".into(),
        sender_bank: vec![
            "01".into(),
            "011000015".into(),
            "DA".into(),
            "123456".into(),
        ],
        originating_company_id: "1123456789".into(),
        receiver_bank: vec![
            "01".into(),
            "021000021".into(),
            "DA".into(),
            "987654".into(),
        ],
        date: Some(Date {
            year: 2026,
            month: 11,
            day: 20,
        }),
        ..Payment::default()
    };
    r
}

/// The synthetic payer of the generated 835s (1000A).
fn demo_payer() -> RemitParty {
    RemitParty {
        name: "DEMO PAYER".into(),
        address: Some(Address::new("1 PAYER WAY", "HARTFORD", "CT", "06101")),
        contacts: vec![vec![
            "BL".into(),
            "PROVIDER SERVICES".into(),
            "TE".into(),
            "8005550100".into(),
        ]],
        ..RemitParty::default()
    }
}

/// A whole 835 interchange.
pub fn remit_interchange(txs: &[Remittance], control: u32) -> Result<Vec<u8>, WriteError> {
    let (isa, gs) = headers("HP", "005010X221A1", control);
    write_interchange(
        Delimiters::default(),
        &isa,
        &gs,
        txs.len(),
        |w: &mut SegmentWriter| txs.iter().try_for_each(|t| remit835::write(t, w)),
    )
}

/// A billed claim for [`remittance_paying`]: its CLM01 and lines (procedure, modifiers, charge).
/// A billed line has at most four modifiers (composite C003, [`Modifiers::MAX`]); the payer's
/// SVC01 has no place for more, so any past the fourth are not echoed.
#[derive(Clone, Debug)]
pub struct BilledForRemit {
    pub patient_control_number: String,
    /// The patient's last and first name and member id, as the payer echoes them (NM1*QC).
    pub patient_last_name: String,
    pub patient_first_name: String,
    pub member_id: String,
    pub lines: Vec<(String, Vec<String>, Money)>,
}

/// An 835 (one payment) answering billed claims the way a commercial payer does, for tests,
/// the demo office and benchmarks: per line the allowed amount is 80 % of the charge (CO-45 for
/// the rest), the patient owes 20 % of it as coinsurance (PR-2) and the payer pays the remainder;
/// every `deny_every`-th claim (1-based; 0 = none) is denied as not medically necessary (CLP02 4,
/// CO-50, remark N115). Balanced at line, claim and payment level.
pub fn remittance_paying(trace: &str, claims: &[BilledForRemit], deny_every: usize) -> Remittance {
    let mut r = Remittance {
        control_number: "0001".into(),
        trace: Trace {
            trace_type: "1".into(),
            number: trace.into(),
            originator: "1123456789".into(),
            ..Trace::default()
        },
        production_date: Some(Date {
            year: 2026,
            month: 11,
            day: 18,
        }),
        payer: demo_payer(),
        payee: RemitParty {
            name: "DEMO MEDICAL GROUP".into(),
            id_qualifier: "XX".into(),
            id: "1234567893".into(),
            ..RemitParty::default()
        },
        ..Remittance::default()
    };
    let mut total = Money::ZERO;
    for (i, b) in claims.iter().enumerate() {
        let denied = deny_every > 0 && (i + 1) % deny_every == 0;
        let mut c = ClaimPayment {
            header_number: Some(1),
            patient_control_number: b.patient_control_number.as_str().into(),
            status: if denied { "4" } else { "1" }.into(),
            filing_indicator: "12".into(),
            payer_claim_control_number: format!("{trace}C{:06}", i + 1).into(),
            ..ClaimPayment::default()
        };
        c.parties.push(Party::person(
            "QC",
            &b.patient_last_name,
            &b.patient_first_name,
            "MI",
            &b.member_id,
        ));
        let mut pr = Money::ZERO;
        for (n, (code, modifiers, charge)) in b.lines.iter().enumerate() {
            // SVC01 echoes the billed composite: four modifier places (see `BilledForRemit`).
            let mut mods = Modifiers::new();
            for m in modifiers.iter().take(Modifiers::MAX) {
                if mods.try_push(m.as_str()).is_err() {
                    break;
                }
            }
            let (paid, adjustments, allowed, remarks) = if denied {
                (
                    Money::ZERO,
                    vec![Adjustment {
                        group: "CO".into(),
                        reason: "50".into(),
                        amount: *charge,
                        quantity: None,
                    }],
                    None,
                    vec!["N115".into()],
                )
            } else {
                let allowed = Money(charge.cents() * 80 / 100);
                let coinsurance = Money(allowed.cents() * 20 / 100);
                pr += coinsurance;
                let mut adj = Vec::new();
                if *charge - allowed != Money::ZERO {
                    adj.push(Adjustment {
                        group: "CO".into(),
                        reason: "45".into(),
                        amount: *charge - allowed,
                        quantity: None,
                    });
                }
                if coinsurance != Money::ZERO {
                    adj.push(Adjustment {
                        group: "PR".into(),
                        reason: "2".into(),
                        amount: coinsurance,
                        quantity: None,
                    });
                }
                (allowed - coinsurance, adj, Some(allowed), vec![])
            };
            c.charge += *charge;
            c.paid += paid;
            c.services.push(ServicePayment {
                procedure: Procedure::hc(code, mods),
                charge: *charge,
                paid,
                units_paid: Some(Decimal::from_int(1)),
                adjustments,
                refs: vec![Reference::new("6R", &(n + 1).to_string())],
                allowed,
                remarks,
                ..ServicePayment::default()
            });
        }
        if !denied {
            c.patient_responsibility = Some(pr);
        }
        total += c.paid;
        r.claims.push(c);
    }
    r.payment = Payment {
        handling_code: if total == Money::ZERO { "H" } else { "I" }.into(),
        amount: total,
        credit_debit: "C".into(),
        method: if total == Money::ZERO { "NON" } else { "ACH" }.into(),
        format: if total == Money::ZERO { "" } else { "CCP" }.into(),
        sender_bank: if total == Money::ZERO {
            vec![]
        } else {
            vec![
                "01".into(),
                "011000015".into(),
                "DA".into(),
                "123456".into(),
            ]
        },
        originating_company_id: if total == Money::ZERO {
            String::new()
        } else {
            "1123456789".into()
        },
        receiver_bank: if total == Money::ZERO {
            vec![]
        } else {
            vec![
                "01".into(),
                "021000021".into(),
                "DA".into(),
                "987654".into(),
            ]
        },
        date: Some(Date {
            year: 2026,
            month: 11,
            day: 20,
        }),
        ..Payment::default()
    };
    r
}
