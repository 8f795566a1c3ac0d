"""The console tools' options, messages and JSON, before any server is asked; with real servers, and
against the TypeScript tool, in packages/toolkit/test/bus (python-kafka/redis.test.ts, console-usage.test.ts)."""

from __future__ import annotations

import io
import json
import math
from typing import List, Sequence, Tuple

import pytest

from eventcanon_openedx._cli import USAGE, CliIo, UsageError, js_json, js_number, js_number_of, main, parse_options

SUBMITTED = "org.openedx.learning.exam.attempt.submitted.v1"


def run(args: Sequence[str], stdin: str = "") -> Tuple[int, List[str], List[str]]:
    out: List[str] = []
    err: List[str] = []
    code = main(args, CliIo(io.StringIO(stdin), out.append, err.append))
    return code, out, err


def test_options_as_nodes_parse_args_reads_them() -> None:
    assert parse_options(["--bus", "kafka", "--topic", "a", "--topic=b", "--from-beginning", "--max=-1", "--bus", "redis"]) == {
        "bus": "redis",
        "topic": ["a", "b"],
        "from-beginning": True,
        "max": "-1",
    }
    assert parse_options(["--group", "-"]) == {"group": "-"}
    assert parse_options(["--"]) == {}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--nope"], "Unknown option '--nope'"),
        (["--nope=1"], "Unknown option '--nope'"),
        (["-x"], "Unknown option '-x'"),
        (["--bus"], "Option '--bus <value>' argument missing"),
        (["stray"], "Unexpected argument 'stray'. This command does not take positional arguments"),
        (["--", "stray"], "Unexpected argument 'stray'. This command does not take positional arguments"),
        (["--from-beginning=yes"], "Option '--from-beginning' does not take an argument"),
        (
            ["--max", "--bus"],
            "Option '--max' argument is ambiguous.\nDid you forget to specify the option argument for '--max'?\n"
            "To specify an option argument starting with a dash use '--max=-XYZ'.",
        ),
    ],
)
def test_option_errors_say_what_node_says(args: List[str], message: str) -> None:
    with pytest.raises(UsageError) as wrong:
        parse_options(args)
    assert str(wrong.value) == message


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], 'unknown command ""'),
        (["consumer"], 'unknown command "consumer"'),
        (["consume"], "--bus must be kafka or redis"),
        (["consume", "--bus", "rabbitmq"], "--bus must be kafka or redis"),
        (["consume", "--bus", "kafka"], "--bootstrap HOST:PORT is required"),
        (["consume", "--bus", "kafka", "--bootstrap", "127.0.0.1:1"], "consume needs --topic T"),
        (["consume", "--bus", "kafka", "--bootstrap", "127.0.0.1:1", "--topic", "t", "--max", "0"], "--max and --idle-ms take positive numbers"),
        (["consume", "--bus", "redis", "--bootstrap", "127.0.0.1:1", "--topic", "t", "--idle-ms", "soon"], "--max and --idle-ms take positive numbers"),
        (["produce", "--bus", "kafka", "--bootstrap", "127.0.0.1:1"], "produce needs --event-type TYPE"),
        (["produce", "--bus", "redis", "--bootstrap", "127.0.0.1:1", "--event-type", "org.openedx.nope.v1"], "unknown event type org.openedx.nope.v1"),
        (["produce", "--bus", "kafka", "--bootstrap", "127.0.0.1:1", "--wat"], "Unknown option '--wat'"),
    ],
)
def test_usage_errors_exit_2_with_the_usage(args: List[str], message: str) -> None:
    assert run(args) == (2, [], [f"eventcanon-openedx: {message}\n{USAGE}"])


def test_produce_reports_each_line_it_does_not_send_and_exits_1() -> None:
    lines = ["", "{oops", "null", '{"exam_attempt": {}}', "NaN", "[1,"]
    code, out, err = run(["produce", "--bus", "kafka", "--bootstrap", "127.0.0.1:1", "--event-type", SUBMITTED], "\n".join(lines) + "\n")
    assert (code, out) == (1, [])
    assert err == [
        "line 2: not JSON: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)",
        "line 3: not sent: ExamAttemptSubmittedV1: expected an object, got null",
        "line 4: not sent: ExamAttemptSubmittedV1.exam_attempt.student_user: required field is missing",
        "line 5: not JSON: NaN is not JSON",
        "line 6: not JSON: Expecting value: line 1 column 4 (char 3)",
    ]


@pytest.mark.parametrize(
    ("value", "javascript"),
    # Each as node -e 'console.log(JSON.stringify(v))' prints it.
    [
        (0.87, "0.87"),
        (1.0, "1"),
        (-0.0, "0"),
        (100.0, "100"),
        (123.456, "123.456"),
        (0.1 + 0.2, "0.30000000000000004"),
        (1e20, "100000000000000000000"),
        (1e21, "1e+21"),
        (123456789012345680000.0, "123456789012345680000"),
        (2.0**53, "9007199254740992"),
        (1e-6, "0.000001"),
        (0.000001234, "0.000001234"),
        (1.5e-6, "0.0000015"),
        (1e-7, "1e-7"),
        (-1.5e-10, "-1.5e-10"),
        (5e-324, "5e-324"),
        (1.7976931348623157e308, "1.7976931348623157e+308"),
        (math.nan, "null"),
        (math.inf, "null"),
    ],
)
def test_numbers_as_javascript_prints_them(value: float, javascript: str) -> None:
    assert js_number(value) == javascript


@pytest.mark.parametrize(
    ("text", "number"),
    # JavaScript's Number(text), which TypeScript's tool applies to --max and --idle-ms.
    [("10", 10), ("1e3", 1000), (" 5 ", 5), ("", 0), ("0x10", 16), ("0b11", 3), ("2.5", 2.5), (".5", 0.5), ("5.", 5), ("+3", 3), ("-1", -1)],
)
def test_option_numbers_as_javascript_reads_them(text: str, number: float) -> None:
    assert js_number_of(text) == number


@pytest.mark.parametrize("text", ["abc", "1_0", "inf", "-0x10", "0xZ"])
def test_option_numbers_javascript_cannot_read(text: str) -> None:
    assert math.isnan(js_number_of(text))
    assert js_number_of("Infinity") == math.inf and js_number_of("-Infinity") == -math.inf


def test_json_as_json_stringify_writes_it() -> None:
    value = {"a": [1, 1.5, None, True, False, "é\u2028\"\\\n\x01"], "b": {"c": 2.0}, "d": b"\x01\xff"}
    assert js_json(value) == '{"a":[1,1.5,null,true,false,"é\u2028\\"\\\\\\n\\u0001"],"b":{"c":2},"d":{"type":"Buffer","data":[1,255]}}'
    assert json.loads(js_json(value))["b"] == {"c": 2}
    with pytest.raises(TypeError) as unknown:
        js_json({"x": object()})
    assert str(unknown.value) == "cannot write object as JSON"
