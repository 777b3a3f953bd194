"""The storage backend is picked by settings; a bad storage setting stops the start naming the variable."""

import pytest

from lms.core.config import SettingsError, settings_from_environment
from lms.media.stores import EXTENSION_KEY, LocalStore, make_store
from lms.media.stores.s3 import S3Store
from tests.test_settings import environment  # noqa: F401 - the fixture that sets LMS_* variables


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"LMS_STORAGE": "ftp"}, "LMS_STORAGE=ftp: give one of local, s3"),
        ({"LMS_STORAGE": "s3"}, "LMS_S3_BUCKET is required when LMS_STORAGE=s3"),
        ({"LMS_S3_ADDRESSING_STYLE": "dns"}, "LMS_S3_ADDRESSING_STYLE=dns: give one of auto, path, virtual"),
        ({"LMS_S3_URL_SECONDS": "10"}, "LMS_S3_URL_SECONDS=10: give a number from 60 to 604800"),
    ],
)
def test_a_bad_storage_setting_names_its_variable(environment, tmp_path, variables, message):  # noqa: F811
    environment(**variables)
    with pytest.raises(SettingsError) as refused:
        settings_from_environment(str(tmp_path))
    assert message in str(refused.value)


def test_local_disk_is_the_default_and_a_bucket_is_one_setting_away(environment, tmp_path):  # noqa: F811
    default = make_store(settings_from_environment(str(tmp_path)))
    assert isinstance(default, LocalStore)
    assert default.root == tmp_path / "uploads"
    assert default.origin() is None
    environment(
        LMS_STORAGE="S3",
        LMS_S3_BUCKET="lms-files",
        LMS_S3_ENDPOINT_URL="https://oss-cn-hangzhou-internal.aliyuncs.com",
        LMS_S3_PUBLIC_ENDPOINT_URL="https://oss-cn-hangzhou.aliyuncs.com",
        LMS_S3_ADDRESSING_STYLE="virtual",
        LMS_S3_REGION="oss-cn-hangzhou",
        LMS_S3_ACCESS_KEY_ID="key",
        LMS_S3_SECRET_ACCESS_KEY="secret",
    )
    bucket = make_store(settings_from_environment(str(tmp_path)))
    assert isinstance(bucket, S3Store)
    # Browsers are sent to the public address; the app itself talks to the internal one.
    assert bucket.origin() == "https://lms-files.oss-cn-hangzhou.aliyuncs.com"
    assert bucket.client.meta.endpoint_url == "https://oss-cn-hangzhou-internal.aliyuncs.com"


def test_readiness_asks_the_store_and_names_no_address(app, client, monkeypatch, s3_server, s3_store):
    assert client.get("/readyz").json["checks"]["storage"] == "ok"  # the upload folder
    monkeypatch.setitem(app.extensions, EXTENSION_KEY, s3_store)
    assert client.get("/readyz").json["checks"]["storage"] == "ok"
    settings = {**s3_server.settings("lms-files"), "LMS_S3_ENDPOINT_URL": "http://127.0.0.1:1", "LMS_UPLOAD_PATH": ""}
    monkeypatch.setitem(app.extensions, EXTENSION_KEY, S3Store.from_config(settings))
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"]["storage"] == "failed: EndpointConnectionError"
    assert "127.0.0.1" not in response.text
