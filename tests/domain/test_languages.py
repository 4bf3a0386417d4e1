import pytest

from soundclone.domain.languages import ALL_LANGUAGES, V1_LANGUAGES, LanguageError, check_version, language_code


def test_tables_have_the_specs_counts():
    assert len(V1_LANGUAGES) == 24 and len(ALL_LANGUAGES) == 40
    assert len(set(ALL_LANGUAGES.values())) == 40


def test_v1_language_maps_to_code_under_both_versions():
    assert language_code("Chinese,Yue", "v1") == "yue"
    assert language_code("English", "v2") == "en"


def test_v2_only_language_with_v1_names_the_field():
    with pytest.raises(LanguageError) as caught:
        language_code("Swedish", "v1")
    assert caught.value.field == "language" and "v2" in caught.value.problem
    assert language_code("Swedish", "v2") == "sv"


def test_auto_and_absent_are_auto_for_both_versions():
    assert language_code(None, "v1") == language_code("auto", "v1") == language_code("auto", "v2") == "auto"


def test_unknown_language_and_version_are_refused():
    with pytest.raises(LanguageError):
        language_code("Klingon", "v2")
    with pytest.raises(LanguageError) as caught:
        check_version("v3")
    assert caught.value.field == "soundVersion"
    assert check_version(None) == "v1"
