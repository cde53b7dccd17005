"""NIPs and names never survive ingestion; what the analyses need is derived first."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from conftest import NIP_A, NIP_B
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.data import load, pseudonymise

NIP_LIKE = re.compile(r"\d{18}")


def test_derived_fields_come_from_the_nip(tiny_city):
    staff = load.load_city(tiny_city).tables["staff"].set_index("unit_id")
    assert staff.loc["U1", ["sex", "birth_year", "hire_year"]].tolist() == ["L", 1980, 2005]
    assert staff.loc["U2", ["sex", "birth_year", "hire_year"]].tolist() == ["P", 1992, 2019]


def test_staff_id_is_a_keyed_hash_linking_all_tables(tiny_city):
    data = load.load_city(tiny_city)
    key = pseudonymise.load_key()
    expected = {pseudonymise.staff_id_for(NIP_A, key), pseudonymise.staff_id_for(NIP_B, key)}
    assert set(data.tables["staff"]["staff_id"]) == expected
    assert set(data.tables["performance"]["staff_id"]) == expected
    other = load.load_city(tiny_city, key=b"another key").tables["staff"]["staff_id"]
    assert not set(other) & expected  # useless without the key


def test_key_file_is_created_on_first_use(tmp_path, monkeypatch):
    monkeypatch.delenv("ASN_KINERJA_HMAC_KEY", raising=False)
    path = tmp_path / "key"
    k1 = pseudonymise.load_key(path)
    assert path.exists() and len(k1) == 64 and pseudonymise.load_key(path) == k1
    assert oct(path.stat().st_mode)[-3:] == "600"


def test_no_nip_or_name_survives_ingestion_of_demo_data(demo_kendari):
    data = load.load_city(demo_kendari)
    raw_staff = pd.read_csv(demo_kendari / "staff.csv", dtype=str)
    names = set(raw_staff["nama"])
    nips = set(raw_staff["nip"])
    for name, df in data.tables.items():
        assert not {"nip", "nama", "name"} & set(df.columns), name
        for col in df.columns:
            values = df[col].dropna().astype(str)
            assert not values.str.fullmatch(r"\d{18}").any(), (name, col)
            assert not values.isin(nips).any() and not values.isin(names).any(), (name, col)


def test_mask_keeps_only_three_digits():
    assert pseudonymise.mask_nip(NIP_A) == "*" * 15 + "001"
    assert NIP_LIKE.search(pseudonymise.mask_nip(NIP_A)) is None


_nip_parts = st.tuples(
    st.integers(1600, 2300),
    st.integers(0, 13),
    st.integers(0, 32),
    st.integers(1850, 2150),
    st.integers(0, 13),
    st.integers(0, 3),
    st.integers(0, 999),
)
_nip_like = st.one_of(
    _nip_parts.map(lambda p: f"{p[0]:04d}{p[1]:02d}{p[2]:02d}{p[3]:04d}{p[4]:02d}{p[5]}{p[6]:03d}"),
    st.text(alphabet="0123456789٣x ", max_size=20),
)


@pytest.mark.integration  # every NIP rule on many generated NIPs: 3 s
@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_nip_like, st.sampled_from(["PNS", "PPPK", None])), min_size=1, max_size=30))
def test_vector_nip_check_equals_the_scalar_rule(rows):
    nips = pd.Series([n for n, _ in rows], dtype="string")
    asn = pd.Series([a for _, a in rows], dtype="string")
    expected = [pseudonymise.nip_problems(n, a) for n, a in rows]
    assert pseudonymise.nip_problems_many(nips, asn).tolist() == expected
    assert pseudonymise.nip_problems_many(nips).tolist() == [pseudonymise.nip_problems(n) for n, _ in rows]


def test_vector_nip_check_names_each_broken_part():
    nips = pd.Series(
        [
            NIP_A,
            "12345",
            "198013450200501001",
            "198001012200121001",
            "198001012005131001",
            "198001012005013001",
            None,
        ],
        dtype="string",
    )
    asn = pd.Series(["PNS", "PNS", "PNS", "PNS", "PNS", "PNS", "PNS"], dtype="string")
    assert pseudonymise.nip_problems_many(nips, asn).tolist() == [
        None,
        "not_18_digits",
        "bad_birth_date",
        "bad_appointment",
        "bad_appointment",
        "bad_sex_digit",
        "not_18_digits",
    ]
    # PPPK numbers carry a code where a PNS NIP has the appointment month
    assert pseudonymise.nip_problems_many(nips.iloc[[4]], pd.Series(["PPPK"], dtype="string")).tolist() == [
        None
    ]


def _first_use(path: str, barrier, out) -> None:
    barrier.wait()  # all 50 processes reach the first use at the same moment
    try:
        out.put(pseudonymise.load_key(Path(path)))
    except Exception as exc:  # noqa: BLE001 - the test reports what any process saw
        out.put(repr(exc).encode())


@pytest.mark.integration
def test_fifty_concurrent_first_uses_get_one_complete_key(tmp_path, monkeypatch):
    """A fresh clone's `make reports` may have several processes create the key at once. With the old
    write-then-chmod, 4 of 20 trials of 50 processes (started together at a barrier) saw two keys or an empty
    one. Now, over 10 trials, every process reads the one 64-character key, mode 0600, no temporary file left."""
    import multiprocessing

    monkeypatch.delenv("ASN_KINERJA_HMAC_KEY", raising=False)
    ctx = multiprocessing.get_context("fork")
    for trial in range(10):
        folder = tmp_path / str(trial)
        folder.mkdir()
        path = folder / "key"
        barrier, out = ctx.Barrier(50), ctx.Queue()
        procs = [ctx.Process(target=_first_use, args=(str(path), barrier, out)) for _ in range(50)]
        for p in procs:
            p.start()
        keys = [out.get(timeout=60) for _ in procs]
        for p in procs:
            p.join()
        assert len(set(keys)) == 1 and len(keys[0]) == 64, (trial, {k[:20] for k in keys})
        assert keys[0] == path.read_text().encode()
        assert oct(path.stat().st_mode)[-3:] == "600"
        assert [p.name for p in folder.iterdir()] == ["key"]


@pytest.mark.parametrize(
    ("value", "says"), [("", "kosong"), ("  ", "kosong"), ("short-key", "hanya 9 karakter")]
)
def test_empty_or_short_key_in_the_environment_is_refused(monkeypatch, value, says):
    monkeypatch.setenv("ASN_KINERJA_HMAC_KEY", value)
    with pytest.raises(pseudonymise.KeyProblem, match=says):
        pseudonymise.load_key()


def test_key_file_readable_by_others_or_empty_is_refused(tmp_path, monkeypatch):
    monkeypatch.delenv("ASN_KINERJA_HMAC_KEY", raising=False)
    path = tmp_path / "key"
    path.write_text("x" * 64)
    path.chmod(0o644)
    with pytest.raises(pseudonymise.KeyProblem, match="chmod 600 key"):
        pseudonymise.load_key(path)
    path.chmod(0o600)
    path.write_text("")
    with pytest.raises(pseudonymise.KeyProblem, match="kosong"):
        pseudonymise.load_key(path)


def test_cli_says_what_is_wrong_with_the_key_without_a_traceback(tiny_city, monkeypatch, capsys):
    from analysis import cli

    monkeypatch.setenv("ASN_KINERJA_HMAC_KEY", "")
    assert cli.main(["validate", str(tiny_city)]) == 2
    err = capsys.readouterr().err
    assert "Kunci HMAC" in err and "Traceback" not in err
