"""The printed table: median, min, max and the ratio to the baseline of the same run."""

from __future__ import annotations

from bench.measure import Results


def fmt(value: float) -> str:
    if value != value:  # NaN
        return "-"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def table(results: Results) -> str:
    """A plain-text table grouped by measurement."""
    width = max([len(f.name) for f in results.figures] + [20])
    head = f"{'measurement':<{width}}  {'unit':>8}  {'median':>10}  {'min':>10}  {'max':>10}  " \
           f"{'n':>3}  {'ratio':>7}  vs"
    lines = [f"bench size {results.size}", head, "-" * len(head)]
    group = None
    for fig in results.figures:
        if fig.group != group:
            group = fig.group
            lines.append(f"== {group}")
        ratio = f"{fig.ratio:.3g}" if fig.ratio is not None else ""
        lines.append(f"{fig.name:<{width}}  {fig.unit:>8}  {fmt(fig.median):>10}  "
                     f"{fmt(fig.low):>10}  {fmt(fig.high):>10}  {len(fig.values):>3}  "
                     f"{ratio:>7}  {fig.baseline or ''}")
    for note in results.notes:
        lines.append(f"note: {note}")
    return "\n".join(lines)
