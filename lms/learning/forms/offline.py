"""The two fields a phone adds to a learner's form when it sends an action it kept offline."""

from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField
from wtforms.validators import Optional, Regexp, ValidationError

from lms.learning.services.offline import OfflineAction

UUID_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"


def aware_time(form, field):
    try:
        field.parsed = datetime.fromisoformat(field.data)
    except ValueError:
        field.parsed = None
    if field.parsed is None or field.parsed.tzinfo is None:
        raise ValidationError(_l("The time this was done on your phone could not be read. Please do it again."))
    field.parsed = field.parsed.astimezone(UTC)


class OfflineFields:
    """Mixed into a form: ``client_id`` (a UUID the phone made) and ``happened_at`` (ISO 8601 with its offset)."""

    client_id = HiddenField(
        validators=[
            Optional(),
            Regexp(UUID_PATTERN, message=_l("This action from your phone could not be read. Please do it again.")),
        ]
    )
    happened_at = HiddenField(validators=[Optional(), aware_time])

    @property
    def offline(self) -> OfflineAction | None:
        """The offline action the phone sent, or None for a form sent online."""
        if not self.client_id.data:
            return None
        return OfflineAction(self.client_id.data, self.happened_at.parsed if self.happened_at.data else None)
