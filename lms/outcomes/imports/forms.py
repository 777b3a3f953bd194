"""Forms of the follow-up import: the upload, and the confirmation of a previewed file."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField
from wtforms.validators import DataRequired

from lms.core.forms import BaseForm


class FollowUpImportForm(BaseForm):
    file = FileField(
        _l("CSV file"),
        validators=[FileRequired(_l("Choose a CSV file."))],
        description=_l("One follow-up per line, saved from a spreadsheet as CSV in UTF-8 or GBK."),
        render_kw={"accept": ".csv,text/csv"},
    )


class FollowUpImportConfirmForm(BaseForm):
    # Names the preview the lead looked at; it must match the one their session holds.
    token = HiddenField(validators=[DataRequired()])
    unusual_checked = BooleanField(_l("I have checked the unusual figures"))
