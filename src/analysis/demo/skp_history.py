"""Demo SKP history 2020-2025 with a known small training effect and an Ashenfelter dip (issue 16's truth for
"did training change performance?").

Each person's *results* (hasil kerja) rating comes from a latent score: the agency's level (by its organisation
predicate), a lasting personal level (lower for staff with competency shortfalls) and a fresh shock every year,
cut at fixed points into below / meets / above expectation. The *behaviour* (perilaku kerja) rating has its own
latent score made the same way. The predicate follows the PermenPAN-RB 6/2022 matrix, and the fewest predicates
needed are then moved so each agency respects its organisation predicate's curve (as :func:`synth._performance`
did for 2024-2025 before).

Training (the trainings table, drawn before) enters twice:

- **the Ashenfelter dip**: staff whose first programme is in year g had a bad results year g-1 (their shock that
  year is DIP lower). Drawing the bad year for the staff the trainings table sends is the same as a supervisor
  sending staff after a bad year; the next year they recover anyway, trained or not;
- **a small true effect** on results from year g on (EFFECT on the latent score); none on behaviour (the
  outcome the estimator must not call changed).

The truth is the realised effect on the trained: their results level minus the level the same draws give
without EFFECT (same shocks, same dip, same curve moves where the curve allows), per (first-training year,
year), and averaged as :func:`analysis.methods.performance_effects.skp_effects` averages (every trained
staff-year from g on). Drawn on a random stream of its own, so every other table keeps its rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

YEARS = tuple(range(2020, 2026))
#: the results latent's pieces (standard deviations) and the cut points of below / above expectation
PERSON_SD, SHOCK_SD, CUT_LOW, CUT_HIGH = 0.6, 0.6, -0.6, 0.6
#: how much lower the results shock is in the year before a person's first programme (the bad year)
DIP = 0.9
#: the true effect of training on the results latent from the first programme's year on (behaviour: none)
EFFECT = 0.2
#: the agency's level on the results and behaviour latents by organisation predicate
ORG_LEVEL = {"Istimewa": (0.7, 0.6), "Baik": (0.0, 0.2), "Butuh Perbaikan": (-1.6, 0.3)}
#: lasting personal level of staff with competency shortfalls (profile > 0)
SHORT_SHIFT = -0.3
RATINGS = ("Di bawah ekspektasi", "Sesuai ekspektasi", "Di atas ekspektasi")


def _rate(latent: np.ndarray, low: float = CUT_LOW, high: float = CUT_HIGH) -> np.ndarray:
    return np.where(latent < low, 0, np.where(latent > high, 2, 1))


def history(
    staff: pd.DataFrame,
    agency: np.ndarray,
    profile: np.ndarray,
    trainings: pd.DataFrame,
    rng: np.random.Generator,
    *,
    enforce_org_curve,
    predicate_of,
    rating_cells: dict,
) -> tuple[pd.DataFrame, dict, dict]:
    """(performance rows 2020-2025 with ``nip``, the organisation predicates, the truth).

    ``enforce_org_curve``, ``predicate_of`` ((results, behaviour) -> predicate) and ``rating_cells`` come from
    the caller so this module stays free of the synth module's tables."""
    n, years = len(staff), np.array(YEARS)
    agencies = sorted(set(agency))
    org = {a: str(rng.choice(list(ORG_LEVEL), p=[0.15, 0.75, 0.10])) for a in agencies}
    res_level = np.array([ORG_LEVEL[org[a]][0] for a in agency])
    beh_level = np.array([ORG_LEVEL[org[a]][1] for a in agency])
    short = np.asarray(profile) > 0
    person = rng.normal(SHORT_SHIFT * short, PERSON_SD, n)
    shock = rng.normal(0.0, SHOCK_SD, (n, len(years)))
    beh_person = rng.normal(0.0, 0.5, n)
    beh_shock = rng.normal(0.0, 0.5, (n, len(years)))
    first = pd.to_datetime(trainings["start"]).dt.year.groupby(trainings["nip"]).min()
    cohort = staff["nip"].map(first).fillna(0).astype(int).to_numpy()
    dip_at = (years[None, :] == cohort[:, None] - 1) & (cohort[:, None] > 0)
    shock = shock - DIP * dip_at
    treated = (cohort[:, None] > 0) & (years[None, :] >= cohort[:, None])
    base = res_level[:, None] + person[:, None] + shock
    behaviour = _rate(beh_level[:, None] + beh_person[:, None] + beh_shock, -1.0, 0.8)
    curve_seed = int(rng.integers(2**31))
    pot_draw = rng.random((n, len(years)))

    moved = [0]

    def world(effect: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        results = _rate(base + effect * treated)
        res, beh = results.copy(), behaviour.copy()
        pred = np.empty(results.shape, dtype=object)
        for j in range(len(years)):
            for k, a in enumerate(agencies):
                m = np.flatnonzero(agency == a)
                before = np.array(
                    [predicate_of(RATINGS[r], RATINGS[b]) for r, b in zip(res[m, j], beh[m, j], strict=True)],
                    dtype=object,
                )
                moves = np.random.default_rng([curve_seed, j, k])
                after = enforce_org_curve(before, org[a], moves)
                pred[m, j] = after
                moved[0] += int((after != before).sum())
                for i in np.flatnonzero(after != before):
                    cells = rating_cells[after[i]]
                    (r, b), _ = cells[int(moves.choice(len(cells), p=[c[1] for c in cells]))]
                    res[m[i], j], beh[m[i], j] = RATINGS.index(r), RATINGS.index(b)
        return res, beh, pred

    res, beh, pred = world(EFFECT)
    res0, _, _ = world(0.0)
    pot = np.where(
        short[:, None],
        np.select([pot_draw < 0.15, pot_draw < 0.70], ["Tinggi", "Menengah"], "Rendah"),
        np.select([pot_draw < 0.35, pot_draw < 0.85], ["Rendah", "Menengah"], "Tinggi"),
    )
    perf = pd.DataFrame(
        {
            "nip": np.repeat(staff["nip"].to_numpy(), len(years)),
            "period": np.tile(years, n),
            "results_rating": np.array(RATINGS, dtype=object)[res.ravel()],
            "behaviour_rating": np.array(RATINGS, dtype=object)[beh.ravel()],
            "predicate": pred.ravel(),
            "potential": pot.ravel(),
        }
    )
    gain = (res - res0)[treated]
    cells = pd.DataFrame(
        {
            "cohort": np.broadcast_to(cohort[:, None], treated.shape)[treated],
            "year": np.broadcast_to(years[None, :], treated.shape)[treated],
            "gain": gain,
        }
    )
    cells["event"] = cells["year"] - cells["cohort"]
    truth = {
        "years": list(YEARS),
        "first_training_year": {
            str(g): int(c) for g, c in zip(*np.unique(cohort, return_counts=True), strict=True)
        },
        "latent": {
            "person_sd": PERSON_SD,
            "shock_sd": SHOCK_SD,
            "cuts": [CUT_LOW, CUT_HIGH],
            "dip_before_first_training": DIP,
            "effect_on_results_latent": EFFECT,
            "effect_on_behaviour": 0.0,
        },
        "att_results_levels": float(gain.mean()),
        "att_results_levels_by_event": {
            str(int(e)): float(v) for e, v in cells.groupby("event")["gain"].mean().items()
        },
        "att_results_levels_by_cohort_year": {
            f"{g}:{t}": float(v) for (g, t), v in cells.groupby(["cohort", "year"])["gain"].mean().items()
        },
        "att_behaviour_levels": 0.0,
        "moved_by_org_curve_share": moved[0] / (2 * treated.size),
        "note": "results rating as a level (1 below, 2 meets, 3 above expectation; the differences are the same); first_training_year '0' = never "
        "trained in the trainings table. Staff first trained in year g had a results shock DIP lower in g-1 (the "
        "Ashenfelter dip: chosen after a bad year); training raises the results latent by EFFECT from g on and "
        "does nothing to behaviour. att_results_levels: the realised effect on the trained, every trained "
        "staff-year from g on (results level with minus without the effect, same draws), the estimand of "
        "analysis.methods.performance_effects.skp_effects",
    }
    return perf, org, truth
