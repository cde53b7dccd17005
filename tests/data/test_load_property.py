"""Random corruptions of a valid city never produce a traceback, and never change the raw files."""

from __future__ import annotations

import hashlib
import shutil

import pytest
from conftest import tiny_tables, write_city
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.data import load
from analysis.data.problems import Problem

pytestmark = pytest.mark.integration  # hundreds of corrupted files: 13 s


TABLES = list(tiny_tables())

corruption = st.one_of(
    st.tuples(
        st.just("cell"),
        st.sampled_from(TABLES),
        st.integers(0, 1),
        st.integers(0, 20),
        st.one_of(
            st.text(max_size=30),
            st.integers(-(10**12), 10**12).map(str),
            st.just(""),
            st.floats(allow_nan=True).map(str),
            st.sampled_from(["1e999", "NaT", "2024-13-45", "\x00"]),
        ),
    ),
    st.tuples(st.just("bytes"), st.sampled_from(TABLES), st.binary(max_size=200)),
    st.tuples(st.just("truncate"), st.sampled_from(TABLES), st.integers(0, 400)),
    st.tuples(st.just("drop_column"), st.sampled_from(TABLES), st.integers(0, 20)),
    st.tuples(st.just("delete"), st.sampled_from(TABLES)),
)


def digest(directory):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(directory.iterdir())}


def apply(directory, c):
    kind, table = c[0], c[1]
    path = directory / f"{table}.csv"
    if not path.exists():
        return
    if kind == "cell":
        df = tiny_tables()[table].astype(object)
        df.iloc[c[2] % len(df), c[3] % df.shape[1]] = c[4]
        df.to_csv(path, index=False)
    elif kind == "bytes":
        path.write_bytes(c[2])
    elif kind == "truncate":
        path.write_bytes(path.read_bytes()[: c[2]])
    elif kind == "drop_column":
        df = tiny_tables()[table]
        df.drop(columns=df.columns[c[2] % df.shape[1]]).to_csv(path, index=False)
    else:
        path.unlink()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(corruptions=st.lists(corruption, min_size=1, max_size=3))
def test_corruptions_give_problems_not_tracebacks(tmp_path, corruptions):
    d = tmp_path / "city"
    shutil.rmtree(d, ignore_errors=True)
    write_city(d, tiny_tables())
    for c in corruptions:
        apply(d, c)
    before = digest(d)
    found = load.validate(d)  # must not raise
    assert all(isinstance(p, Problem) and p.rule and p.fix for p in found)
    assert all(p.aturan and p.perbaikan for p in found), [p.rule for p in found if not p.aturan]
    assert digest(d) == before  # raw files are never written
