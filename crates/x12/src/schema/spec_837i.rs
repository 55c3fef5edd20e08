//! 837 Institutional, 005010X223A2: loops, segments and element rules we check.
//!
//! The element tables of the rarely sent segments (CUR, 2010AC NM1, PWK, CN1, K3, NTE, CRC, the
//! thirteen 2300 HI variants, HCP, 2310A PRV, MIA, MOA, 2330C-2330I NM1/REF) are transcribed from
//! the pyx12 4.0.0 map `837Q3.I.5010.X223.A1.v2.xml` (element usage and code values) and its
//! `dataele.xml` (types and lengths). Despite its file name that map is the X223A2 one: its ST03
//! code and `maps.xml` entry are 005010X223A2, so the A2 errata are already in it and no element
//! of these tables departs from it. What they leave out: the map's external lists we do not keep
//! (CUR02 ISO 4217 currency codes, the MIA/MOA remark codes: only length is checked there), and
//! the guide's syntax notes between elements (PWK P0506, HCP R0113/P0910/P1112, CUR C0807…).
//! HI variants are separate entries selected by HIxx-1 of the first composite; every composite
//! of one HI must carry that variant's qualifier, as the guide requires.

pub const TABLE: &str = r#"
TX 837 005010X223A2 "Health Care Claim: Institutional"
SEG ST R 1
  1 R ID 3 3 837
  2 R AN 4 9
  3 R AN 1 35 005010X223A2,005010X223A3,005010X223A1
SEG BHT R 1
  1 R ID 4 4 0019
  2 R ID 2 2 00,18
  3 R AN 1 50
  4 R DT 8 8
  5 R TM 4 8
  6 R ID 2 2 CH,RP
LOOP 1000A R 1 "Submitter Name"
  SEG NM1 R 1 q1=41
    1 R ID 2 3 41
    2 R ID 1 1 1,2
    3 R AN 1 60
    4 S AN 1 35
    5 S AN 1 25
    8 R ID 1 2 46
    9 R AN 2 80
  USE PER_IC
LOOP 1000B R 1 "Receiver Name"
  SEG NM1 R 1 q1=40
    1 R ID 2 3 40
    2 R ID 1 1 2
    3 R AN 1 60
    8 R ID 1 2 46
    9 R AN 2 80
LOOP 2000A R 0 "Billing Provider Hierarchical Level"
  SEG HL R 1 q3=20
    1 R AN 1 12
    3 R ID 1 2 20
    4 R ID 1 1 1
  SEG PRV S 1
    1 R ID 1 3 BI
    2 R ID 2 3 PXC
    3 R AN 1 50
  SEG CUR S 1
    1 R ID 2 3 85
    2 R ID 3 3 @currency
  LOOP 2010AA R 1 "Billing Provider Name"
    SEG NM1 R 1 q1=85
      1 R ID 2 3 85
      2 R ID 1 1 2
      3 R AN 1 60
      8 R ID 1 2 XX
      9 R AN 2 80
    USE N3R
    USE N4R
    SEG REF R 1 q1=EI
      1 R ID 2 3 EI
      2 R AN 1 50
    USE PER_IC
  LOOP 2010AB S 1 "Pay-to Address Name"
    SEG NM1 R 1 q1=87
      1 R ID 2 3 87
      2 R ID 1 1 2
    USE N3R
    USE N4R
  LOOP 2010AC S 1 "Pay-To Plan Name"
    SEG NM1 R 1 q1=PE
      1 R ID 2 3 PE
      2 R ID 1 1 2
      3 R AN 1 60
      4 N AN 1 35
      5 N AN 1 25
      6 N AN 1 10
      7 N AN 1 10
      8 R ID 1 2 PI,XV
      9 R AN 2 80
    USE N3R
    USE N4R
    SEG REF R 2 q1=2U,FY,NF,EI
      1 R ID 2 3 2U,FY,NF,EI
      2 R AN 1 50
  LOOP 2000B R 0 "Subscriber Hierarchical Level"
    SEG HL R 1 q3=22
      1 R AN 1 12
      2 R AN 1 12
      3 R ID 1 2 22
      4 R ID 1 1 0,1
    SEG SBR R 1
      1 R ID 1 1 A,B,C,D,E,F,G,H,P,S,T,U
      2 S ID 2 2 18
      3 S AN 1 50
      4 S AN 1 60
      9 S ID 1 2 @claim_filing
    LOOP 2010BA R 1 "Subscriber Name"
      SEG NM1 R 1 q1=IL
        1 R ID 2 3 IL
        2 R ID 1 1 1,2
        3 R AN 1 60
        4 S AN 1 35
        5 S AN 1 25
        7 S AN 1 10
        8 R ID 1 2 II,MI
        9 R AN 2 80
      USE N3S
      USE N4S
      USE DMG_S
      SEG REF S 2 q1=SY,Y4
        1 R ID 2 3 SY,Y4
        2 R AN 1 50
    LOOP 2010BB R 1 "Payer Name"
      SEG NM1 R 1 q1=PR
        1 R ID 2 3 PR
        2 R ID 1 1 2
        3 R AN 1 60
        8 R ID 1 2 PI,XV
        9 R AN 2 80
      USE N3S
      USE N4S
      SEG REF S 4 q1=2U,EI,FY,NF,G2
        1 R ID 2 3 2U,EI,FY,NF,G2
        2 R AN 1 50
    USE CLAIM
    LOOP 2000C S 0 "Patient Hierarchical Level"
      SEG HL R 1 q3=23
        1 R AN 1 12
        2 R AN 1 12
        3 R ID 1 2 23
        4 R ID 1 1 0
      SEG PAT R 1
        1 R ID 2 2 01,19,20,21,39,40,53,G8
      LOOP 2010CA R 1 "Patient Name"
        SEG NM1 R 1 q1=QC
          1 R ID 2 3 QC
          2 R ID 1 1 1
          3 R AN 1 60
          4 S AN 1 35
          5 S AN 1 25
          7 S AN 1 10
        USE N3R
        USE N4R
        SEG DMG R 1
          1 R ID 2 3 D8
          2 R AN 1 35
          3 R ID 1 1 F,M,U
        SEG REF S 2 q1=Y4,1W,SY
          1 R ID 2 3 Y4,1W,SY
          2 R AN 1 50
      USE CLAIM
SEG SE R 1
  1 R N0 1 10
  2 R AN 4 9
"#;

pub const CLAIM: &str = r#"
LOOP 2300 S 100 "Claim Information"
  SEG CLM R 1
    1 R AN 1 38
    2 R R 1 18
    5 R C
      5.1 R AN 1 2
      5.2 R ID 1 2 A
      5.3 R ID 1 1 0,1,2,3,4,5,6,7,8,9,A,B,C,D,E,F,G,H,I,J,K,M,O,P,Q,X,Y,Z
    7 R ID 1 1 A,B,C
    8 R ID 1 1 N,W,Y
    9 R ID 1 1 I,Y
    20 S ID 1 2 1,2,3,4,5,6,7,8,9,10,11,15
  SEG DTP R 4 q1=096,434,435,050
    1 R ID 3 3 096,434,435,050
    2 R ID 2 3 D8,RD8,TM,DT
    3 R AN 1 35
  SEG CL1 R 1
    1 S ID 1 1 1,2,3,4,5,9
    2 S ID 1 1 1,2,3,4,5,6,7,8,9,A,B,C,D,E,F,G
    3 R ID 1 2
  SEG PWK S 10
    1 R ID 2 2 03,04,05,06,07,08,09,10,11,13,15,21,A3,A4,AM,AS,B2,B3,B4,BR,BS,BT,CB,CK,CT,D2,DA,DB,DG,DJ,DS,EB,HC,HR,I5,IR,LA,M1,MT,NN,OB,OC,OD,OE,OX,OZ,P4,P5,PE,PN,PO,PQ,PY,PZ,RB,RR,RT,RX,SG,V5,XP
    2 R ID 1 2 AA,BM,EL,EM,FT,FX
    3 N N0 1 2
    4 N ID 2 3
    5 S ID 1 2 AC
    6 S AN 2 80
  SEG CN1 S 1
    1 R ID 2 2 01,02,03,04,05,06,09
    2 S R 1 18
    3 S R 1 6
    4 S AN 1 50
    5 S R 1 6
    6 S AN 1 30
  SEG AMT S 1 q1=F3
    1 R ID 1 3 F3
    2 R R 1 18
  SEG REF S 16 q1=4N,9F,G1,F8,9A,9C,LX,D9,LU,EA,P4,G4
    1 R ID 2 3 4N,9F,G1,F8,9A,9C,LX,D9,LU,EA,P4,G4
    2 R AN 1 50
  SEG K3 S 10
    1 R AN 1 80
  SEG NTE S 10 q1=ALG,DCP,DGN,DME,MED,NTR,ODT,RHB,RLH,RNH,SET,SFM,SPT,UPI
    1 R ID 3 3 ALG,DCP,DGN,DME,MED,NTR,ODT,RHB,RLH,RNH,SET,SFM,SPT,UPI
    2 R AN 1 80
  SEG NTE S 1 q1=ADD
    1 R ID 3 3 ADD
    2 R AN 1 80
  SEG CRC S 1
    1 R ID 2 2 ZZ
    2 R ID 1 1 N,Y
    3 R ID 2 3 AV,NU,S2,ST
    4 S ID 2 3
    5 S ID 2 3
  # Principal Diagnosis
  SEG HI R 1 q1.1=ABK,BK
    1 R C
      1.1 R ID 1 3 ABK,BK
      1.2 R AN 1 30
      1.3 N ID 2 3
      1.4 N AN 1 35
      1.5 N R 1 18
      1.6 N R 1 15
      1.7 N AN 1 30
      1.8 N AN 1 30
      1.9 S ID 1 1 N,U,W,Y
  # Admitting Diagnosis
  SEG HI S 1 q1.1=ABJ,BJ
    1 R C
      1.1 R ID 1 3 ABJ,BJ
      1.2 R AN 1 30
  # Patient's Reason For Visit
  SEG HI S 1 q1.1=APR,PR
    1 R C
      1.1 R ID 1 3 APR,PR
      1.2 R AN 1 30
    2 S C
      2.1 R ID 1 3 APR,PR
      2.2 R AN 1 30
    3 S C
      3.1 R ID 1 3 APR,PR
      3.2 R AN 1 30
  # External Cause of Injury
  SEG HI S 1 q1.1=ABN,BN
    1 R C
      1.1 R ID 1 3 ABN,BN
      1.2 R AN 1 30
      1.3 N ID 2 3
      1.4 N AN 1 35
      1.5 N R 1 18
      1.6 N R 1 15
      1.7 N AN 1 30
      1.8 N AN 1 30
      1.9 S ID 1 1 N,U,W,Y
    2 S C
      2.1 R ID 1 3 ABN,BN
      2.2 R AN 1 30
      2.3 N ID 2 3
      2.4 N AN 1 35
      2.5 N R 1 18
      2.6 N R 1 15
      2.7 N AN 1 30
      2.8 N AN 1 30
      2.9 S ID 1 1 N,U,W,Y
    3 S C
      3.1 R ID 1 3 ABN,BN
      3.2 R AN 1 30
      3.3 N ID 2 3
      3.4 N AN 1 35
      3.5 N R 1 18
      3.6 N R 1 15
      3.7 N AN 1 30
      3.8 N AN 1 30
      3.9 S ID 1 1 N,U,W,Y
    4 S C
      4.1 R ID 1 3 ABN,BN
      4.2 R AN 1 30
      4.3 N ID 2 3
      4.4 N AN 1 35
      4.5 N R 1 18
      4.6 N R 1 15
      4.7 N AN 1 30
      4.8 N AN 1 30
      4.9 S ID 1 1 N,U,W,Y
    5 S C
      5.1 R ID 1 3 ABN,BN
      5.2 R AN 1 30
      5.3 N ID 2 3
      5.4 N AN 1 35
      5.5 N R 1 18
      5.6 N R 1 15
      5.7 N AN 1 30
      5.8 N AN 1 30
      5.9 S ID 1 1 N,U,W,Y
    6 S C
      6.1 R ID 1 3 ABN,BN
      6.2 R AN 1 30
      6.3 N ID 2 3
      6.4 N AN 1 35
      6.5 N R 1 18
      6.6 N R 1 15
      6.7 N AN 1 30
      6.8 N AN 1 30
      6.9 S ID 1 1 N,U,W,Y
    7 S C
      7.1 R ID 1 3 ABN,BN
      7.2 R AN 1 30
      7.3 N ID 2 3
      7.4 N AN 1 35
      7.5 N R 1 18
      7.6 N R 1 15
      7.7 N AN 1 30
      7.8 N AN 1 30
      7.9 S ID 1 1 N,U,W,Y
    8 S C
      8.1 R ID 1 3 ABN,BN
      8.2 R AN 1 30
      8.3 N ID 2 3
      8.4 N AN 1 35
      8.5 N R 1 18
      8.6 N R 1 15
      8.7 N AN 1 30
      8.8 N AN 1 30
      8.9 S ID 1 1 N,U,W,Y
    9 S C
      9.1 R ID 1 3 ABN,BN
      9.2 R AN 1 30
      9.3 N ID 2 3
      9.4 N AN 1 35
      9.5 N R 1 18
      9.6 N R 1 15
      9.7 N AN 1 30
      9.8 N AN 1 30
      9.9 S ID 1 1 N,U,W,Y
    10 S C
      10.1 R ID 1 3 ABN,BN
      10.2 R AN 1 30
      10.3 N ID 2 3
      10.4 N AN 1 35
      10.5 N R 1 18
      10.6 N R 1 15
      10.7 N AN 1 30
      10.8 N AN 1 30
      10.9 S ID 1 1 N,U,W,Y
    11 S C
      11.1 R ID 1 3 ABN,BN
      11.2 R AN 1 30
      11.3 N ID 2 3
      11.4 N AN 1 35
      11.5 N R 1 18
      11.6 N R 1 15
      11.7 N AN 1 30
      11.8 N AN 1 30
      11.9 S ID 1 1 N,U,W,Y
    12 S C
      12.1 R ID 1 3 ABN,BN
      12.2 R AN 1 30
      12.3 N ID 2 3
      12.4 N AN 1 35
      12.5 N R 1 18
      12.6 N R 1 15
      12.7 N AN 1 30
      12.8 N AN 1 30
      12.9 S ID 1 1 N,U,W,Y
  # Diagnosis Related Group (DRG) Information
  SEG HI S 1 q1.1=DR
    1 R C
      1.1 R ID 1 3 DR
      1.2 R AN 1 30
  # Other Diagnosis Information
  SEG HI S 2 q1.1=ABF,BF
    1 R C
      1.1 R ID 1 3 ABF,BF
      1.2 R AN 1 30
      1.3 N ID 2 3
      1.4 N AN 1 35
      1.5 N R 1 18
      1.6 N R 1 15
      1.7 N AN 1 30
      1.8 N AN 1 30
      1.9 S ID 1 1 N,U,W,Y
    2 S C
      2.1 R ID 1 3 ABF,BF
      2.2 R AN 1 30
      2.3 N ID 2 3
      2.4 N AN 1 35
      2.5 N R 1 18
      2.6 N R 1 15
      2.7 N AN 1 30
      2.8 N AN 1 30
      2.9 S ID 1 1 N,U,W,Y
    3 S C
      3.1 R ID 1 3 ABF,BF
      3.2 R AN 1 30
      3.3 N ID 2 3
      3.4 N AN 1 35
      3.5 N R 1 18
      3.6 N R 1 15
      3.7 N AN 1 30
      3.8 N AN 1 30
      3.9 S ID 1 1 N,U,W,Y
    4 S C
      4.1 R ID 1 3 ABF,BF
      4.2 R AN 1 30
      4.3 N ID 2 3
      4.4 N AN 1 35
      4.5 N R 1 18
      4.6 N R 1 15
      4.7 N AN 1 30
      4.8 N AN 1 30
      4.9 S ID 1 1 N,U,W,Y
    5 S C
      5.1 R ID 1 3 ABF,BF
      5.2 R AN 1 30
      5.3 N ID 2 3
      5.4 N AN 1 35
      5.5 N R 1 18
      5.6 N R 1 15
      5.7 N AN 1 30
      5.8 N AN 1 30
      5.9 S ID 1 1 N,U,W,Y
    6 S C
      6.1 R ID 1 3 ABF,BF
      6.2 R AN 1 30
      6.3 N ID 2 3
      6.4 N AN 1 35
      6.5 N R 1 18
      6.6 N R 1 15
      6.7 N AN 1 30
      6.8 N AN 1 30
      6.9 S ID 1 1 N,U,W,Y
    7 S C
      7.1 R ID 1 3 ABF,BF
      7.2 R AN 1 30
      7.3 N ID 2 3
      7.4 N AN 1 35
      7.5 N R 1 18
      7.6 N R 1 15
      7.7 N AN 1 30
      7.8 N AN 1 30
      7.9 S ID 1 1 N,U,W,Y
    8 S C
      8.1 R ID 1 3 ABF,BF
      8.2 R AN 1 30
      8.3 N ID 2 3
      8.4 N AN 1 35
      8.5 N R 1 18
      8.6 N R 1 15
      8.7 N AN 1 30
      8.8 N AN 1 30
      8.9 S ID 1 1 N,U,W,Y
    9 S C
      9.1 R ID 1 3 ABF,BF
      9.2 R AN 1 30
      9.3 N ID 2 3
      9.4 N AN 1 35
      9.5 N R 1 18
      9.6 N R 1 15
      9.7 N AN 1 30
      9.8 N AN 1 30
      9.9 S ID 1 1 N,U,W,Y
    10 S C
      10.1 R ID 1 3 ABF,BF
      10.2 R AN 1 30
      10.3 N ID 2 3
      10.4 N AN 1 35
      10.5 N R 1 18
      10.6 N R 1 15
      10.7 N AN 1 30
      10.8 N AN 1 30
      10.9 S ID 1 1 N,U,W,Y
    11 S C
      11.1 R ID 1 3 ABF,BF
      11.2 R AN 1 30
      11.3 N ID 2 3
      11.4 N AN 1 35
      11.5 N R 1 18
      11.6 N R 1 15
      11.7 N AN 1 30
      11.8 N AN 1 30
      11.9 S ID 1 1 N,U,W,Y
    12 S C
      12.1 R ID 1 3 ABF,BF
      12.2 R AN 1 30
      12.3 N ID 2 3
      12.4 N AN 1 35
      12.5 N R 1 18
      12.6 N R 1 15
      12.7 N AN 1 30
      12.8 N AN 1 30
      12.9 S ID 1 1 N,U,W,Y
  # Principal Procedure Information
  SEG HI S 1 q1.1=BBR,BR,CAH
    1 R C
      1.1 R ID 1 3 BBR,BR,CAH
      1.2 R AN 1 30
      1.3 R ID 2 3 D8
      1.4 R AN 1 35
  # Other Procedure Information
  SEG HI S 2 q1.1=BBQ,BQ
    1 R C
      1.1 R ID 1 3 BBQ,BQ
      1.2 R AN 1 30
      1.3 R ID 2 3 D8
      1.4 R AN 1 35
    2 S C
      2.1 R ID 1 3 BBQ,BQ
      2.2 R AN 1 30
      2.3 R ID 2 3 D8
      2.4 R AN 1 35
    3 S C
      3.1 R ID 1 3 BBQ,BQ
      3.2 R AN 1 30
      3.3 R ID 2 3 D8
      3.4 R AN 1 35
    4 S C
      4.1 R ID 1 3 BBQ,BQ
      4.2 R AN 1 30
      4.3 R ID 2 3 D8
      4.4 R AN 1 35
    5 S C
      5.1 R ID 1 3 BBQ,BQ
      5.2 R AN 1 30
      5.3 R ID 2 3 D8
      5.4 R AN 1 35
    6 S C
      6.1 R ID 1 3 BBQ,BQ
      6.2 R AN 1 30
      6.3 R ID 2 3 D8
      6.4 R AN 1 35
    7 S C
      7.1 R ID 1 3 BBQ,BQ
      7.2 R AN 1 30
      7.3 R ID 2 3 D8
      7.4 R AN 1 35
    8 S C
      8.1 R ID 1 3 BBQ,BQ
      8.2 R AN 1 30
      8.3 R ID 2 3 D8
      8.4 R AN 1 35
    9 S C
      9.1 R ID 1 3 BBQ,BQ
      9.2 R AN 1 30
      9.3 R ID 2 3 D8
      9.4 R AN 1 35
    10 S C
      10.1 R ID 1 3 BBQ,BQ
      10.2 R AN 1 30
      10.3 R ID 2 3 D8
      10.4 R AN 1 35
    11 S C
      11.1 R ID 1 3 BBQ,BQ
      11.2 R AN 1 30
      11.3 R ID 2 3 D8
      11.4 R AN 1 35
    12 S C
      12.1 R ID 1 3 BBQ,BQ
      12.2 R AN 1 30
      12.3 R ID 2 3 D8
      12.4 R AN 1 35
  # Occurrence Span Information
  SEG HI S 2 q1.1=BI
    1 R C
      1.1 R ID 1 3 BI
      1.2 R AN 1 30
      1.3 R ID 2 3 RD8
      1.4 R AN 1 35
    2 S C
      2.1 R ID 1 3 BI
      2.2 R AN 1 30
      2.3 R ID 2 3 RD8
      2.4 R AN 1 35
    3 S C
      3.1 R ID 1 3 BI
      3.2 R AN 1 30
      3.3 R ID 2 3 RD8
      3.4 R AN 1 35
    4 S C
      4.1 R ID 1 3 BI
      4.2 R AN 1 30
      4.3 R ID 2 3 RD8
      4.4 R AN 1 35
    5 S C
      5.1 R ID 1 3 BI
      5.2 R AN 1 30
      5.3 R ID 2 3 RD8
      5.4 R AN 1 35
    6 S C
      6.1 R ID 1 3 BI
      6.2 R AN 1 30
      6.3 R ID 2 3 RD8
      6.4 R AN 1 35
    7 S C
      7.1 R ID 1 3 BI
      7.2 R AN 1 30
      7.3 R ID 2 3 RD8
      7.4 R AN 1 35
    8 S C
      8.1 R ID 1 3 BI
      8.2 R AN 1 30
      8.3 R ID 2 3 RD8
      8.4 R AN 1 35
    9 S C
      9.1 R ID 1 3 BI
      9.2 R AN 1 30
      9.3 R ID 2 3 RD8
      9.4 R AN 1 35
    10 S C
      10.1 R ID 1 3 BI
      10.2 R AN 1 30
      10.3 R ID 2 3 RD8
      10.4 R AN 1 35
    11 S C
      11.1 R ID 1 3 BI
      11.2 R AN 1 30
      11.3 R ID 2 3 RD8
      11.4 R AN 1 35
    12 S C
      12.1 R ID 1 3 BI
      12.2 R AN 1 30
      12.3 R ID 2 3 RD8
      12.4 R AN 1 35
  # Occurrence Information
  SEG HI S 2 q1.1=BH
    1 R C
      1.1 R ID 1 3 BH
      1.2 R AN 1 30
      1.3 R ID 2 3 D8
      1.4 R AN 1 35
    2 S C
      2.1 R ID 1 3 BH
      2.2 R AN 1 30
      2.3 R ID 2 3 D8
      2.4 R AN 1 35
    3 S C
      3.1 R ID 1 3 BH
      3.2 R AN 1 30
      3.3 R ID 2 3 D8
      3.4 R AN 1 35
    4 S C
      4.1 R ID 1 3 BH
      4.2 R AN 1 30
      4.3 R ID 2 3 D8
      4.4 R AN 1 35
    5 S C
      5.1 R ID 1 3 BH
      5.2 R AN 1 30
      5.3 R ID 2 3 D8
      5.4 R AN 1 35
    6 S C
      6.1 R ID 1 3 BH
      6.2 R AN 1 30
      6.3 R ID 2 3 D8
      6.4 R AN 1 35
    7 S C
      7.1 R ID 1 3 BH
      7.2 R AN 1 30
      7.3 R ID 2 3 D8
      7.4 R AN 1 35
    8 S C
      8.1 R ID 1 3 BH
      8.2 R AN 1 30
      8.3 R ID 2 3 D8
      8.4 R AN 1 35
    9 S C
      9.1 R ID 1 3 BH
      9.2 R AN 1 30
      9.3 R ID 2 3 D8
      9.4 R AN 1 35
    10 S C
      10.1 R ID 1 3 BH
      10.2 R AN 1 30
      10.3 R ID 2 3 D8
      10.4 R AN 1 35
    11 S C
      11.1 R ID 1 3 BH
      11.2 R AN 1 30
      11.3 R ID 2 3 D8
      11.4 R AN 1 35
    12 S C
      12.1 R ID 1 3 BH
      12.2 R AN 1 30
      12.3 R ID 2 3 D8
      12.4 R AN 1 35
  # Value Information
  SEG HI S 2 q1.1=BE
    1 R C
      1.1 R ID 1 3 BE
      1.2 R AN 1 30
      1.3 N ID 2 3
      1.4 N AN 1 35
      1.5 R R 1 18
    2 S C
      2.1 R ID 1 3 BE
      2.2 R AN 1 30
      2.3 N ID 2 3
      2.4 N AN 1 35
      2.5 R R 1 18
    3 S C
      3.1 R ID 1 3 BE
      3.2 R AN 1 30
      3.3 N ID 2 3
      3.4 N AN 1 35
      3.5 R R 1 18
    4 S C
      4.1 R ID 1 3 BE
      4.2 R AN 1 30
      4.3 N ID 2 3
      4.4 N AN 1 35
      4.5 R R 1 18
    5 S C
      5.1 R ID 1 3 BE
      5.2 R AN 1 30
      5.3 N ID 2 3
      5.4 N AN 1 35
      5.5 R R 1 18
    6 S C
      6.1 R ID 1 3 BE
      6.2 R AN 1 30
      6.3 N ID 2 3
      6.4 N AN 1 35
      6.5 R R 1 18
    7 S C
      7.1 R ID 1 3 BE
      7.2 R AN 1 30
      7.3 N ID 2 3
      7.4 N AN 1 35
      7.5 R R 1 18
    8 S C
      8.1 R ID 1 3 BE
      8.2 R AN 1 30
      8.3 N ID 2 3
      8.4 N AN 1 35
      8.5 R R 1 18
    9 S C
      9.1 R ID 1 3 BE
      9.2 R AN 1 30
      9.3 N ID 2 3
      9.4 N AN 1 35
      9.5 R R 1 18
    10 S C
      10.1 R ID 1 3 BE
      10.2 R AN 1 30
      10.3 N ID 2 3
      10.4 N AN 1 35
      10.5 R R 1 18
    11 S C
      11.1 R ID 1 3 BE
      11.2 R AN 1 30
      11.3 N ID 2 3
      11.4 N AN 1 35
      11.5 R R 1 18
    12 S C
      12.1 R ID 1 3 BE
      12.2 R AN 1 30
      12.3 N ID 2 3
      12.4 N AN 1 35
      12.5 R R 1 18
  # Condition Information
  USE HI_CONDITION
  # Treatment Code Information
  SEG HI S 2 q1.1=TC
    1 R C
      1.1 R ID 1 3 TC
      1.2 R AN 1 30
    2 S C
      2.1 R ID 1 3 TC
      2.2 R AN 1 30
    3 S C
      3.1 R ID 1 3 TC
      3.2 R AN 1 30
    4 S C
      4.1 R ID 1 3 TC
      4.2 R AN 1 30
    5 S C
      5.1 R ID 1 3 TC
      5.2 R AN 1 30
    6 S C
      6.1 R ID 1 3 TC
      6.2 R AN 1 30
    7 S C
      7.1 R ID 1 3 TC
      7.2 R AN 1 30
    8 S C
      8.1 R ID 1 3 TC
      8.2 R AN 1 30
    9 S C
      9.1 R ID 1 3 TC
      9.2 R AN 1 30
    10 S C
      10.1 R ID 1 3 TC
      10.2 R AN 1 30
    11 S C
      11.1 R ID 1 3 TC
      11.2 R AN 1 30
    12 S C
      12.1 R ID 1 3 TC
      12.2 R AN 1 30
  SEG HCP S 1
    1 R ID 2 2 00,01,02,03,04,05,06,07,08,09,10,11,12,13,14
    2 R R 1 18
    3 S R 1 18
    4 S AN 1 50
    5 S R 1 9
    6 S AN 1 50
    7 S R 1 18
    8 S AN 1 48
    9 N ID 2 2
    10 N AN 1 48
    11 S ID 2 2 DA,UN
    12 S R 1 15
    13 S ID 2 2 T1,T2,T3,T4,T5,T6
    14 S ID 1 2 1,2,3,4,5
    15 S ID 1 2 1,2,3,4,5,6
  LOOP 2310A S 1 "Attending Provider Name"
    SEG NM1 R 1 q1=71
      1 R ID 2 3 71
      2 R ID 1 1 1
      3 R AN 1 60
      4 S AN 1 35
      5 S AN 1 25
      7 S AN 1 10
      8 S ID 1 2 XX
      9 S AN 2 80
    SEG PRV S 1
      1 R ID 1 3 AT
      2 R ID 2 3 PXC
      3 R AN 1 50
    USE REF_PRV
  LOOP 2310B S 1 "Operating Physician Name"
    USE NM1P:72
    USE REF_PRV
  LOOP 2310C S 1 "Other Operating Physician Name"
    USE NM1P:ZZ
    USE REF_PRV
  LOOP 2310D S 1 "Rendering Provider Name"
    USE NM1P:82
    USE REF_PRV
  LOOP 2310E S 1 "Service Facility Location Name"
    USE NM1O:77
    USE N3R
    USE N4R
    USE REF_PRV
  LOOP 2310F S 1 "Referring Provider Name"
    USE NM1P:DN
    USE REF_PRV
  LOOP 2320 S 10 "Other Subscriber Information"
    SEG SBR R 1
      1 R ID 1 1 A,B,C,D,E,F,G,H,P,S,T,U
      2 R ID 2 2 01,18,19,20,21,39,40,53,G8
      3 S AN 1 50
      4 S AN 1 60
      9 S ID 1 2 @claim_filing
    USE CAS
    SEG AMT S 3 q1=D,A8,EAF
      1 R ID 1 3 D,A8,EAF
      2 R R 1 18
    SEG OI R 1
      3 R ID 1 1 N,W,Y
      6 R ID 1 1 I,Y
    USE MIA:N
    SEG MOA S 1
      1 S R 1 10
      2 S R 1 18
      3 S AN 1 50 @remark_code
      4 S AN 1 50 @remark_code
      5 S AN 1 50 @remark_code
      6 S AN 1 50 @remark_code
      7 S AN 1 50 @remark_code
      8 S R 1 18
      9 S R 1 18
    LOOP 2330A R 1 "Other Subscriber Name"
      SEG NM1 R 1 q1=IL
        1 R ID 2 3 IL
        2 R ID 1 1 1,2
        3 R AN 1 60
        4 S AN 1 35
        5 S AN 1 25
        7 S AN 1 10
        8 R ID 1 2 II,MI
        9 R AN 2 80
      USE N3S
      USE N4S
      SEG REF S 2 q1=SY
        1 R ID 2 3 SY
        2 R AN 1 50
    LOOP 2330B R 1 "Other Payer Name"
      SEG NM1 R 1 q1=PR
        1 R ID 2 3 PR
        2 R ID 1 1 2
        3 R AN 1 60
        8 R ID 1 2 PI,XV
        9 R AN 2 80
      USE N3S
      USE N4S
      SEG DTP S 1 q1=573
        1 R ID 3 3 573
        2 R ID 2 3 D8
        3 R AN 1 35
      SEG REF S 6 q1=2U,EI,FY,NF,G1,9F,T4,F8
        1 R ID 2 3 2U,EI,FY,NF,G1,9F,T4,F8
        2 R AN 1 50
    LOOP 2330C S 1 "Other Payer Attending Provider"
      SEG NM1 R 1 q1=71
        1 R ID 2 3 71
        2 R ID 1 1 1
      SEG REF R 4
        1 R ID 2 3 0B,1G,G2,LU
        2 R AN 1 50
    LOOP 2330D S 1 "Other Payer Operating Physician"
      SEG NM1 R 1 q1=72
        1 R ID 2 3 72
        2 R ID 1 1 1
      SEG REF R 4
        1 R ID 2 3 0B,1G,G2,LU
        2 R AN 1 50
    LOOP 2330E S 1 "Other Payer Other Operating Physician"
      SEG NM1 R 1 q1=ZZ
        1 R ID 2 3 ZZ
        2 R ID 1 1 1
      SEG REF R 4
        1 R ID 2 3 0B,1G,G2,LU
        2 R AN 1 50
    LOOP 2330F S 1 "Other Payer Service Facility Location"
      SEG NM1 R 1 q1=77
        1 R ID 2 3 77
        2 R ID 1 1 2
      SEG REF R 3
        1 R ID 2 3 0B,G2,LU
        2 R AN 1 50
    LOOP 2330G S 1 "Other Payer Rendering Provider Name"
      SEG NM1 R 1 q1=82
        1 R ID 2 3 82
        2 R ID 1 1 1
      SEG REF R 4
        1 R ID 2 3 0B,1G,G2,LU
        2 R AN 1 50
    LOOP 2330H S 1 "Other Payer Referring Provider"
      SEG NM1 R 1 q1=DN
        1 R ID 2 3 DN
        2 R ID 1 1 1
      SEG REF R 3
        1 R ID 2 3 0B,1G,G2
        2 R AN 1 50
    LOOP 2330I S 1 "Other Payer Billing Provider"
      SEG NM1 R 1 q1=85
        1 R ID 2 3 85
        2 R ID 1 1 2
      SEG REF R 2
        1 R ID 2 3 G2,LU
        2 R AN 1 50
  LOOP 2400 R 999 "Service Line Number"
    SEG LX R 1
      1 R N0 1 6
    SEG SV2 R 1
      1 R AN 1 48
      2 S C
        2.1 R ID 2 2 ER,HC,HP,IV,WK
        2.2 R AN 1 48
        2.3 S AN 2 2
        2.4 S AN 2 2
        2.5 S AN 2 2
        2.6 S AN 2 2
        2.7 S AN 1 80
      3 R R 1 18
      4 R ID 2 2 DA,UN
      5 R R 1 15
      7 S R 1 18
    SEG PWK S 10
      1 R ID 2 2 03,04,05,06,07,08,09,10,11,13,15,21,A3,A4,AM,AS,B2,B3,B4,BR,BS,BT,CB,CK,CT,D2,DA,DB,DG,DJ,DS,EB,HC,HR,I5,IR,LA,M1,MT,NN,OB,OC,OD,OE,OX,OZ,P4,P5,PE,PN,PO,PQ,PY,PZ,RB,RR,RT,RX,SG,V5,XP
      2 R ID 1 2 AA,BM,EL,EM,FT,FX
      3 N N0 1 2
      4 N ID 2 3
      5 S ID 1 2 AC
      6 S AN 2 80
    SEG DTP S 1 q1=472
      1 R ID 3 3 472
      2 R ID 2 3 D8,RD8
      3 R AN 1 35
    SEG REF S 3 q1=6R,9B,9D
      1 R ID 2 3 6R,9B,9D
      2 R AN 1 50
    SEG AMT S 2 q1=GT,N8
      1 R ID 1 3 GT,N8
      2 R R 1 18
    SEG NTE S 1
      1 R ID 3 3 TPO
      2 R AN 1 80
    SEG HCP S 1
      1 R ID 2 2 00,01,02,03,04,05,06,07,08,09,10,11,12,13,14
      2 R R 1 18
      3 S R 1 18
      4 S AN 1 50
      5 S R 1 9
      6 S AN 1 50
      7 S R 1 18
      8 S AN 1 48
      9 S ID 2 2 ER,HC,HP,IV,WK
      10 S AN 1 48
      11 S ID 2 2 DA,UN
      12 S R 1 15
      13 S ID 2 2 T1,T2,T3,T4,T5,T6
      14 S ID 1 2 1,2,3,4,5
      15 S ID 1 2 1,2,3,4,5,6
    LOOP 2410 S 1 "Drug Identification"
      SEG LIN R 1
        2 R ID 2 2 N4
        3 R AN 1 48
      SEG CTP R 1
        4 R R 1 15
        5 R C
          5.1 R ID 2 2 F2,GR,ME,ML,UN
      SEG REF S 1 q1=VY,XZ
        1 R ID 2 3 VY,XZ
        2 R AN 1 50
    LOOP 2420A S 1 "Operating Physician Name"
      USE NM1P:72
      USE REF_PRV
    LOOP 2420B S 1 "Other Operating Physician Name"
      USE NM1P:ZZ
      USE REF_PRV
    LOOP 2420C S 1 "Rendering Provider Name"
      USE NM1P:82
      USE REF_PRV
    LOOP 2420D S 1 "Referring Provider Name"
      USE NM1P:DN
      USE REF_PRV
    LOOP 2430 S 15 "Line Adjudication Information"
      SEG SVD R 1
        1 R AN 2 80
        2 R R 1 18
        3 S C
          3.1 R ID 2 2 ER,HC,HP,IV,WK
          3.2 R AN 1 48
          3.3 S AN 2 2
          3.4 S AN 2 2
          3.5 S AN 2 2
          3.6 S AN 2 2
          3.7 S AN 1 80
        4 S AN 1 48
        5 R R 1 15
        6 S N0 1 6
      USE CAS
      SEG DTP R 1 q1=573
        1 R ID 3 3 573
        2 R ID 2 3 D8
        3 R AN 1 35
      SEG AMT S 1 q1=EAF
        1 R ID 1 3 EAF
        2 R R 1 18
"#;
