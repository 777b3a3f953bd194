"""The build: the wheel carries the message catalogs compiled, and the templates, styles and migrations.

A checkout keeps templates/, static/ and migrations/ beside the package (``lms.app`` finds them there);
an installed wheel has them inside the package, under ``lms/bundled/``.
"""

import shutil
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
BUNDLED = ("templates", "static", "migrations")


class BuildWithCatalogsAndResources(build_py):
    def run(self):
        super().run()
        package = Path(self.build_lib) / "lms"
        for po_file in sorted((HERE / "lms" / "translations").glob("*/LC_MESSAGES/*.po")):
            target = package / po_file.relative_to(HERE / "lms").with_suffix(".mo")
            target.parent.mkdir(parents=True, exist_ok=True)
            with po_file.open("rb") as source:
                catalog = read_po(source)
            with target.open("wb") as output:
                write_mo(output, catalog)
        for folder in BUNDLED:
            destination = package / "bundled" / folder
            shutil.rmtree(destination, ignore_errors=True)
            shutil.copytree(HERE / folder, destination, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


setup(cmdclass={"build_py": BuildWithCatalogsAndResources})
