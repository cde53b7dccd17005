"""The published pages: HTML export of an executed notebook without code (a real <title> and <html lang>,
a table of contents), and the index page that links every city's reports."""

from __future__ import annotations

import functools
import html
import json
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

from analysis.config import CROSS_CITY, REPORTS_DIR
from analysis.config import cities as known_cities
from analysis.report.results_json import load_results

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"


# ---------------------------------------------------------------------------------------------- HTML
def export_html(executed: Path, out: Path) -> Path:
    """Executed notebook -> self-contained HTML: no code, no parameter cells, no stderr, no scripts, a TOC."""
    import nbformat

    nb = nbformat.read(executed, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs if not (o.output_type == "stream" and o.name == "stderr")]
    body, _ = _exporter().from_notebook_node(nb)
    lang = nb.metadata.get("papermill", {}).get("parameters", {}).get("lang", "id")
    out.write_text(add_toc(page_head(body, lang), lang), encoding="utf-8")
    return out


_H1 = re.compile(r"<h1[^>]*>(?P<text>.*?)</h1>", re.S)


def page_head(page: str, lang: str) -> str:
    """The page's real title (its first heading, not nbconvert's "Notebook": what a browser tab, a bookmark
    and a search result show) and the report language in ``<html lang>`` (screen readers and the phone's
    translate offer read it)."""
    first = _H1.search(page)
    title = re.sub(r"<[^>]+>|¶", "", first.group("text")).strip() if first else ""
    if title:
        page = re.sub(r"<title>.*?</title>", lambda _: f"<title>{title}</title>", page, count=1, flags=re.S)
    return re.sub(r"<html[^>]*>", f'<html lang="{html.escape(lang)}">', page, count=1)


@functools.cache
def _exporter():
    """One HTML exporter per process: a new one compiles the Jinja templates again (0.21 -> 0.14 s a notebook)."""
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    exporter = HTMLExporter(
        template_name="asn_report",
        extra_template_basedirs=[str(TEMPLATE_DIR)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    tags = TagRemovePreprocessor(remove_cell_tags={"parameters", "injected-parameters"}, enabled=True)
    exporter.register_preprocessor(tags, enabled=True)
    return exporter


_H2 = re.compile(r"<h2(?P<attrs>[^>]*)>(?P<text>.*?)</h2>", re.S)


def add_toc(page: str, lang: str = "id") -> str:
    """Give every h2 an id and put a table of contents after the first h1, folded (a ``<details>``) so that on a
    phone the decision summary under it is on the first screen."""
    from analysis.report.i18n import msg

    entries = []

    def tag(m: re.Match) -> str:
        text = re.sub(r"<[^>]+>", "", m.group("text")).replace("¶", "").strip()
        anchor = f"s{len(entries) + 1}"
        entries.append((anchor, text))
        attrs = re.sub(r'\sid="[^"]*"', "", m.group("attrs"))
        return f'<h2 id="{anchor}"{attrs}>{m.group("text")}</h2>'

    page = _H2.sub(tag, page)
    if not entries:
        return page
    items = "".join(f'<li><a href="#{a}">{html.escape(t)}</a></li>' for a, t in entries)
    label = html.escape(msg("report.contents", lang))
    toc = f'<nav class="asn-toc"><details><summary>{label}</summary><ol>{items}</ol></details></nav>'
    h1_end = page.find("</h1>")
    return (
        page[: h1_end + 5] + toc + page[h1_end + 5 :]
        if h1_end >= 0
        else page.replace("<main>", "<main>" + toc, 1)
    )


def _link_label(notebook: str, lang: str) -> str:
    from analysis.report.catalogue import TEXT
    from analysis.report.i18n import msg

    key = f"index.link.{notebook}"
    return msg(key, lang) if key in TEXT else notebook.replace("_", " ")


#: From this many cities on, the index groups the cards by province under a search box (514 kab/kota must stay
#: usable on a phone); below it, one grid.
GROUP_BY_PROVINCE_FROM = 9

#: The index's only script, inline (no external file or library): the search box hides the cards whose name
#: does not contain what is typed, and the provinces left empty. Without it every card stays shown.
SEARCH_SCRIPT = """<script>
const find = document.getElementById("find");
find.addEventListener("input", () => {
  const q = find.value.trim().toLowerCase();
  document.querySelectorAll(".card").forEach(c => { c.hidden = q !== "" && !c.dataset.name.includes(q); });
  document.querySelectorAll("details.province").forEach(d => {
    d.hidden = !d.querySelector(".card:not([hidden])");
    if (q !== "") d.open = true;
  });
});
</script>"""


def _card_list(cards: list[tuple[str, str]], lang: str) -> str:
    """The cities' cards: one grid, or with many cities one folded group per province (open; named with its
    number of cities) under a search box."""
    from analysis.report.i18n import msg

    if len(cards) < GROUP_BY_PROVINCE_FROM:
        return f'<div class="cards">{"".join(card for _, card in cards)}</div>'
    groups: dict[str, list[str]] = {}
    for province, card in cards:
        groups.setdefault(province or msg("index.province_unknown", lang), []).append(card)
    parts = [
        f'<input id="find" type="search" placeholder="{html.escape(msg("index.search", lang))}" '
        f'aria-label="{html.escape(msg("index.search", lang))}">'
    ]
    unknown = msg("index.province_unknown", lang)
    for province in sorted(groups, key=lambda p: (p == unknown, p)):
        parts.append(
            f'<details class="province" open><summary>{html.escape(province)} ({len(groups[province])})</summary>'
            f'<div class="cards">{"".join(groups[province])}</div></details>'
        )
    return "".join(parts) + SEARCH_SCRIPT


def write_index(out_root: Path = REPORTS_DIR, lang: str | None = None) -> Path:
    """reports/index.html: one card per city with its headline findings and links (grouped by province under a
    search box when there are many: :data:`GROUP_BY_PROVINCE_FROM`); a banner for demo data."""
    from analysis.data import reference
    from analysis.methods.satisfaction import kinerja
    from analysis.report import privacy
    from analysis.report.i18n import city_name, msg, number

    out_root = Path(out_root)
    results = load_results(out_root)
    lang = lang or next(
        (r.get("lang") for city in results.values() for r in city.values() if r.get("lang")), "id"
    )
    withheld = withheld_reports(out_root, lang)
    order = {c: i for i, c in enumerate(known_cities())}
    everyone = sorted(set(results) | set(withheld), key=lambda c: (order.get(c, len(order)), c))
    registry = reference.cities()
    names = registry["name"].to_dict() if "name" in registry else {}
    provinces = registry["province"].to_dict() if "province" in registry else {}
    cards, demo = [], False
    for city in everyone:
        notes = withheld.get(city, {})
        by_nb = {nb: r for nb, r in results.get(city, {}).items() if nb not in notes}
        eff, needs_ = by_nb.get("programme_effects", {}), by_nb.get("training_needs", {})
        demo |= bool(eff.get("demo") or needs_.get("demo"))
        lines = [f'<li class="decision">{_markdown_bold(s)}</li>' for s in eff.get("decision", [])[:2]]
        for key in ("median_wait_minutes", "ikm"):
            o = eff.get("outcomes", {}).get(key)
            if o and o.get("estimate") is not None:
                lines.append(
                    f"<li>{html.escape(msg(f'outcome.{key}', lang))}: <b>{number(o['estimate'], lang, 2, sign=True)}</b> "
                    f"({msg('col.ci', lang, level=o['level'])} {number(o['ci_low'], lang, 2)} .. "
                    f"{number(o['ci_high'], lang, 2)}); "
                    f"{html.escape(msg('verdict.' + o['verdict'], lang))}</li>"
                )
        if eff.get("ikm_now"):
            n = eff["ikm_now"]
            lines.append(
                f"<li>{html.escape(msg('index.ikm_now', lang, year=n['year']))}: <b>{number(n['ikm'], lang, 2)}</b> "
                f"({n['mutu']}, {html.escape(kinerja(n['mutu'], lang))})</li>"
            )
        if needs_:
            lines.append(
                f"<li>{html.escape(msg('index.groups', lang))}: <b>{needs_['k']}</b>"
                f"{'' if needs_['stable'] else ' (' + html.escape(msg('index.not_stable', lang)) + ')'}</li>"
            )
            if needs_.get("largest_need"):
                ln = needs_["largest_need"]
                lines.append(
                    f"<li>{html.escape(msg('index.largest_need', lang))}: <b>{html.escape(ln['name'])}</b> "
                    f"({_count(ln['participants'], lang)} {html.escape(msg('index.staff', lang))})</li>"
                )
        mon = by_nb.get("monitoring", {})
        if mon.get("units") is not None:
            lines.append(
                f'<li>{html.escape(msg("index.attention", lang))}: <a href="{city}/monitoring.html">'
                f"<b>{_count(len(mon.get('units_needing_attention', [])), lang)}</b></a> / "
                f"{_count(len(mon['units']), lang)}</li>"
            )
        lines += [f'<li class="withheld">{html.escape(note)}</li>' for note in notes.values()]
        agencies = write_agency_pages(out_root, city, by_nb, lang)
        if agencies:
            lines.append(
                f'<li><a href="{city}/opd/index.html">{html.escape(msg("index.opd", lang, n=len(agencies)))}</a></li>'
            )
        links = " · ".join(
            f'<a href="{city}/{nb}.html">{html.escape(_link_label(nb, lang))}</a>'
            for nb in by_nb
            if (out_root / city / f"{nb}.html").exists()
        )
        name = city_name(city)  # as every page titles the city; the search also finds the registry's name
        search = f"{name} {names.get(city, '')}".lower()
        cards.append(
            (
                provinces.get(city, ""),
                f'<section class="card" data-name="{html.escape(search)}"><h2>{html.escape(name)}</h2>'
                f"<ul>{''.join(lines)}</ul><p>{links}</p></section>",
            )
        )
    cross = (
        f'<p><a href="{CROSS_CITY}.html">{html.escape(msg("index.link.cross_city", lang))}</a></p>'
        if (out_root / f"{CROSS_CITY}.html").exists()
        else ""
    )
    min_cell = next(
        (r["min_cell"] for c in results.values() for r in c.values() if r.get("min_cell")), privacy.MIN_CELL
    )
    banner = f'<p class="banner">{html.escape(msg("index.demo", lang))}</p>' if demo else ""
    page = f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(msg("index.title", lang))}</title>
<style>
 body {{ font-family: system-ui, sans-serif; max-width: 1000px; margin: 0 auto; padding: 12px; color: #1d2733; }}
 .cards {{ display: grid; grid-template-columns: repeat(auto-fit, minmax(280px, 1fr)); gap: 14px; }}
 .card {{ border: 1px solid #d5dde6; border-radius: 8px; padding: 4px 16px 8px; background: #fbfcfe; }}
 .card h2 {{ margin: 10px 0 4px; font-size: 20px; }} .card li {{ margin: 4px 0; }}
 .withheld {{ color: #8a3b12; }} .decision {{ font-size: 17px; }}
 .banner {{ background: #fff3cd; border: 1px solid #e0c36a; border-radius: 6px; padding: 8px 12px; }}
 details.province > summary {{ font-size: 19px; font-weight: 600; margin: 14px 0 8px; cursor: pointer; }}
 #find {{ width: 100%; box-sizing: border-box; font-size: 17px; padding: 8px; margin: 6px 0 4px; }}
</style></head>
<body><h1>{html.escape(msg("index.title", lang))}</h1>{banner}
{_card_list(cards, lang)}{cross}
<p><small>{html.escape(msg("index.footer", lang, generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), min_cell=min_cell))}</small></p>
</body></html>
"""
    path = out_root / "index.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    return path


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "opd"


def _cells(rows: list[dict], columns: list[str], lang: str, hidden: str) -> str:
    """An HTML table of published cells: headers from the catalogue, numbers in ``lang``, a hidden count as
    the page shows it."""
    from analysis.report.i18n import msg, number
    from analysis.report.tables import HEADER_FIELDS

    head = "".join(f"<th>{html.escape(msg(f'col.{c}', lang, **HEADER_FIELDS))}</th>" for c in columns)
    body = ""
    for r in rows:
        cells = []
        for c in columns:
            v = r.get(c)
            if v is None:
                text = hidden
            elif isinstance(v, (int, float)) and not isinstance(v, bool):
                text = number(v, lang, None if float(v).is_integer() else 2)
            else:
                text = str(v)
            cells.append(f"<td>{html.escape(text)}</td>")
        body += f"<tr>{''.join(cells)}</tr>"
    return f'<div class="wide"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'


def write_agency_pages(out_root: Path, city: str, by_nb: dict, lang: str) -> list[tuple[str, str, int, int]]:
    """One page per perangkat daerah (OPD) of a city, ``<out>/<city>/opd/<agency>.html``: its units that need
    attention (what is wrong, since, the follow-up), its staff per group, its training plan and the 20 JP
    check, and the city's programme effect, from the reports' results.json only (the same cells as the city
    pages: nothing hidden there is shown here), plus an index of the OPDs. Returns (agency, file, units
    needing attention, units monitored) per OPD."""
    from analysis.report.i18n import city_name, money, msg

    mon = by_nb.get("monitoring", {})
    needs_ = by_nb.get("training_needs", {})
    by_agency = needs_.get("by_agency") or {}
    units = mon.get("units") or []
    attention = mon.get("units_needing_attention") or []
    agencies = sorted({u["agency"] for u in units if u.get("agency")} | set(by_agency))
    folder = Path(out_root) / city / "opd"
    shutil.rmtree(
        folder, ignore_errors=True
    )  # last build's pages go: none outlives the numbers it was made from
    if not agencies:
        return []
    hidden = f"<{needs_.get('min_cell', 10)}"
    folder.mkdir(parents=True, exist_ok=True)
    decision = (by_nb.get("programme_effects", {}).get("decision") or [])[:1]
    listed = []
    for agency in agencies:
        own_units = [u for u in units if u.get("agency") == agency]
        own_attention = [a for a in attention if a.get("agency") == agency]
        title = f"{agency} · {city_name(city)}"
        parts = [
            f"<h1>{html.escape(title)}</h1>"
            f'<p><a href="../../index.html">{html.escape(msg("opd.back", lang))}</a></p>'
        ]
        if own_units:
            parts.append(f"<h2>{html.escape(msg('opd.heading.attention', lang))}</h2>")
            parts.append(
                f"<p>{html.escape(msg('opd.attention', lang, k=len(own_attention), n=len(own_units)))}</p>"
            )
            if own_attention:
                rows = [
                    {
                        "unit": a.get("unit_name") or a["unit_id"],
                        **a,
                        "since": min(a["since"].values()) if a.get("since") else "",
                    }
                    for a in own_attention
                ]
                parts.append(_cells(rows, ["unit", "what_is_wrong", "since", "follow_up"], lang, hidden))
        view = by_agency.get(agency, {})
        if view.get("groups"):
            parts.append(f"<h2>{html.escape(msg('opd.heading.staff', lang))}</h2>")
            rows = [{"group": g, "staff": n} for g, n in view["groups"].items()]
            parts.append(_cells(rows, ["group", "staff"], lang, hidden))
        if view.get("plan"):
            parts.append(f"<h2>{html.escape(msg('opd.heading.plan', lang))}</h2>")
            parts.append(
                _cells(view["plan"], ["group", "people", "enrolments", "jp", "cost_idr"], lang, hidden)
            )
            known = [r["cost_idr"] for r in view["plan"] if r.get("cost_idr") is not None]
            if known and len(known) == len(view["plan"]):
                parts.append(
                    f"<p>{html.escape(msg('opd.plan_total', lang, cost=money(sum(known), lang)))}</p>"
                )
        if view.get("jp"):
            parts.append(f"<h2>{html.escape(msg('opd.heading.jp', lang))}</h2>")
            parts.append(_cells([view["jp"]], ["staff", "meets_20_jp", "share_20_jp"], lang, hidden))
        if decision:
            parts.append(f"<h2>{html.escape(msg('opd.heading.city', lang))}</h2>")
            parts.append(f"<p>{_markdown_bold(decision[0])}</p>")
        name = f"{_slug(agency)}.html"
        (folder / name).write_text(
            _plain_page(f"{agency} · {city_name(city)}", "".join(parts), lang), encoding="utf-8"
        )
        listed.append((agency, name, len(own_attention), len(own_units)))
    items = "".join(
        f'<li><a href="{f}">{html.escape(a)}</a>'
        + (f" · {html.escape(msg('opd.attention', lang, k=k, n=n))}" if n else "")
        + "</li>"
        for a, f, k, n in listed
    )
    title = msg("opd.index_title", lang, city=city_name(city))
    (folder / "index.html").write_text(
        _plain_page(title, f"<h1>{html.escape(title)}</h1><ul>{items}</ul>", lang), encoding="utf-8"
    )
    return listed


def _plain_page(title: str, body: str, lang: str) -> str:
    """A small self-contained page (the OPD views): readable on a phone, wide tables scroll."""
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>
 body {{ font-family: system-ui, sans-serif; max-width: 900px; margin: 0 auto; padding: 12px; color: #1d2733; }}
 .wide {{ overflow-x: auto; }} table {{ border-collapse: collapse; }}
 th, td {{ border-bottom: 1px solid #dde3ea; padding: 4px 8px; text-align: left; vertical-align: top; }}
</style></head><body>{body}</body></html>
"""


_PATH = re.compile(r"(?:[A-Za-z]:)?[/\\][^\s'\"]*[/\\]([^\s/\\'\"]+)")


def without_paths(text: str) -> str:
    """``text`` with every absolute path cut to its last part ('.../params/palu.yaml' -> 'palu.yaml')."""
    return _PATH.sub(r"\1", text)


def withheld_reports(out_root: Path, lang: str) -> dict[str, dict[str, str]]:
    """{city: {notebook: why}} for the reports whose numbers the index must not show: the last run failed (its
    page was removed), or the city's data changed after the last run (``runner.RUNS_FILE``). The reason names
    the report and what to do, without machine paths."""
    from analysis.report import runner
    from analysis.report.i18n import msg

    try:
        runs = json.loads((Path(out_root) / runner.RUNS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    out: dict[str, dict[str, str]] = {}
    for city, by_nb in runs.items():
        if city == "all":
            continue
        try:
            now = runner.data_stamp(runner.city_params(city).get("data_dir"))
        except (OSError, ValueError):
            now = ""
        for nb, run in by_nb.items():
            label = _link_label(nb, lang)
            if run["status"] != "ok":
                error = without_paths(run.get("error", ""))
                out.setdefault(city, {})[nb] = msg("index.failed", lang, report=label, error=error)
            elif now and run.get("data_changed") and now > run["data_changed"]:
                out.setdefault(city, {})[nb] = msg(
                    "index.stale", lang, report=label, changed=now[:10], ran=run["ran"][:10]
                )
    return out


def _markdown_bold(sentence: str) -> str:
    """A sentence with **bold** as HTML, everything else escaped."""
    return re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", html.escape(sentence))


def _count(value, lang: str) -> str:
    """A published count in ``lang``'s numbers, or its hidden marker ('<10') as it is."""
    from analysis.report.i18n import number

    return value if isinstance(value, str) else number(value, lang)


def visible_text(page: str) -> tuple[str, list[str]]:
    """What a reader of a published page sees as text: the HTML without tags, styles and scripts, and the text of
    each figure (the SVG's <text> elements; figures keep their text as text). For checks on published pages."""
    import base64
    import urllib.parse

    page = re.sub(r"<style.*?</style>|<script.*?</script>", " ", page, flags=re.S)
    figures = []
    for m in re.finditer(r'data:image/svg\+xml(;base64)?,([^"\']+)', page):
        svg = base64.b64decode(m.group(2)).decode() if m.group(1) else urllib.parse.unquote(m.group(2))
        figures += [
            html.unescape(re.sub(r"<[^>]+>", "", s))
            for s in re.findall(r"<text[^>]*>(.*?)</text>", svg, re.S)
        ]
    page = re.sub(r"<img[^>]*>", " ", page)
    return html.unescape(re.sub(r"<[^>]+>", " ", page)), figures
