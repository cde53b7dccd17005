"""Competency gaps and the staff groups they form.

Gap per staff and competency = assessed - required level (PermenPAN-RB 38/2017; required levels by position
class in data/reference/required_levels.csv, configurable); the clustering feature is the shortfall
max(required - assessed, 0), never the raw assessed level, which would sort people by job tier instead of by
need. JPM/IKK and their categories follow BKN/BKD assessment practice (data/reference/jpm_categories.csv).

Groups come from k-means on the shortfall vectors (identical rows collapsed with weights, several
initialisations, a fixed seed). k is chosen by the gap statistic with the 1-SE rule (Tibshirani, Walther &
Hastie 2001) and each group's stability is judged on its own, as Hennig's clusterboot does (Hennig 2007; the
fpc package's documentation gives the bands): the group's mean bootstrap Jaccard similarity to its best match
>= 0.85 highly stable, >= 0.75 stable, >= 0.60 a pattern (real structure, uncertain membership), below 0.60
not to be trusted. The grouping as a whole is called stable when every group is at least stable. The mean
bootstrap ARI is kept for information only: it is not clusterboot's criterion. When the gap statistic prefers
one group, the result says there is no cluster structure instead of inventing groups.

Staff not assessed on every competency are grouped on what they have: k-means runs on the complete rows, and
each incomplete row joins the nearest group centre over its assessed competencies (the partial distance of
Hathaway & Bezdek 2001); when fewer than half the staff are complete (competencies assessed by position), the
fit uses every row with a missing shortfall set to its competency's mean. Either way they are counted
(``n_incomplete``), never dropped. The latent class model
(:mod:`analysis.methods.latent_class`) is the alternative for integer levels, with a membership probability
per person.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from analysis.data import reference

JACCARD_GATE = 0.75
#: clusterboot's reading of a group's mean bootstrap Jaccard (Hennig 2007; fpc::clusterboot's documentation).
JACCARD_BANDS = ((0.85, "highly_stable"), (0.75, "stable"), (0.60, "pattern"), (0.0, "not_trusted"))
#: A competency counts in a group's name when its mean shortfall is at least this (levels).
NAME_THRESHOLD = 0.5
#: Gap-statistic reference sets and the subsample used for selection on very large inputs.
N_REFERENCE = 10
SELECTION_SAMPLE = 20_000


# ---------------------------------------------------------------------------------------------- gaps
def required_levels(table: pd.DataFrame | None = None) -> pd.DataFrame:
    """position_class x competency required level (data/reference/required_levels.csv unless given)."""
    t = reference.table("required_levels") if table is None else table
    return t.pivot(index="position_class", columns="competency", values="level_required")


def gap_matrix(
    assessments: pd.DataFrame,
    staff: pd.DataFrame | None = None,
    required: pd.DataFrame | None = None,
    use_recorded: bool = False,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Per staff (rows) and competency (columns): (gap, assessed, required), from each staff's latest assessment.

    Required levels come from the reference table by the staff's position class; ``use_recorded=True`` uses
    the ``level_required`` recorded with each assessment instead (an instansi's own standard). Columns: the
    national competencies in their order, then an instansi's own competencies (any other name, e.g. a technical
    one) sorted, whose required level is always the recorded one (the national table has none).
    """
    a = assessments.sort_values("assessed_on").drop_duplicates(["staff_id", "competency"], keep="last")
    assessed = a.pivot(index="staff_id", columns="competency", values="level_assessed").astype(float)
    national = [c for c in reference.competencies() if c in assessed.columns]
    comps = national + sorted(c for c in assessed.columns if c not in national)
    recorded = a.pivot(index="staff_id", columns="competency", values="level_required").astype(float)
    if use_recorded or staff is None:
        req = recorded[comps]
    else:
        levels = required_levels(required)
        pos = staff.set_index("staff_id")["position_class"].reindex(assessed.index)
        req = levels.reindex(pos.to_numpy()).set_axis(assessed.index).astype(float).reindex(columns=comps)
        own = comps[len(national) :]
        req[own] = recorded[own]  # an instansi's own competency has no national standard: its recorded level
    assessed = assessed[comps]
    return assessed - req, assessed, req


REQUIRED_SOURCES = ("reference", "recorded")


def shortfall(gaps: pd.DataFrame) -> pd.DataFrame:
    """max(required - assessed, 0): how many levels short, zero where the standard is met or exceeded."""
    return (-gaps).clip(lower=0)


def jpm(assessed: pd.DataFrame, required: pd.DataFrame) -> pd.DataFrame:
    """Job Person Match per staff: JPM = min(100, 100 sum(assessed) / sum(required)), IKK = 100 - JPM, and the
    pemetaan (O/CO/KO) and pengisian (MS/MMS/KMS) categories."""
    value = (100 * assessed.sum(axis=1) / required.sum(axis=1)).clip(upper=100)
    out = pd.DataFrame({"jpm": value, "ikk": 100 - value})
    cats = reference.table("jpm_categories")
    for kind in ("pemetaan", "pengisian"):
        c = cats[cats["assessment_type"] == kind].sort_values("lower", ascending=False)
        out[kind] = np.select([value >= lo for lo in c["lower"]], c["code"].tolist(), default=None)
    return out


# ---------------------------------------------------------------------------------------------- clustering
@dataclass
class GapClusters:
    """Staff groups from :func:`cluster_gaps`: ``labels`` (group per staff), mean shortfall ``profiles`` per
    group (with ``size``), ``names`` (a :class:`GroupLabel` of competency codes each; the report words them), the
    ``selection`` table (gap statistic per k), ``stability`` (``mean_ari``, per-group ``jaccard`` and ``band``)
    and whether the groups pass the gates (``stable``)."""

    k: int
    labels: pd.Series
    profiles: pd.DataFrame
    names: dict[int, GroupLabel]
    selection: pd.DataFrame
    stability: dict
    stable: bool
    centers: np.ndarray = field(repr=False, default=None)
    message: str = ""
    n_incomplete: int = 0  # staff grouped on part of their competencies (not assessed on all)

    def named_labels(self) -> pd.Series:
        return self.labels.map(self.names)

    def tidy(self) -> pd.DataFrame:
        """One row per group: ``group``, ``name``, ``size``, ``jaccard`` and ``band`` (NaN when not assessed).
        Sizes are exact: publish through :func:`analysis.report.training_needs.publish`, which hides small
        counts."""
        jaccard = self.stability.get("jaccard", pd.Series(dtype=float))
        band = self.stability.get("band", pd.Series(dtype=object))
        groups = list(self.profiles.index)
        return pd.DataFrame(
            {
                "group": groups,
                "name": [self.names.get(g) for g in groups],
                "size": self.profiles["size"].to_numpy() if "size" in self.profiles else np.nan,
                "jaccard": [jaccard.get(g, np.nan) for g in groups],
                "band": [band.get(g) for g in groups],
            }
        )


def collapse_rows(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Unique rows, their counts, and the row -> unique index (ratings are integers: most rows repeat).

    Rows of small non-negative integers (shortfalls) are packed into one int64 key, first column most
    significant, so the 1-D unique keeps np.unique(axis=0)'s row order at a fraction of its cost (4.3 M rows:
    ~0.5 s instead of ~18 s); anything else takes the general path.
    """
    if x.size and np.all(x >= 0) and np.array_equal(x, np.rint(x)):
        base = int(x.max()) + 1
        if x.shape[1] * np.log2(max(base, 2)) < 62:
            weights = base ** np.arange(x.shape[1] - 1, -1, -1, dtype=np.int64)
            keys = x.astype(np.int64) @ weights
            _, first, inverse, counts = np.unique(
                keys, return_index=True, return_inverse=True, return_counts=True
            )
            return x[first], counts.astype(float), inverse.ravel()
    uniq, inverse, counts = np.unique(x, axis=0, return_inverse=True, return_counts=True)
    return uniq, counts.astype(float), inverse.ravel()


def _kmeans(x: np.ndarray, w: np.ndarray, k: int, seed: int, n_init: int = 10):
    from sklearn.cluster import KMeans  # here, not at import: io (ingestion) imports this module

    return KMeans(n_clusters=k, n_init=n_init, random_state=seed).fit(x, sample_weight=w)


def _log_w(x: np.ndarray, w: np.ndarray, k: int, seed: int) -> float:
    if k == 1:
        center = np.average(x, axis=0, weights=w)
        return float(np.log(np.sum(w * ((x - center) ** 2).sum(axis=1)) + 1e-12))
    return float(np.log(_kmeans(x, w, k, seed).inertia_ + 1e-12))


def gap_statistic(x: np.ndarray, ks: list[int], seed: int = 0, n_ref: int = N_REFERENCE) -> pd.DataFrame:
    """Gap(k) = E*[log W_k] - log W_k, with reference sets that permute each competency independently.

    The permutation reference keeps every competency's distribution (ratings bunch at the top) and removes
    only the joint structure, so 'groups' that merely reflect skewed marginals do not beat it.
    """
    rng = np.random.default_rng(seed)
    uniq, w, _ = collapse_rows(x)
    refs = []
    for _ in range(n_ref):
        r = np.column_stack([rng.permutation(x[:, j]) for j in range(x.shape[1])])
        refs.append(collapse_rows(r)[:2])
    rows = []
    for k in ks:
        lw = _log_w(uniq, w, min(k, len(uniq)), seed)
        ref = np.array([_log_w(u, rw, min(k, len(u)), seed) for u, rw in refs])
        rows.append(
            {"k": k, "log_w": lw, "gap": ref.mean() - lw, "gap_se": ref.std() * np.sqrt(1 + 1 / n_ref)}
        )
    return pd.DataFrame(rows)


def _silhouettes(x: np.ndarray, ks: list[int], seed: int, sample: int = 3000) -> list[float]:
    """Mean silhouette per k on a subsample, shown for information only: it does not choose k (on bunched
    integer ratings it rewards splitting off small exact-duplicate groups)."""
    from sklearn.metrics import pairwise_distances

    rng = np.random.default_rng(seed)
    xs = x[rng.choice(len(x), min(sample, len(x)), replace=False)]
    uniq, w, _ = collapse_rows(xs)
    distances = pairwise_distances(uniq)
    out = []
    for k in ks:
        if k < 2 or k >= len(uniq):
            out.append(np.nan)
            continue
        labels = _kmeans(uniq, w, k, seed).labels_
        out.append(weighted_silhouette(distances, w, labels) if len(set(labels)) > 1 else np.nan)
    return out


def weighted_silhouette(distances: np.ndarray, w: np.ndarray, labels: np.ndarray) -> float:
    """Mean silhouette of the data in which unique row i occurs w[i] times, from the unique rows' distances:
    equal to sklearn's ``silhouette_score`` on the expanded rows (tested), at (unique/all)^2 of its cost.

    A copy of row i is at distance 0 from the others, so a(i) = sum_j w_j d_ij / (n_A - 1) over i's cluster A,
    b(i) = min over other clusters B of sum_j w_j d_ij / n_B; s(i) = 0 in a cluster of one.
    """
    clusters, lab = np.unique(labels, return_inverse=True)
    onehot = np.eye(len(clusters))[lab] * w[:, None]
    sums = distances @ onehot  # row i, cluster c: sum of w_j d_ij over j in c
    size = onehot.sum(axis=0)
    own = size[lab]
    a = np.where(own > 1, sums[np.arange(len(lab)), lab] / np.maximum(own - 1, 1), 0.0)
    other = sums / size
    other[np.arange(len(lab)), lab] = np.inf
    b = other.min(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        s = np.where(own > 1, (b - a) / np.maximum(a, b), 0.0)
    return float(np.sum(w * np.nan_to_num(s)) / w.sum())


def one_se_rule(sel: pd.DataFrame) -> int:
    """The smallest k with Gap(k) >= Gap(k+1) - s(k+1)."""
    g = sel.set_index("k")
    ks = list(g.index)
    for k, nxt in zip(ks, ks[1:], strict=False):
        if g.at[k, "gap"] >= g.at[nxt, "gap"] - g.at[nxt, "gap_se"]:
            return int(k)
    return int(ks[-1])


def bootstrap_stability(uniq: np.ndarray, w: np.ndarray, k: int, seed: int, n_boot: int) -> dict:
    """Resample staff with replacement, refit, and compare with the full-data grouping on the resampled staff:
    mean ARI, and each cluster's mean best Jaccard (clusterboot)."""
    rng = np.random.default_rng(seed + 1)
    base = _kmeans(uniq, w, k, seed)
    ref_labels = base.labels_
    n = int(w.sum())
    p = w / w.sum()
    aris, jac = [], np.zeros((n_boot, k))
    with threadpool_limits(1):
        for b in range(n_boot):
            counts = rng.multinomial(n, p).astype(float)
            inb = counts > 0
            if inb.sum() < k:  # a tiny city's resample has fewer distinct staff than groups: it cannot
                aris.append(0.0)  # reproduce the grouping, which is the point of the check (counted as such)
                continue
            fit = _kmeans(uniq[inb], counts[inb], k, seed + 2 + b)
            new = fit.predict(uniq[inb])
            old = ref_labels[inb]
            cw = counts[inb]
            aris.append(_weighted_ari(old, new, cw))
            for c in range(k):
                in_c = old == c
                best = 0.0
                for d in range(k):
                    in_d = new == d
                    inter = cw[in_c & in_d].sum()
                    union = cw[in_c | in_d].sum()
                    best = max(best, inter / union if union else 0.0)
                jac[b, c] = best
    mean_j = jac.mean(axis=0)
    return {
        "mean_ari": float(np.mean(aris)),
        "jaccard": mean_j,
        "band": [next(label for lo, label in JACCARD_BANDS if j >= lo) for j in mean_j],
        "labels": ref_labels,
        "centers": base.cluster_centers_,
    }


def _weighted_ari(a: np.ndarray, b: np.ndarray, w: np.ndarray) -> float:
    """ARI over staff, where each unique row stands for w staff: sklearn's ``adjusted_rand_score`` on the
    expanded labels (equal to the last bit, tested), computed from the weighted contingency table in the
    same integer arithmetic, without expanding (50 bootstrap calls on Medan: 0.25 -> 0.01 s)."""
    reps = np.maximum(np.round(w).astype(np.int64), 1)
    ia, ua = pd.factorize(pd.Series(a))
    ib, ub = pd.factorize(pd.Series(b))
    cont = np.zeros((len(ua), len(ub)), dtype=np.int64)
    np.add.at(cont, (ia, ib), reps)
    n = np.int64(reps.sum())
    sum_squares = (cont**2).sum()
    tp = int(sum_squares - n)
    fp = int((cont @ cont.sum(axis=0)).sum() - sum_squares)
    fn = int((cont.T @ cont.sum(axis=1)).sum() - sum_squares)
    tn = int(n**2 - fp - fn - sum_squares)
    if fn == 0 and fp == 0:
        return 1.0
    return 2.0 * (tp * tn - fn * fp) / ((tp + fn) * (fn + tn) + (tp + fp) * (fp + tn))


@dataclass(frozen=True)
class GroupLabel:
    """What a staff group is short on, as codes; the report words it (:func:`analysis.report.i18n.group_name`:
    'kurang: Komunikasi, Pelayanan Publik' / 'shortfall: Communication, Public service').

    ``short``: the competencies with a mean shortfall of at least ``NAME_THRESHOLD`` levels, largest first (to
    half a level, then by code), at most three; empty for a group that meets the standard. ``more``: more than
    three are short. ``number``: 2, 3... when two groups would otherwise read the same."""

    short: tuple[str, ...] = ()
    more: bool = False
    number: int = 1
    #: no competency's mean shortfall reaches NAME_THRESHOLD, yet MIXED_SHARE or more of the members are short
    #: on some competency: ``short`` lists those competencies, most members short first ("some short: ...")
    mixed: bool = False


#: A group without a competency in its name "meets the standard" unless this share or more of its members fall
#: short on a competency of which it holds most of the short staff (:func:`name_profiles`): one group forced
#: on a whole city, of whom 28% fall short on something, must not read "meets the standard". Measured: one
#: group forced on a demo city: 10.3-13.2% short on its most-missed competency, holding all of them; the
#: demo's meets-standard groups: at most 2.2%; noisy test profiles: up to 8%, holding a few percent.
MIXED_SHARE = 0.075


def name_profiles(profiles: pd.DataFrame, short_counts: pd.DataFrame | None = None) -> dict[int, GroupLabel]:
    """Each group's :class:`GroupLabel`, from a fixed rule on its mean shortfall profile and, given
    ``short_counts`` (per group and competency, how many members are short on it), on who falls short: a group
    is *mixed* on a competency when MIXED_SHARE or more of its members are short on it and it holds most of
    the city's staff short on it (a group of staff who meet the standard holds only their scattered one-level
    misses, a share of a few percent; one group forced on a whole city holds all of them)."""
    names: dict[int, GroupLabel] = {}
    if short_counts is not None:
        shares = short_counts.div(profiles["size"], axis=0)
        holds = short_counts.div(short_counts.sum().replace(0, np.nan), axis=1)
    for c, row in profiles.drop(columns=["size"], errors="ignore").iterrows():
        # largest need first, at half-level resolution; ties keep the competency-code order
        short = (row[row >= NAME_THRESHOLD] * 2).round().div(2).sort_values(ascending=False, kind="stable")
        label = GroupLabel(tuple(short.index[:3]), more=len(short) > 3)
        if not len(short) and short_counts is not None:
            mixed = shares.loc[c][(shares.loc[c] >= MIXED_SHARE) & (holds.loc[c] > 0.5)]
            mixed = mixed.sort_values(ascending=False, kind="stable")
            if len(mixed):
                label = GroupLabel(tuple(mixed.index[:3]), more=len(mixed) > 3, mixed=True)
        while label in names.values():
            label = GroupLabel(label.short, label.more, label.number + 1)
        names[int(c)] = label
    return names


def _members_short(feats: pd.DataFrame, groups: pd.Series) -> pd.DataFrame:
    """Per group and competency: how many members are short on it."""
    return (feats > 0).groupby(groups).sum()


def cluster_gaps(
    gaps: pd.DataFrame,
    k: int | None = None,
    k_range: range = range(2, 11),
    seed: int = 0,
    n_boot: int = 50,
    feature: str = "shortfall",
) -> GapClusters:
    """Group staff by their competency shortfalls, choose the number of groups and judge their stability (see
    the module docstring).

    Parameters
    ----------
    gaps : pandas.DataFrame
        One row per staff and one column per competency: assessed - required level (:func:`gap_matrix`).
    k : int, optional
        A fixed number of groups; by default chosen by the gap statistic (1-SE rule) over ``k_range``.
    k_range : range
        Candidate numbers of groups.
    seed : int
        Seed of k-means, the reference draws and the bootstrap.
    n_boot : int
        Bootstrap resamples for the stability check (``0`` skips it: national-scale fits).
    feature : {"shortfall"}
        What is clustered: the shortfall max(required - assessed, 0).

    Returns
    -------
    GapClusters
        ``labels`` per staff, mean shortfall ``profiles`` per group, plain ``names``, the ``selection`` table
        (gap statistic per k), ``stability`` (mean ARI, each group's Jaccard and band) and ``stable``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> gaps = pd.DataFrame(-rng.integers(0, 2, size=(200, 3)), columns=["M.01", "M.02", "M.05"])
    >>> cluster_gaps(gaps, n_boot=10).k  # doctest: +SKIP
    """
    feats_all = shortfall(gaps) if feature == "shortfall" else gaps
    feats_all = feats_all[feats_all.notna().any(axis=1)]  # not assessed on anything: nothing to group on
    feats = feats_all.dropna()
    if len(feats) < max(10, len(feats_all) // 2):
        # most staff miss some competency (e.g. technical competencies assessed by position): fit on every row
        # with a missing shortfall set to its competency's mean (mean imputation, for the fit only)
        feats = feats_all.fillna(feats_all.mean()).fillna(0.0)
    x = feats.to_numpy(dtype=np.float64)
    uniq, w, inverse = collapse_rows(x)
    ks = sorted(set(k_range) | {1})
    if len(x) > SELECTION_SAMPLE:
        pick = np.random.default_rng(seed).choice(len(x), SELECTION_SAMPLE, replace=False)
        x_sel = x[pick]
    else:
        x_sel = x
    with threadpool_limits(1):
        selection = gap_statistic(x_sel, ks, seed)
        selection["silhouette"] = _silhouettes(x_sel, ks, seed)
    chosen = k if k is not None else one_se_rule(selection)
    chosen = min(chosen, len(uniq))
    message = ""
    if chosen == 1:
        message = (
            "no cluster structure: the gap statistic prefers a single group, so no staff groups are "
            "reported (plan training per competency instead)"
        )
    if chosen > 1 and n_boot > 0:
        stab = bootstrap_stability(uniq, w, chosen, seed, n_boot)
        stable = bool(np.all(stab["jaccard"] >= JACCARD_GATE))
    else:
        base = _kmeans(uniq, w, chosen, seed) if chosen > 1 else None
        stab = {
            "mean_ari": np.nan,
            "jaccard": np.full(chosen, np.nan),
            "band": ["not_assessed"] * chosen,
            "labels": base.labels_ if base is not None else np.zeros(len(uniq), dtype=int),
            "centers": base.cluster_centers_ if base is not None else uniq.mean(axis=0, keepdims=True),
        }
        stable = False
    if chosen > 1 and not stable and n_boot > 0:
        weak = int(np.sum(stab["jaccard"] < JACCARD_GATE))
        message = (
            f"{weak} of the {chosen} groups are below clusterboot's stable band (lowest Jaccard "
            f"{np.min(stab['jaccard']):.2f} < {JACCARD_GATE}): read those as patterns, not as fixed groups"
        )
    labels = _order_labels(stab["labels"][inverse], x)
    order_map = _order_map(stab["labels"][inverse], labels)
    label_series = pd.Series(labels, index=feats.index, name="group")
    incomplete = feats_all.index.difference(feats.index)
    if len(incomplete):  # nearest centre over the competencies each one has (partial distance)
        centres = np.asarray(stab["centers"])[order_map]
        part = feats_all.loc[incomplete].to_numpy(dtype=np.float64)
        seen = ~np.isnan(part)
        diff = np.where(seen[:, None, :], np.nan_to_num(part)[:, None, :] - centres[None, :, :], 0.0)
        scaled = (diff**2).sum(axis=2) * part.shape[1] / np.maximum(seen.sum(axis=1), 1)[:, None]
        joined = pd.Series(scaled.argmin(axis=1), index=incomplete, name="group")
        label_series = pd.concat([label_series, joined]).reindex(feats_all.index)
    profiles = feats_all.groupby(label_series).mean()
    profiles["size"] = label_series.value_counts().sort_index()
    stability = {
        "mean_ari": stab["mean_ari"],
        "jaccard": pd.Series(np.asarray(stab["jaccard"])[order_map], name="jaccard")
        if chosen > 1
        else pd.Series(dtype=float),
        "band": pd.Series(np.asarray(stab["band"])[order_map]) if chosen > 1 else pd.Series(dtype=str),
    }
    return GapClusters(
        k=int(chosen),
        labels=label_series,
        profiles=profiles,
        names=name_profiles(profiles, _members_short(feats_all, label_series)),
        selection=selection,
        stability=stability,
        stable=bool(stable and chosen > 1),
        centers=np.asarray(stab["centers"])[order_map] if chosen > 1 else stab["centers"],
        message=message,
        n_incomplete=int(feats_all.isna().any(axis=1).sum()),
    )


def _order_labels(raw: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Renumber groups by total shortfall (0 = smallest need) so that labels mean the same across runs."""
    totals = pd.Series(x.sum(axis=1)).groupby(raw).mean().sort_values(kind="stable")
    mapping = {old: new for new, old in enumerate(totals.index)}
    return np.vectorize(mapping.get)(raw)


def _order_map(raw: np.ndarray, ordered: np.ndarray) -> np.ndarray:
    """Index array such that result[new_label] = old_label."""
    pairs = pd.DataFrame({"old": raw, "new": ordered}).drop_duplicates().sort_values("new")
    return pairs["old"].to_numpy()
