"""The latent class model (analysis.methods.latent_class) against simulated truth, StepMix and data with no
classes at all. Draws are sized to each assertion and said in each test."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linear_sum_assignment
from sklearn.metrics import adjusted_rand_score

from analysis.methods import latent_class as lc


def four_profiles(overlap: float = 0.25) -> tuple[np.ndarray, np.ndarray]:
    """Four classes on nine competencies like the demo's: one meets the standard, three are short on their own
    two competencies; ``overlap`` = probability of a one-level miss elsewhere (assessment noise)."""
    j = 9
    theta = np.zeros((4, j, lc.CATEGORIES))
    theta[:, :, 0], theta[:, :, 1] = 1 - overlap / 2, overlap / 2
    for cls, comps in ((1, (2, 4)), (2, (3, 5)), (3, (6, 7))):
        theta[cls, comps, :] = [0.1, 0.45, 0.35, 0.1]
    return np.array([0.7, 0.1, 0.1, 0.1]), theta


def oracle_ari(pi, theta, x, truth) -> float:
    """The ARI of classifying by the true parameters: the best any fit can do on these draws."""
    th = theta + 1e-12
    resp, _ = lc._e_step(lc._onehot(x), np.log(pi), np.log(th / th.sum(axis=2, keepdims=True)))
    return adjusted_rand_score(truth, resp.argmax(axis=1))


def aligned(labels: np.ndarray, truth: np.ndarray) -> np.ndarray:
    """Fitted class -> true class, by the assignment that maximises agreement."""
    k = max(labels.max(), truth.max()) + 1
    table = np.zeros((k, k))
    np.add.at(table, (labels, truth), 1)
    rows, cols = linear_sum_assignment(-table)
    return dict(zip(rows, cols, strict=True))


def test_recovers_simulated_classes_and_its_probabilities_are_calibrated():
    """6,000 people from four known classes (one seed): BIC finds 4, its ARI against the truth is within 0.05 of
    the ARI of classifying with the true parameters (0.82 on these draws: the profiles overlap on purpose),
    and among people given
    probability p for their class, about p of them truly belong to it (expected calibration error < 0.03
    over ten bins; at n = 6,000 a bin's sampling error is about 0.01-0.02)."""
    pi, theta = four_profiles()
    x, truth = lc.simulate(pi, theta, 6000, np.random.default_rng(1))
    short = pd.DataFrame(np.where(x < 0, np.nan, x), columns=[f"c{i}" for i in range(9)])
    fit = lc.fit(short, seed=0, n_init=5)
    assert fit.k == 4
    labels = fit.labels.to_numpy()
    assert adjusted_rand_score(truth, labels) > oracle_ari(pi, theta, x, truth) - 0.05
    mapping = aligned(labels, truth)
    post = fit.posterior.to_numpy()
    p_max = post.max(axis=1)
    correct = np.array([mapping[c] for c in labels]) == truth
    bins = np.minimum((p_max * 10).astype(int), 9)
    ece = sum(
        abs(p_max[bins == b].mean() - correct[bins == b].mean()) * (bins == b).mean() for b in np.unique(bins)
    )
    assert ece < 0.03, ece
    assert 0 < fit.uncertain_share < 0.2  # overlapping profiles: some, not most, are uncertain
    # the fitted shares are the simulated ones within 0.03 (sampling error alone is 0.006 at n = 6,000; the
    # overlap between classes adds the rest)
    order = [next(c for c, t in mapping.items() if t == true) for true in range(4)]
    assert np.allclose(fit.pi[order], pi, atol=0.03)


def test_missing_competencies_are_grouped_on_what_they_have_and_counted():
    """4,000 people, 15% of competency results missing at random: nobody is dropped, the incomplete are
    counted, and grouping them on what they have still finds the classes (ARI within 0.05 of classifying with
    the true parameters on the same incomplete data, 0.69 on these draws)."""
    pi, theta = four_profiles()
    x, truth = lc.simulate(pi, theta, 4000, np.random.default_rng(2), missing=0.15)
    short = pd.DataFrame(np.where(x < 0, np.nan, x), columns=[f"c{i}" for i in range(9)])
    fit = lc.fit(short, k=4, seed=0, n_init=5)
    assert len(fit.labels) == 4000
    assert fit.n_incomplete == int((x < 0).any(axis=1).sum()) > 2500
    assert adjusted_rand_score(truth, fit.labels.to_numpy()) > oracle_ari(pi, theta, x, truth) - 0.05


def test_no_classes_in_structureless_data():
    """3,000 people whose competencies are independent draws: BIC prefers one class."""
    rng = np.random.default_rng(3)
    short = pd.DataFrame(
        rng.choice(3, size=(3000, 9), p=[0.8, 0.15, 0.05]), columns=[f"c{i}" for i in range(9)]
    )
    assert lc.fit(short, k_range=range(1, 5), seed=0, n_init=3).k == 1


def test_same_fit_as_stepmix():
    """A second implementation: StepMix's categorical latent class model on the same 3,000 simulated people
    (k = 3). Both reach the same maximum: log-likelihoods within 0.5, class shares within 0.01, and the
    same people in each class (ARI > 0.97)."""
    stepmix = pytest.importorskip("stepmix.stepmix")
    pi = np.array([0.6, 0.25, 0.15])
    theta = np.zeros((3, 6, lc.CATEGORIES))
    theta[:, :, :2] = [0.85, 0.15]
    theta[1, :3, :] = [0.1, 0.5, 0.3, 0.1]
    theta[2, 3:, :] = [0.05, 0.35, 0.4, 0.2]
    x, _ = lc.simulate(pi, theta, 3000, np.random.default_rng(4))
    ours = lc.fit(pd.DataFrame(x), k=3, seed=0, n_init=5)
    theirs = stepmix.StepMix(
        n_components=3,
        measurement="categorical",
        n_init=5,
        random_state=0,
        verbose=0,
        progress_bar=0,
        max_iter=2000,
        abs_tol=1e-10,
        rel_tol=1e-12,
    ).fit(pd.DataFrame(x))
    their_ll = float(theirs.score(pd.DataFrame(x))) * len(x)  # StepMix scores the mean log-likelihood
    assert abs(ours.loglik - their_ll) < 0.5, (ours.loglik, their_ll)
    assert np.allclose(np.sort(ours.pi), np.sort(theirs.get_parameters()["weights"]), atol=0.01)
    assert adjusted_rand_score(ours.labels.to_numpy(), theirs.predict(pd.DataFrame(x))) > 0.97


@pytest.mark.slow
@pytest.mark.parametrize("city", ["bengkulu", "medan"])
def test_recovers_the_demo_profiles(city, demo_city):
    """The demo's four planted profiles: BIC chooses 4 classes and the classes match the truth (measured ARI:
    Bengkulu 0.87, Medan 0.89; k-means 0.9+); under 5% of staff have an uncertain class (2.8%, 3.7%)."""
    from conftest import true_profiles

    from analysis.data import load
    from analysis.methods import competency

    d = demo_city(city)
    data = load.load_city(d)
    gaps, _, _ = competency.gap_matrix(data.tables["competency_assessments"], data.tables["staff"])
    fit = lc.fit(competency.shortfall(gaps), seed=0)
    true, truth = true_profiles(d)  # staff assessed once: their profile is the truth of their latest levels
    common = fit.labels.index.intersection(true.index)
    ari = adjusted_rand_score(true[common], fit.labels[common])
    print(f"{city}: LCA k={fit.k}, ARI vs truth {ari:.3f}, uncertain {fit.uncertain_share:.3f}")
    assert fit.k == len(truth["names"]) and ari > 0.8 and fit.uncertain_share < 0.05
