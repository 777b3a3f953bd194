"""Every text message fits one SMS segment, in both languages, with the longest link it may carry."""

import pytest
from flask_babel import force_locale

from lms.accounts.models import CodePurpose
from lms.accounts.texted_codes import CODE_MINUTES
from lms.notifications.models import NotificationKind
from lms.notifications.sms_texts import (
    code_message,
    code_text,
    fits_one_sms,
    notification_message,
    notification_sms_text,
    sms_length,
)

pytestmark = pytest.mark.one_database  # the wording of texts: no database involved

# A text carries a short link (/n/<id>): here on a long base URL, with a large id.
LONGEST_LINK = "https://xiangcun-xuetang.example.org/n/99999999"
LANGUAGES = ["en", "zh_Hans"]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", [*NotificationKind, "a_kind_without_its_own_words"])
def test_every_notification_text_fits_one_segment(app, language, kind):
    with app.test_request_context(), force_locale(language):
        text = notification_sms_text(kind, LONGEST_LINK)
    assert fits_one_sms(text), (text, sms_length(text))
    assert text.endswith(LONGEST_LINK)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("purpose", list(CodePurpose))
def test_each_code_text_fits_one_segment_and_is_signed(app, language, purpose):
    with app.test_request_context(), force_locale(language):
        text = code_text("123456", CODE_MINUTES, purpose)
    assert fits_one_sms(text), (text, sms_length(text))
    assert "123456" in text
    assert text.startswith("【乡村创业学堂】" if language == "zh_Hans" else "[Village Business School] ")


def test_a_single_chinese_character_makes_the_segment_seventy():
    assert sms_length("a" * 160) == (160, 160)
    assert sms_length("a" * 69 + "元") == (70, 70)
    assert sms_length("{}") == (4, 160)  # GSM-7 extension characters take two
    assert not fits_one_sms("a" * 70 + "元")


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_message_carries_its_templates_parameters_and_her_language(app, language):
    with app.test_request_context(), force_locale(language):
        code = code_message("123456", CODE_MINUTES)
        revision = notification_message(NotificationKind.REVISION_REQUESTED, LONGEST_LINK, {"lesson": "价格表"})
        warning = notification_message(NotificationKind.SMS_CAP_WARNING, LONGEST_LINK, {"program": "于都县电商孵化"})
    assert (code.params, code.language) == ({"code": "123456", "minutes": "10"}, language)
    # Only what the template names: no lesson title, no figure about her.
    assert (revision.params, revision.language) == ({"url": LONGEST_LINK}, language)
    assert warning.params == {"program": "于都县电商孵化", "url": LONGEST_LINK}
    assert revision.text.endswith(LONGEST_LINK)
