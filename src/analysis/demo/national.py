"""A national demo: N synthetic kab/kota with sizes drawn as the country's are, for building many cities'
reports in one run (issue 17).

Population is lognormal with median 300 thousand and the spread of the real range (about 30 thousand,
Kota Sabang, to 5.5 million, Kabupaten Bogor: domain.md section 8.4); one in five is a kota (98 of 514). The
counts that the demo generator needs follow from population by the scaling of the four seed cities
(Puskesmas, kecamatan, kelurahan, schools and staff grow slower than population). Each city borrows a seed
city's design in turn (its programme waves, its imperfection and its staff profiles) and gets random streams
of its own. Names are plainly synthetic ("Kabupaten Contoh 001"); provinces are the 38 real ones.

``write(n, out)`` makes a self-contained folder: ``data/<city>/`` (as ``demo-data`` writes a seed city),
``params/<city>.yaml`` and ``reference/`` (the reference tables with these cities added to cities.csv). Build it
with ``ASN_KINERJA_PARAMS_DIR=<out>/params ASN_KINERJA_REFERENCE=<out>/reference asn-kinerja report --all``.
"""

from __future__ import annotations

import shutil
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.config import CITIES, REFERENCE_DIR
from analysis.demo import synth

PROVINCES = (
    "Aceh", "Sumatera Utara", "Sumatera Barat", "Riau", "Kepulauan Riau", "Jambi", "Sumatera Selatan",
    "Kepulauan Bangka Belitung", "Bengkulu", "Lampung", "DKI Jakarta", "Jawa Barat", "Banten", "Jawa Tengah",
    "DI Yogyakarta", "Jawa Timur", "Bali", "Nusa Tenggara Barat", "Nusa Tenggara Timur", "Kalimantan Barat",
    "Kalimantan Tengah", "Kalimantan Selatan", "Kalimantan Timur", "Kalimantan Utara", "Sulawesi Utara",
    "Gorontalo", "Sulawesi Tengah", "Sulawesi Barat", "Sulawesi Selatan", "Sulawesi Tenggara", "Maluku",
    "Maluku Utara", "Papua", "Papua Barat", "Papua Barat Daya", "Papua Tengah", "Papua Pegunungan",
    "Papua Selatan",
)  # fmt: skip
#: lognormal population: median 300 thousand; sigma so that 30 thousand and 5.5 million lie about 2.6 sd out
MEDIAN_POPULATION, SIGMA = 300_000, 0.95
KOTA_SHARE = 98 / 514
#: counts at 355 thousand people (Kendari) and how fast they grow with population (exponents fitted to the seed
#: cities: Medan has 7 times Kendari's people and 2.7 times its Puskesmas)
SCALE = {
    "n_puskesmas": (15, 0.5),
    "n_kecamatan": (11, 0.35),
    "n_kelurahan": (65, 0.4),
    "n_schools": (90, 0.55),
    "n_staff": (5500, 0.6),
}
MINIMUM = {"n_puskesmas": 3, "n_kecamatan": 3, "n_kelurahan": 8, "n_schools": 10, "n_staff": 800}


def registry(n: int, seed: int = 2024) -> pd.DataFrame:
    """N synthetic kab/kota as rows of data/reference/cities.csv (plus ``template``: the seed city whose design
    each borrows)."""
    if n < 1:
        raise ValueError(f"a national demo needs at least one kab/kota, not {n}")
    rng = np.random.default_rng([seed, 514])
    population = np.round(MEDIAN_POPULATION * rng.lognormal(0, SIGMA, n)).astype(int)
    kota = rng.random(n) < KOTA_SHARE
    rows = []
    for i in range(n):
        slug = f"{'kota' if kota[i] else 'kab'}-contoh-{i + 1:03d}"
        ratio = population[i] / 355_665
        sizes = {k: max(MINIMUM[k], int(round(base * ratio**power))) for k, (base, power) in SCALE.items()}
        rows.append(
            {
                "city": slug,
                "name": f"{'Kota' if kota[i] else 'Kabupaten'} Contoh {i + 1:03d}",
                "province": PROVINCES[int(rng.integers(len(PROVINCES)))],
                "population": int(population[i]),
                **sizes,
                "source": "synthetic national demo (analysis.demo.national)",
                "template": CITIES[i % len(CITIES)],
            }
        )
    return pd.DataFrame(rows)


def _extra(row: dict, i: int) -> synth.ExtraCity:
    return synth.ExtraCity(
        sizes={k: row[k] for k in ("population", *SCALE)},
        template=row["template"],
        code=f"C{i + 1:03d}",
        index=1000 + i,
    )


def _write_one(row: dict, i: int, out: Path, seed: int, volume_scale: float | None) -> str:
    synth.EXTRA[row["city"]] = _extra(row, i)
    return f"{row['city']}: " + synth.write_city(row["city"], out / "data" / row["city"], seed, volume_scale)


def write(n: int, out: Path, seed: int = 2024, volume_scale: float | None = None, workers: int = 2) -> Path:
    """Write the national demo of ``n`` kab/kota into ``out`` (see the module docstring); returns ``out``."""
    out = Path(out)
    table = registry(n, seed)
    ref = out / "reference"
    if ref.exists():
        shutil.rmtree(ref)
    shutil.copytree(REFERENCE_DIR, ref)
    cities = pd.read_csv(ref / "cities.csv", dtype=str, keep_default_na=False)
    extra = table.drop(columns="template").astype(str)
    pd.concat([cities, extra[cities.columns]], ignore_index=True).to_csv(ref / "cities.csv", index=False)
    params = out / "params"
    params.mkdir(parents=True, exist_ok=True)
    for city in table["city"]:
        (params / f"{city}.yaml").write_text(
            f"city: {city}\ndata_dir: {(out / 'data' / city).resolve()}\nlang: id\nseed: 0\n",
            encoding="utf-8",
        )
    with ProcessPoolExecutor(max_workers=workers) as pool:
        jobs = [
            pool.submit(_write_one, row, i, out, seed, volume_scale)
            for i, row in enumerate(table.to_dict("records"))
        ]
        for job in jobs:
            print(job.result(), flush=True)
    return out
