"""Disclosure control for one published page (UU 27/2022 PDP: aggregates only, and aggregates that cannot be
taken apart).

A page (the HTML, its figures' titles and labels, its sentences, its results.json) states many counts of staff
that overlap: groups x agency with agency totals, the training plan per group and agency, per programme, the
plan totals in a sentence, group sizes in results.json. Hiding a small cell in one table protects nothing if
another table, a total or a sentence lets a reader work it out by subtraction. So every number a page states
is registered here first, as what it is: a linear function of the page's people (a count of the staff in a
set, or a sum of a known amount per person such as planned JP or cost). Only then is anything shown.

Method: the **threshold rule with complementary (secondary) suppression, audited by linear programming**, as
statistical agencies do it (Hundepool et al. 2012, *Statistical Disclosure Control*, Wiley, ch. 4; the
"audit" of tau-ARGUS):

1. Primary suppression: every count of 1 to ``min_cell - 1`` staff is hidden (marker ``<10``), with the
   figures that describe the same people (their JP, cost, shares, means: marker ``…``).
2. Audit: the attacker knows every published number, that each ``<10`` cell holds 1 to ``min_cell - 1``, that
   each complementary cell (marker ``x``) holds at least ``min_cell`` (the distinct marker tells them), and
   that counts are not negative. For each hidden count, two linear programmes give the smallest and largest
   value consistent with all of that (the bounds rounded inward to whole people). The cell is protected when
   that interval holds at least ``protection + 1`` whole numbers. The programmes share their constraints and
   differ only in the objective, so HiGHS' primal simplex starts each from the last one's optimal basis; a
   new complementary cell only relaxes its row, so the same model and basis go on into the next audit round
   (Medan's page: 93 programmes in 0.55 s; 8.5 s when each started cold).
3. Secondary suppression: for a cell that is not protected, the published numbers that pin it are the binding
   constraints of those programmes (non-zero duals). The smallest count among them is hidden too (marker
   ``x``), with its dependent figures and every other place the same count is stated; then the audit runs
   again. Hiding more can only widen intervals, so the loop ends, and it ends with every hidden count
   protected against all linear arithmetic on the page, not only against its own row total.

Zero counts are published: a zero says nobody, and hiding it would not protect anyone here.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

import highspy
import numpy as np
import pandas as pd
from scipy import sparse

MIN_CELL = 10
#: A hidden count must stay uncertain by at least this many staff (an interval of protection + 1 whole numbers).
PROTECTION = 2
PRIMARY = "<{min_cell}"
COMPLEMENTARY = "x"
#: A figure about hidden people (their JP, cost, share, mean): not a count, so neither count marker fits.
DEPENDENT = "…"
#: HiGHS' primal simplex (strategy 4): each audit LP changes only the objective, so the last optimal basis
#: stays feasible and is the start of the next solve.
_SIMPLEX = (("solver", "simplex"), ("simplex_strategy", 4))
METHOD = (
    "threshold rule + complementary suppression, audited by linear programming (Hundepool et al. 2012, ch. 4)"
)

Key = tuple[Hashable, ...]


@dataclass
class Cell:
    key: Key
    people: np.ndarray  # positions of the people it counts or sums over (in Page.people)
    amounts: np.ndarray  # amount per such person: 1 for a count
    value: float
    count: bool  # a count of staff (threshold rule applies) or a sum of a known amount per person
    owner: Key | None = None  # a sum is hidden when the count of its people is


@dataclass
class _Table:
    base: pd.DataFrame
    cells: dict[str, list[Key | None]]  # column -> the cell shown in each row (None: nothing there)
    derived: dict[str, list[str]] = field(default_factory=dict)  # column -> hidden when an owner column is
    rename: dict[str, str] = field(default_factory=dict)  # column names as published
    order: pd.Index | None = None  # row order as published


class Page:
    """The counts one published page states, their suppression and its audit.

    ``people``: the ids of everyone the page may count (the staff table). Register every number first
    (:meth:`count`, :meth:`total`, :meth:`table`, :meth:`grouped`, :meth:`crosstab`), then :meth:`protect`,
    then read what may be shown (:meth:`value`, :meth:`frame`, :meth:`number`).
    """

    def __init__(self, people: Iterable, min_cell: int = MIN_CELL, protection: int = PROTECTION):
        self.people = pd.Index(pd.unique(pd.Index(people).dropna()))
        self.min_cell = min_cell
        self.protection = protection
        self.cells: dict[Key, Cell] = {}
        self.tables: dict[str, _Table] = {}
        self.primary: set[Key] = set()
        self.complementary: set[Key] = set()
        self.protected = False
        self.audit_log: list[dict] = []

    # ------------------------------------------------------------------ registering what a page states
    def count(self, key: Key, members) -> int:
        """A count of the staff in ``members`` (ids); returns it."""
        return self._count_at(key, self.people.get_indexer(pd.Index(members).dropna()))

    def total(self, key: Key, amounts: pd.Series, owner: Key) -> float:
        """A sum of a known amount per person (``amounts`` indexed by person; planned JP, cost): published
        with the count ``owner`` of the same people and hidden with it."""
        return self._total_at(key, self.people.get_indexer(amounts.index), amounts.to_numpy(), owner)

    def _count_at(self, key: Key, pos: np.ndarray) -> int:
        """:meth:`count` from positions in ``people`` (-1: not one of them), repeats allowed."""
        pos = np.unique(pos[pos >= 0])
        return int(self._add(Cell(key, pos, np.ones(len(pos)), float(len(pos)), count=True)))

    def _total_at(self, key: Key, pos: np.ndarray, amounts: np.ndarray, owner: Key) -> float:
        """:meth:`total` from positions in ``people`` (-1: not one of them) and one amount per position,
        summed per person (a missing amount counts as none)."""
        known = pos >= 0
        people, at = np.unique(pos[known], return_inverse=True)
        per = np.bincount(at, weights=np.nan_to_num(amounts[known].astype(float)), minlength=len(people))
        pos, vals = people[per != 0], per[per != 0]
        return self._add(Cell(key, pos, vals, float(vals.sum()), count=False, owner=owner))

    def _add(self, cell: Cell) -> float:
        if self.protected:
            raise RuntimeError("register every number before protect()")
        if cell.key in self.cells:
            raise KeyError(f"{cell.key!r} registered twice")
        self.cells[cell.key] = cell
        return cell.value

    def table(self, name: str, base: pd.DataFrame, cells: dict[str, list[Key | None]], derived=None) -> None:
        """A published table: ``base`` holds its words and numbers; the columns in ``cells`` show the named
        cells (replaced by markers when hidden); a ``derived`` column (a share, a mean) is hidden when any of
        its owner columns in the same row is hidden."""
        self.tables[name] = _Table(base.reset_index(drop=True), cells, derived or {})

    def describe(
        self,
        name: str,
        base: pd.DataFrame | None = None,
        derived: dict[str, list[str]] | None = None,
        rename: dict[str, str] | None = None,
        order: pd.Index | None = None,
    ) -> None:
        """Finish a registered table: its words and numbers (``base``, same rows), derived columns hidden with
        their owners, the column names and the row order as published."""
        t = self.tables[name]
        if base is not None:
            t.base = base.reset_index(drop=True)
        t.derived = {**t.derived, **(derived or {})}
        t.rename = {**t.rename, **(rename or {})}
        if order is not None:
            t.order = order

    def grouped(
        self,
        name: str,
        frame: pd.DataFrame,
        by: list[str],
        person: str = "staff_id",
        count: str = "staff",
        flags: tuple[str, ...] = (),
        sums: tuple[str, ...] = (),
        keep: dict[str, str] | None = None,
        rows: pd.DataFrame | None = None,
    ) -> pd.DataFrame:
        """A long table: one row per combination of ``by`` in ``frame`` (or per row of ``rows``): ``count``
        distinct people, a count per boolean column in ``flags`` (recognition, coaching), and a sum per column
        in ``sums`` (JP, cost; one value per row of ``frame``, summed per person). ``keep``: output column ->
        ``frame`` column of descriptive values (first per row). Registers the table; returns its base."""
        keep = keep or {}
        grouping = frame.groupby(by, sort=True, dropna=False)
        rows_of = {k if isinstance(k, tuple) else (k,): v for k, v in grouping.indices.items()}
        combos = rows[by] if rows is not None else grouping.size().reset_index()[by]
        base = combos.reset_index(drop=True).copy()
        pos = self.people.get_indexer(frame[person])  # once for the frame, then sliced per row
        flag = {f: frame[f].fillna(False).astype(bool).to_numpy() for f in flags}
        amount = {s: frame[s].to_numpy() for s in sums}
        cells: dict[str, list[Key]] = {count: [], **{f: [] for f in flags}, **{s: [] for s in sums}}
        values: dict[str, list] = {c: [] for c in cells}
        extra: dict[str, list] = {c: [] for c in keep}
        none = np.zeros(0, dtype=int)
        for row in base.itertuples(index=False):
            at = tuple(row)
            idx = rows_of.get(at, none)
            owner = (name, *at, count)
            values[count].append(self._count_at(owner, pos[idx]))
            cells[count].append(owner)
            for f in flags:
                key = (name, *at, f)
                values[f].append(self._count_at(key, pos[idx[flag[f][idx]]]))
                cells[f].append(key)
            for s in sums:
                key = (name, *at, s)
                values[s].append(self._total_at(key, pos[idx], amount[s][idx], owner=owner))
                cells[s].append(key)
            for out, col in keep.items():
                extra[out].append(frame[col].iloc[idx[0]] if len(idx) else None)
        for c, v in {**values, **extra}.items():
            base[c] = v
        self.table(name, base, cells)
        return self.tables[name].base

    def crosstab(
        self,
        name: str,
        frame: pd.DataFrame,
        row: str,
        column: str,
        person: str = "staff_id",
        totals: bool = True,
        columns: list | None = None,
    ) -> pd.DataFrame:
        """Staff per ``row`` x ``column`` value (every combination, zeros included), with a row total;
        ``columns`` in the order given (default: sorted)."""
        rows = sorted(frame[row].dropna().unique(), key=str)
        cols = columns if columns is not None else sorted(frame[column].dropna().unique(), key=_sortable)
        pos = self.people.get_indexer(frame[person])
        in_cell = frame.groupby([row, column], sort=False).indices  # (row, column) -> row positions
        none = np.zeros(0, dtype=int)
        table = {
            c: [self._count_at((name, r, c), pos[in_cell.get((r, c), none)]) for r in rows] for c in cols
        }
        cells: dict[str, list[Key]] = {c: [(name, r, c) for r in rows] for c in cols}
        if totals:
            counted = frame[column].isin(cols).to_numpy()
            in_row = frame[counted].groupby(row, sort=False).indices
            at = np.flatnonzero(counted)
            table["total"] = [self._count_at((name, r, "total"), pos[at[in_row.get(r, none)]]) for r in rows]
            cells["total"] = [(name, r, "total") for r in rows]
        base = pd.DataFrame({row: rows, **{c: pd.Series(v, dtype=float) for c, v in table.items()}})
        self.table(name, base, cells)
        return self.tables[name].base

    # ------------------------------------------------------------------ suppression
    def hidden(self, key: Key) -> bool:
        cell = self.cells[key]
        if cell.count:
            return key in self.primary or key in self.complementary
        return cell.owner in self.primary or cell.owner in self.complementary

    def marker(self, key: Key) -> str | None:
        cell = self.cells[key]
        if not cell.count:
            return DEPENDENT if self.hidden(key) else None
        if key in self.primary:
            return PRIMARY.format(min_cell=self.min_cell)
        if key in self.complementary:
            return COMPLEMENTARY
        return None

    def protect(self, max_rounds: int = 50) -> Page:
        """Primary suppression, then audit and complementary suppression until every hidden count is
        protected (see the module docstring)."""
        self.protected = True
        self._matrix()
        self.primary = {
            k for k, c in self.cells.items() if c.count and 0 < c.value < self.min_cell
        } | self._same_as({k for k, c in self.cells.items() if c.count and 0 < c.value < self.min_cell})
        self.complementary = set()
        pending = set(self.primary)
        self._pool = [self._atom_size]  # feasible solutions found so far; the true counts are one
        for _ in range(max_rounds):
            exposed = {}
            for key in sorted(pending, key=str):
                lo, hi, binding = self._interval(key)
                if hi - lo < self.protection:
                    exposed[key] = binding
            self.audit_log.append({"checked": len(pending), "exposed": len(exposed)})
            pending = set(exposed)
            if not exposed:
                return self
            chosen = set()
            for key, binding in exposed.items():
                pick = self._complement(key, binding, chosen)
                if pick is not None:
                    chosen.add(pick)
            if not chosen:
                break
            self.complementary |= self._same_as(chosen) - self.primary
        raise RuntimeError(
            f"disclosure control did not converge: {sorted(pending, key=str)[:5]} still exposed"
        )

    def _same_as(self, keys: set[Key]) -> set[Key]:
        """The keys and every other count stated with exactly the same people (the same number said twice)."""
        out = set(keys)
        for k in keys:
            out |= set(self._twins.get(self._signature[k], ()))
        return out

    def _matrix(self) -> None:
        """Cells x atoms: people who are in exactly the same cells with the same amounts are one atom (the
        attacker cannot tell them apart), which keeps the linear programmes small."""
        keys = list(self.cells)
        rows = np.concatenate([np.full(len(self.cells[k].people), i) for i, k in enumerate(keys)] or [[]])
        cols = np.concatenate([self.cells[k].people for k in keys] or [[]]).astype(int)
        vals = np.concatenate([self.cells[k].amounts for k in keys] or [[]])
        w = sparse.csc_matrix((vals, (rows.astype(int), cols)), shape=(len(keys), len(self.people)))
        w.sort_indices()
        signature = [
            (
                w.indices[w.indptr[j] : w.indptr[j + 1]].tobytes(),
                w.data[w.indptr[j] : w.indptr[j + 1]].tobytes(),
            )
            for j in range(w.shape[1])
        ]
        atom_of, _ = pd.factorize(pd.Series(signature, dtype=object))
        first = pd.Series(np.arange(len(atom_of))).groupby(atom_of).first().to_numpy()
        self._keys = keys
        self._row = {k: i for i, k in enumerate(keys)}
        self._atoms = w[:, first].toarray()  # cells x atoms
        self._atom_size = np.bincount(atom_of, minlength=len(first)).astype(float)
        scale = np.abs(self._atoms).max(axis=1, keepdims=True)
        self._scale = np.where(scale > 0, scale, 1.0)
        self._signature = {}
        self._twins: dict[bytes, list[Key]] = {}
        for i, k in enumerate(keys):
            if self.cells[k].count:
                sig = self._atoms[i].tobytes()
                self._signature[k] = sig
                self._twins.setdefault(sig, []).append(k)

    def _system(self):
        """The attacker's linear system for the current suppression, as one HiGHS model for the whole audit.

        Rows: one per cell, always in the same order. A published count or sum equals its value; a ``<10``
        count lies in 1 to ``min_cell - 1`` (a ranged row); an ``x`` count is at least ``min_cell``; a sum
        whose count is hidden is free. Columns: the atoms, not negative. A new complementary cell only
        relaxes its row's bounds, so the model is changed in place and the last basis stays feasible: the
        next audit round goes on from it instead of starting cold (Medan: 4 cold starts of about 0.18 s
        each saved). Returns the rows that are published (whose duals say which cells pin a hidden one)."""
        state = (len(self.primary), len(self.complementary))
        if getattr(self, "_state", None) == state:
            return self._cached
        scale = self._scale.ravel()
        inf = highspy.kHighsInf
        lower = np.array([self.cells[k].value for k in self._keys]) / scale
        upper = lower.copy()
        shown = np.ones(len(self._keys), dtype=bool)
        for i, k in enumerate(self._keys):
            if not self.hidden(k):
                continue
            shown[i] = False
            if k in self.primary:
                lower[i], upper[i] = 1 / scale[i], (self.min_cell - 1) / scale[i]
            elif k in self.complementary:
                lower[i], upper[i] = self.min_cell / scale[i], inf
            else:  # a sum or amount of a hidden count: says nothing
                lower[i], upper[i] = -inf, inf
        if getattr(self, "_model_of", None) is not self._atoms:  # a new page (or its first audit)
            matrix = sparse.csc_matrix(self._atoms / self._scale)
            lp = highspy.HighsLp()
            lp.num_col_, lp.num_row_ = matrix.shape[1], matrix.shape[0]
            lp.col_cost_ = np.zeros(lp.num_col_)
            lp.col_lower_, lp.col_upper_ = np.zeros(lp.num_col_), np.full(lp.num_col_, inf)
            lp.row_lower_, lp.row_upper_ = lower, upper
            lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
            lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_ = (
                matrix.indptr,
                matrix.indices,
                matrix.data,
            )
            h = _highs()
            for option, value in (("output_flag", False), ("presolve", "off"), ("threads", 1), *_SIMPLEX):
                h.setOptionValue(option, value)
            h.passModel(lp)
            self._model_of, self._highs_model = self._atoms, h
        else:
            h = self._highs_model
            rows = np.arange(len(lower), dtype=np.int32)
            h.changeRowsBounds(len(rows), rows, lower, upper)
        self._state = state
        self._cached = (np.flatnonzero(shown), h)
        return self._cached

    def _solve(self, h, cost: np.ndarray) -> bool:
        """Minimise ``cost`` over the system, from the last basis (a new objective leaves it feasible, so the
        primal simplex goes on from there: far fewer iterations than a cold start). A solve that does not
        end optimal is repeated from scratch once."""
        h.changeColsCost(len(cost), np.arange(len(cost), dtype=np.int32), cost)
        for attempt in range(2):
            if attempt:
                h.clearSolver()
            h.run()
            if h.getModelStatus() == highspy.HighsModelStatus.kOptimal:
                return True
        return False

    def _interval(self, key: Key) -> tuple[float, float, set[Key]]:
        """The smallest and largest value of a hidden count that everything published allows (whole people),
        and the published cells that pin it."""
        shown, h = self._system()
        target = self._atoms[self._row[key]]
        value = self.cells[key].value
        binding: set[Key] = set()
        for sign in (-1.0, 1.0):  # the largest value first: often already far enough from the true one
            seen = target @ np.column_stack(self._pool)
            lo, hi = np.ceil(seen.min() - 1e-6), np.floor(seen.max() + 1e-6)
            if hi - lo >= self.protection:  # two feasible solutions this far apart: protected, no more LPs
                return float(lo), float(hi), binding
            if not self._solve(h, sign * target):  # cannot happen (the true counts are feasible): exposed
                return value, value, set()
            solution = h.getSolution()
            self._pool.append(np.asarray(solution.col_value))
            duals = np.asarray(solution.row_dual)[shown]
            binding |= {self._keys[shown[j]] for j in np.flatnonzero(np.abs(duals) > 1e-9)}
        seen = target @ np.column_stack(self._pool)
        lo, hi = np.ceil(seen.min() - 1e-6), np.floor(seen.max() + 1e-6)
        return float(lo), float(hi), binding

    def _complement(self, key: Key, binding: set[Key], chosen: set[Key]) -> Key | None:
        """The smallest published count among those that pin ``key`` (a sum stands for its count); failing
        that, the smallest published count that shares people with it."""
        candidates = {b if self.cells[b].count else self.cells[b].owner for b in binding}
        candidates = {c for c in candidates if c is not None and not self.hidden(c)}
        if not candidates:
            target = self._atoms[self._row[key]] != 0
            candidates = {
                k
                for k in self._keys
                if self.cells[k].count
                and not self.hidden(k)
                and self.cells[k].value > 0
                and (self._atoms[self._row[k]][target] != 0).any()
            }
        if candidates & chosen:
            return None  # one pick this round already cuts this cell's equations
        if not candidates:
            return None
        return min(candidates, key=lambda k: (self.cells[k].value, str(k)))

    # ------------------------------------------------------------------ what may be shown
    def value(self, key: Key):
        """The number, or its marker when hidden."""
        if not self.protected:
            raise RuntimeError("protect() the page before showing anything")
        return self.marker(key) or _plain(self.cells[key].value)

    def number(self, key: Key):
        """The number, or None when hidden (for results.json and sentences)."""
        return None if self.hidden(key) else _plain(self.value(key))

    def frame(self, name: str) -> pd.DataFrame:
        t = self.tables[name]
        out = t.base.copy()
        for col, keys in t.cells.items():
            out[col] = [None if k is None else self.value(k) for k in keys]
            out[col] = out[col].astype(object)
        for col, owners in t.derived.items():
            out[col] = out[col].astype(object)
            for i in range(len(out)):
                if any(isinstance(out.at[i, o], str) for o in owners):
                    out.at[i, col] = DEPENDENT
        if t.order is not None:
            out = out.loc[t.order].reset_index(drop=True)
        return out.rename(columns=t.rename)

    def hidden_in(self, name: str) -> tuple[int, int]:
        """How many counts of table ``name`` are hidden by the threshold rule, and how many to protect them."""
        keys = [k for col in self.tables[name].cells.values() for k in col if k is not None]
        counts = [k for k in keys if self.cells[k].count]
        return sum(k in self.primary for k in counts), sum(k in self.complementary for k in counts)

    def counts(self) -> dict[str, int]:
        """How many counts are hidden by the threshold rule and how many to protect them."""
        return {"primary": len(self.primary), "complementary": len(self.complementary)}


def _highs() -> highspy.Highs:
    """A HiGHS instance. Its first construction in a process writes a banner straight to file descriptor 1
    (not through Python), which a notebook kernel would copy into the published page: it goes to os.devnull."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
            return highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def _sortable(v):
    return (0, v, "") if isinstance(v, int | float | np.integer | np.floating) else (1, 0, str(v))


def _plain(v):
    if isinstance(v, float | np.floating) and float(v).is_integer():
        return int(v)
    return v
