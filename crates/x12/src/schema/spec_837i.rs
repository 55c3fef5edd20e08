//! 837 Institutional, 005010X223A2: loops, segments and element rules we check.

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
  SEG CUR S 1 open
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
    SEG NM1 R 1 q1=PE open
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
  SEG PWK S 10 open
  SEG CN1 S 1 open
  SEG AMT S 1 q1=F3
    1 R ID 1 3 F3
    2 R R 1 18
  SEG REF S 16 q1=4N,9F,G1,F8,9A,9C,LX,D9,LU,EA,P4,G4
    1 R ID 2 3 4N,9F,G1,F8,9A,9C,LX,D9,LU,EA,P4,G4
    2 R AN 1 50
  SEG K3 S 10 open
  SEG NTE S 11 open
  SEG CRC S 1 open
  SEG HI R 1 q1.1=ABK,BK
    1 R C
      1.1 R ID 1 3 ABK,BK
      1.2 R AN 1 30
      1.9 S ID 1 1 N,U,W,Y
  SEG HI S 30 q1.1=ABJ,BJ,APR,PR,ABN,BN,DR,ABF,BF,BBR,BR,CAH,BBQ,BQ,BI,BH,BE,BG,TC open
  SEG HCP S 1 open
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
    SEG PRV S 1 open
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
    SEG MIA S 1 open
    SEG MOA S 1 open
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
      SEG NM1 R 1 q1=71 open
      SEG REF R 4 open
    LOOP 2330D S 1 "Other Payer Operating Physician"
      SEG NM1 R 1 q1=72 open
      SEG REF R 4 open
    LOOP 2330E S 1 "Other Payer Other Operating Physician"
      SEG NM1 R 1 q1=ZZ open
      SEG REF R 4 open
    LOOP 2330F S 1 "Other Payer Service Facility Location"
      SEG NM1 R 1 q1=77 open
      SEG REF R 3 open
    LOOP 2330G S 1 "Other Payer Rendering Provider Name"
      SEG NM1 R 1 q1=82 open
      SEG REF R 3 open
    LOOP 2330H S 1 "Other Payer Referring Provider"
      SEG NM1 R 1 q1=DN open
      SEG REF R 3 open
    LOOP 2330I S 1 "Other Payer Billing Provider"
      SEG NM1 R 1 q1=85 open
      SEG REF R 2 open
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
    SEG PWK S 10 open
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
    SEG NTE S 1 open
    SEG HCP S 1 open
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
