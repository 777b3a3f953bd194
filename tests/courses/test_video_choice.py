"""What plays first of a lesson video: the learner's setting, else the smallest when her browser saves data, else the
360p version; the others are listed with their sizes; the lesson page and the offline package agree."""

import math
from types import SimpleNamespace

import pytest

from lms.core.extensions import db
from lms.courses.video_choice import VersionKind, video_offer
from lms.media.models import MediaFile

ORIGINAL = SimpleNamespace(id=1, size_bytes=9_000_000)
NORMAL = SimpleNamespace(id=2, size_bytes=2_000_000)
SMALL = SimpleNamespace(id=3, size_bytes=1_000_000)
AUDIO = SimpleNamespace(id=4, size_bytes=300_000)
ALL = (ORIGINAL, NORMAL, SMALL, AUDIO)


def kinds(offer) -> list[str]:
    return [version.kind for version in offer.versions]


@pytest.mark.parametrize(
    ("preference", "save_data", "first", "poster"),
    [
        (None, False, VersionKind.NORMAL, True),
        (None, True, VersionKind.AUDIO, False),
        ("audio", False, VersionKind.AUDIO, False),
        ("audio", True, VersionKind.AUDIO, False),
        ("small", False, VersionKind.SMALL, True),
        ("small", True, VersionKind.SMALL, False),
        ("normal", False, VersionKind.NORMAL, True),
        # Her setting wins over the browser's Save-Data; the poster, a picture she did not ask for, stays off.
        ("normal", True, VersionKind.NORMAL, False),
    ],
)
def test_each_setting_with_and_without_save_data(preference, save_data, first, poster):
    offer = video_offer(*ALL, preference, save_data)
    assert offer.playing.kind == first
    assert offer.show_poster is poster
    # Every version is offered once; the others smallest first.
    assert sorted(kinds(offer)) == sorted(VersionKind)
    others = [version.file.size_bytes for version in offer.others]
    assert others == sorted(others)


@pytest.mark.parametrize(
    ("files", "preference", "save_data", "first_id"),
    [
        # Without the sound alone, the smallest is the 240p version.
        ((ORIGINAL, NORMAL, SMALL, None), None, True, SMALL.id),
        ((ORIGINAL, NORMAL, SMALL, None), "audio", False, SMALL.id),
        # Without a 240p version either, the 360p one; the setting "small" gets the smallest video there is.
        ((ORIGINAL, NORMAL, None, None), None, True, NORMAL.id),
        ((ORIGINAL, NORMAL, None, None), "small", False, NORMAL.id),
        ((ORIGINAL, None, None, None), None, True, ORIGINAL.id),
        ((ORIGINAL, None, None, None), "audio", True, ORIGINAL.id),
        # A video without sound, small but no 360p kept (the original was smaller).
        ((ORIGINAL, None, SMALL, None), None, False, ORIGINAL.id),
        ((ORIGINAL, None, SMALL, None), None, True, SMALL.id),
    ],
)
def test_the_smallest_version_there_is_stands_in_for_a_missing_one(files, preference, save_data, first_id):
    assert video_offer(*files, preference, save_data).playing.file.id == first_id


def test_the_original_alone_is_the_normal_video_and_nothing_else_is_offered():
    offer = video_offer(ORIGINAL, None, None, None, None, False)
    assert kinds(offer) == [VersionKind.NORMAL]
    assert offer.others == []
    assert video_offer(None, None, None, None, "audio", True) is None


def test_a_version_no_smaller_than_a_larger_one_is_never_offered():
    larger_small = SimpleNamespace(id=5, size_bytes=NORMAL.size_bytes)
    larger_audio = SimpleNamespace(id=6, size_bytes=ORIGINAL.size_bytes * 2)
    offer = video_offer(ORIGINAL, NORMAL, larger_small, larger_audio, "audio", True)
    assert [version.file.id for version in offer.versions] == [NORMAL.id, ORIGINAL.id]
    assert kinds(offer) == [VersionKind.NORMAL, VersionKind.HIGH]


# The lesson page and the offline package


def media_file(kind, size_bytes, content_type="video/mp4") -> MediaFile:
    stored = MediaFile(kind=kind, path=f"choice/{kind}-{size_bytes}", content_type=content_type, size_bytes=size_bytes)
    db.session.add(stored)
    return stored


@pytest.fixture
def versions(world):
    """Course A's video lesson, converted: the original, 360p, 240p, the sound alone, poster and captions."""
    lesson = world.courses_a.video
    lesson.video = media_file("video", 52_428_800)  # 50 MB
    lesson.rendition = media_file("rendition", 3_250_000)  # 3.1 MB
    lesson.rendition_small = media_file("rendition", 1_600_000)  # 1.6 MB
    lesson.audio = media_file("audio", 400_000, "audio/mp4")  # 391 KB
    lesson.poster = media_file("poster", 20_000, "image/jpeg")
    lesson.captions = media_file("captions", 2_000, "text/vtt")
    lesson.video_status = "ready"
    db.session.commit()
    return lesson


def lesson_html(client, lesson, save_data=False) -> str:
    response = client.get(f"/lessons/{lesson.id}", headers={"Save-Data": "on"} if save_data else {})
    assert response.status_code == 200
    assert "Save-Data" in response.headers["Vary"]
    return response.text


def link(file: MediaFile, label: str) -> str:
    return f'<a href="/media/{file.id}" type="{file.content_type}">{label}</a>'


def test_by_default_the_360p_version_plays_and_every_other_is_listed_with_its_size(client, auth, world, versions):
    auth.login(world.learner_a)
    html = lesson_html(client, versions)
    assert f'<source src="/media/{versions.rendition_id}" type="video/mp4">' in html
    assert f'poster="/media/{versions.poster_id}"' in html
    assert 'preload="none"' in html
    assert "Plays: Normal video, 3.1 MB." in html
    assert f"{link(versions.audio, 'Audio only')} (391 KB)" in html
    assert f"{link(versions.rendition_small, 'Small video')} (1.6 MB)" in html
    assert f"{link(versions.video, 'High quality')} (50.0 MB)" in html
    assert html.index("Audio only") < html.index("Small video") < html.index("High quality")
    assert 'href="/account/settings"' in html


def test_save_data_plays_the_sound_alone_without_a_poster_captions_and_transcript_kept(client, auth, world, versions):
    auth.login(world.learner_a)
    html = lesson_html(client, versions, save_data=True)
    assert "<video" not in html
    assert "poster=" not in html
    assert '<audio class="lesson-audio" controls preload="none" data-done-form="done-form">' in html
    assert f'<source src="/media/{versions.audio_id}" type="audio/mp4">' in html
    assert f'<track kind="captions" src="/media/{versions.captions_id}"' in html
    assert f'<a href="/media/{versions.captions_id}">Captions</a>' in html
    assert '<details class="transcript">' in html
    assert "Plays: Audio only, 391 KB." in html
    assert f"{link(versions.rendition, 'Normal video')} (3.1 MB)" in html
    assert 'src="/static/lesson.js' in html


def test_her_setting_wins_over_save_data(client, auth, world, versions):
    world.learner_a.video_choice = "small"
    db.session.commit()
    auth.login(world.learner_a)
    for save_data in (False, True):
        html = lesson_html(client, versions, save_data)
        assert f'<source src="/media/{versions.rendition_small_id}" type="video/mp4">' in html
        assert "Plays: Small video, 1.6 MB." in html
        assert (f'poster="/media/{versions.poster_id}"' in html) is not save_data
    world.learner_a.video_choice = "normal"
    db.session.commit()
    html = lesson_html(client, versions, save_data=True)
    assert f'<source src="/media/{versions.rendition_id}" type="video/mp4">' in html
    assert "poster=" not in html


def test_staff_get_the_browsers_choice_and_no_settings_link(client, auth, world, versions):
    auth.login(world.mentor_a)
    html = lesson_html(client, versions, save_data=True)
    assert f'<source src="/media/{versions.audio_id}" type="audio/mp4">' in html
    assert "data-done-form" not in html
    assert "Choose what plays first" not in html  # the header's settings link is theirs too: message choices


def offline_video_urls(client, world, save_data=False) -> tuple[list[str], int]:
    course = world.courses_a.course
    headers = {"Save-Data": "on"} if save_data else {}
    package = client.get(f"/courses/{course.id}/offline", headers=headers).get_json()
    lesson = next(lesson for lesson in package["lessons"] if lesson["id"] == world.courses_a.video.id)
    return lesson["urls"][1:], package["bytes"]


def test_saving_offline_keeps_the_version_the_page_plays_first_and_counts_its_size(client, auth, world, versions):
    auth.login(world.learner_a)
    urls, normal_bytes = offline_video_urls(client, world)
    assert urls == [f"/media/{file.id}" for file in (versions.rendition, versions.poster, versions.captions)]
    urls, saving_bytes = offline_video_urls(client, world, save_data=True)
    assert urls == [f"/media/{file.id}" for file in (versions.audio, versions.captions)]
    assert normal_bytes - saving_bytes == 3_250_000 + 20_000 - 400_000
    world.learner_a.video_choice = "small"
    db.session.commit()
    urls, small_bytes = offline_video_urls(client, world)
    assert urls == [f"/media/{file.id}" for file in (versions.rendition_small, versions.poster, versions.captions)]
    assert normal_bytes - small_bytes == 3_250_000 - 1_600_000
    # The course page's button tells the same size before anything downloads.
    page = client.get(f"/courses/{world.courses_a.course.id}")
    assert "Save-Data" in page.headers["Vary"]
    megabytes = math.ceil(small_bytes / (1024 * 1024) * 10) / 10  # rounded up, as every size is
    assert f"Save the course for offline use ({megabytes:.1f} MB)" in page.text
