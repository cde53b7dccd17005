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


def test_validate_speaks_bahasa_indonesia_by_default_and_english_when_asked(tiny_city, capsys):
    staff = pd.read_csv(tiny_city / "staff.csv", dtype=str)
    staff.loc[1, "grade"] = "IX/z"
    staff.loc[2, "birth_year"] = "1,980"  # a thousands separator
    staff.to_csv(tiny_city / "staff.csv", index=False)
    assert cli.main(["validate", str(tiny_city)]) == 1
    out = capsys.readouterr().out
    assert "ATURAN / PERBAIKAN" in out and "BARIS" in out and "galat" in out
    assert "harus" in out and "pemisah ribuan" in out and "must be" not in out
    assert cli.main(["validate", str(tiny_city), "--lang", "en"]) == 1
    out = capsys.readouterr().out
    assert "RULE / FIX" in out and "must be" in out and "harus" not in out


def test_every_place_that_makes_a_problem_says_it_in_bahasa_indonesia_too():
    """Static: each Problem(...) in the data layer passes aturan= and perbaikan=, each Rule(...) teks= and
    perbaikan= (the Hypothesis test of the loader checks the same at run time on corrupted files)."""
    import ast
    from pathlib import Path

    import analysis.data as data

    missing = []
    for path in sorted(Path(data.__file__).parent.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("Problem", "Rule"):
                words = {k.arg for k in node.keywords}
                need = {"aturan", "perbaikan"} if node.func.id == "Problem" else {"teks", "perbaikan"}
                if not need <= words:
                    missing.append(f"{path.name}:{node.lineno}")
    assert missing == []


def test_the_help_is_in_bahasa_indonesia(capsys):
    import pytest

    with pytest.raises(SystemExit):
        cli.main(["validate", "--help"])
    out = capsys.readouterr().out
    assert "penggunaan:" in out and "opsi" in out and "tampilkan juga peringatan" in out


def test_a_missing_folder_is_a_message_not_a_traceback(tmp_path, capsys):
    code = cli.main(["validate", str(tmp_path / "no-such-city")])
    captured = capsys.readouterr()
    assert code != 0 and "Traceback" not in captured.out + captured.err
