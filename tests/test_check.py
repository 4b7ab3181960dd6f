"""The output checker: both-way structure, exact ints, float tolerance, feedback text."""

import math

from neucomback.harness.check import close, compare, parse_output

REF = """in 0 a i 1 2 3
out 0 ret i 6
in 1 a i 5
out 1 ret i 5
out 1 x f 0x1p+0
end 2
"""


def test_identical_output_passes() -> None:
    r = compare(parse_output(REF), parse_output(REF))
    assert r.ok and r.cases_passed == 2


def test_empty_output_never_passes() -> None:
    r = compare(parse_output(REF), parse_output(""))
    assert not r.ok and "no results" in r.feedback


def test_missing_field_fails() -> None:
    got = REF.replace("out 1 x f 0x1p+0\n", "")
    r = compare(parse_output(REF), parse_output(got))
    assert not r.ok and "`x` is missing" in r.feedback


def test_extra_field_fails() -> None:
    got = REF.replace("end 2", "out 1 y i 3\nend 2")
    r = compare(parse_output(REF), parse_output(got))
    assert not r.ok and "extra output `y`" in r.feedback


def test_int_vs_float_kind_differs() -> None:
    got = REF.replace("out 1 x f 0x1p+0", "out 1 x i 1")
    assert not compare(parse_output(REF), parse_output(got)).ok


def test_wrong_value_names_value_and_inputs() -> None:
    got = REF.replace("out 0 ret i 6", "out 0 ret i 7")
    r = compare(parse_output(REF), parse_output(got))
    assert not r.ok
    assert "case #0" in r.feedback and "is 7, expected 6" in r.feedback and "a=[1, 2, 3]" in r.feedback


def test_missing_end_marker_fails() -> None:
    got = REF.replace("end 2\n", "")
    assert not compare(parse_output(REF), parse_output(got)).ok


def test_float_tolerance_and_nan() -> None:
    assert close(1.0, 1.0 + 1e-12, 1e-9, 0)
    assert not close(1.0, 1.0 + 1e-6, 1e-9, 0)
    assert close(math.nan, math.nan, 1e-9, 0)
    assert not close(math.inf, 1e308, 1e-9, 0)
    assert not close(math.nan, 0.0, 1e-9, 0)


def test_malformed_lines_are_collected_not_fatal() -> None:
    out = parse_output("garbage here\nout 0 ret i notanumber\nend 1\n")
    assert len(out.malformed) == 2 and out.end == 1
