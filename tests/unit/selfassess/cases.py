"""Hand-computed answers to sheet 4 shared by the API and browser tests of the self-assessment page."""

# Sheet 4 (Mật ong, mật khác và nông sản thực phẩm khác), points read by hand from
# knowledge_base/criteria/04_mat_ong_nong_san_khac.yml (Phụ lục II, QĐ 26/2026/QĐ-TTg, phiếu 4).
HONEY_3_STARS = {
    # Part A
    "c1_1": "o3",  # 75%-100% in the commune            3
    "c1_2": "o2",  # national quality certificate        1
    "c1_3": "o2",  # machinery in processing             2
    "c1_4": "o2",  # medium capacity                     2
    "c1_5": "o3",  # contracts > 75% (★4)                2
    "c1_6": "o1",  # environmental dossier (★4)          1
    "c1_7": "o2",  # sustainable technology              1
    "c2_1": "o2",  # idea: improved product              1   (★4 needs o3)
    "c2_2": "o3",  # creative packaging (★3)             2
    "c2_3": "o1",  # full, lawful label (★3)             1   (★4 needs o3)
    "c2_4": "o1",  # bilingual label                     1
    "c3_1": "o2",  # organisation type                   2
    "c3_2": "o1",  # legal representative criterion      0
    "c3_3": "o2",  # local labour                        2
    "c3_4": "o1",  # growth                              1   (★4 needs o2)
    "c3_5": "o1",  # trademark application (★3)          1   (★4 needs o2)
    # Part B
    "c4_1": "o3",  # distribution (★4)                   3
    "c4_2": "o3",  # distribution organisation           2
    "c4_3": "o3",  # promotion                           2
    "c5_1": "o4",  # product story                       3   (★4 needs o5)
    "c5_2": "o2",  # story structure                     1
    "c5_3": "o3",  # local identity (★3 is o2)           3
    # Part C
    "c6_1": "o3",  # impurities (★4)                     2
    "c6_2": "o3",  # uniformity (★4)                     2
    "c6_3": "o3",  # colour (★4)                         2
    "c6_4": "o4",  # smell, taste (★4)                   3
    "c7": "o2",  # nutrition                           1
    "c8": "o3",  # uniqueness (★4)                     3
    "c9": "o1",  # quality declaration (★3)            2
    "c10": "o2",  # quality management (★4)             3
    "c11": "o1",  # instructions for use                1
    "c12": "o0",  # global market                       0
}
# A = 3+1+2+2+2+1+1 + 1+2+1+1 + 2+0+2+1+1 = 23; B = 3+2+2 + 3+1+3 = 14; C = 2+2+2+3 + 1 + 3 + 2 + 3 + 1 + 0 = 19
# total 56 -> 3 stars (50 to under 70); every ★3 mark (2.2, 2.3, 3.5, 4.1, 5.3, 9, 10) is met -> no cap.

# The same answers raised to 70 points: +3 (12 -> o3), +2 (7 -> o3), +3 (4.3 -> o5), +1 (4.2 -> o4), +1 (3.2 -> o2),
# +1 (1.2 -> o3), +1 (1.4 -> o3), +1 (3.1 -> o3), +1 (11 -> o2) = +14 -> 70 = 4-star band, but the ★4 marks of
# 2.1, 2.3, 3.4, 3.5 and 5.1 are not met -> 3 stars, five caps.
HONEY_CAPPED = dict(
    HONEY_3_STARS, c12="o3", c7="o3", c4_3="o5", c4_2="o4", c3_2="o2", c1_2="o3", c1_4="o3", c3_1="o3", c11="o2"
)
