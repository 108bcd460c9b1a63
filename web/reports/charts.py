"""Charts drawn on the server as SVG (pygal), embedded as data URIs: no JavaScript needed."""

from __future__ import annotations

import base64
import sys
from collections import Counter
from datetime import date, timedelta
from typing import Any

import pygal
from flask_babel import gettext as _
from pygal.style import Style

from projections.reports.sanitise import clean

# pygal installs a legacy import hook (no find_spec) that makes later failed imports warn
# (ImportWarning, an error under the test suite); it only serves the old pygal.maps plugins.
sys.meta_path[:] = [f for f in sys.meta_path if type(f).__name__ != "PluginImportFixer"]

Row = dict[str, Any]
# Labels large enough to read when the 800-px chart prints at about half its size, in CJK.
TEXT = {"font_family": "'Noto Sans CJK SC', 'Source Han Sans SC', 'Microsoft YaHei', sans-serif",
        "label_font_size": 16, "major_label_font_size": 16, "legend_font_size": 16,
        "title_font_size": 20, "value_font_size": 14, "no_data_font_size": 28}
STYLE = Style(background="white", plot_background="white",
              colors=("#2f6fb0", "#c0392b", "#e0a800", "#2e8b57"), **TEXT)
LIGHT_STYLE = Style(background="white", plot_background="white",
                    colors=("#c0392b", "#e0a800", "#2e8b57"), **TEXT)


def data_uri(chart: Any) -> str:
    """The chart as an image URI (CSP allows img-src data:)."""
    svg = chart.render(is_unicode=True).encode("utf-8")
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def _chart(kind: type, title: str, style: Style = STYLE, **options: Any) -> Any:
    settings = {"js": [], "width": 640, "height": 420, "show_legend": True,
                "no_data_text": _("No data yet"), "truncate_label": 40,
                "truncate_legend": 30, **options}
    return kind(title=title, style=style, **settings)


def on_time_rates(rows: list[Row]) -> str:
    """Bar chart: percent of items done on time per person (people with something done)."""
    done = [r for r in rows if r["done"]][::-1]  # not a status; pygal draws bottom-up
    chart = _chart(pygal.HorizontalBar, _("On-time rate per person (%)"), range=(0, 100))
    chart.x_labels = [clean(r["name"]) for r in done]
    chart.add(_("On time"), [r["on_time_rate"] for r in done])
    return data_uri(chart)


def unit_lights(units: list[Row]) -> str:
    """Stacked bars: red, yellow and green items led by each unit."""
    chart = _chart(pygal.StackedBar, _("Lights per unit"), LIGHT_STYLE)
    chart.x_labels = [clean(u["name"]) for u in units]
    for colour, label in (("red", _("Overdue")), ("yellow", _("At risk")),
                          ("green", _("On track"))):
        chart.add(label, [u["lights"][colour] for u in units])
    return data_uri(chart)


def week_of(day: date) -> date:
    """The Monday of the day's week."""
    return day - timedelta(days=day.weekday())


def done_per_week(rows: list[Row]) -> str:
    """Bars: items completed per week (by the completion date)."""
    counts: Counter[date] = Counter()
    for row in rows:
        for figure in ("done_on_time", "done_late"):
            for item in row["items"][figure]:
                counts[week_of(item["on"])] += 1
    weeks = sorted(counts)
    if weeks:
        span = (weeks[-1] - weeks[0]).days // 7 + 1
        weeks = [weeks[0] + timedelta(weeks=n) for n in range(min(span, 104))]
    chart = _chart(pygal.Bar, _("Items done per week"), x_label_rotation=45,
                   show_legend=False)
    chart.x_labels = [w.isoformat() for w in weeks]
    chart.add(_("Done"), [counts.get(w, 0) for w in weeks])
    return data_uri(chart)
