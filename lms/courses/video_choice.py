"""Which versions of a lesson video a viewer is offered, which one plays first, and whether its poster shows.

The one home of the choice: the lesson page plays the first version and links the others, and "Save for offline"
keeps the first (``learning/services/saving.py``), so the two never disagree. A version is offered only when it
is smaller than the next larger one (one made before that rule, or a tiny upload, may not be).
"""

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from flask import Request

from lms.accounts.models import VideoChoice


class StoredVersion(Protocol):
    """What the choice needs of a file: a ``MediaFile``, or a row read with its id and size."""

    id: int
    size_bytes: int


class VersionKind(StrEnum):
    AUDIO = "audio"  # the sound alone, about 40 kbit/s
    SMALL = "small"  # 240p
    NORMAL = "normal"  # 360p, or the original when no 360p version is smaller
    HIGH = "high"  # the original, beside a smaller 360p version


@dataclass(frozen=True)
class VideoVersion:
    kind: VersionKind
    file: StoredVersion

    @property
    def is_audio(self) -> bool:
        return self.kind == VersionKind.AUDIO


@dataclass(frozen=True)
class VideoOffer:
    """The versions to offer, the one that plays first at the head; and whether the poster shows."""

    versions: list[VideoVersion]
    show_poster: bool

    @property
    def playing(self) -> VideoVersion:
        return self.versions[0]

    @property
    def others(self) -> list[VideoVersion]:
        return self.versions[1:]


def offered_versions(original, normal=None, small=None, audio=None) -> list[VideoVersion]:
    """The versions worth offering, smallest first: each one smaller than every larger version kept."""
    ladder = [(VersionKind.HIGH, original), (VersionKind.NORMAL, normal), (VersionKind.SMALL, small)]
    ladder.append((VersionKind.AUDIO, audio))
    kept: list[VideoVersion] = []
    for kind, file in ladder:
        if file is not None and (not kept or file.size_bytes < kept[-1].file.size_bytes):
            kept.append(VideoVersion(kind, file))
    if all(version.kind != VersionKind.NORMAL for version in kept):
        # Without a smaller 360p version the original is the normal one, not an extra "high quality".
        kept[0] = VideoVersion(VersionKind.NORMAL, original)
    return kept[::-1]


def first_for(versions: list[VideoVersion], preference: str | None, save_data: bool) -> VideoVersion:
    """The version to play first: the learner's choice; without one, the smallest when the browser saves data."""
    by_kind = {version.kind: version for version in versions}
    smallest = versions[0]
    if preference is None:
        return smallest if save_data else by_kind[VersionKind.NORMAL]
    if preference == VideoChoice.AUDIO:
        return smallest
    if preference == VideoChoice.SMALL:
        return next(version for version in versions if not version.is_audio)
    return by_kind[VersionKind.NORMAL]


def video_offer(original, normal, small, audio, preference: str | None, save_data: bool) -> VideoOffer | None:
    """What a viewer is offered of a lesson video (None: no video); the poster shows unless data is saved or she
    listens to the sound alone."""
    if original is None:
        return None
    versions = offered_versions(original, normal, small, audio)
    first = first_for(versions, preference, save_data)
    ordered = [first, *(version for version in versions if version is not first)]
    return VideoOffer(ordered, show_poster=not save_data and not first.is_audio)


def lesson_video_offer(lesson, preference: str | None, save_data: bool) -> VideoOffer | None:
    """``video_offer`` for a lesson loaded with its files (``lesson_with_files``)."""
    return video_offer(lesson.video, lesson.rendition, lesson.rendition_small, lesson.audio, preference, save_data)


def saves_data(request: Request) -> bool:
    """Whether the browser asks for lighter pages (the ``Save-Data: on`` header a data-saver mode sends)."""
    return request.headers.get("Save-Data", "").strip().lower() == "on"


def viewer_preference(user) -> str | None:
    """The version a signed-in learner chose to play first; None for everyone else (staff have no such setting)."""
    return user.video_choice if user.is_authenticated else None
