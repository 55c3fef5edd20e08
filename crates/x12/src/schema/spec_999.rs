//! 999 Implementation Acknowledgment, 005010X231A1.

pub const TABLE: &str = r#"
TX 999 005010X231A1 "Implementation Acknowledgment"
SEG ST R 1
  1 R ID 3 3 999
  2 R AN 4 9
  3 R AN 1 35 005010X231A1
SEG AK1 R 1
  1 R ID 2 2 BE,HB,HC,HI,HN,HP,HR,HS,RA
  2 R N0 1 9
  3 R AN 1 12
LOOP 2000 S 0 "Transaction Set Response Header"
  SEG AK2 R 1
    1 R ID 3 3 270,271,276,277,278,820,834,835,837
    2 R AN 4 9
    3 S AN 1 35
  LOOP 2100 S 0 "Error Identification"
    SEG IK3 R 1
      1 R ID 2 3
      2 R N0 1 6
      3 S AN 1 4
      4 S ID 1 3 1,2,3,4,5,6,7,8,I4,I6,I7,I8,I9
    SEG CTX S 10
      1 R C
        1.1 R AN 1 35
        1.2 S AN 1 35
      2 S ID 2 3
      3 S N0 1 6
      USE CTX_POSITION
    LOOP 2110 S 0 "Implementation Data Element Note"
      SEG IK4 R 1
        1 R C
          1.1 R N0 1 2
          1.2 S N0 1 2
          1.3 S N0 1 4
        2 S N0 1 4
        3 R ID 1 3 1,2,3,4,5,6,7,8,9,10,11,12,13,I10,I11,I12,I13,I6,I9
        4 S AN 1 99
      SEG CTX S 10
        1 R C
          1.1 R AN 1 35
          1.2 N AN 1 35
        2 R ID 2 3
        3 R N0 1 6
        USE CTX_POSITION
  SEG IK5 R 1
    1 R ID 1 1 A,E,M,R,W,X
    2 S ID 1 3 1,2,3,4,5,6,7,8,9,10,11,12,13,15,16,17,18,19,23,24,25,26,27,I5,I6
    3 S ID 1 3 1,2,3,4,5,6,7,8,9,10,11,12,13,15,16,17,18,19,23,24,25,26,27,I5,I6
    4 S ID 1 3 1,2,3,4,5,6,7,8,9,10,11,12,13,15,16,17,18,19,23,24,25,26,27,I5,I6
    5 S ID 1 3 1,2,3,4,5,6,7,8,9,10,11,12,13,15,16,17,18,19,23,24,25,26,27,I5,I6
    6 S ID 1 3 1,2,3,4,5,6,7,8,9,10,11,12,13,15,16,17,18,19,23,24,25,26,27,I5,I6
SEG AK9 R 1
  1 R ID 1 1 A,E,M,P,R,W,X
  2 R N0 1 6
  3 R N0 1 6
  4 R N0 1 6
  5 S ID 1 3 1,2,3,4,5,6,10,11,12,13,14,15,16,17,18,19,23,24,25,26
  6 S ID 1 3 1,2,3,4,5,6,10,11,12,13,14,15,16,17,18,19,23,24,25,26
  7 S ID 1 3 1,2,3,4,5,6,10,11,12,13,14,15,16,17,18,19,23,24,25,26
  8 S ID 1 3 1,2,3,4,5,6,10,11,12,13,14,15,16,17,18,19,23,24,25,26
  9 S ID 1 3 1,2,3,4,5,6,10,11,12,13,14,15,16,17,18,19,23,24,25,26
SEG SE R 1
  1 R N0 1 10
  2 R AN 4 9
"#;

pub const CLAIM: &str = "";
