"""The public check: valid, revoked and unknown codes told apart; the QR code leads there."""

import io
import struct
import zlib

import pytest
import zxingcpp

from lms.certificates import services
from lms.certificates.models import Certificate
from lms.core.extensions import db
from lms.core.qr import qr_svg
from lms.learning.services.completions import record_completion
from tests.factories import UserFactory


def unfilter(kind: int, line: bytes, previous: bytes) -> bytes:
    """Undo a PNG scanline filter (one byte per pixel step at bit depth 1)."""
    out = bytearray()
    for index, value in enumerate(line):
        left = out[index - 1] if index else 0
        up, up_left = previous[index], previous[index - 1] if index else 0
        if kind == 1:
            value += left
        elif kind == 2:
            value += up
        elif kind == 3:
            value += (left + up) // 2
        elif kind == 4:
            estimate = left + up - up_left
            distances = (abs(estimate - left), abs(estimate - up), abs(estimate - up_left))
            value += (left, up, up_left)[distances.index(min(distances))]
        out.append(value & 0xFF)
    return bytes(out)


def png_to_greyscale(data: bytes) -> memoryview:
    """Pixels of the 1-bit greyscale PNG segno writes, one byte each (0 dark, 255 light), shaped (height, width)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    position, header, compressed = 8, None, b""
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind, body = data[position + 4 : position + 8], data[position + 8 : position + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            compressed += body
        position += 12 + length
    width, height, bit_depth, colour_type, _compression, _filter, interlace = header
    assert (bit_depth, colour_type, interlace) == (1, 0, 0), "segno's black-and-white PNG"
    raw, row_bytes = zlib.decompress(compressed), (width + 7) // 8
    pixels, previous = bytearray(), bytes(row_bytes)
    for row in range(height):
        start = row * (row_bytes + 1)
        line = unfilter(raw[start], raw[start + 1 : start + 1 + row_bytes], previous)
        pixels += bytes(255 if line[x // 8] >> (7 - x % 8) & 1 else 0 for x in range(width))
        previous = line
    return memoryview(bytes(pixels)).cast("B", (height, width))


def decode_qr(qr) -> list[str]:
    buffer = io.BytesIO()
    qr.save(buffer, kind="png", scale=4)
    return [barcode.text for barcode in zxingcpp.read_barcodes(png_to_greyscale(buffer.getvalue()))]


@pytest.fixture
def certificate(world) -> Certificate:
    for lesson in (world.courses_a.reading, world.courses_a.video, world.courses_a.quiz, world.courses_a.assignment):
        record_completion(world.learner_a, lesson)  # the last one issues the certificate
    certificate = services.issue_course_certificate(world.learner_a, world.courses_a.course)
    db.session.commit()
    return certificate


def test_the_qr_code_on_the_certificate_decodes_to_its_verification_url(client, auth, world, certificate):
    auth.login(world.learner_a)
    html = client.get(f"/certificates/{certificate.code}").text
    url = f"http://localhost/verify/{certificate.code}"
    qr = services.verification_qr(url)
    assert qr_svg(qr) in html  # the very code the page shows
    assert decode_qr(qr) == [url]
    assert client.get(url).status_code == 200


def test_the_qr_svg_has_no_style_attribute_and_no_xml_declaration():
    svg = qr_svg(services.verification_qr("http://localhost/verify/ABCD"))
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" viewBox=')
    assert "style" not in svg
    assert "<?xml" not in svg
    assert 'class="qr"' in svg


def test_a_valid_code_shows_name_course_date_and_says_valid(client, certificate):
    response = client.get(f"/verify/{certificate.code}")
    assert response.status_code == 200
    assert "This certificate is valid." in response.text
    assert certificate.learner_name in response.text
    assert "Course A" in response.text
    assert certificate.issued_at.strftime("%Y") in response.text


def test_the_public_page_shows_no_phone_email_or_reason(client, world, certificate):
    world.learner_a.email = "learner.a@example.org"
    services.revoke_certificate(certificate, world.lead, "Plagiarised the assignment")
    db.session.commit()
    html = client.get(f"/verify/{certificate.code}").text
    assert world.learner_a.phone not in html
    assert world.learner_a.phone[3:] not in html
    assert "learner.a@example.org" not in html
    assert "Plagiarised" not in html
    assert world.lead.name not in html


def test_unknown_revoked_and_valid_are_told_apart(client, world, certificate):
    other = services.issue_program_certificate(world.learner_b, world.program)
    services.revoke_certificate(other, world.lead, "Issued by mistake.")
    db.session.commit()
    valid = client.get(f"/verify/{certificate.code}")
    revoked = client.get(f"/verify/{other.code}")
    unknown = client.get("/verify/AAAAAAAAAAAAAAAAAAAA")
    # 200 valid; 410 Gone: the code is real but the certificate was withdrawn; 404 no such code.
    assert (valid.status_code, revoked.status_code, unknown.status_code) == (200, 410, 404)
    assert "This certificate is valid." in valid.text
    assert "This certificate was revoked on" in revoked.text
    assert "This certificate is valid." not in revoked.text
    assert other.learner_name in revoked.text
    assert "No certificate has this code" in unknown.text
    assert "valid" not in unknown.text.split('<main id="main">')[1].lower()


def test_unknown_code_page_in_chinese(client):
    response = client.get("/verify/AAAA", headers={"Accept-Language": "zh-CN"})
    assert response.status_code == 404
    assert "没有证书使用这个验证码" in response.text


def test_a_code_typed_loosely_still_finds_the_certificate(client, certificate):
    loose = " ".join(certificate.code[i : i + 4] for i in range(0, 20, 4)).lower()
    response = client.get("/verify", query_string={"code": loose})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/verify/{certificate.code}"
    posted = client.post("/verify", data={"code": loose})
    assert posted.headers["Location"] == f"/verify/{certificate.code}"
    assert client.get(f"/verify/{certificate.code.lower()}").status_code == 200


def test_the_verify_form_explains_a_malformed_code(client):
    page = client.get("/verify")
    assert page.status_code == 200
    assert 'name="code"' in page.text
    assert "Please correct" not in page.text
    wrong = client.get("/verify", query_string={"code": "<b>99</b>"})
    assert wrong.status_code == 200
    assert "letters A–Z and digits 2–7" in wrong.text
    assert client.get("/verify", query_string={"code": ""}).status_code == 200


def test_verification_is_rate_limited_per_address(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "LMS_VERIFY_LIMIT", "5 per minute")
    statuses = [client.get(f"/verify/AAAA{n}").status_code for n in range(5)]
    assert statuses == [404] * 5
    assert client.get("/verify").status_code == 429  # one budget for the form and the pages
    other_address = client.get("/verify/AAAA", environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other_address.status_code == 404


def test_the_default_limit_is_modest(app, client):
    assert all(client.get(f"/verify/AAAA{n}").status_code == 404 for n in range(60))
    assert client.get("/verify/AAAA").status_code == 429


def test_a_signed_in_stranger_sees_the_same_public_page(client, auth, certificate):
    auth.login(UserFactory())
    assert "This certificate is valid." in client.get(f"/verify/{certificate.code}").text
