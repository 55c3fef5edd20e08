//! 835 Health Care Claim Payment/Advice, 005010X221A1.

pub const TABLE: &str = r#"
TX 835 005010X221A1 "Health Care Claim Payment/Advice"
SEG ST R 1
  1 R ID 3 3 835
  2 R AN 4 9
  3 N AN 1 35
SEG BPR R 1
  1 R ID 1 2 C,D,H,I,P,U,X
  2 R R 1 18
  3 R ID 1 1 C,D
  4 R ID 3 3 ACH,BOP,CHK,FWT,NON
  5 S ID 1 10 CCP,CTX
  6 S ID 2 2 01,04
  7 S AN 3 12
  8 S ID 1 3 DA
  9 S AN 1 35
  10 S AN 10 10
  11 S AN 9 9
  12 S ID 2 2 01,04
  13 S AN 3 12
  14 S ID 1 3 DA,SG
  15 S AN 1 35
  16 R DT 8 8
SEG TRN R 1
  1 R ID 1 2 1
  2 R AN 1 50
  3 R AN 10 10
  4 S AN 1 50
SEG CUR S 1
  1 R ID 2 3 PR
  2 R ID 3 3 @currency
SEG REF S 2 q1=EV,F2
  1 R ID 2 3 EV,F2
  2 R AN 1 50
SEG DTM S 1 q1=405
  1 R ID 3 3 405
  2 R DT 8 8
LOOP 1000A R 1 "Payer Identification"
  SEG N1 R 1 q1=PR
    1 R ID 2 3 PR
    2 R AN 1 60
    3 S ID 1 2 XV
    4 S AN 2 80
  USE N3R
  USE N4R
  SEG REF S 4 q1=2U,EO,HI,NF
    1 R ID 2 3 2U,EO,HI,NF
    2 R AN 1 50
  SEG PER S 1 q1=CX
    1 R ID 2 2 CX
    2 S AN 1 60
    3 S ID 2 2 EM,FX,TE
    4 S AN 1 256
    5 S ID 2 2 EM,EX,FX,TE
    6 S AN 1 256
    7 S ID 2 2 EX
    8 S AN 1 256
  SEG PER R 0 q1=BL
    1 R ID 2 2 BL
    2 S AN 1 60
    3 S ID 2 2 EM,TE,UR
    4 S AN 1 256
    5 S ID 2 2 EM,EX,FX,TE,UR
    6 S AN 1 256
    7 S ID 2 2 EM,EX,FX,UR
    8 S AN 1 256
  SEG PER S 1 q1=IC
    1 R ID 2 2 IC
    3 R ID 2 2 UR
    4 R AN 1 256
LOOP 1000B R 1 "Payee Identification"
  SEG N1 R 1 q1=PE
    1 R ID 2 3 PE
    2 R AN 1 60
    3 R ID 1 2 FI,XV,XX
    4 R AN 2 80
  USE N3S
  USE N4S
  SEG REF S 0 q1=0B,D3,PQ,TJ
    1 R ID 2 3 0B,D3,PQ,TJ
    2 R AN 1 50
  SEG RDM S 1
    1 R ID 1 2 BM,EM,FT,OL
    2 S AN 1 60
    3 S AN 1 256
    4 N C
    5 N C
LOOP 2000 S 0 "Header Number"
  SEG LX R 1
    1 R N0 1 6
  SEG TS3 S 1
    1 R AN 1 50
    2 R AN 1 2
    3 R DT 8 8
    4 R R 1 15
    5 R R 1 18
    13 S R 1 18
    15 S R 1 18
    17 S R 1 18
    18 S R 1 18
    20 S R 1 18
    21 S R 1 18
    22 S R 1 18
    23 S R 1 15
    24 S R 1 18
  SEG TS2 S 1
    1 S R 1 18
    2 S R 1 18
    3 S R 1 18
    4 S R 1 18
    5 S R 1 18
    6 S R 1 18
    7 S R 1 15
    8 S R 1 18
    9 S R 1 18
    10 S R 1 15
    11 S R 1 15
    12 S R 1 15
    13 S R 1 15
    14 S R 1 15
    15 S R 1 18
    16 S R 1 15
    17 S R 1 18
    18 S R 1 18
    19 S R 1 18
  LOOP 2100 R 0 "Claim Payment Information"
    SEG CLP R 1
      1 R AN 1 38
      2 R ID 1 2 1,2,3,4,19,20,21,22,23,25
      3 R R 1 18
      4 R R 1 18
      5 S R 1 18
      6 R ID 1 2 12,13,14,15,16,17,AM,CH,DS,HM,LM,MA,MB,MC,OF,TV,VA,WC,ZZ
      7 R AN 1 50
      8 S AN 1 2
      9 S ID 1 1
      11 S ID 1 4
      12 S R 1 15
      13 S R 1 10
    USE CAS835
    SEG NM1 R 1 q1=QC
      1 R ID 2 3 QC
      2 R ID 1 1 1
      3 S AN 1 60
      4 S AN 1 35
      5 S AN 1 25
      7 S AN 1 10
      8 S ID 1 2 34,HN,II,MI,MR
      9 S AN 2 80
    SEG NM1 S 6 q1=IL,74,82,TT,PR,GB
      1 R ID 2 3 IL,74,82,TT,PR,GB
      2 R ID 1 1 1,2
      3 S AN 1 60
      4 S AN 1 35
      5 S AN 1 25
      7 S AN 1 10
      8 S ID 1 2 FI,II,MI,C,BD,BS,MC,PC,SL,UP,XX,AD,NI,PI,PP,XV
      9 S AN 2 80
    USE MIA:S
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
    SEG REF S 15 q1=1L,1W,28,6P,9A,9C,BB,CE,EA,F8,G1,G3,IG,SY,0B,1A,1B,1C,1D,1G,1H,1J,D3,G2,LU
      1 R ID 2 3 1L,1W,28,6P,9A,9C,BB,CE,EA,F8,G1,G3,IG,SY,0B,1A,1B,1C,1D,1G,1H,1J,D3,G2,LU
      2 R AN 1 50
    SEG DTM S 4 q1=232,233,036,050
      1 R ID 3 3 232,233,036,050
      2 R DT 8 8
    SEG PER S 2 q1=CX
      1 R ID 2 2 CX
      2 S AN 1 60
      3 R ID 2 2 EM,FX,TE
      4 R AN 1 256
      5 S ID 2 2 EM,EX,FX,TE
      6 S AN 1 256
      7 S ID 2 2 EX
      8 S AN 1 256
      9 N AN 1 20
    SEG AMT S 13 q1=AU,D8,DY,F5,I,NL,T,T2,ZK,ZL,ZM,ZN,ZO
      1 R ID 1 3 AU,D8,DY,F5,I,NL,T,T2,ZK,ZL,ZM,ZN,ZO
      2 R R 1 18
    SEG QTY S 14 q1=CA,CD,LA,LE,NE,NR,OU,PS,VS,ZK,ZL,ZM,ZN,ZO
      1 R ID 2 2 CA,CD,LA,LE,NE,NR,OU,PS,VS,ZK,ZL,ZM,ZN,ZO
      2 R R 1 15
      3 N C
      4 N AN 1 30
    LOOP 2110 S 999 "Service Payment Information"
      SEG SVC R 1
        1 R C
          1.1 R ID 2 2 AD,ER,HC,HP,IV,N4,N6,NU,UI,WK
          1.2 R AN 1 48
          1.3 S AN 2 2
          1.4 S AN 2 2
          1.5 S AN 2 2
          1.6 S AN 2 2
          1.7 S AN 1 80
        2 R R 1 18
        3 R R 1 18
        4 S AN 1 48
        5 S R 1 15
        6 S C
          6.1 R ID 2 2 AD,ER,HC,HP,IV,N4,NU,WK
          6.2 R AN 1 48
          6.3 S AN 2 2
          6.4 S AN 2 2
          6.5 S AN 2 2
          6.6 S AN 2 2
          6.7 S AN 1 80
        7 S R 1 15
      SEG DTM S 2 q1=150,151,472
        1 R ID 3 3 150,151,472
        2 R DT 8 8
      USE CAS835
      SEG REF S 24 q1=1S,APC,BB,E9,G1,G3,LU,RB,6R,0B,1A,1B,1C,1D,1G,1H,1J,D3,G2,HPI,SY,TJ,0K
        1 R ID 2 3 1S,APC,BB,E9,G1,G3,LU,RB,6R,0B,1A,1B,1C,1D,1G,1H,1J,D3,G2,HPI,SY,TJ,0K
        2 R AN 1 50
      SEG AMT S 9 q1=B6,KH,T,T2,ZK,ZL,ZM,ZN,ZO
        1 R ID 1 3 B6,KH,T,T2,ZK,ZL,ZM,ZN,ZO
        2 R R 1 18
      SEG QTY S 6 q1=ZK,ZL,ZM,ZN,ZO
        1 R ID 2 2 ZK,ZL,ZM,ZN,ZO
        2 R R 1 15
        3 N C
        4 N AN 1 30
      SEG LQ S 99
        1 R ID 1 3 HE,RX
        2 R AN 1 30
SEG PLB S 0
  1 R AN 1 50
  2 R DT 8 8
  3 R C
    3.1 R ID 2 2 @plb_reason
    3.2 S AN 1 50
  4 R R 1 18
  5 S C
    5.1 R ID 2 2 @plb_reason
    5.2 S AN 1 50
  6 S R 1 18
  7 S C
    7.1 R ID 2 2 @plb_reason
    7.2 S AN 1 50
  8 S R 1 18
  9 S C
    9.1 R ID 2 2 @plb_reason
    9.2 S AN 1 50
  10 S R 1 18
  11 S C
    11.1 R ID 2 2 @plb_reason
    11.2 S AN 1 50
  12 S R 1 18
  13 S C
    13.1 R ID 2 2 @plb_reason
    13.2 S AN 1 50
  14 S R 1 18
SEG SE R 1
  1 R N0 1 10
  2 R AN 4 9
"#;

pub const CLAIM: &str = "";
