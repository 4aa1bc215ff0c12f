"""Batch import of requests from CSV, JSON and JSON Lines files (real files, no mocks)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from avatar_desktop.core.importer import (
    CSV_COLUMNS,
    MAX_FILE_BYTES,
    FileProblemKind,
    ImportFormat,
    RowIssueKind,
    csv_template,
    decode,
    parse_csv,
    parse_json,
    parse_text,
    read_file,
    write_template,
)
from avatar_desktop.core.request import ProblemKind, VoiceMode

AVATAR = "https://cdn.example.com/avatars/host.png"
AUDIO = "https://cdn.example.com/audio/track.mp3"
SAMPLE = "https://cdn.example.com/audio/sample.wav"
HEADER = ",".join(CSV_COLUMNS)  # avatar_url,no_watermark,audio_url,voice_engine_id,...,mode


def write_bytes(tmp_path, name, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def write_text(tmp_path, name, text: str, encoding="utf-8"):
    return write_bytes(tmp_path, name, text.encode(encoding))


def csv_rows(rows, header=CSV_COLUMNS) -> str:
    """Rows (dicts) written the way spreadsheet programs do: csv.writer, \\r\\n line ends."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def payloads(report):
    return [row.request.to_payload() for row in report.valid]


# --- encodings and line ends --------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"])
def test_utf8_with_or_without_bom_keeps_chinese_and_emoji(tmp_path, encoding):
    text = "大家好 👋，欢迎！"
    path = write_text(
        tmp_path,
        "jobs.csv",
        csv_rows([{"avatar_url": AVATAR, "audio_url": SAMPLE, "language": "zh", "text": text}]),
        encoding,
    )
    report = read_file(path)
    assert report.file_problem is None
    assert report.notes == []
    assert report.unknown_columns == []  # the BOM is not glued to "avatar_url"
    assert payloads(report) == [
        {
            "avatar_url": AVATAR,
            "no_watermark": False,
            "create_voice": {"audio_url": SAMPLE, "language": "zh", "text": text},
        }
    ]


def test_crlf_line_ends_and_quoted_newlines_keep_line_numbers(tmp_path):
    text = (
        "avatar_url,audio_url,language,text\r\n"  # 1
        f'{AVATAR},{SAMPLE},zh,"第一行\r\n第二行\r\n第三行"\r\n'  # 2-4
        f"{AVATAR},{AUDIO},,\r\n"  # 5
        "\r\n"  # 6
        f'{AVATAR},,zh,"two\r\nlines"\r\n'  # 7-8
        f"{AVATAR},{AUDIO},en,\r\n"  # 9
    )
    report = read_file(write_text(tmp_path, "jobs.csv", text))
    assert [row.line for row in report.rows] == [2, 5, 7, 9]
    assert report.rows[0].request.voice.text == "第一行\r\n第二行\r\n第三行"
    assert report.rows[1].ok
    assert report.problem_lines() == [
        "line 7: create_voice.audio_url: is required",
        'line 9: language: "en" is not used by mode audio_url (inferred from the filled cells); '
        "clear the cell or set the mode column",
    ]


def test_blank_lines_and_rows_of_empty_cells_are_skipped_but_counted():
    text = f"\n{HEADER}\n\n,,,,,,,\n   \n{AVATAR},,,,,,,\n\n\n{AVATAR},,{AUDIO},,,,,\n"
    report = parse_csv(text)
    assert [row.line for row in report.rows] == [6, 9]
    assert report.problem_lines() == ["line 6: audio_url: is required"]


def test_lone_carriage_returns_are_line_ends_too():
    report = parse_csv(f"avatar_url,audio_url\r\r{AVATAR},{AUDIO}\r{AVATAR},\r")
    assert [row.line for row in report.rows] == [3, 4]
    assert report.problem_lines() == ["line 4: audio_url: is required"]


def test_gbk_file_is_read_with_a_note(tmp_path):
    text = (
        "avatar_url,audio_url,language,text\r\n" + f"{AVATAR},{SAMPLE},zh,你好，世界。欢迎光临\r\n"
    )
    report = read_file(write_text(tmp_path, "excel.csv", text, "gbk"))
    assert report.file_problem is None
    assert len(report.notes) == 1
    assert "GBK" in str(report.notes[0])
    assert report.requests[0].voice.text == "你好，世界。欢迎光临"


def test_utf16_with_bom_is_read_including_tab_separated_excel_text(tmp_path):
    text = f"avatar_url\taudio_url\ttext\tlanguage\r\n{AVATAR}\t{SAMPLE}\t早上好\tzh\r\n"
    report = read_file(write_text(tmp_path, "unicode.txt", text, "utf-16"))
    assert report.file_problem is None
    assert report.format is ImportFormat.CSV
    assert report.requests[0].voice.text == "早上好"
    assert "UTF-16" in str(report.notes[0])


def test_bytes_that_are_not_text_are_a_file_problem(tmp_path):
    report = read_file(write_bytes(tmp_path, "jobs.csv", b"avatar_url\n\xff\xfe\xff\x80\x80"))
    assert report.file_problem.kind is FileProblemKind.NOT_TEXT
    assert report.rows == []
    with pytest.raises(ValueError, match="NUL"):
        decode(b"a\x00b")


def test_a_workbook_is_recognised(tmp_path):
    report = read_file(write_bytes(tmp_path, "jobs.xlsx", b"PK\x03\x04" + b"\x00" * 100))
    assert report.file_problem.kind is FileProblemKind.SPREADSHEET
    assert "save it as CSV" in str(report.file_problem)


def test_files_over_the_cap_are_refused_without_parsing(tmp_path):
    path = tmp_path / "huge.csv"
    with path.open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)
    report = read_file(path)
    assert report.file_problem.kind is FileProblemKind.TOO_LARGE
    assert report.rows == []


def test_an_empty_file_is_a_file_problem(tmp_path):
    report = read_file(write_text(tmp_path, "jobs.csv", "\r\n\r\n"))
    assert report.file_problem.kind is FileProblemKind.EMPTY


def test_missing_file_raises_oserror(tmp_path):
    with pytest.raises(OSError):
        read_file(tmp_path / "nope.csv")


# --- columns ------------------------------------------------------------------------------


def test_header_in_any_order_and_case_with_spaces():
    text = (
        " Text ,LANGUAGE,Mode, Audio URL ,No_Watermark,AVATAR_URL,Voice-Engine-Id,audio_id\n"
        f"hello,en,,,yes,{AVATAR},engine-1,voice-2\n"
    )
    report = parse_csv(text)
    assert report.unknown_columns == []
    assert payloads(report) == [
        {
            "avatar_url": AVATAR,
            "no_watermark": True,
            "use_voice": {
                "voice_engine_id": "engine-1",
                "audio_id": "voice-2",
                "language": "en",
                "text": "hello",
            },
        }
    ]


def test_unknown_columns_are_reported_and_ignored():
    text = f"avatar_url,note,audio_url,Priority,\n{AVATAR},call Bob,{AUDIO},high,\n"
    report = parse_csv(text)
    assert report.unknown_columns == ["note", "Priority"]
    assert report.rows[0].ok


def test_a_value_under_a_column_without_a_name_is_reported():
    report = parse_csv(f"avatar_url,,audio_url\n{AVATAR},oops,{AUDIO}\n")
    assert report.unknown_columns == ["(unnamed column 2)"]
    assert report.rows[0].ok


def test_missing_avatar_url_column_is_a_file_problem():
    report = parse_csv(f"\navatar,audio_url\n{AVATAR},{AUDIO}\n")
    assert report.rows == []
    problem = report.file_problem
    assert problem.kind is FileProblemKind.MISSING_COLUMN
    assert problem.line == 2
    assert str(problem).startswith("line 2: the header has no avatar_url column")
    assert '"avatar" meant to be avatar_url' in problem.message
    assert report.unknown_columns == ["avatar"]


def test_a_column_named_twice_is_a_file_problem():
    report = parse_csv(f"avatar_url,text,Text\n{AVATAR},a,b\n")
    assert report.file_problem.kind is FileProblemKind.DUPLICATE_COLUMN
    assert "text appears twice (columns 2 and 3)" in str(report.file_problem)


def test_near_miss_column_names_get_a_suggestion():
    report = parse_csv(f"avatar_url,audio_url,lang,text\n{AVATAR},{SAMPLE},zh,hi\n")
    assert report.unknown_columns == ["lang"]
    assert [str(note) for note in report.notes] == [
        'The column "lang" is not known and was ignored; did you mean language?'
    ]
    assert report.problem_lines() == ["line 2: create_voice.language: is required"]


@pytest.mark.parametrize("separator", [";", "\t"])
def test_semicolon_and_tab_separated_files(separator):
    text = separator.join(["avatar_url", "audio_url", "text", "language"]) + "\n"
    text += separator.join([AVATAR, SAMPLE, "Hello, world", "en"]) + "\n"
    report = parse_csv(text)
    assert report.requests[0].voice.text == "Hello, world"


def test_excel_sep_hint_line_is_honoured():
    report = parse_csv(f"sep=;\navatar_url;audio_url\n{AVATAR};{AUDIO}\n")
    assert [row.line for row in report.rows] == [3]
    assert report.rows[0].ok


# --- values -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("", False),
        ("true", True),
        ("TRUE", True),
        (" True ", True),
        ("1", True),
        ("yes", True),
        ("YES", True),
        ("是", True),
        ("false", False),
        ("FALSE", False),
        ("0", False),
        ("no", False),
        ("No", False),
        ("否", False),
    ],
)
def test_every_no_watermark_spelling(cell, expected):
    report = parse_csv(csv_rows([{"avatar_url": AVATAR, "audio_url": AUDIO, "no_watermark": cell}]))
    assert report.requests[0].no_watermark is expected


def test_a_bad_no_watermark_is_a_row_problem():
    report = parse_csv(
        csv_rows([{"avatar_url": AVATAR, "audio_url": AUDIO, "no_watermark": "maybe"}])
    )
    row = report.rows[0]
    assert not row.ok
    assert row.issues[0].kind is RowIssueKind.BAD_BOOLEAN
    assert row.issues[0].value == "maybe"
    assert row.describe() == 'line 2: no_watermark: "maybe" is not true/false/yes/no/1/0/是/否'


@pytest.mark.parametrize(
    ("row", "mode"),
    [
        ({"audio_url": AUDIO}, VoiceMode.AUDIO_URL),
        ({"audio_url": SAMPLE, "language": "zh", "text": "你好"}, VoiceMode.CREATE_VOICE),
        (
            {"voice_engine_id": "e1", "audio_id": "a1", "language": "en", "text": "Hi"},
            VoiceMode.USE_VOICE,
        ),
    ],
)
def test_mode_is_inferred_from_the_filled_cells(row, mode):
    with_mode_column = parse_csv(csv_rows([{"avatar_url": AVATAR, **row}]))
    without = parse_csv(
        csv_rows([{"avatar_url": AVATAR, **row}], [c for c in CSV_COLUMNS if c != "mode"])
    )
    explicit = parse_csv(csv_rows([{"avatar_url": AVATAR, "mode": f" {mode.upper()} ", **row}]))
    for report in (with_mode_column, without, explicit):
        assert report.problem_lines() == []
        assert report.requests[0].mode is mode


def test_an_explicit_bad_mode_is_a_row_problem():
    report = parse_csv(csv_rows([{"avatar_url": "avatar.png", "audio_url": AUDIO, "mode": "tts"}]))
    row = report.rows[0]
    assert [issue.kind for issue in row.issues] == [RowIssueKind.BAD_MODE]
    assert row.describe() == (
        'line 2: mode: "tts" is not one of audio_url, create_voice, use_voice; '
        "avatar_url: is not a full URL; it must start with http:// or https://"
    )


def test_cells_that_do_not_belong_to_the_mode_are_row_problems():
    report = parse_csv(
        csv_rows(
            [
                {"avatar_url": AVATAR, "audio_url": AUDIO, "language": "zh"},
                {
                    "avatar_url": AVATAR,
                    "audio_url": SAMPLE,
                    "audio_id": "a1",
                    "voice_engine_id": "e1",
                    "language": "en",
                    "text": "Hi",
                },
                {
                    "avatar_url": AVATAR,
                    "mode": "create_voice",
                    "audio_url": SAMPLE,
                    "audio_id": "a1",
                    "language": "en",
                    "text": "Hi",
                },
            ]
        )
    )
    assert [row.ok for row in report.rows] == [False, False, False]
    kinds = {(issue.kind, issue.column) for row in report.rows for issue in row.issues}
    assert kinds == {
        (RowIssueKind.FIELD_NOT_FOR_MODE, "language"),
        (RowIssueKind.FIELD_NOT_FOR_MODE, "audio_url"),
        (RowIssueKind.FIELD_NOT_FOR_MODE, "audio_id"),
    }
    assert report.rows[2].describe() == (
        'line 4: audio_id: "a1" is not used by mode create_voice; clear the cell or set the '
        "mode column"
    )


def test_values_are_trimmed_but_text_is_kept_as_written():
    report = parse_csv(
        csv_rows(
            [
                {
                    "avatar_url": f"  {AVATAR} ",
                    "audio_url": f" {SAMPLE}",
                    "language": " zh ",
                    "text": "  两个空格开头，换行结尾\n",
                }
            ]
        )
    )
    voice = report.requests[0].voice
    assert report.requests[0].avatar_url == AVATAR
    assert voice.sample_url == SAMPLE
    assert voice.text == "  两个空格开头，换行结尾\n"


def test_text_of_only_whitespace_counts_as_empty():
    inferred = parse_csv(csv_rows([{"avatar_url": AVATAR, "audio_url": AUDIO, "text": "   "}]))
    assert inferred.requests[0].mode is VoiceMode.AUDIO_URL
    explicit = parse_csv(
        csv_rows(
            [
                {
                    "avatar_url": AVATAR,
                    "mode": "create_voice",
                    "audio_url": SAMPLE,
                    "language": "zh",
                    "text": " \n ",
                }
            ]
        )
    )
    assert explicit.problem_lines() == ["line 2: create_voice.text: is required"]
    assert explicit.rows[0].problems[0].kind is ProblemKind.EMPTY


def test_every_invalid_row_is_reported_with_its_line():
    text = (
        "avatar_url,no_watermark,audio_url,voice_engine_id,audio_id,language,text,mode\n"  # 1
        f"{AVATAR},true,{AUDIO},,,,,\n"  # 2 ok
        f"{AVATAR},maybe,{AUDIO},,,,,\n"  # 3
        "\n"  # 4
        f"{AVATAR},,,,,zh,你好,\n"  # 5
        f"ftp://host/a.png,,{AUDIO},,,,,\n"  # 6
        f'{AVATAR},,,e1,,fr,"多行\n文本",\n'  # 7-8
        f"{AVATAR},,{AUDIO},,,,,clone\n"  # 9
        f"C:\\photos\\me.png,yes,{AUDIO},,,,,\n"  # 10
        f"{AVATAR},no,,e1,a1,en,Hi,use_voice\n"  # 11 ok
    )
    report = parse_csv(text)
    assert [row.line for row in report.rows] == [2, 3, 5, 6, 7, 9, 10, 11]
    assert [row.line for row in report.valid] == [2, 11]
    assert report.problem_lines() == [
        'line 3: no_watermark: "maybe" is not true/false/yes/no/1/0/是/否',
        "line 5: create_voice.audio_url: is required",
        "line 6: avatar_url: must start with http:// or https://, not ftp:",
        'line 7: use_voice.audio_id: is required; use_voice.language: must be "zh" or "en", '
        'not "fr"',
        'line 9: mode: "clone" is not one of audio_url, create_voice, use_voice',
        "line 10: avatar_url: looks like a file on this computer; the service needs a public "
        "http(s) URL it can download",
    ]


def test_a_comma_in_an_unquoted_text_is_reported():
    report = parse_csv(f"avatar_url,audio_url,language,text\n{AVATAR},{SAMPLE},en,Hello, world\n")
    row = report.rows[0]
    assert row.issues[0].kind is RowIssueKind.EXTRA_VALUES
    assert "has 5 values but the header has 4 columns" in row.reason()


def test_malformed_quotes_in_one_line_affect_only_that_row():
    text = f'avatar_url,audio_url,text\n{AVATAR},{AUDIO},"Hi" there\n{AVATAR},{AUDIO},\n'
    report = parse_csv(text)
    assert [(row.line, row.ok) for row in report.rows] == [(2, False), (3, True)]
    assert report.rows[0].issues[0].kind is RowIssueKind.BAD_QUOTES


def test_a_quote_never_closed_is_a_file_problem():
    text = f'avatar_url,audio_url,text\n{AVATAR},{AUDIO},\n{AVATAR},{SAMPLE},"Hi\n{AVATAR},a,b\n'
    report = parse_csv(text)
    assert report.rows == []
    assert report.file_problem.kind is FileProblemKind.BROKEN_QUOTES
    assert str(report.file_problem).startswith("line 3: ")
    assert "lines 3–4" in str(report.file_problem)


# --- JSON ---------------------------------------------------------------------------------


def test_json_array_rows_are_numbered_by_the_line_they_start_on(tmp_path):
    good = {"avatar_url": AVATAR, "no_watermark": True, "audio_url": AUDIO}
    text = (
        "[\n"  # 1
        f"  {json.dumps(good)},\n"  # 2
        "  {\n"  # 3
        f'    "avatar_url": "{AVATAR}",\n'
        '    "create_voice": {"audio_url": "", "language": "zh", "text": "你好 🎉"}\n'
        "  },\n"
        "\n"  # 7
        '  "just a string", {"avatar_url": "x"},\n'  # 8
        f"  {json.dumps(good, indent=2)}\n"  # 9-13
        "]\n"
    )
    report = read_file(write_text(tmp_path, "jobs.json", text))
    assert report.format is ImportFormat.JSON
    assert [row.line for row in report.rows] == [2, 3, 8, 8, 9]
    assert [row.line for row in report.valid] == [2, 9]
    assert report.problem_lines() == [
        "line 3: create_voice.audio_url: is required",
        "line 8: must be a JSON object (a request body), not a string",
        "line 8: avatar_url: is not a full URL; it must start with http:// or https:// (nor "
        f"is there a file {tmp_path / 'x'}); voice: needs one of audio_url, create_voice or "
        "use_voice",
    ]
    assert report.rows[3].problems[-1].kind is ProblemKind.NO_VOICE


def test_json_that_is_not_an_array_is_a_file_problem():
    report = parse_json(json.dumps({"avatar_url": AVATAR, "audio_url": AUDIO}))
    assert report.file_problem.kind is FileProblemKind.NOT_AN_ARRAY
    assert "holds an object" in str(report.file_problem)
    assert parse_json("").file_problem.kind is FileProblemKind.EMPTY


def test_broken_json_is_a_file_problem_with_its_line():
    report = parse_json(f'[\n  {{"avatar_url": "{AVATAR}"}}\n  {{"avatar_url": "x"}}\n]')
    assert report.rows == []
    assert report.file_problem.kind is FileProblemKind.NOT_JSON
    assert str(report.file_problem) == "line 3: not valid JSON at column 3: Expecting ',' delimiter"
    assert parse_json("[1, 2] x").file_problem.line == 1
    assert parse_json("[" * 100_000).file_problem.kind is FileProblemKind.NOT_JSON


@pytest.mark.parametrize("suffix", [".jsonl", ".ndjson"])
def test_json_lines_with_a_broken_line(tmp_path, suffix):
    good = json.dumps({"avatar_url": AVATAR, "audio_url": AUDIO}, ensure_ascii=False)
    text = "\n".join(
        [
            good,  # 1
            "",  # 2
            '{"avatar_url": "' + AVATAR + '", ',  # 3
            "   ",  # 4
            "[1, 2]",  # 5
            good,  # 6
        ]
    )
    report = read_file(write_text(tmp_path, f"jobs{suffix}", text))
    assert report.format is ImportFormat.JSON_LINES
    assert [row.line for row in report.rows] == [1, 3, 5, 6]
    assert [row.line for row in report.valid] == [1, 6]
    assert report.rows[1].issues[0].kind is RowIssueKind.NOT_JSON
    assert report.rows[1].describe().startswith("line 3: not valid JSON at column ")
    assert (
        report.rows[2].describe() == "line 5: must be a JSON object (a request body), not an array"
    )


def test_a_pretty_printed_array_named_jsonl_is_read_as_json(tmp_path):
    text = json.dumps([{"avatar_url": AVATAR, "audio_url": AUDIO}], indent=2)
    report = read_file(write_text(tmp_path, "jobs.jsonl", text))
    assert report.format is ImportFormat.JSON
    assert len(report.valid) == 1
    assert report.notes


@pytest.mark.parametrize(
    ("name", "text", "fmt"),
    [
        ("jobs.txt", f'  \n[{{"avatar_url": "{AVATAR}", "audio_url": "{AUDIO}"}}]', "json"),
        ("jobs.data", f'{{"avatar_url": "{AVATAR}", "audio_url": "{AUDIO}"}}\n', "jsonl"),
        ("jobs", f"avatar_url,audio_url\n{AVATAR},{AUDIO}\n", "csv"),
        ("jobs.TXT", f"avatar_url\taudio_url\n{AVATAR}\t{AUDIO}\n", "csv"),
    ],
)
def test_other_extensions_are_sniffed(tmp_path, name, text, fmt):
    report = read_file(write_text(tmp_path, name, text))
    assert report.format == fmt
    assert len(report.valid) == 1, report.problem_lines()


def test_the_extension_wins_over_the_content():
    assert parse_text("[1]", ".csv").format is ImportFormat.CSV


# --- template and scale -------------------------------------------------------------------


def test_the_template_reimports_with_one_valid_row_per_mode(tmp_path):
    assert csv_template().splitlines()[0] == HEADER
    path = tmp_path / "template.csv"
    write_template(path)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    report = read_file(path)
    assert report.problem_lines() == []
    assert report.unknown_columns == [] and report.notes == []
    assert [row.request.mode for row in report.rows] == list(VoiceMode)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in report.rows[1].request.voice.text)
    assert parse_csv(csv_template()).requests == report.requests


def test_ten_thousand_rows_import(tmp_path):
    rows = []
    for i in range(10_000):
        if i % 3 == 0:
            rows.append({"avatar_url": f"{AVATAR}?{i}", "audio_url": AUDIO, "no_watermark": "1"})
        elif i % 3 == 1:
            rows.append(
                {"avatar_url": AVATAR, "audio_url": SAMPLE, "language": "zh", "text": f"第{i}条"}
            )
        else:
            rows.append(
                {
                    "avatar_url": AVATAR,
                    "voice_engine_id": "e",
                    "audio_id": f"a{i}",
                    "language": "en",
                    "text": f"Line\n{i}",
                }
            )
    report = read_file(write_text(tmp_path, "big.csv", csv_rows(rows)))
    assert len(report.rows) == 10_000
    assert len(report.valid) == 10_000
    assert report.rows[-1].line == 10_000 + 1 + 10_000 // 3  # every third row spans two lines


# --- property -----------------------------------------------------------------------------

_urls = st.builds(
    "https://{}.example.com/{}".format,
    st.from_regex(r"[a-z0-9]{1,12}", fullmatch=True),
    st.from_regex(r"[A-Za-z0-9._~%-]{0,40}", fullmatch=True),
)
_ids = st.from_regex(r"[A-Za-z0-9_.:-]{1,40}", fullmatch=True)
_texts = (
    st.lists(
        st.characters(blacklist_categories=("Cs", "Cc"))
        | st.sampled_from(["\n", "\t", "\r\n", ",", '"', " ", "是"]),
        min_size=1,
        max_size=60,
    )
    .map("".join)
    .filter(lambda t: t.strip() != "")
)
_languages = st.sampled_from(["zh", "en"])
_voices = st.one_of(
    st.fixed_dictionaries({"audio_url": _urls}),
    st.fixed_dictionaries({"audio_url": _urls, "language": _languages, "text": _texts}),
    st.fixed_dictionaries(
        {"voice_engine_id": _ids, "audio_id": _ids, "language": _languages, "text": _texts}
    ),
)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(
        st.tuples(
            _urls,
            st.sampled_from(["", "true", "False", "1", "0", "yes", "NO", "是", "否"]),
            _voices,
            st.booleans(),
        ),
        min_size=1,
        max_size=5,
    )
)
def test_valid_rows_written_by_csv_writer_reimport_to_equal_payloads(rows):
    truthy = {"true", "1", "yes", "是"}
    expected = []
    records = []
    for avatar, watermark, voice, explicit in rows:
        if "voice_engine_id" in voice:
            mode = "use_voice"
        elif "text" in voice:
            mode = "create_voice"
        else:
            mode = "audio_url"
        payload_voice = voice["audio_url"] if mode == "audio_url" else dict(voice)
        expected.append(
            {
                "avatar_url": avatar,
                "no_watermark": watermark.lower() in truthy,
                mode: payload_voice,
            }
        )
        records.append(
            {"avatar_url": avatar, "no_watermark": watermark, "mode": mode if explicit else ""}
            | voice
        )
    report = parse_csv(csv_rows(records))
    assert report.problem_lines() == []
    assert payloads(report) == expected
