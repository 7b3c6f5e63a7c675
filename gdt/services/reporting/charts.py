"""Accessible bar charts of the yearly statistics as inline SVG, rendered on the server (no JavaScript).

Each chart is one `<svg role="img">` named by its `<title>` and described by its `<desc>` (which
reads out every figure), with the label, the count and the share written next to each bar, so
nothing depends on colour or on seeing the bar's length. Colours are the NL Design System example
theme's tokens (gdt/static/nlds/voorbeeld-theme.css) as literal values: presentation attributes
cannot use CSS variables, and the page's Content-Security-Policy allows no inline styles.
The chart has a fixed size in user units (a viewBox), so CSS can scale it and it prints as is.

Every label is escaped: partner names are typed by an administrator. The output depends only on
the arguments, so tests can compare it exactly. Figures are Dutch (decimal comma), like the
statistics document's labels.
"""
import re
import textwrap

from babel.numbers import format_decimal
from markupsafe import Markup, escape

from gdt.services.reporting import statistics

# Tokens of the voorbeeld theme: --voorbeeld-kleuren-*.
BAR = "#5115ef"  # violet-500 (basis-color-accent-1-inverse-bg-default): 7.6:1 on white
BAR_EDGE = "#1d0857"  # violet-700: the bar stays visible in greyscale print
TRACK = "#eff1f3"  # grijs-100 (basis-color-default-bg-default): the 100 % scale behind each bar
TRACK_EDGE = "#586c88"  # grijs-400: 5.3:1 on white, the track's outline shows the full scale
TEXT = "#001a40"  # grijs-700 (basis-color-default-color-document)
FONT = "'Noto Sans', 'DejaVu Sans', Arial, Helvetica, sans-serif"

WIDTH = 640  # the PDF's charts, a page wide
PAGE_WIDTH = 320  # the page's charts, beside their table; at 320 px wide still 90 % of their size
VALUE_WIDTH = 160  # room right of the bars for "1.234 (80,0 %)"
PAGE_VALUE_WIDTH = 130  # the same for a narrower chart: "12.345 (100,0 %)" still fits
TRACK_WIDTH = WIDTH - VALUE_WIDTH  # the bars' 100 %; the value column is right of it
FONT_SIZE = 14
LINE = 18  # height of a text line
BAR_HEIGHT = 20
GAP = 14  # between items
TITLE_SIZE = 16
WRAP = 70  # characters per label line (14 px text in 640 units leaves room for ~80)
MONTHS_TITLE = "Meldingen van bewoners per maand van ontvangst, {year}"
CATEGORIES_TITLE = "Meldingen van bewoners per categorie, {year}"


def bar_chart(title: str, description: str, items: list[dict], *, total: int, total_label: str | None = None,
              chart_id: str | None = None, width: int = WIDTH) -> Markup:
    """A horizontal bar chart: one bar per item (`label`, `count`, `percent`) as a share of `total`.

    `description` is what a screen reader hears after the title; put the figures in it (`charts_for`
    does). `chart_id` makes the ids of title and description unique on a page; by default it is
    derived from the title. `width` in user units: the label lines wrap to fit it, the bars take what the
    values leave.
    """
    base = _identifier(chart_id or title)
    track_width = width - (VALUE_WIDTH if width >= WIDTH else PAGE_VALUE_WIDTH)
    wrap = WRAP * width // WIDTH
    parts: list[str] = []
    y = TITLE_SIZE + 4
    for line in _wrapped(title, wrap * FONT_SIZE // TITLE_SIZE):
        parts.append(f'<text x="0" y="{y}" font-size="{TITLE_SIZE}" font-weight="bold">{escape(line)}</text>')
        y += LINE + 2
    y -= LINE + 2 - 14
    if not items:
        y += LINE
        parts.append(f'<text x="0" y="{y - 4}" font-style="italic">Geen gegevens.</text>')
    for item in items:
        for line in _wrapped(item["label"], wrap):
            y += LINE
            parts.append(f'<text x="0" y="{y - 4}">{escape(line)}</text>')
        y += 2
        share = item["count"] / total if total else 0.0
        bar = round(track_width * min(max(share, 0.0), 1.0), 1)
        if item["count"] and bar < 2:
            bar = 2.0  # a non-zero count stays visible as a sliver
        parts.append(f'<rect x="0.5" y="{y + 0.5}" width="{track_width - 1}" height="{BAR_HEIGHT - 1}" fill="{TRACK}" '
                     f'stroke="{TRACK_EDGE}" stroke-width="1"/>')
        if bar:
            parts.append(f'<rect x="0" y="{y}" width="{_number(bar)}" height="{BAR_HEIGHT}" fill="{BAR}" '
                         f'stroke="{BAR_EDGE}" stroke-width="1"/>')
        value = f"{dutch_number(item['count'])} ({dutch_percent(item['percent'])})"
        parts.append(f'<text x="{width - 2}" y="{y + BAR_HEIGHT - 5}" text-anchor="end">{escape(value)}</text>')
        y += BAR_HEIGHT + GAP
    if total_label is not None:
        y += LINE - GAP + 8
        parts.append(f'<text x="0" y="{y - 4}" font-weight="bold">{escape(total_label)}: {dutch_number(total)}</text>')
    height = y + 6
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="gdt-chart" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-labelledby="{base}-title" aria-describedby="{base}-desc" '
        f'font-family="{escape(FONT)}" font-size="{FONT_SIZE}" fill="{TEXT}">'
        f'<title id="{base}-title">{escape(title)}</title>'
        f'<desc id="{base}-desc">{escape(description)}</desc>'
        + "".join(parts) + "</svg>"
    )


def charts_for(document: dict, *, width: int = WIDTH) -> list[dict]:
    """One chart per breakdown of the statistics document, in funnel order.

    Each entry: `section` (e.g. "reports.by_channel"), `title`, `description` and `svg` (Markup).
    """
    year = document["year"]
    charts = []
    for section, total, items in statistics.breakdowns(document):
        title = f"{statistics.SECTION_TITLES[section]}, {year}"
        total_label = statistics.TOTAL_LABELS[section]
        description = describe(items, total, total_label)
        svg = bar_chart(title, description, items, total=total, total_label=total_label,
                        chart_id=f"gdt-chart-{year}-{section}", width=width)
        charts.append({"section": section, "title": title, "description": description, "svg": svg})
    return charts


def share_chart(title: str, rows: list[dict], chart_id: str, *, width: int = WIDTH) -> Markup:
    """A bar chart of one of the page's resident-report breakdowns (months, categories), each bar a share of
    the resident reports."""
    total = sum(row["count"] for row in rows)
    total_label = statistics.TOTAL_LABELS["reports.by_channel"]
    return bar_chart(title, describe(rows, total, total_label), rows, total=total, total_label=total_label,
                     chart_id=f"gdt-chart-{chart_id}", width=width)


def page_charts(page: dict, *, width: int = PAGE_WIDTH) -> dict[str, Markup]:
    """Every chart of the statistics page (gdt.services.reporting.funnel.yearly_funnel), keyed by what it shows:
    the document's sections ("reports.by_channel" …), "months" and "categories"."""
    year = page["document"]["year"]
    found = {chart["section"]: chart["svg"] for chart in charts_for(page["document"], width=width)}
    found["months"] = share_chart(MONTHS_TITLE.format(year=year), page["months"], f"{year}-months", width=width)
    found["categories"] = share_chart(CATEGORIES_TITLE.format(year=year), page["categories"], f"{year}-categories",
                                      width=width)
    return found


def describe(items: list[dict], total: int, total_label: str) -> str:
    """The chart in words, every figure included: 'Liggend staafdiagram. Woonoverlast-app: 8 (80,0 %); …'."""
    if not items:
        return f"Liggend staafdiagram zonder gegevens. {total_label}: {dutch_number(total)}."
    figures = "; ".join(f"{item['label']}: {dutch_number(item['count'])} ({dutch_percent(item['percent'])})"
                        for item in items)
    return f"Liggend staafdiagram, aandeel per groep. {figures}. {total_label}: {dutch_number(total)}."


def dutch_number(number: int) -> str:
    """1234567 → 1.234.567 (Babel's Dutch notation)."""
    return format_decimal(number, locale="nl")


def dutch_percent(share: float) -> str:
    """80.0 → '80,0 %' (with a no-break space, so the sign never wraps away from its number)."""
    return f"{share:.1f}".replace(".", ",") + "\u00a0%"


def _wrapped(label: str, width: int = WRAP) -> list[str]:
    return textwrap.wrap(str(label), width, break_long_words=True, break_on_hyphens=False) or [""]


def _identifier(text: str) -> str:
    """An XML/HTML id from free text: letters, digits, '-' and '_' only, starting with a letter."""
    return "c-" + (re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-") or "chart")


def _number(value: float) -> str:
    return f"{value:g}"
