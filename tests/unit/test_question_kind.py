"""What kind of question a message is, and the questions one message holds."""

import pytest

from knowledge_base.question_kind import is_question, kind_of, split_questions


@pytest.mark.parametrize(
    "text, kind",
    [
        ("ocop 3 sao voi 4 sao khac nhau cho nao", "compare"),
        ("Sản phẩm 4 sao cần bao nhiêu điểm?", "howmuch"),
        ("giấy chứng nhận có giá trị bao lâu", "when"),
        ("Hội đồng OCOP cấp tỉnh gồm những ai?", "who"),
        ("nộp hồ sơ ở đâu", "where"),
        ("Làm thế nào để sản phẩm được công nhận là OCOP?", "how"),
        ("Thủ tục gia hạn chứng nhận khi hết hạn", "how"),
        ("cho e hoi lam ocop can nhung giay to gi a", "list"),
        ("OCOP là gì?", "what"),
        ("Hội đồng có xuống tận cơ sở kiểm tra không?", "yesno"),
        ("htx co dc tham gia ko", "yesno"),
    ],
)
def test_kind_of_the_answer_asked(text, kind):
    assert kind_of(text) == kind


@pytest.mark.parametrize(
    "text",
    [
        "Nguyên liệu mua từ tỉnh khác có bị loại không?",
        "htx co dc tham gia ko",
        "Nộp ở đâu?",
        "Tinh dầu sả thì thuộc nhóm nào khi đăng ký OCOP?",
        "thu tuc gia han chung nhan khi het han",
        "sản phẩm đạt giấy chứng nhận OCOP cần những tiêu chí nào",
    ],
)
def test_questions(text):
    assert is_question(text)


@pytest.mark.parametrize(
    "text", ["không", "có", "ko cảm ơn nhé", "tạm biệt nhé", "tôi muốn tự đánh giá sản phẩm", "mật ong rừng", "khong?"]
)
def test_not_questions(text):
    assert not is_question(text)


@pytest.mark.parametrize(
    "text, parts",
    [
        ("Hồ sơ gồm những gì? Nộp ở đâu?", ["Hồ sơ gồm những gì?", "Nộp ở đâu?"]),
        (
            "Chương trình OCOP là gì và lợi ích khi tham gia OCOP?",
            ["Chương trình OCOP là gì", "lợi ích khi tham gia OCOP?"],
        ),
        (
            "giấy chứng nhận có giá trị bao lâu, hết hạn thì làm sao",
            ["giấy chứng nhận có giá trị bao lâu", "hết hạn thì làm sao"],
        ),
        ("OCOP là gì? Tiêu chuẩn của OCOP", ["OCOP là gì?", "Tiêu chuẩn của OCOP"]),
        # A short question of a known kind before "và" is a question of its own.
        (
            "ocop la gi va san pham dat chung nhan can nhung tieu chi nao",
            ["ocop la gi", "san pham dat chung nhan can nhung tieu chi nao"],
        ),
        # One question, with its context or with a "và" inside it.
        ("Em làm nước mắm. Hồ sơ gồm gì?", ["Em làm nước mắm. Hồ sơ gồm gì?"]),
        (
            "Sau 3 năm, có bắt buộc phải tái chứng nhận OCOP không?",
            ["Sau 3 năm, có bắt buộc phải tái chứng nhận OCOP không?"],
        ),
        ("Sản phẩm 3 sao và 4 sao khác nhau thế nào?", ["Sản phẩm 3 sao và 4 sao khác nhau thế nào?"]),
        ("htx va doanh nghiep co duoc tham gia khong", ["htx va doanh nghiep co duoc tham gia khong"]),
        ("hồ sơ và thủ tục gồm những gì", ["hồ sơ và thủ tục gồm những gì"]),
        ("   ", []),
    ],
)
def test_split_questions(text, parts):
    assert split_questions(text) == parts
