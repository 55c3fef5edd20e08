//! 837 Professional, 005010X222A1: loops, segments and element rules we check.
//!
//! The element tables of the rarely sent segments (PWK, CN1, K3, CR1, CR2, the PER of 2010BA,
//! 2010CA and 2310C, CRC in 2300 and 2400, the 2300 HI anesthesia and condition variants, HCP in
//! 2300 and 2400, the 2310E/F and 2420G/H ambulance NM1, MOA, the 2330C-2330G NM1/REF, SV5,
//! CR3, QTY, MEA, the 2400 NTE, PS1 and the 2440 LQ/FRM) are transcribed from the pyx12 4.0.0
//! map `837.5010.X222.A1.xml` (element usage and code values) and its `dataele.xml` (types and
//! lengths). Not-used elements after the last used one are left out (data there is reported as
//! not used all the same). What they leave out: the map's external lists we do not keep (the MOA
//! remark codes: only length is checked there), and the guide's syntax notes between elements
//! (PWK P0506, HCP R0113/P0910/P1112…). The map gives no state list for the ambulance pick-up
//! and drop-off N402 (2310E/F, 2420G/H); the guide's code source 22 (states and provinces) is
//! applied there as everywhere else. Segments the guide repeats with different qualifiers and
//! element rules (CRC, 2300 HI, QTY, 2400 NTE) are separate entries selected by their qualifier;
//! every composite of one HI must carry that variant's qualifier, as the guide requires.

pub const TABLE: &str = r#"
TX 837 005010X222A1 "Health Care Claim: Professional"
SEG ST R 1
  1 R ID 3 3 837
  2 R AN 4 9
  3 R AN 1 35 005010X222A1,005010X222A2
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
      2 R ID 1 1 1,2
      3 R AN 1 60
      4 S AN 1 35
      5 S AN 1 25
      7 S AN 1 10
      8 R ID 1 2 XX
      9 R AN 2 80
    USE N3R
    USE N4R
    SEG REF R 3 q1=EI,SY,0B,1G
      1 R ID 2 3 EI,SY,0B,1G
      2 R AN 1 50
    USE PER_IC
  LOOP 2010AB S 1 "Pay-to Address Name"
    SEG NM1 R 1 q1=87
      1 R ID 2 3 87
      2 R ID 1 1 1,2
    USE N3R
    USE N4R
  LOOP 2010AC S 1 "Pay-To Plan Name"
    SEG NM1 R 1 q1=PE
      1 R ID 2 3 PE
      2 R ID 1 1 2
      3 R AN 1 60
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
      5 S ID 1 3 12,13,14,15,16,41,42,43,47
      9 S ID 1 2 @claim_filing
    USE PAT_S
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
      USE PER_TE
    LOOP 2010BB R 1 "Payer Name"
      SEG NM1 R 1 q1=PR
        1 R ID 2 3 PR
        2 R ID 1 1 2
        3 R AN 1 60
        8 R ID 1 2 PI,XV
        9 R AN 2 80
      USE N3S
      USE N4S
      SEG REF S 5 q1=2U,EI,FY,NF,G2,LU
        1 R ID 2 3 2U,EI,FY,NF,G2,LU
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
        5 S ID 2 3 D8
        6 S AN 1 35
        7 S ID 2 2 01
        8 S R 1 10
        9 S ID 1 1 Y
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
        USE PER_TE
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
      5.1 R AN 1 2 @pos
      5.2 R ID 1 2 B
      5.3 R ID 1 1 1,6,7,8
    6 R ID 1 1 N,Y
    7 R ID 1 1 A,B,C
    8 R ID 1 1 N,W,Y
    9 R ID 1 1 I,Y
    10 S ID 1 1 P
    11 S C
      11.1 R ID 2 3 AA,EM,OA
      11.2 S ID 2 3 AA,EM,OA
      11.4 S ID 2 2 @states
      11.5 S ID 2 3 @country
    12 S ID 2 3 02,03,05,09
    20 S ID 1 2 1,2,3,4,5,6,7,8,9,10,11,15
  SEG DTP S 20 q1=431,454,304,453,439,484,455,471,314,360,361,297,296,435,096,090,091,444,050
    1 R ID 3 3 431,454,304,453,439,484,455,471,314,360,361,297,296,435,096,090,091,444,050
    2 R ID 2 3 D8,RD8
    3 R AN 1 35
  SEG PWK S 10
    1 R ID 2 2 03,04,05,06,07,08,09,10,11,13,15,21,A3,A4,AM,AS,B2,B3,B4,BR,BS,BT,CB,CK,CT,D2,DA,DB,DG,DJ,DS,EB,HC,HR,I5,IR,LA,M1,MT,NN,OB,OC,OD,OE,OX,OZ,P4,P5,PE,PN,PO,PQ,PY,PZ,RB,RR,RT,RX,SG,V5,XP
    2 R ID 1 2 AA,BM,EL,EM,FT,FX
    3 N N0 1 2
    4 N ID 2 3
    5 S ID 1 2 AC
    6 S AN 2 80
    7 N AN 1 80
    8 N C
    9 N ID 1 2
  SEG CN1 S 1
    1 R ID 2 2 01,02,03,04,05,06,09
    2 S R 1 18
    3 S R 1 6
    4 S AN 1 50
    5 S R 1 6
    6 S AN 1 30
  SEG AMT S 1 q1=F5
    1 R ID 1 3 F5
    2 R R 1 18
  SEG REF S 14 q1=4N,F5,EW,9F,G1,F8,X4,9A,9C,LX,D9,EA,P4,1J
    1 R ID 2 3 4N,F5,EW,9F,G1,F8,X4,9A,9C,LX,D9,EA,P4,1J
    2 R AN 1 50
  SEG K3 S 10
    1 R AN 1 80
    2 N ID 1 2
    3 N C
  SEG NTE S 1 q1=ADD,CER,DCP,DGN,TPO
    1 R ID 3 3 ADD,CER,DCP,DGN,TPO
    2 R AN 1 80
  SEG CR1 S 1
    1 S ID 2 2 LB
    2 S R 1 10
    3 N ID 1 1
    4 R ID 1 1 A,B,C,D,E
    5 R ID 2 2 DH
    6 R R 1 15
    7 N AN 1 55
    8 N AN 1 55
    9 S AN 1 80
    10 S AN 1 80
  SEG CR2 S 1
    1 N N0 1 9
    2 N R 1 15
    3 N ID 2 3
    4 N ID 2 3
    5 N ID 2 2
    6 N R 1 15
    7 N R 1 15
    8 R ID 1 1 A,C,D,E,F,G,M
    9 N ID 1 1
    10 S AN 1 80
    11 S AN 1 80
    12 N ID 1 1
  # Ambulance Certification
  USE CRC_AMBULANCE
  # Patient Condition Information: Vision
  SEG CRC S 3 q1=E1,E2,E3
    1 R ID 2 2 E1,E2,E3
    2 R ID 1 1 N,Y
    3 R ID 2 3 L1,L2,L3,L4,L5
    4 S ID 2 3 L1,L2,L3,L4,L5
    5 S ID 2 3 L1,L2,L3,L4,L5
    6 S ID 2 3 L1,L2,L3,L4,L5
    7 S ID 2 3 L1,L2,L3,L4,L5
  # Homebound Indicator
  SEG CRC S 1 q1=75
    1 R ID 2 2 75
    2 R ID 1 1 Y
    3 R ID 2 3 IH
  # EPSDT Referral
  SEG CRC S 1 q1=ZZ
    1 R ID 2 2 ZZ
    2 R ID 1 1 N,Y
    3 R ID 2 3 AV,NU,S2,ST
    4 S ID 2 3 AV,NU,S2,ST
    5 S ID 2 3 AV,NU,S2,ST
  # Health Care Diagnosis Code
  SEG HI R 1 q1.1=ABK,BK
    1 R C
      1.1 R ID 1 3 ABK,BK
      1.2 R AN 1 30
    2 S C
      2.1 R ID 1 3 ABF,BF
      2.2 R AN 1 30
    3 S C
      3.1 R ID 1 3 ABF,BF
      3.2 R AN 1 30
    4 S C
      4.1 R ID 1 3 ABF,BF
      4.2 R AN 1 30
    5 S C
      5.1 R ID 1 3 ABF,BF
      5.2 R AN 1 30
    6 S C
      6.1 R ID 1 3 ABF,BF
      6.2 R AN 1 30
    7 S C
      7.1 R ID 1 3 ABF,BF
      7.2 R AN 1 30
    8 S C
      8.1 R ID 1 3 ABF,BF
      8.2 R AN 1 30
    9 S C
      9.1 R ID 1 3 ABF,BF
      9.2 R AN 1 30
    10 S C
      10.1 R ID 1 3 ABF,BF
      10.2 R AN 1 30
    11 S C
      11.1 R ID 1 3 ABF,BF
      11.2 R AN 1 30
    12 S C
      12.1 R ID 1 3 ABF,BF
      12.2 R AN 1 30
  # Anesthesia Related Procedure (HI01 BP surgical procedure, HI02 BO additional)
  SEG HI S 1 q1.1=BP,BO
    1 R C
      1.1 R ID 1 3 BP
      1.2 R AN 1 30
    2 S C
      2.1 R ID 1 3 BO
      2.2 R AN 1 30
  # Condition Information
  USE HI_CONDITION
  SEG HCP S 1
    1 R ID 2 2 00,01,02,03,04,05,07,08,09,10,11,12,13,14
    2 R R 1 18
    3 S R 1 18
    4 S AN 1 50
    5 S R 1 9
    6 S AN 1 50
    7 S R 1 18
    8 N AN 1 48
    9 N ID 2 2
    10 N AN 1 48
    11 N ID 2 2
    12 N R 1 15
    13 S ID 2 2 T1,T2,T3,T4,T5,T6
    14 S ID 1 2 1,2,3,4,5
    15 S ID 1 2 1,2,3,4,5,6
  LOOP 2310A S 2 "Referring Provider Name"
    SEG NM1 R 1 q1=DN,P3
      1 R ID 2 3 DN,P3
      2 R ID 1 1 1
      3 R AN 1 60
      4 S AN 1 35
      5 S AN 1 25
      7 S AN 1 10
      8 S ID 1 2 XX
      9 S AN 2 80
    USE REF_PRV
  LOOP 2310B S 1 "Rendering Provider Name"
    SEG NM1 R 1 q1=82
      1 R ID 2 3 82
      2 R ID 1 1 1,2
      3 R AN 1 60
      4 S AN 1 35
      5 S AN 1 25
      7 S AN 1 10
      8 S ID 1 2 XX
      9 S AN 2 80
    SEG PRV S 1
      1 R ID 1 3 PE
      2 R ID 2 3 PXC
      3 R AN 1 50
    USE REF_PRV
  LOOP 2310C S 1 "Service Facility Location Name"
    SEG NM1 R 1 q1=77
      1 R ID 2 3 77
      2 R ID 1 1 2
      3 R AN 1 60
      8 S ID 1 2 XX
      9 S AN 2 80
    USE N3R
    USE N4R
    USE REF_PRV
    USE PER_TE
  LOOP 2310D S 1 "Supervising Provider Name"
    SEG NM1 R 1 q1=DQ
      1 R ID 2 3 DQ
      2 R ID 1 1 1
      3 R AN 1 60
      4 S AN 1 35
      5 S AN 1 25
      7 S AN 1 10
      8 S ID 1 2 XX
      9 S AN 2 80
    USE REF_PRV
  LOOP 2310E S 1 "Ambulance Pick-up Location"
    SEG NM1 R 1 q1=PW
      1 R ID 2 3 PW
      2 R ID 1 1 2
    USE N3R
    USE N4R
  LOOP 2310F S 1 "Ambulance Drop-off Location"
    SEG NM1 R 1 q1=45
      1 R ID 2 3 45
      2 R ID 1 1 2
      3 S AN 1 60
    USE N3R
    USE N4R
  LOOP 2320 S 10 "Other Subscriber Information"
    SEG SBR R 1
      1 R ID 1 1 A,B,C,D,E,F,G,H,P,S,T,U
      2 R ID 2 2 01,18,19,20,21,39,40,53,G8
      3 S AN 1 50
      4 S AN 1 60
      5 S ID 1 3 12,13,14,15,16,41,42,43,47
      9 S ID 1 2 @claim_filing
    USE CAS
    SEG AMT S 3 q1=D,A8,EAF
      1 R ID 1 3 D,A8,EAF
      2 R R 1 18
    SEG OI R 1
      3 R ID 1 1 N,W,Y
      4 S ID 1 1 P
      6 R ID 1 1 I,Y
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
      SEG REF S 1 q1=SY
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
    LOOP 2330C S 2 "Other Payer Referring Provider"
      SEG NM1 R 1 q1=DN,P3
        1 R ID 2 3 DN,P3
        2 R ID 1 1 1
      SEG REF R 3
        1 R ID 2 3 0B,1G,G2
        2 R AN 1 50
    LOOP 2330D S 1 "Other Payer Rendering Provider"
      SEG NM1 R 1 q1=82
        1 R ID 2 3 82
        2 R ID 1 1 1,2
      SEG REF R 3
        1 R ID 2 3 0B,1G,G2,LU
        2 R AN 1 50
    LOOP 2330E S 1 "Other Payer Service Facility Location"
      SEG NM1 R 1 q1=77
        1 R ID 2 3 77
        2 R ID 1 1 2
      SEG REF R 3
        1 R ID 2 3 0B,G2,LU
        2 R AN 1 50
    LOOP 2330F S 1 "Other Payer Supervising Provider"
      SEG NM1 R 1 q1=DQ
        1 R ID 2 3 DQ
        2 R ID 1 1 1
      SEG REF R 3
        1 R ID 2 3 0B,1G,G2,LU
        2 R AN 1 50
    LOOP 2330G S 1 "Other Payer Billing Provider"
      SEG NM1 R 1 q1=85
        1 R ID 2 3 85
        2 R ID 1 1 1,2
      SEG REF R 2
        1 R ID 2 3 G2,LU
        2 R AN 1 50
  LOOP 2400 R 50 "Service Line Number"
    SEG LX R 1
      1 R N0 1 6
    SEG SV1 R 1
      1 R C
        1.1 R ID 2 2 ER,HC,IV,WK
        1.2 R AN 1 48
        1.3 S AN 2 2
        1.4 S AN 2 2
        1.5 S AN 2 2
        1.6 S AN 2 2
        1.7 S AN 1 80
      2 R R 1 18
      3 R ID 2 2 MJ,UN
      4 R R 1 15
      5 S AN 1 2 @pos
      7 R C
        7.1 R N0 1 2 1,2,3,4,5,6,7,8,9,10,11,12
        7.2 S N0 1 2 1,2,3,4,5,6,7,8,9,10,11,12
        7.3 S N0 1 2 1,2,3,4,5,6,7,8,9,10,11,12
        7.4 S N0 1 2 1,2,3,4,5,6,7,8,9,10,11,12
      9 S ID 1 1 Y
      11 S ID 1 1 Y
      12 S ID 1 1 Y
      15 S ID 1 1 0
    SEG SV5 S 1
      1 R C
        1.1 R ID 2 2 HC
        1.2 R AN 1 48
      2 R ID 2 2 DA
      3 R R 1 15
      4 R R 1 18
      5 R R 1 18
      6 R ID 1 1 1,4,6
    SEG PWK S 11
      1 R ID 2 2 03,04,05,06,07,08,09,10,11,13,15,21,A3,A4,AM,AS,B2,B3,B4,BR,BS,BT,CB,CK,CT,D2,DA,DB,DG,DJ,DS,EB,HC,HR,I5,IR,LA,M1,MT,NN,OB,OC,OD,OE,OX,OZ,P4,P5,PE,PN,PO,PQ,PY,PZ,RB,RR,RT,RX,SG,V5,XP
      2 R ID 1 2 AA,BM,EL,EM,FT,FX,AB,AD,AF,AG,NS
      3 N N0 1 2
      4 N ID 2 3
      5 S ID 1 2 AC
      6 S AN 2 80
      7 N AN 1 80
      8 N C
      9 N ID 1 2
    SEG CR1 S 1
      1 S ID 2 2 LB
      2 S R 1 10
      3 N ID 1 1
      4 R ID 1 1 A,B,C,D,E
      5 R ID 2 2 DH
      6 R R 1 15
      7 N AN 1 55
      8 N AN 1 55
      9 S AN 1 80
      10 S AN 1 80
    SEG CR3 S 1
      1 R ID 1 1 I,R,S
      2 R ID 2 2 MO
      3 R R 1 15
    # Ambulance Certification
    USE CRC_AMBULANCE
    # Hospice Employee Indicator
    SEG CRC S 1 q1=70
      1 R ID 2 2 70
      2 R ID 1 1 N,Y
      3 R ID 2 3 65
    # Condition Indicator/Durable Medical Equipment
    SEG CRC S 1 q1=09
      1 R ID 2 2 09
      2 R ID 1 1 N,Y
      3 R ID 2 3 38,ZV
      4 S ID 2 3 38,ZV
    SEG DTP R 11 q1=472,471,607,463,461,304,738,739,011,455,454
      1 R ID 3 3 472,471,607,463,461,304,738,739,011,455,454
      2 R ID 2 3 D8,RD8
      3 R AN 1 35
    # Ambulance Patient Count
    SEG QTY S 1 q1=PT
      1 R ID 2 2 PT
      2 R R 1 15
    # Obstetric Anesthesia Additional Units
    SEG QTY S 1 q1=FL
      1 R ID 2 2 FL
      2 R R 1 15
    SEG MEA S 5
      1 R ID 2 2 OG,TR
      2 R ID 1 3 HT,R1,R2,R3,R4
      3 R R 1 20
    SEG CN1 S 1
      1 R ID 2 2 01,02,03,04,05,06,09
      2 S R 1 18
      3 S R 1 6
      4 S AN 1 50
      5 S R 1 6
      6 S AN 1 30
    SEG REF S 17 q1=9B,9D,G1,6R,EW,X4,F4,BT,9F
      1 R ID 2 3 9B,9D,G1,6R,EW,X4,F4,BT,9F
      2 R AN 1 50
    SEG AMT S 2 q1=T,F4
      1 R ID 1 3 T,F4
      2 R R 1 18
    SEG K3 S 10
      1 R AN 1 80
      2 N ID 1 2
      3 N C
    # Line Note
    SEG NTE S 1 q1=ADD,DCP
      1 R ID 3 3 ADD,DCP
      2 R AN 1 80
    # Third Party Organization Notes
    SEG NTE S 1 q1=TPO
      1 R ID 3 3 TPO
      2 R AN 1 80
    SEG PS1 S 1
      1 R AN 1 50
      2 R R 1 18
    SEG HCP S 1
      1 R ID 2 2 00,01,02,03,04,05,06,07,08,09,10,11,12,13,14
      2 R R 1 18
      3 S R 1 18
      4 S AN 1 50
      5 S R 1 9
      6 S AN 1 50
      7 S R 1 18
      8 N AN 1 48
      9 S ID 2 2 ER,HC,IV,WK
      10 S AN 1 48
      11 S ID 2 2 MJ,UN
      12 S R 1 15
      13 S ID 2 2 T1,T2,T3,T4,T5,T6
      14 S ID 1 2 1,2,3,4,5
      15 S ID 1 2 1,2,3,4,5,6
    LOOP 2410 S 1 "Drug Identification"
      SEG LIN R 1
        2 R ID 2 2 EN,EO,HI,N4,ON,UK,UP
        3 R AN 1 48
      SEG CTP R 1
        4 R R 1 15
        5 R C
          5.1 R ID 2 2 F2,GR,ME,ML,UN
      SEG REF S 1 q1=VY,XZ
        1 R ID 2 3 VY,XZ
        2 R AN 1 50
    LOOP 2420A S 1 "Rendering Provider Name"
      USE NM1P:82
      SEG PRV S 1
        1 R ID 1 3 PE
        2 R ID 2 3 PXC
        3 R AN 1 50
      USE REF_PRV
    LOOP 2420B S 1 "Purchased Service Provider Name"
      USE NM1P:QB
      USE REF_PRV
    LOOP 2420C S 1 "Service Facility Location Name"
      USE NM1O:77
      USE N3R
      USE N4R
      USE REF_PRV
    LOOP 2420D S 1 "Supervising Provider Name"
      USE NM1P:DQ
      USE REF_PRV
    LOOP 2420E S 1 "Ordering Provider Name"
      USE NM1P:DK
      USE N3S
      USE N4S
      USE REF_PRV
      USE PER_IC
    LOOP 2420F S 2 "Referring Provider Name"
      USE NM1P:DN,P3
      USE REF_PRV
    LOOP 2420G S 1 "Ambulance Pick-up Location"
      SEG NM1 R 1 q1=PW
        1 R ID 2 3 PW
        2 R ID 1 1 2
      USE N3R
      USE N4R
    LOOP 2420H S 1 "Ambulance Drop-off Location"
      SEG NM1 R 1 q1=45
        1 R ID 2 3 45
        2 R ID 1 1 2
        3 S AN 1 60
      USE N3R
      USE N4R
    LOOP 2430 S 15 "Line Adjudication Information"
      SEG SVD R 1
        1 R AN 2 80
        2 R R 1 18
        3 R C
          3.1 R ID 2 2 ER,HC,IV,WK
          3.2 R AN 1 48
          3.3 S AN 2 2
          3.4 S AN 2 2
          3.5 S AN 2 2
          3.6 S AN 2 2
          3.7 S AN 1 80
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
    LOOP 2440 S 0 "Form Identification Code"
      SEG LQ R 1
        1 R ID 1 3 AS,UT
        2 R AN 1 30
      SEG FRM R 99
        1 R AN 1 20
        2 S ID 1 1 N,W,Y
        3 S AN 1 50
        4 S DT 8 8
        5 S R 1 6
"#;
