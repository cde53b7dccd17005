"""Deterministic demo data for the four seed cities, with the ground truth written beside it.

The data mimic what a city exports (units, staggered roll-out, staff with NIPs and names, competency
assessments, trainings, SKP, a queue-system visit log and SKM responses) at the sizes of data/reference/cities.csv (BPS and city figures),
with the messiness real evaluations face: early adopters are better units (selection on levels), seasonality
and common shocks, missing months, survey non-response and item non-response. Effects are modest (waiting
time -10 to -20 %, IKM +2 to +5 points) and ramp up after adoption.

Identification is built in on purpose and stated here so tests can rely on it: untreated waiting-time medians
are unit level + common month effect (parallel trends hold in minutes), and SKM item scores are drawn from a
pmf whose mean is exactly the latent unit-quarter mean (parallel trends hold in IKM points).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.config import CITIES, DEMO_MONTHS, DEMO_START, DEMO_VERSION
from analysis.data import reference
from analysis.demo import learning, skp_history

CITY_CODE = {"kendari": "KDI", "bengkulu": "BKL", "banda-aceh": "BNA", "medan": "MDN"}
#: Programme start months (quarter starts) per city: 3-5 cohorts.
COHORTS = {
    "kendari": ["2024-01", "2024-07", "2025-01"],
    "bengkulu": ["2023-10", "2024-04", "2024-10", "2025-04"],
    "banda-aceh": ["2024-01", "2024-07", "2025-01"],
    "medan": ["2023-07", "2024-01", "2024-07", "2025-01", "2025-07"],
}
NEVER_SHARE = 0.3
DEFAULT_VOLUME_SCALE = 0.1

BANDA_ACEH_PUSKESMAS = [
    "Kuta Alam",
    "Kopelma Darussalam",
    "Ulee Kareng",
    "Baiturrahman",
    "Jaya Baru",
    "Lampulo",
    "Lampaseh",
    "Banda Raya",
    "Kutaraja",
    "Meuraxa",
    "Batoh",
]
OFFICES = [
    "Sekretariat Daerah",
    "BKPSDM",
    "Bappeda",
    "BPKAD",
    "Inspektorat",
    "Dinas PUPR",
    "Dinas Sosial",
    "Satpol PP",
    "Dinas Perhubungan",
    "Diskominfo",
    "Dinas Kesehatan",
    "Dinas Pendidikan",
    "Disdukcapil",
    "DPMPTSP",
]

#: Service unit types: (waiting median mean, sd, daily visits at full scale, processing median, effect multiplier)
SERVICE = {
    "puskesmas": (55.0, 12.0, 120, 10.0, 1.15),
    "capil": (45.0, 10.0, 60, 12.0, 1.0),
    "perizinan": (40.0, 10.0, 80, 20.0, 1.0),
    "kelurahan": (22.0, 6.0, 15, 8.0, 0.8),
}
SERVICE_TYPES = {
    "puskesmas": ["Poli Umum", "Poli Gigi", "KIA", "Poli Lansia"],
    "capil": ["KTP-el", "Kartu Keluarga", "Akta Kelahiran", "Pindah Datang"],
    "perizinan": ["NIB", "PBG", "Izin Reklame"],
    "kelurahan": ["Surat Pengantar", "Surat Keterangan Domisili", "Surat Keterangan Usaha"],
}
IKM_BASE = {"puskesmas": 3.0, "capil": 3.05, "perizinan": 3.15, "kelurahan": 3.1}
UNSUR_SHIFT = {
    "persyaratan": 0.0,
    "prosedur": -0.05,
    "waktu": -0.15,
    "biaya": 0.2,
    "produk": 0.0,
    "kompetensi": 0.05,
    "perilaku": 0.05,
    "pengaduan": -0.2,
    "sarana": -0.05,
}
#: Endpoint pmfs over scores 1-4; mixing them gives any mean in [2.2, 3.9] exactly (linear in the mean).
PMF_LOW = np.array([0.25, 0.40, 0.25, 0.10])  # mean 2.2
PMF_HIGH = np.array([0.0, 0.02, 0.06, 0.92])  # mean 3.9
SEASON = np.array([3.0, 1.0, 0.0, -1.0, 0.0, -2.0, 1.0, 0.0, -1.0, 0.0, 1.0, -2.0])  # minutes, Jan..Dec

#: Latent competency-gap profiles: name -> competencies with a shortfall.
PROFILES = {
    "meets standard": [],
    "shortfall: Komunikasi, Pelayanan Publik": ["M.03", "M.05"],
    "shortfall: Mengelola Perubahan, Pengambilan Keputusan": ["M.07", "M.08"],
    "shortfall: Orientasi pada Hasil, Pengembangan Diri dan Orang Lain": ["M.04", "M.06"],
}
CITY_PROFILES = {"kendari": 3, "bengkulu": 4, "banda-aceh": 4, "medan": 4}
PROFILE_SHARES = [0.40, 0.25, 0.20, 0.15]

FIRST = [
    "Ahmad",
    "Siti",
    "Muhammad",
    "Nur",
    "Dewi",
    "Rina",
    "Budi",
    "Agus",
    "Putri",
    "Rahmat",
    "Fitri",
    "Hendra",
    "Wahyu",
    "Indah",
    "Yusuf",
    "Aisyah",
    "Rizky",
    "Fajar",
    "Ratna",
    "Dian",
]
LAST = [
    "Saputra",
    "Lestari",
    "Harahap",
    "Siregar",
    "Nasution",
    "Rahman",
    "Hidayat",
    "Sari",
    "Pratama",
    "Wijaya",
    "Lubis",
    "Ginting",
    "Hasibuan",
    "Kurniawan",
    "Putri",
    "Syahputra",
    "Manurung",
    "Daulay",
    "Ramadhan",
    "Utami",
]


@dataclass
class DemoCity:
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    visits: pd.DataFrame | None = None
    truth: dict = field(default_factory=dict)
    truth_panel: pd.DataFrame | None = None


def months() -> pd.PeriodIndex:
    return pd.period_range(DEMO_START, periods=DEMO_MONTHS, freq="M")


# ---------------------------------------------------------------------------------------------- cities
@dataclass(frozen=True)
class ExtraCity:
    """A demo kab/kota beyond the four seed cities (analysis.demo.national): its sizes (the columns of
    data/reference/cities.csv), a seed city whose design it borrows (waves, imperfection, staff profiles), a
    unit-code prefix and the number that seeds its random streams."""

    sizes: dict
    template: str
    code: str
    index: int


#: Extra demo cities by slug, registered by analysis.demo.national before they are generated.
EXTRA: dict[str, ExtraCity] = {}


def _template(city: str) -> str:
    return EXTRA[city].template if city in EXTRA else city


def _index(city: str) -> int:
    return EXTRA[city].index if city in EXTRA else CITIES.index(city)


def _code(city: str) -> str:
    return EXTRA[city].code if city in EXTRA else CITY_CODE[city]


def _sizes(city: str) -> pd.Series:
    return pd.Series(EXTRA[city].sizes) if city in EXTRA else reference.cities().loc[city]


# ---------------------------------------------------------------------------------------------- units
def _units(city: str) -> pd.DataFrame:
    c = _sizes(city)
    code = _code(city)
    rows = []
    n_kec = int(c.n_kecamatan)
    for i in range(int(c.n_puskesmas)):
        name = (
            BANDA_ACEH_PUSKESMAS[i]
            if city == "banda-aceh" and i < len(BANDA_ACEH_PUSKESMAS)
            else f"{i + 1:02d}"
        )
        rows.append((f"{code}-PKM-{i + 1:02d}", "Dinas Kesehatan", "puskesmas", f"Puskesmas {name}"))
    for i in range(int(c.n_kelurahan)):
        rows.append(
            (
                f"{code}-KEL-{i + 1:03d}",
                f"Kecamatan {i % n_kec + 1:02d}",
                "kelurahan",
                f"Kantor {'Gampong' if city == 'banda-aceh' else 'Kelurahan'} {i + 1:03d}",
            )
        )
    for k in range(n_kec):
        rows.append(
            (f"{code}-CPL-{k + 1:02d}", "Disdukcapil", "capil", f"Layanan Disdukcapil Kecamatan {k + 1:02d}")
        )
    for k in range(max(2, n_kec // 5)):
        rows.append((f"{code}-IZN-{k + 1:02d}", "DPMPTSP", "perizinan", f"Loket Perizinan {k + 1:02d}"))
    for i in range(int(c.n_schools)):
        rows.append((f"{code}-SKL-{i + 1:03d}", "Dinas Pendidikan", "sekolah", f"Sekolah {i + 1:03d}"))
    for j, office in enumerate(OFFICES):
        rows.append((f"{code}-OPD-{j + 1:02d}", office, "kantor_opd", f"Kantor {office}"))
    for k in range(n_kec):
        rows.append(
            (f"{code}-KEC-{k + 1:02d}", f"Kecamatan {k + 1:02d}", "kantor_opd", f"Kantor Camat {k + 1:02d}")
        )
    units = pd.DataFrame(rows, columns=["unit_id", "agency", "unit_type", "unit_name"])
    sector = reference.table("unit_types").set_index("unit_type")["sector"]
    units.insert(1, "city", city)
    units.insert(4, "sector", units["unit_type"].map(sector))
    units["kecamatan"] = _kecamatan(units, n_kec)
    return units


def _kecamatan(units: pd.DataFrame, n_kec: int) -> pd.Series:
    """The kecamatan each unit serves (a cluster level for the effects: units of one kecamatan share
    population and roads): offices of a kecamatan by their number, other units spread by their number in
    turn, city-wide OPD offices none. Deterministic, so the other demo tables do not change."""
    number = units["unit_id"].str.rsplit("-", n=1).str[-1].astype(int)
    kec = "Kecamatan " + ((number - 1) % n_kec + 1).map("{:02d}".format)
    return kec.where(units["unit_type"] != "kantor_opd", None).where(
        ~units["unit_id"].str.contains("-KEC-"), "Kecamatan " + number.map("{:02d}".format)
    )


# ---------------------------------------------------------------------------------------------- roll-out
def _service_units(units: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    su = units[units["unit_type"].isin(list(SERVICE))].copy().reset_index(drop=True)
    mean = su["unit_type"].map({k: v[0] for k, v in SERVICE.items()})
    sd = su["unit_type"].map({k: v[1] for k, v in SERVICE.items()})
    z = rng.standard_normal(len(su))
    su["wait_level"] = np.maximum(mean + sd * z, 8.0)
    su["quality"] = -z  # better units wait less
    ikm = su["unit_type"].map(IKM_BASE) + 0.12 * su["quality"] + rng.normal(0, 0.1, len(su))
    su["ikm_level"] = ikm.clip(2.7, 3.35)
    su["size"] = rng.lognormal(0, 0.3, len(su))
    return su


def _assign_cohorts(
    su: pd.DataFrame, city: str, rng: np.random.Generator, never_share: float = NEVER_SHARE
) -> pd.Series:
    """Selection into early adoption: better units (shorter waits, higher IKM) join first."""
    starts = COHORTS[_template(city)]
    n = len(su)
    n_treated = int(round(n * (1 - never_share)))
    order = np.argsort(-(su["quality"].to_numpy() + rng.normal(0, 1.0, n)), kind="stable")
    sizes = np.full(len(starts), n_treated // len(starts))
    sizes[: n_treated % len(starts)] += 1
    cohort = np.full(n, None, dtype=object)
    pos = 0
    for start, size in zip(starts, sizes, strict=True):
        cohort[order[pos : pos + size]] = start
        pos += size
    return pd.Series(cohort, index=su.index)


@dataclass(frozen=True)
class Scenario:
    """How a simulated city breaks (or keeps) the estimator's assumptions; every field's default is the clean
    demo design. Used by the Monte Carlo tests and the demo cities' imperfections (``truth.json``).

    - ``trend``: minutes per month by which the first wave's untreated waits drift against the others over
      the whole panel (selection on trends: parallel trends fail);
    - ``anticipation``: months before the start in which the effect already begins (staff trained early);
    - ``late_log``: the this-many slowest treated units have no queue log before their start (the queue
      system came with the programme: gaps related to the outcome);
    - ``effect_scale``: 0 for a true null effect;
    - ``n_units``: keep a random subset of the service units (a small city);
    - ``never_share``: share of units never in the programme (0: every unit joins in some wave).
    """

    trend: float = 0.0
    anticipation: int = 0
    late_log: int = 0
    effect_scale: float = 1.0
    n_units: int | None = None
    never_share: float = NEVER_SHARE


#: One realistic imperfection per seed city, in the waiting-time outcome (the survey is unaffected), so that
#: every report shows what it does when an assumption fails; Kendari stays clean. Written to truth.json.
IMPERFECTIONS = {
    "kendari": (Scenario(), "none: parallel trends hold, no anticipation, queue-log gaps at random"),
    "bengkulu": (
        Scenario(trend=-0.45),
        "selection on trends: the first wave's waits were already falling by "
        "0.45 minutes a month relative to the other units, before and after its start (its 9 months "
        "before the start let the drift test catch 0.41 minutes a month 80% of the time here)",
    ),
    "banda-aceh": (
        Scenario(anticipation=2),
        "anticipation: the effect starts 2 months before each wave's "
        "recorded start (staff trained before the launch); the city's parameters do not say so",
    ),
    "medan": (
        Scenario(late_log=25),
        "late queue logs: the 25 slowest treated units installed the queue system "
        "with the programme, so their log starts at their programme start",
    ),
}
#: What the report should show for each imperfection (checked by tests/test_effects_demo.py).
EXPECTED_REPORT = {
    "kendari": "decrease, every check passed",
    "bengkulu": "fragile: the drift test rejects",
    "banda-aceh": "fragile: differences just before the start, with the hint to set anticipation; with "
    "anticipation: 2 the interval covers the truth",
    "medan": "decrease resting on the imputation estimator, for the treated units with months before their "
    "start (the late units are named as left out); Callaway-Sant'Anna biased towards zero",
}


def monte_carlo_wait_panel(
    city: str = "kendari",
    seed: int = 0,
    noise_sd: float = 2.0,
    missing: float = 0.03,
    scenario: Scenario | None = None,
) -> tuple[pd.DataFrame, float]:
    """One draw of a unit x month waiting-time panel from the demo design (selection, seasonality, ramp-up),
    without simulating individual visits: the observed median is the expected one plus sampling noise.
    Returns the panel and the true overall ('simple') ATT over the months from each unit's start on, for Monte
    Carlo checks of the estimator. ``scenario`` breaks an assumption on purpose (:class:`Scenario`).
    ``panel.attrs["truth_identified"]`` is the same truth over the cells a comparison unit covers (without
    never-treated units, the months from the last wave's start on have none)."""
    sc = scenario or Scenario()
    rng = np.random.default_rng([seed, 97, CITIES.index(city)])
    su = _service_units(_units(city), rng)
    if sc.n_units is not None and sc.n_units < len(su):
        su = su.iloc[np.sort(rng.choice(len(su), sc.n_units, replace=False))].reset_index(drop=True)
    su["cohort"] = _assign_cohorts(su, city, rng, sc.never_share)
    wait_effects = {g: float(rng.uniform(0.10, 0.20)) * sc.effect_scale for g in COHORTS[city]}
    panel = _wait_panel(su, wait_effects, rng, trend=sc.trend, anticipation=sc.anticipation)
    sizes = su.groupby("cohort").size().to_dict()
    truth = _att_truth(panel, "wait_effect_minutes", "month", sizes)["overall"] if sizes else 0.0
    identified = truth
    if (
        sizes and not su["cohort"].isna().any()
    ):  # no never-treated: from the last start on nobody is untreated
        last = (pd.Period(max(sizes), "M") - months()[0]).n + 1
        identified = _att_truth(panel[panel["period"] < last], "wait_effect_minutes", "month", sizes)[
            "overall"
        ]
    panel["median_wait_minutes"] = panel["median_wait_expected"] + rng.normal(0, noise_sd, len(panel))
    panel = panel[rng.random(len(panel)) > missing]
    if sc.late_log:
        treated = su[su["cohort"].notna()]
        slow = treated.nlargest(sc.late_log, "wait_level")["unit_id"]
        panel = panel[~(panel["unit_id"].isin(slow) & (panel["event_time"] < 0))]
    starts = {g: (pd.Period(g, "M") - months()[0]).n + 1 for g in COHORTS[city]}
    panel = panel.assign(
        cohort=panel["cohort"].map(starts).astype(float),
        unit_type=panel["unit_id"].map(su.set_index("unit_id")["unit_type"]),
        agency=panel["unit_id"].map(su.set_index("unit_id")["agency"]),
    )
    cols = ["unit_id", "period", "cohort", "unit_type", "agency", "median_wait_minutes"]
    out = panel[cols].reset_index(drop=True)
    out.attrs["truth_identified"] = identified  # the truth over the cells some comparison unit covers
    return out, truth


# ---------------------------------------------------------------------------------------------- visits
def _wait_panel(
    su: pd.DataFrame, effects: dict, rng: np.random.Generator, trend: float = 0.0, anticipation: int = 0
) -> pd.DataFrame:
    """Expected unit x month medians: unit level + common month effect (+ a differential drift of the first
    wave when ``trend``), and the ramped programme effect (starting ``anticipation`` months early)."""
    ms = months()
    t = np.arange(len(ms))
    common = SEASON[ms.month - 1] + 0.08 * t + rng.normal(0, 1.0, len(ms))
    n_u = len(su)
    level = su["wait_level"].to_numpy()[:, None]
    noise = rng.normal(0, 2.5, (n_u, len(ms)))
    untreated = level + common[None, :] + noise
    if trend:
        first_wave = (su["cohort"] == min(su["cohort"].dropna(), default=None)).to_numpy()[:, None]
        untreated = untreated + np.where(first_wave, trend * (t - t.mean())[None, :], 0.0)
    start_idx = (
        su["cohort"].map(lambda s: np.nan if pd.isna(s) else (pd.Period(s, "M") - ms[0]).n).to_numpy(float)
    )
    e = t[None, :] - start_idx[:, None]
    ea = e + anticipation  # the effect clock starts `anticipation` months before the official start
    ramp = np.where(ea >= 2, 1.0, np.where(ea == 1, 0.7, np.where(ea == 0, 0.4, 0.0)))
    ramp = np.nan_to_num(ramp)
    pct = su["cohort"].map(lambda s: 0.0 if pd.isna(s) else effects[s]).to_numpy()[:, None]
    mult = su["unit_type"].map({k: v[4] for k, v in SERVICE.items()}).to_numpy()[:, None]
    effect = -pct * mult * ramp * level
    panel = pd.DataFrame(
        {
            "unit_id": np.repeat(su["unit_id"].to_numpy(), len(ms)),
            "month": np.tile(ms.astype(str), n_u),
            "period": np.tile(t + 1, n_u),
            "cohort": np.repeat(su["cohort"].to_numpy(), len(ms)),
            "event_time": e.ravel(),
            "median_wait_untreated": np.maximum(untreated, 3.0).ravel(),
            "wait_effect_minutes": effect.ravel(),
        }
    )
    panel["median_wait_expected"] = np.maximum(untreated + effect, 3.0).ravel()
    panel["wait_effect_minutes"] = panel["median_wait_expected"] - panel["median_wait_untreated"]
    return panel


def _visits(su: pd.DataFrame, panel: pd.DataFrame, scale: float, rng: np.random.Generator) -> pd.DataFrame:
    ms = months()
    n_m = len(ms)
    daily = su["unit_type"].map({k: v[2] for k, v in SERVICE.items()}).to_numpy()
    lam = (daily * 21 * scale * su["size"].to_numpy())[:, None] * np.ones((1, n_m))
    observed = rng.random(lam.shape) > 0.03  # outages: 3 % of unit-months have no records
    late = rng.random(len(su)) < 0.06  # some units join the queue system late
    late_by = rng.integers(3, 9, len(su))
    observed &= ~(late[:, None] & (np.arange(n_m)[None, :] < late_by[:, None]))
    counts = np.where(observed, rng.poisson(lam), 0).ravel()
    panel_median = panel["median_wait_expected"].to_numpy()
    idx = np.repeat(np.arange(len(counts)), counts)
    n = len(idx)
    unit_pos, month_pos = np.divmod(idx, n_m)
    month_start = ms.to_timestamp().to_numpy().astype("datetime64[s]")[month_pos]
    days_in = ms.days_in_month.to_numpy()[month_pos]
    day = np.floor(rng.random(n) * days_in).astype("int64")
    seconds = (7.5 * 3600 + rng.random(n) * 6.5 * 3600).astype("int64")
    arrived = month_start + (day * 86400 + seconds).astype("timedelta64[s]")
    wait_min = panel_median[idx] * np.exp(0.45 * rng.standard_normal(n))
    proc_med = su["unit_type"].map({k: v[3] for k, v in SERVICE.items()}).to_numpy()[unit_pos]
    proc_min = proc_med * np.exp(0.5 * rng.standard_normal(n))
    served = arrived + np.round(wait_min * 60).astype("timedelta64[s]")
    completed = served + np.round(proc_min * 60).astype("timedelta64[s]")
    walked_out = rng.random(n) < 0.02
    types = su["unit_type"].to_numpy()[unit_pos]
    service_type = np.empty(n, dtype=object)
    for ut, options in SERVICE_TYPES.items():
        m = types == ut
        service_type[m] = np.asarray(options, dtype=object)[rng.integers(0, len(options), m.sum())]
    visits = pd.DataFrame(
        {
            "unit_id": su["unit_id"].to_numpy()[unit_pos],
            "arrived_at": arrived,
            "served_at": np.where(walked_out, np.datetime64("NaT"), served).astype("datetime64[s]"),
            "completed_at": np.where(walked_out, np.datetime64("NaT"), completed).astype("datetime64[s]"),
            "service_type": service_type,
        }
    )
    return visits.sort_values(["unit_id", "arrived_at"], kind="stable").reset_index(drop=True)


# ---------------------------------------------------------------------------------------------- SKM
def _score_draws(m: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Scores 1-4 whose expectation is exactly m (mixture of the two endpoint pmfs)."""
    w_low = (3.9 - m) / 1.7
    use_low = rng.random(m.shape) < w_low
    cdf_low, cdf_high = np.cumsum(PMF_LOW), np.cumsum(PMF_HIGH)
    u = rng.random(m.shape)
    s_low = 1 + (u[..., None] > cdf_low).sum(-1)
    s_high = 1 + (u[..., None] > cdf_high).sum(-1)
    return np.where(use_low, s_low, s_high).clip(1, 4)


def _survey(
    su: pd.DataFrame, ikm_effects: dict, rng: np.random.Generator
) -> tuple[pd.DataFrame, pd.DataFrame]:
    quarters = pd.period_range(DEMO_START, periods=DEMO_MONTHS // 3, freq="Q")
    q_t = np.arange(len(quarters))
    common = rng.normal(0, 0.02, len(quarters)) + 0.005 * q_t
    unsur = reference.unsur()
    shift = np.array([UNSUR_SHIFT[u] for u in unsur])
    rows, truth_rows = [], []
    rid = 0
    mult = su["unit_type"].map({k: v[4] for k, v in SERVICE.items()}).to_numpy()
    for i, unit in su.iterrows():
        start_q = None if pd.isna(unit["cohort"]) else (pd.Period(unit["cohort"], "Q") - quarters[0]).n
        pts = 0.0 if pd.isna(unit["cohort"]) else ikm_effects[unit["cohort"]]
        target = rng.uniform(20, 90)
        for q in q_t:
            eq = None if start_q is None else q - start_q
            ramp = 0.0 if eq is None or eq < 0 else (0.5 if eq == 0 else 1.0)
            eff = pts / 25.0 * mult[i] * ramp
            base = unit["ikm_level"] + common[q]
            truth_rows.append(
                (
                    unit["unit_id"],
                    str(quarters[q]),
                    q + 1,
                    unit["cohort"],
                    np.nan if eq is None else eq,
                    25 * np.mean(base + shift),
                    25 * eff,
                )
            )
            if rng.random() < 0.08:  # the unit skipped this quarter's survey
                continue
            n = max(int(rng.poisson(target)), 3)
            m = np.clip(base + shift[None, :] + eff, 2.2, 3.9) * np.ones((n, len(unsur)))
            scores = _score_draws(m, rng).astype(float)
            missing = rng.random(scores.shape) < np.where(np.array(unsur) == "pengaduan", 0.20, 0.03)
            scores[missing] = np.nan
            span = (quarters[q].end_time.normalize() - quarters[q].start_time).days + 1
            surveyed = (quarters[q].start_time + pd.to_timedelta(rng.integers(0, span, n), "D")).strftime(
                "%Y-%m-%d"
            )
            options = SERVICE_TYPES[unit["unit_type"]]
            block = pd.DataFrame(scores, columns=unsur)
            block.insert(
                0,
                "education",
                rng.choice(["SLTA", "S1", "D3", "SMP", "S2"], n, p=[0.4, 0.3, 0.12, 0.13, 0.05]),
            )
            block.insert(0, "age", rng.integers(17, 76, n))
            block.insert(0, "sex", np.where(rng.random(n) < 0.55, "P", "L"))
            block.insert(
                0, "service_type", np.asarray(options, dtype=object)[rng.integers(0, len(options), n)]
            )
            block.insert(0, "surveyed_on", surveyed)
            block.insert(0, "unit_id", unit["unit_id"])
            block.insert(0, "response_id", [f"R{rid + k + 1:07d}" for k in range(n)])
            rid += n
            rows.append(block)
    survey = pd.concat(rows, ignore_index=True)
    for u in unsur:
        survey[u] = survey[u].astype("Int64")
    truth = pd.DataFrame(
        truth_rows,
        columns=[
            "unit_id",
            "quarter",
            "qperiod",
            "cohort",
            "event_time_q",
            "ikm_untreated",
            "ikm_effect_points",
        ],
    )
    return survey, truth


# ---------------------------------------------------------------------------------------------- staff
POSITION_MIX = {
    "sekolah": {
        "jf_ahli_pertama": 0.35,
        "jf_ahli_muda": 0.35,
        "jf_ahli_madya": 0.15,
        "pelaksana": 0.10,
        "pengawas": 0.05,
    },
    "puskesmas": {
        "jf_terampil": 0.25,
        "jf_mahir": 0.15,
        "jf_ahli_pertama": 0.20,
        "jf_ahli_muda": 0.12,
        "jf_penyelia": 0.05,
        "pelaksana": 0.18,
        "pengawas": 0.05,
    },
    "service": {
        "pelaksana": 0.60,
        "pengawas": 0.20,
        "jf_ahli_pertama": 0.10,
        "jf_ahli_muda": 0.05,
        "administrator": 0.05,
    },
    "kantor_opd": {
        "pelaksana": 0.45,
        "pengawas": 0.20,
        "administrator": 0.08,
        "jf_ahli_pertama": 0.12,
        "jf_ahli_muda": 0.10,
        "jf_ahli_madya": 0.04,
        "jpt_pratama": 0.01,
    },
}
STAFF_SHARE = {
    "sekolah": 0.40,
    "puskesmas": 0.18,
    "kelurahan": 0.08,
    "capil": 0.03,
    "perizinan": 0.01,
    "kantor_opd": 0.30,
}
EDUCATION = {
    "jpt_pratama": (["S2", "S3"], [0.8, 0.2]),
    "administrator": (["S1", "S2"], [0.5, 0.5]),
    "pengawas": (["S1", "S2", "D4"], [0.7, 0.2, 0.1]),
    "pelaksana": (["SLTA", "D3", "S1"], [0.5, 0.2, 0.3]),
    "jf_ahli_utama": (["S2", "S3"], [0.6, 0.4]),
    "jf_ahli_madya": (["S1", "S2"], [0.5, 0.5]),
    "jf_ahli_muda": (["S1", "S2", "D4"], [0.7, 0.2, 0.1]),
    "jf_ahli_pertama": (["S1", "D4"], [0.85, 0.15]),
    "jf_penyelia": (["D3", "S1"], [0.7, 0.3]),
    "jf_mahir": (["D3"], [1.0]),
    "jf_terampil": (["D3", "D1"], [0.9, 0.1]),
    "jf_pemula": (["SLTA"], [1.0]),
}
GRADE = {
    "SLTA": ["II/a", "II/b", "II/c", "II/d"],
    "D1": ["II/a", "II/b"],
    "D3": ["II/c", "II/d", "III/a", "III/b"],
    "D4": ["III/a", "III/b", "III/c"],
    "S1": ["III/a", "III/b", "III/c", "III/d"],
    "S2": ["III/b", "III/c", "III/d", "IV/a", "IV/b"],
    "S3": ["III/c", "III/d", "IV/a", "IV/b", "IV/c"],
}
GRADE_PPPK = {"SLTA": "V", "D1": "V", "D3": "VII", "D4": "IX", "S1": "IX", "S2": "X", "S3": "XI"}


def _staff(units: pd.DataFrame, n_staff: int, rng: np.random.Generator) -> pd.DataFrame:
    per_unit = []
    for ut, share in STAFF_SHARE.items():
        ids = units.loc[units["unit_type"] == ut, "unit_id"].to_numpy()
        n_type = int(round(n_staff * share))
        w = rng.dirichlet(np.full(len(ids), 5.0))
        counts = rng.multinomial(n_type, w)
        per_unit += [(u, ut) for u, c in zip(ids, counts, strict=True) for _ in range(c)]
    staff = pd.DataFrame(per_unit, columns=["unit_id", "unit_type"])
    n = len(staff)
    mix_key = staff["unit_type"].map(
        lambda t: t if t in ("sekolah", "puskesmas", "kantor_opd") else "service"
    )
    pos = np.empty(n, dtype=object)
    for key, mix in POSITION_MIX.items():
        m = (mix_key == key).to_numpy()
        pos[m] = rng.choice(list(mix), size=m.sum(), p=np.array(list(mix.values())) / sum(mix.values()))
    staff["position_class"] = pos
    edu = np.empty(n, dtype=object)
    for p, (levels, probs) in EDUCATION.items():
        m = pos == p
        edu[m] = rng.choice(levels, size=m.sum(), p=probs)
    staff["education"] = edu
    staff["asn_type"] = np.where(rng.random(n) < 0.2, "PPPK", "PNS")
    age = rng.integers(22, 58, n)
    birth = pd.to_datetime("2025-06-30") - pd.to_timedelta(age * 365.25 + rng.integers(0, 365, n), "D")
    hire_age = np.minimum(rng.integers(20, 36, n), age)
    hire_year = np.minimum(birth.year.to_numpy() + hire_age, 2024)
    hire_year = np.maximum(hire_year, birth.year.to_numpy() + 18)
    hire_month = rng.integers(1, 13, n)
    sex = np.where(rng.random(n) < 0.55, "2", "1")
    middle = np.where(staff["asn_type"] == "PPPK", "21", pd.Series(hire_month).map("{:02d}".format))
    prefix = (
        birth.strftime("%Y%m%d").to_numpy().astype(object)
        + pd.Series(hire_year).astype(str).to_numpy()
        + middle
        + sex
    )
    serial: dict[str, int] = {}
    nips = []
    for p in prefix:
        serial[p] = serial.get(p, int(rng.integers(0, 50))) + 1
        nips.append(f"{p}{serial[p]:03d}")
    staff["nip"] = nips
    staff["nama"] = [
        f"{FIRST[a]} {LAST[b]}" for a, b in zip(rng.integers(0, 20, n), rng.integers(0, 20, n), strict=True)
    ]
    grades = [
        GRADE_PPPK[e] if t == "PPPK" else GRADE[e][int(rng.integers(0, len(GRADE[e])))]
        for e, t in zip(edu, staff["asn_type"], strict=True)
    ]
    staff["grade"] = grades
    return staff


def _assessments(
    staff: pd.DataFrame, n_profiles: int, rng: np.random.Generator
) -> tuple[pd.DataFrame, np.ndarray]:
    comps = reference.competencies()
    req = reference.table("required_levels").pivot(
        index="position_class", columns="competency", values="level_required"
    )[comps]
    required = req.loc[staff["position_class"]].to_numpy()
    names = list(PROFILES)[:n_profiles]
    shares = np.array(PROFILE_SHARES[:n_profiles]) / sum(PROFILE_SHARES[:n_profiles])
    profile = rng.choice(n_profiles, size=len(staff), p=shares)
    profile[required.min(axis=1) <= 1] = 0  # a level-1 standard cannot be missed: such staff meet it
    short = np.zeros((len(staff), len(comps)), dtype=bool)
    for k, name in enumerate(names):
        for c in PROFILES[name]:
            short[profile == k, comps.index(c)] = True
    offs_short = rng.choice([-1, -2, 0], size=short.shape, p=[0.8, 0.1, 0.1])
    offs_ok = rng.choice([0, 1, -1], size=short.shape, p=[0.8, 0.17, 0.03])
    assessed = np.clip(required + np.where(short, offs_short, offs_ok), 1, 5)
    is_assessed = rng.random(len(staff)) < 0.85
    dates = pd.to_datetime("2024-02-01") + pd.to_timedelta(rng.integers(0, 240, len(staff)), "D")
    s_idx = np.repeat(np.flatnonzero(is_assessed), len(comps))
    df = pd.DataFrame(
        {
            "nip": staff["nip"].to_numpy()[s_idx],
            "assessed_on": dates.strftime("%Y-%m-%d").to_numpy()[s_idx],
            "competency": np.tile(comps, is_assessed.sum()),
            "level_required": required[is_assessed].ravel(),
            "level_assessed": assessed[is_assessed].ravel(),
        }
    )
    return df, np.where(is_assessed, profile, -1)


def _trainings(
    staff: pd.DataFrame, profile: np.ndarray, start_by_unit: dict, rng: np.random.Generator
) -> pd.DataFrame:
    cat = reference.table("training_catalogue")
    by_comp = {c: g for c, g in cat.groupby("competency")}
    shortfalls = {k: PROFILES[name] for k, name in enumerate(PROFILES)}
    rows = []
    lo, hi = pd.Timestamp("2023-01-01"), pd.Timestamp("2025-12-01")
    for i, (nip, unit) in enumerate(zip(staff["nip"], staff["unit_id"], strict=True)):
        start = start_by_unit.get(unit)
        n_base = rng.poisson(1.2)
        n_prog = rng.poisson(1.5) if start is not None else 0
        taken = set()
        for j in range(n_base + n_prog):
            p = profile[i]
            if p > 0 and rng.random() < 0.6:
                comp = rng.choice(shortfalls[p])
            else:
                comp = rng.choice(list(by_comp))
            prog = by_comp[comp].iloc[int(rng.integers(0, len(by_comp[comp])))]
            first = pd.Timestamp(start) if j >= n_base else lo
            day = first + pd.Timedelta(days=int(rng.integers(0, max((hi - first).days, 1))))
            key = (prog.training_code, day)
            if key in taken:
                continue
            taken.add(key)
            length = max(1, int(np.ceil(prog.hours_jp / 8)))
            rows.append(
                (
                    nip,
                    prog.training_code,
                    day.strftime("%Y-%m-%d"),
                    (day + pd.Timedelta(days=length - 1)).strftime("%Y-%m-%d"),
                    float(prog.hours_jp),
                    prog["mode"],
                )
            )
    return pd.DataFrame(rows, columns=["nip", "training_code", "start", "end", "hours_jp", "mode"])


PREDICATES = ["Sangat Baik", "Baik", "Butuh Perbaikan", "Kurang/Misconduct", "Sangat Kurang"]
ORG_MIX = {
    "Istimewa": [0.50, 0.40, 0.07, 0.02, 0.01],
    "Baik": [0.15, 0.63, 0.14, 0.06, 0.02],
    "Butuh Perbaikan": [0.04, 0.24, 0.64, 0.06, 0.02],
}
RATING_CELLS = {
    "Sangat Baik": [(("Di atas ekspektasi", "Di atas ekspektasi"), 1.0)],
    "Baik": [
        (("Di atas ekspektasi", "Sesuai ekspektasi"), 0.2),
        (("Sesuai ekspektasi", "Di atas ekspektasi"), 0.2),
        (("Sesuai ekspektasi", "Sesuai ekspektasi"), 0.6),
    ],
    "Butuh Perbaikan": [
        (("Di bawah ekspektasi", "Di atas ekspektasi"), 0.2),
        (("Di bawah ekspektasi", "Sesuai ekspektasi"), 0.8),
    ],
    "Kurang/Misconduct": [
        (("Di atas ekspektasi", "Di bawah ekspektasi"), 0.2),
        (("Sesuai ekspektasi", "Di bawah ekspektasi"), 0.8),
    ],
    "Sangat Kurang": [(("Di bawah ekspektasi", "Di bawah ekspektasi"), 1.0)],
}


def enforce_org_curve(pred: np.ndarray, org: str, rng: np.random.Generator) -> np.ndarray:
    """Move the fewest employees needed so an agency's predicates respect its organisation predicate's rule."""
    pred = pred.copy()
    n = len(pred)

    def move(src: str, dst: str, k: int) -> None:
        idx = np.flatnonzero(pred == src)
        if k > 0 and len(idx):
            pred[rng.choice(idx, size=min(k, len(idx)), replace=False)] = dst

    if org == "Istimewa":
        move("Sangat Baik", "Baik", int((pred == "Sangat Baik").sum() - np.floor(0.7 * n)))
    elif org == "Baik":
        move("Baik", "Sangat Baik", int((pred == "Baik").sum() - np.floor(0.7 * n)))
        if not np.isin(pred, ["Butuh Perbaikan", "Kurang/Misconduct"]).any():
            move("Baik", "Butuh Perbaikan", 1)
    elif org == "Butuh Perbaikan":
        move("Sangat Baik", "Baik", int((pred == "Sangat Baik").sum() - np.floor(0.1 * n)))
        move("Baik", "Butuh Perbaikan", int(np.ceil(0.6 * n) - (pred == "Butuh Perbaikan").sum()))
    return pred


# ---------------------------------------------------------------------------------------------- truth
def _att_truth(panel: pd.DataFrame, value: str, time: str, cohort_sizes: dict) -> dict:
    """True ATT(g,t) (mean effect over the cohort's units), the event-time and 'simple' aggregations."""
    treated = panel[panel["cohort"].notna() & (panel["event_time"] >= 0)]
    att_gt = treated.groupby(["cohort", time])[value].mean()
    out = {"att_gt": {f"{g}|{t}": round(float(v), 6) for (g, t), v in att_gt.items()}}
    by_e = treated.groupby("event_time")[value].mean()
    out["event_study"] = {str(int(e)): round(float(v), 6) for e, v in by_e.items()}
    # 'simple' aggregation of Callaway & Sant'Anna: post cells weighted by cohort size
    w = att_gt.index.get_level_values(0).map(cohort_sizes).to_numpy(float)
    out["overall"] = round(float(np.sum(w * att_gt.to_numpy()) / w.sum()), 6)
    out["by_cohort"] = {g: round(float(v), 6) for g, v in treated.groupby("cohort")[value].mean().items()}
    return out


#: What the demo makes go wrong in its last months, for the monitoring report to find (truth.json
#: ``monitoring.planted``). Drawn with a random stream of its own after everything else, so only the chosen
#: units' rows change. The shocks hit both potential outcomes alike (a unit slows down whether or not it is in
#: the programme), so the true programme effects stay as they were.
DETERIORATION = {
    # three service units whose median wait rises over the last four months, by this share of their unit
    # type's standard (a kelurahan by 7.5 .. 18 minutes, a Puskesmas by 15 .. 36)
    "wait_getting_worse": {"units": 3, "rise": (0.25, 0.40, 0.50, 0.60)},
    # one Puskesmas whose walk-out rate climbs from 2% over the last four months
    "walkouts_rising": {"units": 1, "rate": (0.06, 0.10, 0.15, 0.20)},
    # one unit whose answers on staff behaviour collapse in the last two quarters (mean score 1.58 of 4)
    "unsur_low": {"units": 1, "unsur": "perilaku", "quarters": 2, "pmf": (0.55, 0.35, 0.07, 0.03)},
}


def _plant_deterioration(
    su: pd.DataFrame,
    visits: pd.DataFrame,
    survey: pd.DataFrame,
    panel: pd.DataFrame,
    ikm_truth: pd.DataFrame,
    rng: np.random.Generator,
    exclude: list[str],
) -> tuple[pd.DataFrame, pd.DataFrame, list[dict]]:
    """Make a few units deteriorate (:data:`DETERIORATION`); changes ``panel`` and ``ikm_truth`` in place so the
    truth panel says the same, returns the new visits and survey and what was planted."""
    ms = months()
    planted: list[dict] = []
    candidates = su[su["cohort"].notna() & ~su["unit_id"].isin(exclude)]
    spec = DETERIORATION["wait_getting_worse"]
    slow = candidates.sample(spec["units"], random_state=rng)["unit_id"].tolist()
    last = ms[-len(spec["rise"]) :]
    arrived_month = visits["arrived_at"].dt.to_period("M")
    visits = visits.copy()
    standards = reference.table("unit_types").set_index("unit_type")["standard_minutes"]
    for unit in slow:
        standard = float(standards[su.set_index("unit_id").at[unit, "unit_type"]])
        for month, rise in zip(last, spec["rise"], strict=True):
            rows = (visits["unit_id"] == unit) & (arrived_month == month)
            cell = (panel["unit_id"] == unit) & (panel["month"] == str(month))
            expected = float(panel.loc[cell, "median_wait_expected"].iloc[0])
            # every wait stretched by one factor: the month's median rises by rise x standard minutes
            factor = 1 + rise * standard / expected
            wait = visits.loc[rows, "served_at"] - visits.loc[rows, "arrived_at"]
            extra = (wait * (factor - 1)).dt.round("s")
            visits.loc[rows, "served_at"] += extra
            visits.loc[rows, "completed_at"] += extra
            panel.loc[cell, "median_wait_expected"] += rise * standard
            panel.loc[cell, "median_wait_untreated"] += rise * standard
        planted.append(
            {
                "unit_id": unit,
                "reason": "wait_getting_worse",
                "from": str(last[0]),
                "detail": "median wait up by "
                + ", ".join(f"{r * standard:.1f}" for r in spec["rise"])
                + " minutes in the last months",
            }
        )
    spec = DETERIORATION["walkouts_rising"]
    pool = su[(su["unit_type"] == "puskesmas") & ~su["unit_id"].isin([*exclude, *slow])]
    for unit in pool.sample(spec["units"], random_state=rng)["unit_id"]:
        last = ms[-len(spec["rate"]) :]
        for month, rate in zip(last, spec["rate"], strict=True):
            rows = (visits["unit_id"] == unit) & (arrived_month == month) & visits["served_at"].notna()
            # served visits that become walk-outs, so that about `rate` of all arrivals walk out
            leave = rows & (rng.random(len(visits)) < (rate - 0.02) / 0.98)
            visits.loc[leave, ["served_at", "completed_at"]] = pd.NaT
        planted.append(
            {
                "unit_id": unit,
                "reason": "walkouts_rising",
                "from": str(last[0]),
                "detail": f"walk-outs {', '.join(f'{r:.0%}' for r in spec['rate'])} in the last months",
            }
        )
    spec = DETERIORATION["unsur_low"]
    quarters = pd.PeriodIndex(survey["surveyed_on"], freq="Q")
    recent = pd.PeriodIndex([quarters.max() - k for k in range(spec["quarters"])])
    answered = survey[quarters.isin(recent)].groupby("unit_id").size()
    chosen = [*exclude, *slow, *(p["unit_id"] for p in planted)]
    well_surveyed = answered[(answered >= 40) & ~answered.index.isin(chosen)].index
    survey = survey.copy()
    for unit in rng.choice(sorted(well_surveyed), spec["units"], replace=False):
        rows = (
            (survey["unit_id"] == unit).to_numpy()
            & quarters.isin(recent)
            & survey[spec["unsur"]].notna().to_numpy()
        )
        draws = rng.choice([1, 2, 3, 4], rows.sum(), p=spec["pmf"])
        survey.loc[rows, spec["unsur"]] = draws
        collapsed = float(np.dot([1, 2, 3, 4], spec["pmf"]))
        cells = (ikm_truth["unit_id"] == unit) & ikm_truth["quarter"].isin(recent.astype(str))
        base = ikm_truth.loc[cells, "ikm_untreated"] / 25 - np.mean(list(UNSUR_SHIFT.values()))
        # the unsur's true mean was base + its shift; now `collapsed`: IKM falls by a ninth of the difference
        drop = (base + UNSUR_SHIFT[spec["unsur"]] - collapsed) * 25 / len(UNSUR_SHIFT)
        ikm_truth.loc[cells, "ikm_untreated"] -= drop
        ikm_truth.loc[cells, "unsur_collapsed"] = collapsed
        planted.append(
            {
                "unit_id": str(unit),
                "reason": "unsur_low",
                "from": str(min(recent).start_time.date())[:7],
                "detail": f"{spec['unsur']} answers fall to a mean of {collapsed:.2f} of 4",
            }
        )
    return visits, survey, planted


def _true_status(su: pd.DataFrame, panel: pd.DataFrame, ikm_truth: pd.DataFrame, planted: list[dict]) -> dict:
    """Each service unit's true reasons for attention over the monitoring window (the last 24 months, the last
    4 quarters): the planted ones, and those a unit has by its level: a true median wait above the standard in
    every month (``misses_standard``), a true IKM below Baik (``ikm_low``), a true weakest unsur below Kurang
    Baik (``unsur_low``). The monitoring report can be checked against it unit by unit."""
    bands = reference.table("ikm_bands").set_index("mutu")["lower"]
    standards = reference.table("unit_types").set_index("unit_type")["standard_minutes"]
    window = panel[panel["month"] >= str(months()[-24])]
    worst = window.groupby("unit_id")["median_wait_expected"].min()
    recent = ikm_truth[ikm_truth["qperiod"] > ikm_truth["qperiod"].max() - 4]
    true = (recent["ikm_untreated"] + recent["ikm_effect_points"]).groupby(recent["unit_id"]).mean()
    lowest_shift = min(UNSUR_SHIFT.values())
    base = (recent["ikm_untreated"] + recent["ikm_effect_points"]) / 25 - np.mean(list(UNSUR_SHIFT.values()))
    weakest = (base + lowest_shift).groupby(recent["unit_id"]).mean()
    if "unsur_collapsed" in recent:  # the collapsed unsur over the 4 quarters: 2 of them collapsed
        collapsed = recent.dropna(subset=["unsur_collapsed"])
        for unit, rows in collapsed.groupby("unit_id"):
            score = (
                base[recent["unit_id"] == unit] + UNSUR_SHIFT[DETERIORATION["unsur_low"]["unsur"]]
            ).copy()
            score[rows.index] = rows["unsur_collapsed"]
            weakest[unit] = min(weakest[unit], score.mean())
    status: dict[str, list[str]] = {}
    for _, unit in su.iterrows():
        u = unit["unit_id"]
        reasons = [p["reason"] for p in planted if p["unit_id"] == u]
        if worst.get(u, 0) > standards[unit["unit_type"]]:
            reasons.append("misses_standard")
        if true.get(u, 100) < bands["B"]:
            reasons.append("ikm_low")
        if weakest.get(u, 4) * 25 < bands["C"] and "unsur_low" not in reasons:
            reasons.append("unsur_low")
        status[u] = sorted(reasons)
    return status


def generate(city: str, seed: int = 2024, volume_scale: float | None = None) -> DemoCity:
    """All tables and the truth for one city, deterministic in (city, seed, volume_scale)."""
    scale = DEFAULT_VOLUME_SCALE if volume_scale is None else volume_scale
    rng = np.random.default_rng([seed, _index(city)])
    units = _units(city)
    su = _service_units(units, rng)
    su["cohort"] = _assign_cohorts(su, city, rng)
    wait_effects = {g: float(rng.uniform(0.10, 0.20)) for g in COHORTS[_template(city)]}
    ikm_effects = {g: float(rng.uniform(2.0, 5.0)) for g in COHORTS[_template(city)]}
    imperfection, described = IMPERFECTIONS[_template(city)]
    panel = _wait_panel(
        su, wait_effects, rng, trend=imperfection.trend, anticipation=imperfection.anticipation
    )
    visits = _visits(su, panel, scale, rng)
    late_units: list[str] = []
    if imperfection.late_log:  # dropped after drawing, so every other table keeps its random numbers
        slow = su[su["cohort"].notna()].nlargest(imperfection.late_log, "wait_level")
        late_units = sorted(slow["unit_id"])
        start = visits["unit_id"].map(dict(zip(slow["unit_id"], pd.to_datetime(slow["cohort"]), strict=True)))
        visits = visits[~(start.notna() & (visits["arrived_at"] < start))].reset_index(drop=True)
    survey, ikm_truth = _survey(su, ikm_effects, rng)
    # what deteriorates, on a random stream of its own so that no other row changes
    visits, survey, planted = _plant_deterioration(
        su,
        visits,
        survey,
        panel,
        ikm_truth,
        np.random.default_rng([seed, _index(city), 14]),
        late_units,
    )
    rollout = pd.DataFrame(
        {
            "unit_id": su["unit_id"],
            "programme_start": su["cohort"].fillna(""),
            "cost_idr": np.where(su["cohort"].notna(), np.round(rng.uniform(40, 120, len(su))) * 1e6, np.nan),
        }
    )
    staff = _staff(units, int(_sizes(city)["n_staff"]), rng)
    n_prof = CITY_PROFILES[_template(city)]
    assessments, profile = _assessments(staff, n_prof, rng)
    starts = dict(zip(su["unit_id"], su["cohort"], strict=True))
    starts = {u: s for u, s in starts.items() if not pd.isna(s)}
    trainings = _trainings(staff, profile, starts, rng)
    # re-assessments of half the staff with a known learning effect per programme mode, on a stream of its own
    second, learning_truth = learning.reassess(
        assessments, trainings, np.random.default_rng([seed, _index(city), 16])
    )
    assessments = pd.concat([assessments, second], ignore_index=True)
    # SKP 2020-2025 with a small true training effect and an Ashenfelter dip, on a stream of its own
    lookup = reference.skp_predicate_lookup()
    performance, org, skp_truth = skp_history.history(
        staff,
        staff["unit_id"].map(units.set_index("unit_id")["agency"]).to_numpy(),
        profile,
        trainings,
        np.random.default_rng([seed, _index(city), 17]),
        enforce_org_curve=enforce_org_curve,
        predicate_of=lambda r, b: lookup[(r, b)],
        rating_cells=RATING_CELLS,
    )

    cohort_sizes = su.groupby("cohort").size().to_dict()
    panel["cohort"] = panel["cohort"].astype(object)
    ikm_truth = ikm_truth.rename(columns={"event_time_q": "event_time"})
    truth = {
        "city": city,
        "design_from": _template(city),  # a seed city's waves, imperfection and staff profiles
        "generator": DEMO_VERSION,
        "imperfection": {
            "description": described,
            "scenario": {
                k: v for k, v in asdict(imperfection).items() if k in ("trend", "anticipation", "late_log")
            },
            "late_log_units": late_units,
            "first_wave": min(COHORTS[_template(city)]),
            "expected_report": EXPECTED_REPORT[_template(city)],
        },
        "seed": seed,
        "volume_scale": scale,
        "months": [str(months()[0]), str(months()[-1])],
        "cohorts": {
            g: sorted(su.loc[su["cohort"] == g, "unit_id"].tolist()) for g in COHORTS[_template(city)]
        },
        "never_treated": sorted(su.loc[su["cohort"].isna(), "unit_id"].tolist()),
        "selection": "early adopters have shorter waits and higher IKM before the programme",
        "effects": {
            "median_wait_minutes": {
                "unit": "minutes",
                "period": "month",
                "effect_pct_by_cohort": wait_effects,
                "type_multiplier": {k: v[4] for k, v in SERVICE.items()},
                "ramp_by_event_month": {"0": 0.4, "1": 0.7, "2+": 1.0},
                **_att_truth(panel, "wait_effect_minutes", "month", cohort_sizes),
            },
            "ikm": {
                "unit": "IKM points (25-100)",
                "period": "quarter",
                "points_by_cohort": ikm_effects,
                "ramp_by_event_quarter": {"0": 0.5, "1+": 1.0},
                **_att_truth(ikm_truth, "ikm_effect_points", "quarter", cohort_sizes),
            },
        },
        "staff_profiles": {
            "names": list(PROFILES)[:n_prof],
            "shortfall_competencies": {n: PROFILES[n] for n in list(PROFILES)[:n_prof]},
            "note": "membership[i] is the profile of row i of staff.csv at the first assessment; -1 = not "
            "assessed; staff whose standard is level 1 cannot fall short and are generated as 'meets standard'. "
            "reassessed[i]: assessed again in 2025 (training_effects), so their latest levels may have moved "
            "away from the profile by learning or retest drift: compare groups with the truth on the others",
            "membership": profile.tolist(),
            "reassessed": staff["nip"].isin(second["nip"]).tolist(),
        },
        "training_effects": learning_truth,
        "skp_effects": skp_truth,
        "org_predicates": org,
        "monitoring": {
            "planted": planted,
            "true_status": _true_status(su, panel, ikm_truth, planted),
            "definitions": "true_status: per service unit the reasons it truly has over the last 24 months "
            "and 4 quarters: planted deterioration, a true median wait above the standard in every month "
            "(misses_standard), a true IKM below Baik (ikm_low), a true weakest unsur below Kurang Baik "
            "(unsur_low); [] = a unit that needs no attention",
        },
    }
    panel["quarter"] = pd.PeriodIndex(panel["month"], freq="M").asfreq("Q").astype(str)
    truth_panel = panel.merge(
        ikm_truth[["unit_id", "quarter", "ikm_untreated", "ikm_effect_points"]],
        on=["unit_id", "quarter"],
        how="left",
    )
    staff_out = staff[["nip", "nama", "unit_id", "position_class", "grade", "education", "asn_type"]]
    return DemoCity(
        tables={
            "units": units,
            "rollout": rollout,
            "staff": staff_out,
            "competency_assessments": assessments,
            "trainings": trainings,
            "performance": performance,
            "satisfaction_responses": survey,
        },
        visits=visits,
        truth=truth,
        truth_panel=truth_panel,
    )


def write_city(city: str, out: Path, seed: int = 2024, volume_scale: float | None = None) -> str:
    """Write one city's demo data as CSV (+ the visit log as Parquet), truth.json and truth_panel.parquet."""
    demo = generate(city, seed, volume_scale)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    for name, df in demo.tables.items():
        df.to_csv(out / f"{name}.csv", index=False, lineterminator="\n")
    demo.visits.to_parquet(out / "service_visits.parquet", index=False, compression="zstd")
    demo.truth_panel.to_parquet(out / "truth_panel.parquet", index=False)
    (out / "truth.json").write_text(json.dumps(demo.truth, indent=1, sort_keys=True, default=str) + "\n")
    return (
        f"{len(demo.tables['units'])} units, {len(demo.tables['staff']):,} staff, {len(demo.visits):,} visits, "
        f"{len(demo.tables['satisfaction_responses']):,} SKM responses"
    )
