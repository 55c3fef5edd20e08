//! A file received from a payer or clearinghouse (835, 999, 277CA) as `rcm ar import` and the
//! Payments page read it: validated, read, and an 835 planned for posting against a claim lookup.
//! Bad input must be refused with an error, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rcm_claims::posting::{
    BilledClaim, BilledLine, BilledState, Received, answers_277, answers_999, plan_remittance,
    read_received,
};

fuzz_target!(|data: &[u8]| {
    let Ok(read) = read_received(data) else { return };
    let claim = BilledClaim {
        claim_id: 1,
        state: BilledState::Sent,
        charge_cents: 12_500,
        lines: vec![BilledLine {
            line_number: 1,
            procedure_code: "99213".into(),
            modifiers: vec!["25".into()],
            charge_cents: 12_500,
        }],
    };
    match read.content {
        Received::Remittances(rs) => {
            for r in &rs {
                let plan = plan_remittance(r, |_| Some(&claim), |_| None);
                let _ = plan.reconciles(r);
            }
        }
        Received::Acks999(a) => {
            let _ = answers_999(&a);
        }
        Received::Acks277(a) => {
            let _ = answers_277(&a);
        }
    }
});
