"""Each provider's settings for a test against a stand-in, with a registered template per kind and language."""

from lms.core.config import SMS_TEMPLATE_KINDS

# Chinese templates are numbered 100+, English ones 200+, in the order of the kinds.
ALIYUN_TEMPLATES = {
    kind: {"zh_Hans": f"SMS_{100 + number}", "en": f"SMS_{200 + number}", "": f"SMS_{100 + number}"}
    for number, kind in enumerate(SMS_TEMPLATE_KINDS)
}
TENCENT_TEMPLATES = {
    kind: {"zh_Hans": str(100 + number), "en": str(200 + number), "": str(100 + number)}
    for number, kind in enumerate(SMS_TEMPLATE_KINDS)
}


ALIYUN_KEYS = {
    "LMS_SMS_PROVIDER": "aliyun",
    "LMS_SMS_ALIYUN_ACCESS_KEY_ID": "key-id",
    "LMS_SMS_ALIYUN_ACCESS_KEY_SECRET": "key-secret",
    "LMS_SMS_ALIYUN_SIGN_NAME": "乡村创业学堂",
}
TENCENT_KEYS = {
    "LMS_SMS_PROVIDER": "tencent",
    "LMS_SMS_TENCENT_SECRET_ID": "secret-id",
    "LMS_SMS_TENCENT_SECRET_KEY": "secret-key",
    "LMS_SMS_TENCENT_SDK_APP_ID": "1400000000",
    "LMS_SMS_TENCENT_SIGN_NAME": "乡村创业学堂",
}


def aliyun_template_variables() -> dict:
    """A Chinese template for every kind, English ones for codes only."""
    return {
        **{
            f"LMS_SMS_ALIYUN_TEMPLATE_{kind.upper()}_ZH_HANS": f"SMS_{100 + n}"
            for n, kind in enumerate(SMS_TEMPLATE_KINDS)
        },
        "LMS_SMS_ALIYUN_TEMPLATE_SIGN_IN_CODE_EN": "SMS_200",
    }


def tencent_template_variables() -> dict:
    return {
        f"LMS_SMS_TENCENT_TEMPLATE_{kind.upper()}_ZH_HANS": str(100 + n) for n, kind in enumerate(SMS_TEMPLATE_KINDS)
    }


def aliyun_config(stand_in) -> dict:
    return {
        "LMS_SMS_PROVIDER": "aliyun",
        "LMS_SMS_ALIYUN_ACCESS_KEY_ID": "test-key-id",
        "LMS_SMS_ALIYUN_ACCESS_KEY_SECRET": "test-key-secret",
        "LMS_SMS_ALIYUN_SIGN_NAME": "乡村创业学堂",
        "LMS_SMS_ALIYUN_TEMPLATES": ALIYUN_TEMPLATES,
        "LMS_SMS_ALIYUN_ENDPOINT": stand_in.url,
    }


def tencent_config(stand_in) -> dict:
    return {
        "LMS_SMS_PROVIDER": "tencent",
        "LMS_SMS_TENCENT_SECRET_ID": "test-secret-id",
        "LMS_SMS_TENCENT_SECRET_KEY": "test-secret-key",
        "LMS_SMS_TENCENT_SDK_APP_ID": "1400000000",
        "LMS_SMS_TENCENT_SIGN_NAME": "乡村创业学堂",
        "LMS_SMS_TENCENT_TEMPLATES": TENCENT_TEMPLATES,
        "LMS_SMS_TENCENT_REGION": "ap-guangzhou",
        "LMS_SMS_TENCENT_ENDPOINT": stand_in.url,
    }


def http_config(stand_in, body='{"to": "{to}", "text": "{text}"}') -> dict:
    return {
        "LMS_SMS_PROVIDER": "http",
        "LMS_SMS_HTTP_URL": f"{stand_in.url}/send",
        "LMS_SMS_HTTP_METHOD": "POST",
        "LMS_SMS_HTTP_BODY": body,
        "LMS_SMS_HTTP_AUTH_HEADER": "Authorization: Bearer gateway-token",
    }


def tencent_answer(code="Ok", serial="2028:f825", fee=1) -> dict:
    status = {"SerialNo": serial, "PhoneNumber": "+8613912345678", "Fee": fee, "Code": code, "Message": code}
    return {"Response": {"SendStatusSet": [status], "RequestId": "a0aabda6"}}


CONFIGS = {"aliyun": aliyun_config, "tencent": tencent_config, "http": http_config}
ANSWERS = {
    "aliyun": {"Code": "OK", "BizId": "b-1"},
    "tencent": tencent_answer(serial="b-1", fee=2),
    "http": {"id": "b-1"},
}
