"""NIPs and names never survive ingestion; what the analyses need is derived first."""

from __future__ import annotations

import re

import pandas as pd
from conftest import NIP_A, NIP_B

from analysis import io, pseudonymise

NIP_LIKE = re.compile(r"\d{18}")


def test_derived_fields_come_from_the_nip(tiny_city):
    staff = io.load_city(tiny_city).tables["staff"].set_index("unit_id")
    assert staff.loc["U1", ["sex", "birth_year", "hire_year"]].tolist() == ["L", 1980, 2005]
    assert staff.loc["U2", ["sex", "birth_year", "hire_year"]].tolist() == ["P", 1992, 2019]


def test_staff_id_is_a_keyed_hash_linking_all_tables(tiny_city):
    data = io.load_city(tiny_city)
    key = pseudonymise.load_key()
    expected = {pseudonymise.staff_id_for(NIP_A, key), pseudonymise.staff_id_for(NIP_B, key)}
    assert set(data.tables["staff"]["staff_id"]) == expected
    assert set(data.tables["performance"]["staff_id"]) == expected
    other = io.load_city(tiny_city, key=b"another key").tables["staff"]["staff_id"]
    assert not set(other) & expected  # useless without the key


def test_key_file_is_created_on_first_use(tmp_path, monkeypatch):
    monkeypatch.delenv("ASN_KINERJA_HMAC_KEY", raising=False)
    path = tmp_path / "key"
    k1 = pseudonymise.load_key(path)
    assert path.exists() and len(k1) == 64 and pseudonymise.load_key(path) == k1
    assert oct(path.stat().st_mode)[-3:] == "600"


def test_no_nip_or_name_survives_ingestion_of_demo_data(demo_kendari):
    data = io.load_city(demo_kendari)
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
