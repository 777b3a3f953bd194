"""Tencent Cloud SMS (tencentcloud-sdk-python-sms), loaded only when it is the chosen backend (``sms_providers``)."""

from tencentcloud.common.credential import Credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.sms.v20210111 import models as tencent_models
from tencentcloud.sms.v20210111.sms_client import SmsClient as TencentClient

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

# Tencent's answers that mean "not now" rather than "never": network, its own errors, rate limits.
TENCENT_TRY_AGAIN = (
    "ClientNetworkError",
    "ServerNetworkError",
    "InternalError",
    "RequestLimitExceeded",
    "LimitExceeded",
)


class TencentProvider:
    """Tencent Cloud SMS (SendSms, 2021-01-11): the app's SDK id, the approved sign, and the kind's template
    filled in order ({1}, {2} ...)."""

    def __init__(self, config):
        protocol, _sep, host = config["LMS_SMS_TENCENT_ENDPOINT"].rpartition("://")
        profile = HttpProfile(protocol=protocol or "https", endpoint=host, reqTimeout=TIMEOUT_SECONDS)
        self.client = TencentClient(
            Credential(config["LMS_SMS_TENCENT_SECRET_ID"], config["LMS_SMS_TENCENT_SECRET_KEY"]),
            config["LMS_SMS_TENCENT_REGION"],
            ClientProfile(httpProfile=profile),
        )
        self.app_id = config["LMS_SMS_TENCENT_SDK_APP_ID"]
        self.sign_name = config["LMS_SMS_TENCENT_SIGN_NAME"]
        self.templates = config["LMS_SMS_TENCENT_TEMPLATES"]

    def send(self, message: OutgoingSms) -> SmsReceipt:
        request = tencent_models.SendSmsRequest()
        request.PhoneNumberSet = [message.to_number]
        request.SmsSdkAppId = self.app_id
        request.SignName = self.sign_name
        request.TemplateId = registered_template(self.templates, message)
        request.TemplateParamSet = template_values(message, template_params(message.kind))
        try:
            response = self.client.SendSms(request)
        except TencentCloudSDKException as error:
            if str(error.code or "").startswith(TENCENT_TRY_AGAIN):
                raise SmsUnavailableError(f"{error.code}: {error.message}") from error
            raise SmsRefusedError(f"{error.code}: {error.message}") from error
        except (OSError, ValueError) as error:
            raise SmsUnavailableError(str(error) or type(error).__name__) from error
        [status] = response.SendStatusSet
        if status.Code == "Ok":
            return SmsReceipt(message_id=status.SerialNo or "", billed=int(status.Fee or 1))
        if str(status.Code).startswith(TENCENT_TRY_AGAIN):
            raise SmsUnavailableError(f"{status.Code}: {status.Message}")
        raise SmsRefusedError(f"{status.Code}: {status.Message}")


Provider = TencentProvider
