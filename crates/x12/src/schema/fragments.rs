//! Pieces shared by several tables, spliced in with `USE NAME`.

pub const COMMON: &[(&str, &str)] = &[
    // 999 CTX04-06: where in the segment the error is (both CTX of 2100 and the 2110 CTX).
    (
        "CTX_POSITION",
        r#"
4 S AN 1 4
5 S C
  5.1 R N0 1 2
  5.2 S N0 1 2
  5.3 S N0 1 4
6 S C
  6.1 R N0 1 4
  6.2 N N0 1 4
"#,
    ),
    // Inpatient adjudication (835 2100, 837I 2320); `$Q` is MIA02's usage (not used in the 837I).
    (
        "MIA",
        r#"
SEG MIA S 1
  1 R R 1 15
  2 $Q R 1 18
  3 S R 1 15
  4 S R 1 18
  5 S AN 1 50 @remark_code
  6 S R 1 18
  7 S R 1 18
  8 S R 1 18
  9 S R 1 18
  10 S R 1 18
  11 S R 1 18
  12 S R 1 18
  13 S R 1 18
  14 S R 1 18
  15 S R 1 15
  16 S R 1 18
  17 S R 1 18
  18 S R 1 18
  19 S R 1 18
  20 S AN 1 50 @remark_code
  21 S AN 1 50 @remark_code
  22 S AN 1 50 @remark_code
  23 S AN 1 50 @remark_code
  24 S R 1 18
"#,
    ),
    (
        "PER_IC",
        r#"
SEG PER S 2 q1=IC
  1 R ID 2 2 IC
  2 S AN 1 60
  3 R ID 2 2 ED,EM,FX,TE
  4 R AN 1 256
  5 S ID 2 2 ED,EM,EX,FX,TE
  6 S AN 1 256
  7 S ID 2 2 ED,EM,EX,FX,TE
  8 S AN 1 256
"#,
    ),
    // Contact named by telephone only, with an optional extension (837P property and casualty
    // subscriber/patient contact, 2310C service facility contact).
    (
        "PER_TE",
        "\nSEG PER S 1\n  1 R ID 2 2 IC\n  2 S AN 1 60\n  3 R ID 2 2 TE\n  4 R AN 1 256\n  5 S ID 2 2 EX\n  6 S AN 1 256\n",
    ),
    // 837P 2300 and 2400 ambulance certification (CRC01 07).
    (
        "CRC_AMBULANCE",
        r#"
SEG CRC S 3 q1=07
  1 R ID 2 2 07
  2 R ID 1 1 N,Y
  3 R ID 2 3 01,04,05,06,07,08,09,12
  4 S ID 2 3 01,04,05,06,07,08,09,12
  5 S ID 2 3 01,04,05,06,07,08,09,12
  6 S ID 2 3 01,04,05,06,07,08,09,12
  7 S ID 2 3 01,04,05,06,07,08,09,12
"#,
    ),
    // 837P and 837I 2300 condition codes (HI, qualifier BG, up to twelve).
    (
        "HI_CONDITION",
        r#"
SEG HI S 2 q1.1=BG
  1 R C
    1.1 R ID 1 3 BG
    1.2 R AN 1 30
  2 S C
    2.1 R ID 1 3 BG
    2.2 R AN 1 30
  3 S C
    3.1 R ID 1 3 BG
    3.2 R AN 1 30
  4 S C
    4.1 R ID 1 3 BG
    4.2 R AN 1 30
  5 S C
    5.1 R ID 1 3 BG
    5.2 R AN 1 30
  6 S C
    6.1 R ID 1 3 BG
    6.2 R AN 1 30
  7 S C
    7.1 R ID 1 3 BG
    7.2 R AN 1 30
  8 S C
    8.1 R ID 1 3 BG
    8.2 R AN 1 30
  9 S C
    9.1 R ID 1 3 BG
    9.2 R AN 1 30
  10 S C
    10.1 R ID 1 3 BG
    10.2 R AN 1 30
  11 S C
    11.1 R ID 1 3 BG
    11.2 R AN 1 30
  12 S C
    12.1 R ID 1 3 BG
    12.2 R AN 1 30
"#,
    ),
    ("N3R", "\nSEG N3 R 1\n  1 R AN 1 55\n  2 S AN 1 55\n"),
    ("N3S", "\nSEG N3 S 1\n  1 R AN 1 55\n  2 S AN 1 55\n"),
    (
        "N4R",
        "\nSEG N4 R 1\n  1 R AN 2 30\n  2 S ID 2 2 @states\n  3 S ID 3 15\n  4 S ID 2 3 @country\n  7 S ID 1 3\n",
    ),
    (
        "N4S",
        "\nSEG N4 S 1\n  1 R AN 2 30\n  2 S ID 2 2 @states\n  3 S ID 3 15\n  4 S ID 2 3 @country\n  7 S ID 1 3\n",
    ),
    (
        "DMG_S",
        "\nSEG DMG S 1\n  1 R ID 2 3 D8\n  2 R AN 1 35\n  3 R ID 1 1 F,M,U\n",
    ),
    (
        "PAT_S",
        "\nSEG PAT S 1\n  5 S ID 2 3 D8\n  6 S AN 1 35\n  7 S ID 2 2 01\n  8 S R 1 10\n  9 S ID 1 1 Y\n",
    ),
    (
        "REF_PRV",
        "\nSEG REF S 20 q1=0B,1G,G2,LU\n  1 R ID 2 3 0B,1G,G2,LU\n  2 R AN 1 50\n  4 S C\n    4.1 R ID 2 3 2U\n    4.2 R AN 1 50\n",
    ),
    // A provider named by NM1 (person or organization); `$Q` is the entity code(s).
    (
        "NM1P",
        "\nSEG NM1 R 1 q1=$Q\n  1 R ID 2 3 $Q\n  2 R ID 1 1 1,2\n  3 R AN 1 60\n  4 S AN 1 35\n  5 S AN 1 25\n  7 S AN 1 10\n  8 S ID 1 2 XX\n  9 S AN 2 80\n",
    ),
    // An organization named by NM1 (service facility).
    (
        "NM1O",
        "\nSEG NM1 R 1 q1=$Q\n  1 R ID 2 3 $Q\n  2 R ID 1 1 2\n  3 R AN 1 60\n  8 S ID 1 2 XX\n  9 S AN 2 80\n",
    ),
    (
        "CAS",
        r#"
SEG CAS S 5
  1 R ID 1 2 CO,CR,OA,PI,PR
  2 R ID 1 5 @carc
  3 R R 1 18
  4 S R 1 15
  5 S ID 1 5 @carc
  6 S R 1 18
  7 S R 1 15
  8 S ID 1 5 @carc
  9 S R 1 18
  10 S R 1 15
  11 S ID 1 5 @carc
  12 S R 1 18
  13 S R 1 15
  14 S ID 1 5 @carc
  15 S R 1 18
  16 S R 1 15
  17 S ID 1 5 @carc
  18 S R 1 18
  19 S R 1 15
"#,
    ),
    (
        "CAS835",
        r#"
SEG CAS S 99
  1 R ID 1 2 CO,OA,PI,PR
  2 R ID 1 5 @carc
  3 R R 1 18
  4 S R 1 15
  5 S ID 1 5 @carc
  6 S R 1 18
  7 S R 1 15
  8 S ID 1 5 @carc
  9 S R 1 18
  10 S R 1 15
  11 S ID 1 5 @carc
  12 S R 1 18
  13 S R 1 15
  14 S ID 1 5 @carc
  15 S R 1 18
  16 S R 1 15
  17 S ID 1 5 @carc
  18 S R 1 18
  19 S R 1 15
"#,
    ),
];
