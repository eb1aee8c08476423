"""The improvement plan recommends what is enough for the next star, and the quick result states its assumptions."""

from actions.self_assessment import result_message
from knowledge_base import legal
from knowledge_base.scoring import get_sheet, improvement_plan, score_full, score_quick, summary_text

SHEET = get_sheet(9)  # fish sauce


def best_except(**changes):
    answers = {c.id: c.best.id for c in SHEET.criteria}
    answers.update(changes)
    return answers


def test_an_accepted_trademark_application_is_recommended_when_it_already_gives_the_next_star():
    # no trademark at all (3★ mark unmet) and no production contract (4★ mark unmet): the product is at 2 stars
    answers = best_except(c3_5="o0", c1_4="o1")
    assert score_full(SHEET, answers).star == 2
    step = improvement_plan(SHEET, answers, top=1)[0]
    application, certificate = SHEET.criterion("c3_5").option("o1"), SHEET.criterion("c3_5").option("o2")
    assert (step.criterion_id, step.to_option, step.unlocks_star) == ("c3_5", application.id, 3)
    assert score_full(SHEET, dict(answers, c3_5=application.id)).star == 3
    # the certificate is named as the further step, for the star it is the minimum of
    assert (
        (step.further_label, step.further_star) == (certificate.short, certificate.min_star) == (certificate.short, 4)
    )
    assert "bước sau, cho 4 sao" in step.text


def test_the_next_star_is_enough_even_when_the_certificate_would_reach_five_at_once():
    answers = best_except(c3_5="o0")  # every other criterion at its best: the certificate alone would give 5 stars
    assert score_full(SHEET, dict(answers, c3_5="o2")).star == 5
    first, second = improvement_plan(SHEET, answers, top=2)
    assert (first.to_option, first.unlocks_star, first.further_star) == ("o1", 3, 4)
    assert (second.criterion_id, second.to_option, second.unlocks_star) == ("c3_5", "o2", 5)


def test_short_labels_keep_the_conditions_that_carry_the_star_mark():
    for sheet_number in range(1, 27):
        sheet = get_sheet(sheet_number)
        ip = sheet.criterion("c3_5")
        four = next(o for o in ip.options if o.points == 2)
        assert "nguồn gốc địa lý" in four.label and "nguồn gốc địa lý" in four.button
        distribution = next((c for c in sheet.criteria if c.label == "Khu vực phân phối chính"), None)
        if distribution is not None:
            for option in distribution.options:
                if "hợp đồng" in option.label and "siêu thị" in option.label:
                    assert "hợp đồng" in option.button and "minh chứng" in option.button
    top = get_sheet(1).criterion("c2_1").star_option(4)
    assert "chỉ dẫn" in top.label and "chỉ dẫn địa lý" in top.button


def lowest_safe(criteria):
    return {c.id: min((o for o in c.options if not o.triggers), key=lambda o: o.points).id for c in criteria}


def test_a_one_or_two_star_result_says_it_is_not_recognised():
    result = score_full(SHEET, lowest_safe(SHEET.criteria))
    assert result.star <= 2
    text = summary_text(result)
    assert "không được ban hành quyết định công nhận" in text and "không được cấp giấy chứng nhận" in text
    assert legal.current_decision().number in text
    strong = score_full(SHEET, best_except())
    assert "không được cấp giấy chứng nhận" not in summary_text(strong)


def test_quick_result_gives_the_most_likely_star_and_says_what_the_plan_assumes():
    answers = {c.id: c.best.id for c in SHEET.key_criteria}
    answers["c3_5"] = "o0"
    quick = score_quick(SHEET, answers)
    low, high = quick.total_range
    assert low <= quick.likely.total <= high
    message = result_message(SHEET, answers)
    assert f"Hạng có khả năng nhất: {quick.likely.star} sao" in message
    assert f"giả định {len(quick.unanswered)} tiêu chí chưa hỏi đều đạt điểm tối đa" in message
    assert "giúp đạt" not in message


def test_a_weak_quick_result_says_plainly_it_gets_no_certificate():
    message = result_message(SHEET, lowest_safe(SHEET.key_criteria))
    assert "Hạng có khả năng nhất: 1 sao" in message or "Hạng có khả năng nhất: 2 sao" in message
    assert "không được cấp giấy chứng nhận" in message
