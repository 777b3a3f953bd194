"""Aliyun SMS (alibabacloud-dysmsapi20170525), loaded only when it is the chosen backend (``sms_providers``)."""

import json

from alibabacloud_dysmsapi20170525 import models as aliyun_models
from alibabacloud_dysmsapi20170525.client import Client as AliyunClient
from alibabacloud_tea_openapi import models as openapi_models
from alibabacloud_tea_util import models as util_models
from Tea.exceptions import TeaException, UnretryableException

from lms.notifications.sms_providers import (
    TIMEOUT_SECONDS,
    OutgoingSms,
    SmsReceipt,
    SmsRefusedError,
    SmsUnavailableError,
    registered_template,
    template_values,
)
from lms.notifications.sms_texts import template_params


class AliyunProvider:
    """Aliyun SMS (SendSms, 2017-05-25): the approved sign name, and the kind's template filled by name
    (${code}, ${url} ...)."""

    def __init__(self, config):
        endpoint = config["LMS_SMS_ALIYUN_ENDPOINT"]
        protocol, _sep, host = endpoint.rpartition("://")
        self.client = AliyunClient(
            openapi_models.Config(
                access_key_id=config["LMS_SMS_ALIYUN_ACCESS_KEY_ID"],
                access_key_secret=config["LMS_SMS_ALIYUN_ACCESS_KEY_SECRET"],
                endpoint=host,
                protocol=protocol or "https",
            )
        )
        self.sign_name = config["LMS_SMS_ALIYUN_SIGN_NAME"]
        self.templates = config["LMS_SMS_ALIYUN_TEMPLATES"]
        self.runtime = util_models.RuntimeOptions(
            connect_timeout=TIMEOUT_SECONDS * 1000, read_timeout=TIMEOUT_SECONDS * 1000, autoretry=False
        )

    def send(self, message: OutgoingSms) -> SmsReceipt:
        names = template_params(message.kind)
        to_number = message.to_number
        request = aliyun_models.SendSmsRequest(
            # Aliyun takes mainland numbers without +86; others with their country code.
            phone_numbers=to_number.removeprefix("+86") if to_number.startswith("+86") else to_number.lstrip("+"),
            sign_name=self.sign_name,
            template_code=registered_template(self.templates, message),
            template_param=json.dumps(
                dict(zip(names, template_values(message, names), strict=True)), ensure_ascii=False
            ),
        )
        try:
            response = self.client.send_sms_with_options(request, self.runtime)
        except UnretryableException as error:
            raise SmsUnavailableError(str(error)) from error
        except TeaException as error:
            status = (error.data or {}).get("statusCode") if isinstance(error.data, dict) else None
            if status is not None and int(status) < 500:
                raise SmsRefusedError(f"{error.code}: {error.message}") from error
            raise SmsUnavailableError(f"{error.code}: {error.message}") from error
        except OSError as error:
            raise SmsUnavailableError(str(error) or type(error).__name__) from error
        body = response.body
        if body.code == "OK":
            return SmsReceipt(message_id=body.biz_id or "")
        if body.code in {"isv.BUSINESS_LIMIT_CONTROL", "SignatureNonceUsed", "isp.SYSTEM_ERROR"}:
            raise SmsUnavailableError(f"{body.code}: {body.message}")
        raise SmsRefusedError(f"{body.code}: {body.message}")


Provider = AliyunProvider
