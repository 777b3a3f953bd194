"""Both storage backends keep, read (whole and by ranges), size and delete files the same way."""

import pytest

from lms.media.stores import EXTENSION_KEY, StoredFileMissing

pytestmark = pytest.mark.one_database  # the file backends: no database involved

DATA = bytes(range(256)) * 64


def saved(store, tmp_path, key="resource/2026/test.bin", data=DATA):
    source = tmp_path / "source.bin"
    source.write_bytes(data)
    store.save(key, source, "application/octet-stream")
    return key


def test_a_saved_file_reads_back_whole_and_by_ranges(store, tmp_path):
    key = saved(store, tmp_path)
    assert not (tmp_path / "source.bin").exists()  # handed over, not copied
    assert store.exists(key)
    assert store.size(key) == len(DATA)
    assert store.read(key) == DATA
    assert store.read(key, 100, 200) == DATA[100:200]
    assert store.read(key, len(DATA) - 10) == DATA[-10:]
    assert store.read(key, 5, 5) == b""
    with store.open(key) as stream:
        assert stream.read() == DATA


def test_a_local_copy_is_there_while_needed_and_only_then(store, tmp_path):
    key = saved(store, tmp_path, key="video/2026/clip.mp4")
    with store.local_file(key) as path:
        assert path.read_bytes() == DATA
    assert store.exists(key)


def test_a_deleted_file_is_gone_and_deleting_it_again_is_no_error(store, tmp_path):
    key = saved(store, tmp_path)
    store.delete(key)
    assert not store.exists(key)
    store.delete(key)
    with pytest.raises(StoredFileMissing):
        store.read(key)
    with pytest.raises(StoredFileMissing):
        store.size(key)
    with pytest.raises(StoredFileMissing), store.local_file(key):
        pass


def test_a_key_cannot_reach_outside_the_upload_folder(app, tmp_path):
    from_settings = app.extensions[EXTENSION_KEY]
    assert not from_settings.exists("../secret_key")
    with pytest.raises(StoredFileMissing):
        from_settings.read("../../etc/passwd")
