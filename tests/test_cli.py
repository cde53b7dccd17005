"""The command line: validate says OK or lists every problem, in the planner's language, never a traceback."""

from __future__ import annotations

import pandas as pd

from analysis import cli


def test_validate_a_clean_city_exits_0_and_says_what_the_reports_will_show(tiny_city, capsys):
    assert cli.main(["validate", str(tiny_city)]) == 0
    out = capsys.readouterr().out
    assert "OK" in out and "Traceback" not in out


def test_validate_lists_every_problem_with_row_and_fix_and_exits_1(tiny_city, capsys):
    staff = pd.read_csv(tiny_city / "staff.csv", dtype=str)
    staff.loc[0, "nip"] = "1.98001E+17"  # Excel stored the NIP as a number
    staff.loc[1, "grade"] = "IX/z"  # not a grade
    staff.to_csv(tiny_city / "staff.csv", index=False)
    assert cli.main(["validate", str(tiny_city)]) == 1
    out = capsys.readouterr().out
    assert "Traceback" not in out and out.count("staff") >= 2
    assert "nip" in out and "grade" in out and "IX/z" in out


def test_a_missing_folder_is_a_message_not_a_traceback(tmp_path, capsys):
    code = cli.main(["validate", str(tmp_path / "no-such-city")])
    captured = capsys.readouterr()
    assert code != 0 and "Traceback" not in captured.out + captured.err
