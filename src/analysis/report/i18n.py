"""Text and numbers in the reader's language: Bahasa Indonesia (``id``, the source and the default: planners read
it) and English (``en``, through a gettext catalogue).

Where the words live:

- narrative (question, data, method, caveats) is Indonesian markdown in each report notebook; the runner
  translates it paragraph by paragraph before an English run (:func:`translate_notebook`);
- sentences with numbers in a notebook are short code cells, ``say("... {n} unit ...", lang, n=...)``, with the
  Indonesian sentence in the call (:func:`say`, :func:`t`);
- table headers, labels of coded values and the sentences that report modules build are the catalogue
  :data:`analysis.report.catalogue.TEXT` (``msg(key, lang)``);
- English for all three is ``locale/en/LC_MESSAGES/asn_kinerja.po`` (Babel: ``make i18n`` extracts the
  Indonesian with :func:`extract_catalogue` and :func:`extract_notebook`, updates the .po and marks changed
  entries fuzzy; :func:`catalogue_problems` fails the tests on untranslated or fuzzy entries and placeholder
  mismatches).

One number formatter (Babel/CLDR) serves prose, tables, figures and the index: ``id`` -> ``3.664`` and ``0,9``,
``en`` -> ``3,664`` and ``0.9`` (:func:`number`, :func:`percent`, :func:`money`).
"""

from __future__ import annotations

import functools
import json
import numbers
import re
import string
from pathlib import Path

from analysis.data.reference import competency_names
from analysis.methods.training import JP_PER_YEAR
from analysis.report.catalogue import TEXT

LANGS = ("id", "en")
DOMAIN = "asn_kinerja"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
PO_FILE = LOCALE_DIR / "en" / "LC_MESSAGES" / f"{DOMAIN}.po"
POT_FILE = LOCALE_DIR / f"{DOMAIN}.pot"
#: Babel locale per report language (CLDR number symbols: id groups with '.', decimals with ',').
LOCALES = {"id": "id_ID", "en": "en_GB"}
#: What a number that does not exist (NaN: not computed, or derived from a hidden count) is written as.
MISSING = "…"
#: Placeholders that hold years: shown as written (2024), never grouped (2.024).
YEAR_FIELDS = frozenset({"year", "first_year", "last_year"})


def _check_lang(lang: str) -> None:
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, not {lang!r}")


@functools.cache
def _english() -> dict[tuple[str | None, str], str]:
    """(msgctxt, Indonesian msgid) -> English, from the .po (fuzzy entries are not translations yet)."""
    from babel.messages.pofile import read_po

    with open(PO_FILE, "rb") as f:
        catalog = read_po(f)
    return {(m.context, m.id): m.string for m in catalog if m.id and m.string and not m.fuzzy}


def _translate(source: str, lang: str, context: str | None = None) -> str:
    _check_lang(lang)
    if lang == "id":
        return source
    try:
        return _english()[(context, source)]
    except KeyError:
        where = f"msgctxt {context!r}, " if context else ""
        raise KeyError(
            f"no English for {where}msgid {source[:80]!r}: run `make i18n` and translate it in {PO_FILE.name}"
        ) from None


# ---------------------------------------------------------------------------------------------- numbers
def interval(r: dict, lang: str = "id", digits: int = 2) -> str:
    """A confidence interval as the tables print it: 'low .. high' in ``lang``'s numbers (``ci_low``,
    ``ci_high`` of ``r``)."""
    return f"{number(r['ci_low'], lang, digits)} .. {number(r['ci_high'], lang, digits)}"


def number(value, lang: str = "id", digits: int | None = None, sign: bool = False) -> str:
    """A number as the reader writes it: grouped thousands and the decimal mark of ``lang`` (``3.664``,
    ``0,90`` in id; ``3,664``, ``0.90`` in en). ``digits`` fixes the decimals (None: integers as integers,
    other numbers with up to 3 decimals); ``sign`` writes '+' before positive numbers. NaN is :data:`MISSING`."""
    from babel.numbers import format_decimal

    _check_lang(lang)
    if value != value:
        return MISSING
    if digits is None:
        pattern = "#,##0" if float(value).is_integer() else "#,##0.###"
    else:
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
    if sign:
        pattern = f"+{pattern};-{pattern}"
    return format_decimal(value, pattern, locale=LOCALES[lang])


def percent(share, lang: str = "id", digits: int = 0) -> str:
    """A share (0.123) as a percentage in ``lang``: ``12%``, ``12,3%`` (id) / ``12.3%`` (en)."""
    from babel.numbers import format_percent

    _check_lang(lang)
    if share != share:
        return MISSING
    return format_percent(share, "#,##0" + ("." + "0" * digits if digits else "") + "%", locale=LOCALES[lang])


def money(rupiah, lang: str = "id") -> str:
    """Rupiah as prose reads it: ``Rp 3,5 miliar`` / ``Rp 3.5 billion``; under a million in full."""
    from babel.numbers import format_compact_decimal

    _check_lang(lang)
    if abs(rupiah) < 1_000_000:
        return "Rp " + number(round(rupiah), lang)
    return "Rp " + format_compact_decimal(rupiah, format_type="long", locale=LOCALES[lang], fraction_digits=1)


class _Formatter(string.Formatter):
    """str.format with the numbers of ``lang``: ``{n}`` / ``{n:,}`` / ``{x:.2f}`` / ``{s:.0%}`` go through
    :func:`number` and :func:`percent`. A hidden count (its marker, '<10' or 'x') is shown as it is; years
    stay as written."""

    def __init__(self, lang: str):
        super().__init__()
        self.lang = lang

    def get_value(self, key, args, kwargs):
        value = super().get_value(key, args, kwargs)
        if key in YEAR_FIELDS and isinstance(value, numbers.Integral):
            return str(value)
        return value

    def format_field(self, value, format_spec):
        if isinstance(value, str):
            return (
                value
                if format_spec and not format_spec.endswith("s")
                else super().format_field(value, format_spec)
            )
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            return super().format_field(value, format_spec)
        spec = format_spec.replace(",", "")
        sign = spec.startswith("+")
        spec = spec.lstrip("+")
        if spec.endswith("%"):
            return percent(value, self.lang, int(spec[1:-1] or 0) if spec.startswith(".") else 0)
        if spec.endswith("f") and spec.startswith("."):
            return number(value, self.lang, int(spec[1:-1]), sign=sign)
        if spec in ("", "d", "g"):
            return number(value, self.lang, sign=sign)
        return super().format_field(value, format_spec)


def fill(template: str, lang: str, **values) -> str:
    """``template.format(**values)`` with the numbers of ``lang`` (:class:`_Formatter`)."""
    _check_lang(lang)
    return _Formatter(lang).format(template, **values)


# ---------------------------------------------------------------------------------------------- text
def msg(key: str, lang: str = "id", **values) -> str:
    """The catalogue text for ``key`` in ``lang``, formatted with ``values`` in ``lang``'s numbers; an unknown
    key or a missing English translation is an error, not a blank."""
    source = TEXT[key]
    return fill(_translate(source, lang, context=key) if source else source, lang, **values)


def t(source: str, lang: str = "id", **values) -> str:
    """An Indonesian sentence written in a notebook, in ``lang``, formatted with ``values``."""
    return fill(_translate(source, lang), lang, **values)


#: The last section heading a notebook displayed through :func:`say` or :func:`show`: the name its next tables
#: get in the page's workbook (:func:`analysis.report.tables.write_workbook`).
HEADING = {"text": ""}


def _display_markdown(text: str) -> None:
    from IPython.display import Markdown, display

    if text.startswith("#"):
        HEADING["text"] = text.lstrip("#").strip()
    display(Markdown(text))


def say(source: str, lang: str = "id", **values) -> None:
    """Display :func:`t` as Markdown: a sentence with numbers in a report notebook."""
    _display_markdown(t(source, lang, **values))


def city_name(slug: str) -> str:
    """A city's name as a reader writes it, from its folder name: 'banda-aceh' -> 'Banda Aceh'."""
    return slug.replace("-", " ").title()


def show(key: str, lang: str = "id", **values) -> None:
    """Display a catalogue entry (:func:`msg`) as Markdown."""
    _display_markdown(msg(key, lang, **values))


def shown(text: str) -> None:
    """Display text that is already in the reader's language (built by a report module) as Markdown."""
    from IPython.display import Markdown, display

    display(Markdown(text))


def bullets(lines: list[str]) -> None:
    """Display sentences as a Markdown list (verdicts, caveats)."""
    from IPython.display import Markdown, display

    display(Markdown("\n".join(line if line.startswith("- ") else "- " + line for line in lines)))


# ---------------------------------------------------------------------------------------------- markdown cells
def paragraphs(markdown: str) -> list[str]:
    """The translation units of a markdown cell: blocks separated by a blank line, stripped."""
    return [block.strip() for block in re.split(r"\n\s*\n", markdown) if block.strip()]


def translate_markdown(markdown: str, lang: str) -> str:
    """A markdown cell in ``lang``, paragraph by paragraph (a changed paragraph invalidates only itself)."""
    if lang == "id":
        return markdown
    return "\n\n".join(_translate(block, lang) for block in paragraphs(markdown))


def translate_notebook(nb, lang: str):
    """The notebook (nbformat node) with its markdown cells in ``lang``; code cells are untouched (their
    sentences are translated when they run). Used by the runner before an English run."""
    if lang == "id":
        return nb
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = translate_markdown(cell.source, lang)
    return nb


# ---------------------------------------------------------------------------------------------- Babel
def extract_catalogue(fileobj, keywords, comment_tags, options):
    """Babel extractor for catalogue.py: each TEXT entry with its key as msgctxt."""
    import ast

    tree = ast.parse(fileobj.read().decode("utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", "") == "TEXT":
            for key, value in zip(node.value.keys, node.value.values, strict=True):
                if ast.literal_eval(value):  # an empty text stays empty in every language
                    yield key.lineno, "pgettext", (ast.literal_eval(key), ast.literal_eval(value)), []


def extract_notebook(fileobj, keywords, comment_tags, options):
    """Babel extractor for a report notebook: every markdown paragraph, and the sentences of ``say``/``t``
    calls in code cells (their first argument). The line number is the cell's number."""
    import ast

    nb = json.loads(fileobj.read().decode("utf-8"))
    for number_, cell in enumerate(nb["cells"], start=1):
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            for block in paragraphs(source):
                yield number_, None, block, []
        elif cell["cell_type"] == "code" and not source.startswith("%"):
            for node in ast.walk(ast.parse(source)):
                if (
                    isinstance(node, ast.Call)
                    and getattr(node.func, "id", "") in ("say", "t")
                    and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)
                ):
                    yield number_, None, node.args[0].value, []


def _fields(text: str) -> list[str]:
    return sorted(f"{name}:{spec}" for _, name, spec, _ in string.Formatter().parse(text) if name is not None)


def catalogue_problems(extracted=None) -> list[str]:
    """What keeps the English catalogue from being complete: entries extracted from the sources (``extracted``:
    a Babel Catalog; default: the committed template) that the .po lacks, leaves untranslated or fuzzy, or
    whose placeholders ({name:spec}) differ from the Indonesian. Empty when the catalogue is complete."""
    from babel.messages.pofile import read_po

    if extracted is None:
        with open(POT_FILE, "rb") as f:
            extracted = read_po(f)
    with open(PO_FILE, "rb") as f:
        english = read_po(f)
    out = []
    for m in extracted:
        if not m.id:
            continue
        where = f"[{m.context}] " if m.context else ""
        e = english.get(m.id, context=m.context)
        if e is None or not e.string:
            out.append(f"untranslated: {where}{m.id[:70]!r}")
        elif e.fuzzy:
            out.append(f"fuzzy (the Indonesian changed): {where}{m.id[:70]!r}")
        elif _fields(m.id) != _fields(e.string):
            out.append(f"placeholders differ: {where}{_fields(m.id)} vs {_fields(e.string)}")
    return out


# ---------------------------------------------------------------------------------------------- words of methods
def competency_label(code: str, lang: str = "id") -> str:
    """A competency's name in ``lang`` (data/reference/competencies.csv), or, for an instansi's own competency
    (a technical one, or its own name for a managerial one), its column name as words: 'teknis_gizi' ->
    'Teknis gizi'."""
    names = competency_names(lang)
    if code in names.index:
        return str(names[code])
    words = str(code).replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def group_name(label, lang: str = "id") -> str:
    """A staff group's plain name in ``lang`` from its :class:`analysis.methods.competency.GroupLabel` (the
    competencies it is short on, by code): 'kurang: Komunikasi, Pelayanan Publik (2)'. A name that is already
    text (read back from a results.json) is returned as it is."""
    if isinstance(label, str):
        return label
    if not label.short:
        text = msg("group.meets_standard", lang)
    elif getattr(label, "mixed", False):
        text = msg(
            "group.mixed", lang, competencies=", ".join(competency_label(c, lang) for c in label.short)
        )
    else:
        listed = ", ".join(competency_label(c, lang) for c in label.short)
        text = msg("group.shortfall_more" if label.more else "group.shortfall", lang, competencies=listed)
    return f"{text} ({label.number})" if label.number > 1 else text


def did_notes(result, lang: str = "id") -> list[str]:
    """What the DiD estimator did to the panel or found in it (:attr:`DidResult.notes`, codes), in words."""
    return [msg(f"did.{code}", lang, **fields) for code, fields in result.notes]


def section_why(section, lang: str = "id") -> str:
    """Why a report section (:class:`analysis.methods.readiness.Section`) is skipped, in words ('' when it runs)."""
    return msg(f"ready.{section.reason}", lang, **section.fields) if section.reason else ""


def section_line(section, lang: str = "id") -> str:
    """'Programme effects report / effect on IKM: skipped: ...' (what validate prints)."""
    why = section_why(section, lang)
    state = msg("ready.skipped", lang, why=why) if not section.runs else msg("ready.runs", lang)
    if section.runs and section.reason:
        state = why
    report = msg(f"ready.report.{section.report}", lang)
    return f"{report} / {msg(f'ready.section.{section.name}', lang, jp_per_year=JP_PER_YEAR)}: {state}"
