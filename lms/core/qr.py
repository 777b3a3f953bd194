"""QR codes drawn as inline SVG: no outside service, no style attribute (the CSP forbids it)."""

import io

import segno


def qr_svg(qr: segno.QRCode) -> str:
    """The QR code as an SVG element to put in the page: no size, no style attribute."""
    buffer = io.BytesIO()
    qr.save(
        buffer,
        kind="svg",
        xmldecl=False,
        svgns=True,
        omitsize=True,
        svgclass="qr",
        lineclass=None,
        nl=False,
        light="#fff",  # white quiet zone even on a tinted screen background
    )
    return buffer.getvalue().decode()
