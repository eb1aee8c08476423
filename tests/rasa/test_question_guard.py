"""The question guard, run inside the Rasa environment with the pipeline's own settings from config.yml."""

import json

import pytest

from tests.rasa.rasa_cli import rasa_probe

PROBE = """
import json, sys, yaml
from rasa.shared.nlu.training_data.message import Message
from rasa_components.question_guard import QuestionGuard
config = next(c for c in yaml.safe_load(open("config.yml"))["pipeline"] if c["name"].endswith("QuestionGuard"))
guard = QuestionGuard({**QuestionGuard.get_default_config(), **config})
out = []
for text, intent in json.loads(sys.stdin.read()):
    message = Message(data={"text": text, "intent": {"name": intent, "confidence": 0.9},
                            "intent_ranking": [{"name": intent, "confidence": 0.9}]})
    guard.process([message])
    out.append([message.get("intent")["name"], message.get("intent_ranking")[-1]["name"]])
print(json.dumps(out))
"""

CASES = [
    # A question the classifier took for small talk or a form goes to the knowledge base.
    ("Nguyên liệu mua từ tỉnh khác có bị loại không?", "deny", "nlu_fallback"),
    ("Sản phẩm của em bán trên Shopee có được tính điểm thị trường không?", "start_self_assessment", "nlu_fallback"),
    ("htx cua em co du dieu kien tham gia ocop khong", "check_eligibility", "nlu_fallback"),
    ("cảm ơn, mà giấy chứng nhận có giá trị bao lâu vậy?", "thank", "nlu_fallback"),
    ("Làm thế nào để đạt chứng nhận hữu cơ?", "feedback_helpful", "nlu_fallback"),  # "hữu cơ" is not "hữu ích"
    # A topic heading typed without a question mark is no request to start a form.
    ("Tiêu chí chấm điểm sản phẩm mật ong", "start_self_assessment", "nlu_fallback"),
    ("huong dan cach tinh diem ocop", "start_self_assessment", "nlu_fallback"),
    ("Điều kiện để hợp tác xã tham gia chương trình", "check_eligibility", "nlu_fallback"),
    # A heading the classifier took for a yes/no reply.
    ("Hiểu chính xác về tiêu chuẩn OCOP", "affirm", "nlu_fallback"),
    ("San pham bi loai khoi danh sach OCOP", "deny", "nlu_fallback"),
    # Small talk, bare answers and clear requests keep their intent.
    ("đồng ý xóa hết dữ liệu của tôi", "affirm", "affirm"),
    ("có, sản phẩm đã có giấy chứng nhận an toàn thực phẩm", "affirm", "affirm"),
    ("chưa, bên em chưa đăng ký nhãn hiệu", "deny", "deny"),
    ("đúng rồi", "affirm", "affirm"),
    ("không", "deny", "deny"),
    ("ok cảm ơn bạn nhiều nhé", "thank", "thank"),
    ("tạm biệt nhé", "goodbye", "goodbye"),
    ("câu trả lời hữu ích", "feedback_helpful", "feedback_helpful"),
    ("câu trả lời chưa đúng", "feedback_unhelpful", "feedback_unhelpful"),
    ("tôi muốn tự đánh giá sản phẩm của mình", "start_self_assessment", "start_self_assessment"),
    ("sản phẩm mật ong của em được mấy sao?", "start_self_assessment", "start_self_assessment"),
    ("kiểm tra điều kiện giúp em xem có tham gia được không", "check_eligibility", "check_eligibility"),
    ("chấm điểm sản phẩm giúp em", "start_self_assessment", "start_self_assessment"),
    ("đánh giá sơ bộ số sao cho nước mắm", "start_self_assessment", "start_self_assessment"),
    ("Đặc điểm của hộ kinh doanh", "greet", "greet"),  # only questions are taken from small talk
    # Intents the guard does not watch, and button payloads, are left alone.
    ("hồ sơ gồm những gì?", "ask_dossier", "ask_dossier"),
    ("/deny", "deny", "deny"),
]


@pytest.fixture(scope="module")
def relabelled():
    return rasa_probe(PROBE, json.dumps([[text, intent] for text, intent, _ in CASES]))


@pytest.mark.parametrize("position", range(len(CASES)), ids=[c[0][:40] for c in CASES])
def test_questions_are_not_taken_for_small_talk_or_a_form(relabelled, position):
    text, intent, expected = CASES[position]
    final, original = relabelled[position]
    assert final == expected, text
    assert original == intent  # the classifier's own ranking stays below
