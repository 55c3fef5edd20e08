//! Property tests of reading received files and planning an 835's posting: arbitrary and mutated
//! input never panics, and a balanced 835 posts balanced money (charge = paid + adjusted + patient
//! responsibility for every claim, and the payment reconciles with BPR).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;
use rcm_claims::posting::{
    BilledClaim, BilledLine, BilledState, Outcome, Received, plan_remittance, read_received,
};
use rcm_x12::synth::{BilledForRemit, remit_interchange, remittance_paying};

fn billed(charges: &[Vec<i64>]) -> Vec<BilledForRemit> {
    charges
        .iter()
        .enumerate()
        .map(|(i, lines)| BilledForRemit {
            patient_control_number: format!("RCM{}", i + 1),
            patient_last_name: "DOE".into(),
            patient_first_name: "JO".into(),
            member_id: "M1".into(),
            lines: lines
                .iter()
                .map(|c| ("99213".to_string(), vec![], rcm_x12::Money(*c)))
                .collect(),
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = read_received(&bytes);
    }

    #[test]
    fn a_mutated_835_never_panics(
        charges in proptest::collection::vec(proptest::collection::vec(100i64..100_000, 1..4), 1..6),
        cut in 0usize..4000,
        flip in 0usize..4000,
        byte in any::<u8>(),
    ) {
        let remit = remittance_paying("T1", &billed(&charges), 3);
        let mut bytes = remit_interchange(&[remit], 1).unwrap();
        let f = flip % bytes.len();
        bytes[f] = byte;
        bytes.truncate(bytes.len().min(cut.max(1)));
        if let Ok(read) = read_received(&bytes)
            && let Received::Remittances(rs) = read.content
        {
            for r in &rs {
                let _ = plan_remittance(r, |_| None, |_| None);
            }
        }
    }

    #[test]
    fn a_balanced_835_posts_balanced_money(
        charges in proptest::collection::vec(proptest::collection::vec(1i64..500_000, 1..5), 1..12),
        deny_every in 0usize..5,
    ) {
        let remit = remittance_paying("T2", &billed(&charges), deny_every);
        let bytes = remit_interchange(std::slice::from_ref(&remit), 2).unwrap();
        let read = read_received(&bytes).unwrap();
        let Received::Remittances(rs) = read.content else { panic!("not an 835") };
        let claims: Vec<BilledClaim> = charges
            .iter()
            .enumerate()
            .map(|(i, lines)| BilledClaim {
                claim_id: i as i64 + 1,
                state: BilledState::Sent,
                charge_cents: lines.iter().sum(),
                lines: lines
                    .iter()
                    .enumerate()
                    .map(|(n, c)| BilledLine {
                        line_number: n as u32 + 1,
                        procedure_code: "99213".into(),
                        modifiers: vec![],
                        charge_cents: *c,
                    })
                    .collect(),
            })
            .collect();
        let by_pcn = |pcn: &str| {
            pcn.strip_prefix("RCM")
                .and_then(|n| n.parse::<usize>().ok())
                .and_then(|n| claims.get(n - 1))
        };
        let plan = plan_remittance(&rs[0], by_pcn, |_| None);
        prop_assert!(plan.unmatched.is_empty());
        prop_assert!(plan.reconciles(&rs[0]));
        for c in &plan.claims {
            prop_assert_eq!(c.charge_cents, c.paid_cents + c.adjusted_cents + c.patient_resp_cents);
            // Every SVC found its billed line (REF*6R), in order.
            let lines: Vec<Option<u32>> = c.lines.iter().map(|l| l.line_number).collect();
            let expected: Vec<Option<u32>> = (1..=c.lines.len() as u32).map(Some).collect();
            prop_assert_eq!(lines, expected);
            let denied = c.outcome == Outcome::Denied;
            prop_assert_eq!(denied, !c.denials.is_empty());
        }
    }
}
