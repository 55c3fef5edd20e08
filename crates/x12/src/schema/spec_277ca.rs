//! 277CA Health Care Claim Acknowledgment, 005010X214.
//!
//! The 2200B totals (QTY*90/AA, AMT*YU/YY) and 2200C totals (QTY*QA/QC, AMT*YU/YY) follow the
//! pyx12 4.0.0 map 277.5010.X214.xml, as does the 2200C STC (no STC02: the provider-level status
//! carries no date); their agreement with the claims is checked by the 277CA rules in
//! `validate`. The element
//! tables of the 2200B STC, the 2100C and 2100D NM1, the 2200C REF and the 2220D SVC, STC, REF
//! and DTP are transcribed from the same map (element usage and code values) and its
//! `dataele.xml` (types and lengths); not-used elements after the last used one are left out
//! (data there is reported as not used all the same). The map's external lists we do not keep
//! (claim status category and status codes, code sources 507/508, and the entity identifier
//! codes of STC10-3/STC11-3) are checked for length only here; the category codes are checked by
//! the `277CA-STC-CATEGORY` rule. The 2220D REF variants (FJ line item control number, XZ
//! prescription number) are separate entries selected by their qualifier.

pub const TABLE: &str = r#"
TX 277 005010X214 "Health Care Claim Acknowledgment"
SEG ST R 1
  1 R ID 3 3 277
  2 R AN 4 9
  3 R AN 1 35 005010X214
SEG BHT R 1
  1 R ID 4 4 0085
  2 R ID 2 2 08
  3 R AN 1 50
  4 R DT 8 8
  5 S TM 4 8
  6 R ID 2 2 TH
LOOP 2000A R 0 "Information Source Level"
  SEG HL R 1 q3=20
    1 R AN 1 12
    3 R ID 1 2 20
    4 R ID 1 1 1
  LOOP 2100A R 1 "Information Source Name"
    SEG NM1 R 1 q1=AY,PR
      1 R ID 2 3 AY,PR
      2 R ID 1 1 2
      3 R AN 1 60
      8 R ID 1 2 46,FI,PI,XV
      9 R AN 2 80
  LOOP 2200A R 0 "Transmission Receipt Control Identifier"
    SEG TRN R 1
      1 R ID 1 2 1
      2 R AN 1 50
    SEG DTP R 2 q1=050,009
      1 R ID 3 3 050,009
      2 R ID 2 3 D8
      3 R AN 1 35
  LOOP 2000B R 1 "Information Receiver Level"
    SEG HL R 1 q3=21
      1 R AN 1 12
      2 R AN 1 12
      3 R ID 1 2 21
      4 R ID 1 1 0,1
    LOOP 2100B R 1 "Information Receiver Name"
      SEG NM1 R 1 q1=41
        1 R ID 2 3 41
        2 R ID 1 1 1,2
        3 S AN 1 60
        4 S AN 1 35
        5 S AN 1 25
        8 R ID 1 2 46
        9 R AN 2 80
    LOOP 2200B R 1 "Information Receiver Trace Identifier"
      SEG TRN R 1
        1 R ID 1 2 2
        2 R AN 1 50
      SEG STC R 0
        1 R C
          1.1 R AN 1 30
          1.2 R AN 1 30 @claim_status
          1.3 S ID 2 3 36,40,41,AY,PR
        2 R DT 8 8
        3 R ID 1 2 U,WQ
        4 R R 1 18
        5 N R 1 18
        6 N DT 8 8
        7 N ID 3 3
        8 N DT 8 8
        9 N AN 1 16
        10 S C
          10.1 R AN 1 30
          10.2 R AN 1 30 @claim_status
          10.3 S ID 2 3 @entity_id
        11 S C
          11.1 R AN 1 30
          11.2 R AN 1 30 @claim_status
          11.3 S ID 2 3 @entity_id
      SEG QTY S 2 q1=90,AA
        1 R ID 2 2 90,AA
        2 R R 1 15
      SEG AMT S 2 q1=YU,YY
        1 R ID 1 3 YU,YY
        2 R R 1 18
    LOOP 2000C S 0 "Billing Provider of Service Level"
      SEG HL R 1 q3=19
        1 R AN 1 12
        2 R AN 1 12
        3 R ID 1 2 19
        4 R ID 1 1 0,1
      LOOP 2100C R 0 "Billing Provider Name"
        SEG NM1 R 1 q1=85
          1 R ID 2 3 85
          2 R ID 1 1 1,2
          3 R AN 1 60
          4 S AN 1 35
          5 S AN 1 25
          6 S AN 1 10
          7 S AN 1 10
          8 R ID 1 2 FI,SV,XX
          9 R AN 2 80
      LOOP 2200C R 1 "Provider of Service Information Trace Identifier"
        SEG TRN R 1
          1 R ID 1 2 1
          2 R AN 1 50
        SEG STC R 0
          1 R C
            1.1 R AN 1 30
            1.2 R AN 1 30 @claim_status
            1.3 S ID 2 3 36,40,41,77,82,85,87,AY,PR
            1.4 N AN 1 30
          2 N DT 8 8
          3 R ID 1 2 U,WQ
          4 R R 1 18
          5 N R 1 18
          6 N DT 8 8
          7 N ID 3 3
          8 N DT 8 8
          9 N AN 1 16
          10 S C
            10.1 R AN 1 30
            10.2 R AN 1 30 @claim_status
            10.3 S ID 2 3 @entity_id
            10.4 N AN 1 30
          11 S C
            11.1 R AN 1 30
            11.2 R AN 1 30 @claim_status
            11.3 S ID 2 3 @entity_id
            11.4 N AN 1 30
          12 N AN 1 264
        SEG REF S 1
          1 R ID 2 3 0B,1G,G2,LU,SY,TJ
          2 R AN 1 50
        SEG QTY S 2 q1=QA,QC
          1 R ID 2 2 QA,QC
          2 R R 1 15
        SEG AMT S 2 q1=YU,YY
          1 R ID 1 3 YU,YY
          2 R R 1 18
      LOOP 2000D S 0 "Patient Level"
        SEG HL R 1 q3=PT
          1 R AN 1 12
          2 R AN 1 12
          3 R ID 1 2 PT
          4 S ID 1 1 0
        LOOP 2100D R 1 "Patient Name"
          SEG NM1 R 1 q1=QC
            1 R ID 2 3 QC
            2 R ID 1 1 1
            3 R AN 1 60
            4 S AN 1 35
            5 S AN 1 25
            6 S AN 1 10
            7 S AN 1 10
            8 R ID 1 2 II,MI
            9 R AN 2 80
        LOOP 2200D S 0 "Claim Status Tracking Number"
          SEG TRN R 1
            1 R ID 1 2 2
            2 R AN 1 50
          SEG STC R 0
            1 R C
              1.1 R AN 1 30
              1.2 R AN 1 30 @claim_status
              1.3 S ID 2 3 03,1P,1Z,40,41,71,72,73,77,82,85,87
              1.4 N AN 1 30
            2 R DT 8 8
            3 R ID 1 2 U,WQ
            4 R R 1 18
            5 N R 1 18
            6 N DT 8 8
            7 N ID 3 3
            8 N DT 8 8
            9 N AN 1 16
            10 S C
              10.1 R AN 1 30
              10.2 R AN 1 30 @claim_status
              10.3 S ID 2 3 @entity_id
              10.4 N AN 1 30
            11 S C
              11.1 R AN 1 30
              11.2 R AN 1 30 @claim_status
              11.3 S ID 2 3 @entity_id
              11.4 N AN 1 30
            12 S AN 1 264
          SEG REF S 3 q1=1K,D9,BLT
            1 R ID 2 3 1K,D9,BLT
            2 R AN 1 50
          SEG DTP R 1 q1=472
            1 R ID 3 3 472
            2 R ID 2 3 D8,RD8
            3 R AN 1 35
          LOOP 2220D S 0 "Service Line Information"
            SEG SVC R 1
              1 R C
                1.1 R ID 2 2 AD,ER,HC,HP,IV,NU,WK
                1.2 R AN 1 48
                1.3 S AN 2 2
                1.4 S AN 2 2
                1.5 S AN 2 2
                1.6 S AN 2 2
              2 R R 1 18
              3 N R 1 18
              4 S AN 1 48
              5 N R 1 15
              6 N C
              7 S R 1 15
            SEG STC R 0
              1 R C
                1.1 R AN 1 30
                1.2 R AN 1 30 @claim_status
                1.3 S ID 2 3 03,1P,1Z,40,41,71,72,73,77,82,85,87,DK,DN,DQ,FA,GB,HK,IL,LI,MSC,PR,PRP,QB,QC,QD,SEP,TL,TTP,TU
              2 R DT 8 8
              3 R ID 1 2 U
              4 N R 1 18
              5 N R 1 18
              6 N DT 8 8
              7 N ID 3 3
              8 N DT 8 8
              9 N AN 1 16
              10 S C
                10.1 R AN 1 30
                10.2 R AN 1 30 @claim_status
                10.3 S ID 2 3 @entity_id
              11 S C
                11.1 R AN 1 30
                11.2 R AN 1 30 @claim_status
                11.3 S ID 2 3 @entity_id
            # Service Line Item Identification
            SEG REF S 1 q1=FJ
              1 R ID 2 3 FJ
              2 R AN 1 50
            # Pharmacy Prescription Number
            SEG REF S 1 q1=XZ
              1 R ID 2 3 XZ
              2 R AN 1 50
            SEG DTP S 1 q1=472
              1 R ID 3 3 472
              2 R ID 2 3 D8,RD8
              3 R AN 1 35
SEG SE R 1
  1 R N0 1 10
  2 R AN 4 9
"#;

pub const CLAIM: &str = "";
