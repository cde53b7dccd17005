"""IKM per PermenPAN-RB 14/2017: hand-computed examples, band edges, unsur stored by name, sample sizes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.data import reference
from analysis.methods import satisfaction

UNSUR = reference.unsur()


def responses(rows):
    return pd.DataFrame(rows, columns=UNSUR)


@pytest.mark.parametrize(
    ("value", "letter"),
    [
        (64.99, "D"),
        (65.00, "C"),
        (76.60, "C"),
        (76.61, "B"),
        (88.30, "B"),
        (88.31, "A"),
        (25.0, "D"),
        (100.0, "A"),
    ],
)
def test_band_edges(value, letter):
    assert satisfaction.mutu(value) == letter


def test_band_labels():
    assert [satisfaction.kinerja(x) for x in "ABCD"] == ["Sangat Baik", "Baik", "Kurang Baik", "Tidak Baik"]


def test_hand_computed_ikm_with_exact_weights():
    # NRR: persyaratan 3.5, prosedur 3, waktu 2.5, biaya 4, produk 3, kompetensi 3.5, perilaku 4, pengaduan 2,
    # sarana 3 -> sum 28.5, x 1/9 = 3.16667, x 25 = 79.1667 (B, Baik)
    r = responses([[4, 3, 2, 4, 3, 4, 4, 2, 3], [3, 3, 3, 4, 3, 3, 4, 2, 3]])
    out = satisfaction.ikm(r).iloc[0]
    assert out["ikm"] == pytest.approx(28.5 / 9 * 25, abs=1e-12)
    assert (out["mutu"], out["kinerja"], out["weakest_unsur"], out["n"]) == ("B", "Baik", "pengaduan", 2)
    assert out["waktu"] == 2.5 and out["biaya"] == 4.0  # NRR stored by unsur name


def test_no_intermediate_rounding_matters():
    """Rounding weights to 0.11 (as the Lampiran prints) would move this unit from A to B."""
    scores = [4, 4, 4, 4, 4, 4, 4, 2, 2]  # sum 32: exact IKM 88.89 (A), with 0.11 weights 88.00 (B)
    exact = satisfaction.ikm(responses([scores] * 3)).iloc[0]["ikm"]
    rounded = 25 * sum(0.11 * v for v in scores)
    assert exact == pytest.approx(32 / 9 * 25) and satisfaction.mutu(exact) == "A"
    assert satisfaction.mutu(rounded) == "B"


def test_item_nonresponse_uses_answering_respondents_only():
    r = responses([[4] * 9, [2] * 8 + [np.nan]])
    out = satisfaction.ikm(r).iloc[0]
    assert out["sarana"] == 4.0 and out["persyaratan"] == 3.0


def test_order_of_columns_does_not_matter():
    r = responses([[4, 3, 2, 4, 3, 4, 4, 2, 3]])
    shuffled = r[UNSUR[::-1]]
    assert satisfaction.ikm(shuffled).iloc[0]["ikm"] == satisfaction.ikm(r).iloc[0]["ikm"]


def test_grouped_ikm():
    r = responses([[4] * 9, [3] * 9, [2] * 9]).assign(unit_id=["a", "a", "b"])
    out = satisfaction.ikm(r, by="unit_id").set_index("unit_id")
    assert out.loc["a", "ikm"] == pytest.approx(87.5) and out.loc["b", "ikm"] == pytest.approx(50.0)
    assert out.loc["a", "mutu"] == "B" and out.loc["b", "mutu"] == "D"


def test_weights_must_sum_to_one():
    with pytest.raises(ValueError, match="sum to 1"):
        satisfaction.ikm(responses([[4] * 9]), weights={u: 0.1 for u in UNSUR})


@pytest.mark.parametrize(
    ("n", "s"),
    [
        (10, 10),
        (20, 19),
        (50, 44),
        (100, 80),
        (150, 108),
        (200, 132),
        (300, 169),
        (500, 217),
        (1000, 278),
        (2000, 322),
        (5000, 357),
        (10000, 370),
        (20000, 377),
        (50000, 381),
        (1_000_000, 384),
    ],
)
def test_krejcie_morgan_table(n, s):
    assert satisfaction.krejcie_morgan(n) == s
