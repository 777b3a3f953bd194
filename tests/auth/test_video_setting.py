"""A learner's settings: which version of lesson videos plays first; staff have no such setting."""

import re

import pytest

from lms.core.extensions import db


def video_choice_of(user) -> str | None:
    db.session.expire(user)
    return user.video_choice


def test_a_learner_chooses_audio_only_and_sees_it_kept(client, auth, world):
    auth.login(world.learner_a)
    page = client.get("/account/settings").text
    assert "What lesson videos play first" in page
    assert page.count('name="video_choice"') == 3
    # No choice yet: the normal video, or the smallest when her browser saves data.
    assert not re.search(r'<input checked[^>]*name="video_choice"', page)
    assert "Until you choose" in page
    response = client.post("/account/settings", data={"video_choice": "audio"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/account/settings"
    assert video_choice_of(world.learner_a) == "audio"
    page = client.get("/account/settings").text
    assert "Saved. Lesson videos play your choice first." in page
    assert re.search(r'<input checked[^>]* value="audio">', page)
    assert "Until you choose" not in page


@pytest.mark.parametrize("data", [{"video_choice": "hd"}, {"video_choice": ""}, {}, {"video_choice": "\x00" * 40}])
def test_a_bad_choice_is_refused_with_a_clear_message(client, auth, world, data):
    world.learner_a.video_choice = "small"
    db.session.commit()
    auth.login(world.learner_a)
    response = client.post("/account/settings", data=data)
    assert response.status_code == 400
    assert "Choose audio only, small video or normal video." in response.text
    assert video_choice_of(world.learner_a) == "small"


@pytest.mark.parametrize("role", ["mentor", "lead", "admin"])
def test_staff_cannot_set_it_and_keep_their_password_link(client, auth, world, role):
    user = world.by_role(role)
    auth.login(user)
    page = client.get("/account/settings").text  # their message choices, without lesson videos
    assert "How messages reach you" in page
    assert 'name="video_choice"' not in page
    assert client.post("/account/settings", data={"video_choice": "audio"}).status_code == 403
    assert video_choice_of(user) is None
    home = client.get("/").text
    assert 'href="/account/password"' in home
    assert 'href="/account/settings"' in home


def test_a_learners_header_leads_to_her_settings_and_they_to_her_password(client, auth, world):
    auth.login(world.learner_a)
    home = client.get("/").text
    assert 'href="/account/settings"' in home
    assert 'href="/account/password"' not in home
    assert 'href="/account/password"' in client.get("/account/settings").text


def test_the_settings_page_speaks_chinese(client, auth, world):
    world.learner_a.locale = "zh_Hans"
    db.session.commit()
    auth.login(world.learner_a)
    page = client.get("/account/settings").text
    assert "课程视频默认播放哪个版本" in page
    assert "仅音频" in page
    response = client.post("/account/settings", data={"video_choice": "hd"})
    assert "请选择仅音频、小视频或普通视频。" in response.text
