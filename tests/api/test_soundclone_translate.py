import pytest

from soundclone.domain.errors import ErrorKind, ServiceError
from soundclone.api.soundclone.translate import DEFAULT_PREVIEW_TEXT, audio_order, check_file_url, clone_order

GOOD_URL = "https://example.com/voice.mp3"


def audio(**overrides):
    fields = dict(model_id="model_x", content_text="hello", sound_version=None, language=None, emotion=None,
                  speed=None, vol=None, pitch=None, subtitle_enable=None, subtitle_type=None)
    fields.update(overrides)
    return audio_order(**fields)


def field_of(call):
    with pytest.raises(ServiceError) as caught:
        call()
    assert caught.value.kind is ErrorKind.INVALID_PARAMETER
    assert caught.value.field in caught.value.message
    return caught.value.field


def test_clone_defaults():
    order = clone_order(file_url=GOOD_URL, content_text=None, sound_version=None, language=None)
    assert (order.contentText, order.soundVersion, order.language) == (DEFAULT_PREVIEW_TEXT, "v1", "auto")
    assert order.characters == len(DEFAULT_PREVIEW_TEXT)


@pytest.mark.parametrize("url", [
    "", "ftp://example.com/a.mp3", "file:///etc/passwd", "https://example.com/声音.mp3", "https://example.com/a.txt",
    "https://user:pw@example.com/a.mp3", "example.com/a.mp3", "https:///a.mp3", "https://e.com/" + "a" * 3000 + ".mp3",
])
def test_bad_file_urls_name_the_field(url):
    assert field_of(lambda: check_file_url(url)) == "fileUrl"


@pytest.mark.parametrize("url", [GOOD_URL, "http://example.com/v.MKV", "https://example.com/download?id=7", "https://e.com/a.flv"])
def test_good_file_urls(url):
    assert check_file_url(url) == url


def test_preview_text_must_be_shorter_than_270_characters():
    clone_order(file_url=GOOD_URL, content_text="字" * 269, sound_version=None, language=None)
    assert field_of(lambda: clone_order(file_url=GOOD_URL, content_text="字" * 270, sound_version=None, language=None)) == "contentText"


def test_markers_do_not_count_toward_the_limit():
    clone_order(file_url=GOOD_URL, content_text="字" * 269 + "<#1#>", sound_version=None, language=None)


def test_audio_text_limit_and_required():
    audio(content_text="a" * 9_999)
    assert field_of(lambda: audio(content_text="a" * 10_000)) == "contentText"
    assert field_of(lambda: audio(content_text="   ")) == "contentText"
    assert field_of(lambda: audio(content_text="<#1#>")) == "contentText"
    assert field_of(lambda: audio(content_text="hi <#0.001#> there")) == "contentText"


@pytest.mark.parametrize("overrides, field", [
    ({"speed": 0.49}, "speed"), ({"speed": 2.01}, "speed"), ({"speed": float("nan")}, "speed"),
    ({"vol": 0}, "vol"), ({"vol": 10.5}, "vol"), ({"pitch": 13}, "pitch"), ({"pitch": 1.5}, "pitch"),
    ({"emotion": "bored"}, "emotion"), ({"subtitle_type": "line"}, "subtitleType"),
    ({"language": "Swedish"}, "language"), ({"sound_version": "v9"}, "soundVersion"), ({"model_id": ""}, "modelId"),
])
def test_each_audio_field_is_checked(overrides, field):
    assert field_of(lambda: audio(**overrides)) == field


def test_audio_bounds_are_inclusive_where_the_spec_says():
    order = audio(speed=0.5, vol=10, pitch=-12, emotion="happy", subtitle_enable=True, subtitle_type="word")
    assert (order.speed, order.vol, order.pitch, order.subtitleType) == (0.5, 10.0, -12, "word")
    assert audio(speed=2, pitch=12, subtitle_type="sentence").subtitleType is None


def test_the_default_chinese_preview_is_read_as_chinese_whatever_the_language():
    assert clone_order(file_url="https://example.com/a.mp3", content_text=None, sound_version=None,
                       language="English").language == "auto"
    assert clone_order(file_url="https://example.com/a.mp3", content_text="Hello there.", sound_version=None,
                       language="English").language == "en"
