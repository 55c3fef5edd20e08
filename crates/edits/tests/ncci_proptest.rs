//! Whatever bytes the readers are given, they answer with rows or an error, never a panic.

use proptest::prelude::*;
use rcm_edits::ncci::check_bytes;

const PTP_HEADER: &str = "Column1\tColumn 2\t*=in existence prior to 1996\tEffective Date\tDeletion Date\tModifier\tPTP Edit Rationale\n";
const MUE_HEADER: &str =
    "HCPCS/CPT Code,Practitioner Services MUE Values,MUE Adjudication Indicator,MUE Rationale\n";

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = check_bytes("x.txt", &bytes);
        let _ = check_bytes("x.xlsx", &bytes);
    }

    #[test]
    fn arbitrary_rows_after_a_ptp_header(rows in proptest::collection::vec("[0-9A-Z*\\t ,\"/\\-.]{0,60}", 0..20)) {
        let text = format!("{PTP_HEADER}{}", rows.join("\n"));
        let _ = check_bytes("ccipra-v323r0-f1.txt", text.as_bytes());
    }

    #[test]
    fn arbitrary_rows_after_an_mue_header(rows in proptest::collection::vec("[0-9A-Z*\\t ,\"/:\\-.\r\n]{0,60}", 0..20)) {
        let text = format!("{MUE_HEADER}{}", rows.join("\n"));
        let _ = check_bytes("mue.csv", text.as_bytes());
    }

    #[test]
    fn valid_rows_read_back(n in 1usize..50, m in prop::sample::select(vec!["0", "1", "9"])) {
        let mut text = String::from(PTP_HEADER);
        for i in 0..n {
            text.push_str(&format!("{:05}\t{:05}\t\t20200101\t*\t{m}\tMutually exclusive procedures\n", 10000 + i, 20000 + i));
        }
        let (ptp, mue) = check_bytes("ccipra-v323r0-f1.txt", text.as_bytes()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!((ptp, mue), (n, 0));
    }
}
