"""Upload forms: a lesson's video and captions, its downloadable files, a course's cover.

The fields say which files to pick (``accept``) only to help the phone's file chooser;
``lms.courses.media.store_upload`` checks what the file really is.
"""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from lms.core.forms import BaseForm


class VideoUploadForm(BaseForm):
    video = FileField(
        _l("Video file"),
        validators=[FileRequired(_l("Choose a video file."))],
        render_kw={"accept": "video/mp4,video/webm,.mp4,.webm"},
    )


class CaptionsForm(BaseForm):
    captions = FileField(
        _l("Captions file (WebVTT, .vtt)"),
        validators=[FileRequired(_l("Choose a captions file."))],
        render_kw={"accept": ".vtt,text/vtt"},
    )


class ResourceForm(BaseForm):
    title = StringField(
        _l("Title"),
        validators=[DataRequired(), Length(max=200)],
        description=_l("What learners see, e.g. “Price list template”."),
    )
    file = FileField(_l("File"), validators=[FileRequired(_l("Choose a file."))])


class CoverForm(BaseForm):
    cover = FileField(
        _l("Cover picture"),
        validators=[FileRequired(_l("Choose a picture."))],
        render_kw={"accept": "image/jpeg,image/png,image/webp"},
    )
