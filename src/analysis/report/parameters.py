"""The report notebooks' parameters, checked before anything runs.

A typo in a city's parameters file must not publish a confident wrong report: ``control: nevertreated`` used to
become the verdict "too little data", ``outcomes: [median_wait]`` an empty findings table, ``outcomes: [visits]``
a crash in the message catalogue. Every value is checked against what the analysis accepts (:data:`RULES`); a
wrong one stops that notebook with a message naming the parameter, the value, the allowed values and the
closest one ("did you mean"), in the report's language. The runner checks before it starts a kernel (its
summary shows the message); each notebook checks again in its first cell, for runs with plain papermill.
"""

from __future__ import annotations

import difflib
import numbers
from dataclasses import dataclass

from analysis.methods import competency, evaluation, monitoring, panels
from analysis.report.i18n import msg


class ParameterError(ValueError):
    """One or more report parameters with a value the analysis does not accept (the message lists them all)."""


@dataclass(frozen=True)
class Rule:
    """What a parameter accepts: one of ``choices`` (``kind="choice"``), a list of them (``"subset"``, empty only
    with ``empty``), a whole number or a number within ``low`` .. ``high`` (``"int"``, ``"float"``), or two whole
    numbers lo <= hi within them (``"int_pair"``)."""

    kind: str
    choices: tuple = ()
    low: float | None = None
    high: float | None = None
    empty: bool = False  # a "subset" may be an empty list

    def problem(self, value) -> tuple[str, dict] | None:
        """(message key, fields) when ``value`` breaks the rule, else None."""
        if self.kind == "choice":
            if value not in self.choices:
                return "param.choice", {"value": value, **self._choices(value)}
        elif self.kind == "subset":
            if not isinstance(value, (list, tuple)) or (not value and not self.empty):
                return "param.list", {"value": value, **self._choices(None)}
            wrong = [v for v in value if v not in self.choices]
            if wrong:
                return "param.choice", {"value": wrong[0], **self._choices(wrong[0])}
        elif self.kind in ("int", "float"):
            whole = isinstance(value, numbers.Integral) and not isinstance(value, bool)
            if not (
                whole
                or (self.kind == "float" and isinstance(value, numbers.Real) and not isinstance(value, bool))
            ):
                return f"param.{self.kind}", {"value": value, "low": self.low, "high": self.high}
            if (self.low is not None and value < self.low) or (self.high is not None and value > self.high):
                return "param.between", {"value": value, "low": self.low, "high": self.high}
        elif self.kind == "int_pair":
            ok = (
                isinstance(value, (list, tuple))
                and len(value) == 2
                and all(isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in value)
                and self.low <= value[0] <= value[1] <= self.high
            )
            if not ok:
                return "param.int_pair", {"value": value, "low": self.low, "high": self.high}
        return None

    def _choices(self, value) -> dict:
        close = difflib.get_close_matches(str(value), [str(c) for c in self.choices], n=1, cutoff=0.6)
        return {"choices": ", ".join(map(str, self.choices)), "close": close[0] if close else ""}


LANG = Rule("choice", ("id", "en"))

#: Per report notebook: parameter -> rule. Parameters not listed (city, data_dir, seed, results_path, paths)
#: are checked where they are used (a data folder that does not exist is the data check's message).
RULES: dict[str, dict[str, Rule]] = {
    "programme_effects": {
        "outcomes": Rule("subset", evaluation.OUTCOMES),
        "control": Rule("choice", ("not_yet_treated", "never_treated")),
        "anticipation": Rule("int", low=0, high=12),
        "cluster": Rule("choice", ("unit_id", "agency", "kecamatan", "unit_type", "sector")),
        "covariates": Rule("subset", panels.COVARIATES, empty=True),
        "estimator": Rule("choice", ("auto", "callaway_santanna", "imputation")),
        "pretrend_window": Rule("int", low=1, high=24),
        "alpha": Rule("float", low=0.001, high=0.2),
        "n_boot": Rule("int", low=0, high=100_000),
        "seed": Rule("int"),
        "lang": LANG,
    },
    "training_needs": {
        "k_range": Rule("int_pair", low=1, high=20),
        "n_boot": Rule("int", low=0, high=10_000),
        "min_cell": Rule("int", low=3, high=1000),
        "required_source": Rule("choice", competency.REQUIRED_SOURCES),
        "seed": Rule("int"),
        "lang": LANG,
    },
    "monitoring": {
        "months": Rule("int", low=monitoring.MIN_POINTS, high=120),
        "min_visits": Rule("int", low=1, high=100_000),
        "outage_share": Rule("float", low=0.0, high=1.0),
        "lang": LANG,
    },
    "cross_city": {"lang": LANG},
}


def problems(notebook: str, params: dict, lang: str = "id") -> list[str]:
    """Every parameter of ``notebook`` in ``params`` whose value its rule refuses, as sentences in ``lang``."""
    out = []
    for name, rule in RULES.get(notebook, {}).items():
        if name not in params:
            continue
        found = rule.problem(params[name])
        if found is not None:
            key, fields = found
            sentence = msg(key, lang, name=name, **{k: _shown(v) for k, v in fields.items()})
            if fields.get("close"):
                sentence += " " + msg("param.did_you_mean", lang, close=fields["close"])
            out.append(sentence)
    return out


def check(notebook: str, params: dict, lang: str | None = None) -> None:
    """Raise :class:`ParameterError` listing every refused parameter of ``notebook`` (see :func:`problems`)."""
    lang = (
        lang if lang in ("id", "en") else params.get("lang") if params.get("lang") in ("id", "en") else "id"
    )
    found = problems(notebook, params, lang)
    if found:
        raise ParameterError(msg("param.heading", lang, notebook=notebook) + " " + " ".join(found))


def _shown(value) -> str:
    return "" if value is None else str(value)
