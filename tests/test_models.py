"""The request model: payload shape, validation of every field, round trips."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from avatar_desktop.core import request as request_module
from avatar_desktop.core.request import (
    MAX_TEXT_LENGTH,
    MAX_URL_LENGTH,
    AudioTrack,
    ClonedVoice,
    ExistingVoice,
    GenerationRequest,
    Language,
    ProblemKind,
    ValidationError,
    VoiceMode,
    check_url,
)

DOC_EXAMPLE = """{
  "audio_url": "https://cdn.gptbest.vip/file/cdn/20250107/RFDQkBGVrHFydzGzzvgXGQmbuPhicK.mp3",
  "avatar_url": "https://p2.a.kwimgs.com/bs2/upload-ylab-stunt/special-effect/output/HB1_PROD_ai_web_119206500/9065890952728122033/out.mp4",
  "no_watermark": true
}"""

AVATAR = "https://example.com/avatar.png"


def problems_of(payload):
    with pytest.raises(ValidationError) as info:
        GenerationRequest.from_payload(payload)
    assert isinstance(info.value, ValueError)
    return {(p.path, p.kind) for p in info.value.problems}


def test_documented_example_comes_out_identical():
    request = GenerationRequest(
        avatar_url="https://p2.a.kwimgs.com/bs2/upload-ylab-stunt/special-effect/output/"
        "HB1_PROD_ai_web_119206500/9065890952728122033/out.mp4",
        voice=AudioTrack(
            "https://cdn.gptbest.vip/file/cdn/20250107/RFDQkBGVrHFydzGzzvgXGQmbuPhicK.mp3"
        ),
        no_watermark=True,
    )
    assert request.to_payload() == json.loads(DOC_EXAMPLE)
    assert GenerationRequest.from_payload(json.loads(DOC_EXAMPLE)) == request


def test_payload_of_each_mode_has_only_its_voice_and_explicit_watermark():
    clone = GenerationRequest(AVATAR, ClonedVoice("https://x.org/s.wav", Language.ZH, "你好"))
    assert clone.to_payload() == {
        "avatar_url": AVATAR,
        "no_watermark": False,
        "create_voice": {"audio_url": "https://x.org/s.wav", "language": "zh", "text": "你好"},
    }
    assert clone.mode is VoiceMode.CREATE_VOICE
    use = GenerationRequest(AVATAR, ExistingVoice("eng1", "aud1", "en", "Hello"), True)
    assert use.to_payload() == {
        "avatar_url": AVATAR,
        "no_watermark": True,
        "use_voice": {
            "voice_engine_id": "eng1",
            "audio_id": "aud1",
            "language": "en",
            "text": "Hello",
        },
    }
    assert use.voice.language is Language.EN


def test_every_problem_is_listed_at_once():
    found = problems_of(
        {
            "avatar_url": "",
            "no_watermak": True,
            "audio_url": "https://x.org/a.mp3",
            "use_voice": {"voice_engine_id": "a b", "language": "fr", "txt": "x"},
        }
    )
    assert found == {
        ("no_watermak", ProblemKind.UNKNOWN_FIELD),
        ("avatar_url", ProblemKind.EMPTY),
        ("voice", ProblemKind.SEVERAL_VOICES),
        ("use_voice.txt", ProblemKind.UNKNOWN_FIELD),
        ("use_voice.voice_engine_id", ProblemKind.CONTAINS_SPACE),
        ("use_voice.audio_id", ProblemKind.MISSING),
        ("use_voice.language", ProblemKind.BAD_LANGUAGE),
        ("use_voice.text", ProblemKind.MISSING),
    }


def test_no_voice_and_wrong_types():
    assert problems_of({"avatar_url": AVATAR}) == {("voice", ProblemKind.NO_VOICE)}
    assert problems_of(
        {"avatar_url": 5, "no_watermark": "yes", "create_voice": "https://x.org/a.wav"}
    ) == {
        ("avatar_url", ProblemKind.WRONG_TYPE),
        ("no_watermark", ProblemKind.WRONG_TYPE),
        ("create_voice", ProblemKind.WRONG_TYPE),
    }
    # JSON 1 and null are not booleans
    assert ("no_watermark", ProblemKind.WRONG_TYPE) in problems_of(
        {"avatar_url": AVATAR, "no_watermark": 1, "audio_url": AVATAR}
    )
    assert ("no_watermark", ProblemKind.WRONG_TYPE) in problems_of(
        {"avatar_url": AVATAR, "no_watermark": None, "audio_url": AVATAR}
    )
    assert problems_of(["not", "an", "object"]) == {("(request)", ProblemKind.WRONG_TYPE)}


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("/home/me/face.png", ProblemKind.LOCAL_PATH),
        ("C:\\Users\\me\\face.png", ProblemKind.LOCAL_PATH),
        ("D:/media/face.png", ProblemKind.LOCAL_PATH),
        ("file:///tmp/face.png", ProblemKind.LOCAL_PATH),
        ("~/face.png", ProblemKind.LOCAL_PATH),
        ("\\\\server\\share\\face.png", ProblemKind.LOCAL_PATH),
        ("ftp://example.com/face.png", ProblemKind.UNSUPPORTED_SCHEME),
        ("example.com/face.png", ProblemKind.NOT_A_URL),
        ("https:///face.png", ProblemKind.NOT_A_URL),
        ("https://exa mple.com/face.png", ProblemKind.CONTAINS_SPACE),
        (" https://example.com/face.png", ProblemKind.CONTAINS_SPACE),
        ("https://example.com/\x00.png", ProblemKind.CONTROL_CHARACTERS),
        ("https://[::1/face.png", ProblemKind.NOT_A_URL),
        ("https://example.com/" + "a" * MAX_URL_LENGTH, ProblemKind.TOO_LONG),
    ],
)
def test_bad_urls_are_named(url, kind):
    assert problems_of({"avatar_url": url, "audio_url": "https://x.org/a.mp3"}) == {
        ("avatar_url", kind)
    }


def test_url_limits_accept_the_edges():
    url = "https://example.com/" + "a" * (MAX_URL_LENGTH - len("https://example.com/"))
    assert GenerationRequest.from_payload({"avatar_url": url, "audio_url": url}).avatar_url == url
    assert GenerationRequest.from_payload(
        {"avatar_url": "HTTP://EXAMPLE.com/x", "audio_url": "http://127.0.0.1:8/a"}
    )


def test_local_path_message_says_a_public_url_is_needed():
    with pytest.raises(ValidationError) as info:
        GenerationRequest.from_payload({"avatar_url": "C:\\face.png", "audio_url": AVATAR})
    assert "public" in info.value.problems[0].message


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("", ProblemKind.EMPTY),
        (" \n\t ", ProblemKind.EMPTY),
        ("hello\x00", ProblemKind.CONTROL_CHARACTERS),
        ("bell\x07", ProblemKind.CONTROL_CHARACTERS),
        ("x" * (MAX_TEXT_LENGTH + 1), ProblemKind.TOO_LONG),
    ],
)
def test_bad_text(text, kind):
    found = problems_of(
        {
            "avatar_url": AVATAR,
            "create_voice": {"audio_url": AVATAR, "language": "zh", "text": text},
        }
    )
    assert found == {("create_voice.text", kind)}


def test_text_allows_line_breaks_tabs_and_the_maximum_length():
    for text in ("第一行\n第二行\r\n\tthird", "字" * MAX_TEXT_LENGTH):
        request = GenerationRequest(AVATAR, ClonedVoice(AVATAR, Language.ZH, text))
        assert request.voice.text == text


def test_too_long_problem_carries_the_limit():
    with pytest.raises(ValidationError) as info:
        ClonedVoice(AVATAR, Language.EN, "x" * (MAX_TEXT_LENGTH + 5))
    (problem,) = info.value.problems
    assert problem.limit == MAX_TEXT_LENGTH
    assert problem.path == "create_voice.text"
    assert info.value.for_path("create_voice.text") == [problem]


def test_constructors_refuse_invalid_values():
    with pytest.raises(ValidationError):
        AudioTrack("not a url")
    with pytest.raises(ValidationError):
        ExistingVoice("", "a", Language.ZH, "hi")
    with pytest.raises(ValidationError):
        ClonedVoice(AVATAR, "fr", "hi")
    with pytest.raises(ValidationError):
        GenerationRequest(AVATAR, "https://x.org/a.mp3")
    with pytest.raises(ValidationError):
        GenerationRequest(AVATAR, AudioTrack(AVATAR), no_watermark="no")


def test_ids_may_not_contain_whitespace_or_be_empty():
    found = problems_of(
        {
            "avatar_url": AVATAR,
            "use_voice": {"voice_engine_id": "", "audio_id": "a\tb", "language": "en", "text": "x"},
        }
    )
    assert found == {
        ("use_voice.voice_engine_id", ProblemKind.EMPTY),
        ("use_voice.audio_id", ProblemKind.CONTROL_CHARACTERS),
    }


# --- property-based round trips ---------------------------------------------------------

_host = st.from_regex(r"[a-z][a-z0-9-]{0,20}\.(com|cn|org|io)", fullmatch=True)
_path = st.from_regex(r"(/[A-Za-z0-9._~%-]{1,20}){0,4}", fullmatch=True)
urls = st.builds(lambda s, h, p: f"{s}://{h}{p}", st.sampled_from(["http", "https"]), _host, _path)
ids = st.from_regex(r"[A-Za-z0-9_-]{1,40}", fullmatch=True)
texts = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\x00")
    | st.sampled_from(["\n", "\t", "你", "好"]),
    min_size=1,
    max_size=200,
).filter(lambda t: t.strip())
languages = st.sampled_from(list(Language))
voices = st.one_of(
    st.builds(AudioTrack, urls),
    st.builds(ClonedVoice, urls, languages, texts),
    st.builds(ExistingVoice, ids, ids, languages, texts),
)
requests_ = st.builds(GenerationRequest, urls, voices, st.booleans())


@given(requests_)
def test_round_trip_through_payload(request):
    assert GenerationRequest.from_payload(request.to_payload()) == request


@given(requests_)
def test_round_trip_through_json_text(request):
    text = json.dumps(request.to_payload(), ensure_ascii=False)
    assert GenerationRequest.from_payload(json.loads(text)) == request


@given(
    requests_,
    st.text(min_size=1, max_size=12).filter(
        lambda k: k not in {"avatar_url", "no_watermark", "audio_url", "create_voice", "use_voice"}
    ),
)
def test_any_unknown_key_is_reported(request, key):
    payload = request.to_payload()
    payload[key] = "x"
    assert (key, ProblemKind.UNKNOWN_FIELD) in problems_of(payload)


# A lone surrogate is valid JSON ("\ud800") but not Unicode text: it cannot be encoded as UTF-8,
# so the request could never be sent or stored. It is a problem of its own field.
LONE = json.loads('"\\ud800"')


@pytest.mark.parametrize(
    ("payload", "path"),
    [
        ({"avatar_url": f"https://example.com/a{LONE}.png", "audio_url": AVATAR}, "avatar_url"),
        ({"avatar_url": AVATAR, "audio_url": f"https://example.com/{LONE}"}, "audio_url"),
        (
            {
                "avatar_url": AVATAR,
                "create_voice": {
                    "audio_url": "https://x.org/s.wav",
                    "language": "zh",
                    "text": f"你好{LONE}",
                },
            },
            "create_voice.text",
        ),
        (
            {
                "avatar_url": AVATAR,
                "create_voice": {
                    "audio_url": f"https://x.org/s{LONE}.wav",
                    "language": "zh",
                    "text": "你好",
                },
            },
            "create_voice.audio_url",
        ),
        (
            {
                "avatar_url": AVATAR,
                "use_voice": {
                    "voice_engine_id": f"v{LONE}",
                    "audio_id": "a1",
                    "language": "en",
                    "text": "hi",
                },
            },
            "use_voice.voice_engine_id",
        ),
        (
            {
                "avatar_url": AVATAR,
                "use_voice": {
                    "voice_engine_id": "v1",
                    "audio_id": f"{LONE}a",
                    "language": "en",
                    "text": "hi",
                },
            },
            "use_voice.audio_id",
        ),
        (
            {
                "avatar_url": AVATAR,
                "use_voice": {
                    "voice_engine_id": "v1",
                    "audio_id": "a1",
                    "language": "en",
                    "text": "trailing half of a pair \udc00",
                },
            },
            "use_voice.text",
        ),
        (
            {
                "avatar_url": AVATAR,
                "use_voice": {
                    "voice_engine_id": "v1",
                    "audio_id": "a1",
                    "language": f"en{LONE}",
                    "text": "hi",
                },
            },
            "use_voice.language",
        ),
    ],
    ids=lambda v: v if isinstance(v, str) else "payload",
)
def test_a_lone_surrogate_is_a_problem_of_its_field(payload, path):
    with pytest.raises(ValidationError) as info:
        GenerationRequest.from_payload(payload)
    assert {(p.path, p.kind) for p in info.value.problems} == {(path, ProblemKind.LONE_SURROGATE)}
    # The report itself can be printed, logged and stored as UTF-8.
    str(info.value).encode("utf-8")
    for problem in info.value.problems:
        problem.message.encode("utf-8")


def test_a_lone_surrogate_in_an_unknown_key_is_reported_printably():
    payload = {"avatar_url": AVATAR, "audio_url": AVATAR, f"x{LONE}": 1}
    with pytest.raises(ValidationError) as info:
        GenerationRequest.from_payload(payload)
    [problem] = info.value.problems
    assert problem.kind is ProblemKind.UNKNOWN_FIELD
    assert problem.path == "x\\ud800"
    str(info.value).encode("utf-8")


def test_a_surrogate_pair_decoded_by_json_is_an_ordinary_character():
    # "\ud83d\ude00" in JSON is one character (😀), not two halves.
    text = json.loads('"smile \\ud83d\\ude00"')
    request = GenerationRequest.from_payload(
        {
            "avatar_url": AVATAR,
            "create_voice": {"audio_url": AVATAR, "language": "en", "text": text},
        }
    )
    assert request.voice.text == "smile 😀"
    json.dumps(request.to_payload(), ensure_ascii=False).encode("utf-8")


def test_constructors_refuse_a_lone_surrogate():
    with pytest.raises(ValidationError) as info:
        ClonedVoice("https://x.org/s.wav", Language.EN, f"hi{LONE}")
    assert [(p.path, p.kind) for p in info.value.problems] == [
        ("create_voice.text", ProblemKind.LONE_SURROGATE)
    ]


@given(st.from_regex(request_module._PLAIN_URL, fullmatch=True))
def test_every_url_taken_at_once_passes_every_check(url):
    # check_url accepts the common shape of a URL at once; each such value must pass the
    # checks it skips (a URL refused by them would otherwise be sent).
    if len(url) <= MAX_URL_LENGTH:
        assert request_module._url_problems("avatar_url", url) == []


@given(
    st.sampled_from(["http://", "https://", "HTTP://", "ftp://", "http:/", ""]),
    st.text(alphabet=st.sampled_from("hts:/.ab-1[]@ \x00é%?#\\~"), max_size=30),
)
def test_the_quick_url_check_agrees_with_the_full_one(scheme, rest):
    value = scheme + rest
    full = request_module._url_problems("avatar_url", value)
    assert check_url("avatar_url", value) == full
