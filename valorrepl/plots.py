"""Small pictures of training: the loss curve and a classifier's decision regions.

Each picture comes as text for any terminal (with style classes for colour) and as an SVG or
PNG file, written with nothing but the standard library.
"""

import math
import struct
import zlib

from .i18n import _

__all__ = ["loss_chart", "decision_regions", "loss_svg", "loss_png"]


def _scaled(values, log):
    if log:
        values = [math.log10(v) if v > 0 else math.nan for v in values]
    finite = [v for v in values if math.isfinite(v)]
    return values, (min(finite), max(finite)) if finite else (0.0, 1.0)


def _use_log(losses):
    positive = [v for v in losses if v > 0 and math.isfinite(v)]
    return bool(positive) and max(positive) / min(positive) > 100


def loss_chart(losses, width=60, height=10):
    """The loss per epoch as rows of text: `•` marks, the loss on the left, epochs below.
    Returns (style_class, text) fragments; a logarithmic scale when the loss falls a hundredfold."""
    if not losses:
        return [("muted", "(no epochs)\n")]
    width = max(10, min(width, 120))
    log = _use_log(losses)
    values, (low, high) = _scaled(losses, log)
    span = (high - low) or 1.0
    columns = []
    for x in range(width):  # the mean loss of the epochs that fall in each column
        start = x * len(values) // width
        stop = max(start + 1, (x + 1) * len(values) // width)
        chunk = [v for v in values[start:stop] if math.isfinite(v)]
        columns.append(sum(chunk) / len(chunk) if chunk else None)
    rows = [[" "] * width for _ in range(height)]
    for x, v in enumerate(columns):
        if v is not None:
            rows[height - 1 - round((v - low) / span * (height - 1))][x] = "•"
    top = f"{10 ** high if log else high:.4g}"
    bottom = f"{10 ** low if log else low:.4g}"
    margin = max(len(top), len(bottom))
    fragments = []
    for i, row in enumerate(rows):
        axis = top if i == 0 else bottom if i == height - 1 else ""
        fragments += [("muted", f"{axis:>{margin}} │"), ("chart.line", "".join(row).rstrip()), ("", "\n")]
    scale = " (log)" if log else ""
    fragments.append(("muted", f"{'':>{margin}} └{'─' * width}\n{'':>{margin}}  1"
                               f"{_('epoch {n}').format(n=len(losses)) + scale:>{width - 1}}\n"))
    return fragments


def decision_regions(model, xs, ys, width=60, height=20):
    """A classifier's regions (`·` where it says −1, `+` where it says +1) with the points on top
    (`o` for −1, `x` for +1; `O`/`X` when the model gets that point wrong)."""
    from .engine import Valor
    x_low, x_high = min(p[0] for p in xs), max(p[0] for p in xs)
    y_low, y_high = min(p[1] for p in xs), max(p[1] for p in xs)
    pad_x, pad_y = (x_high - x_low) * 0.1 or 1.0, (y_high - y_low) * 0.1 or 1.0
    x_low, x_high, y_low, y_high = x_low - pad_x, x_high + pad_x, y_low - pad_y, y_high + pad_y

    def score(point):
        out = model(point)
        return out.data if isinstance(out, Valor) else float(out)

    def cell(px, py):
        col = int((px - x_low) / (x_high - x_low) * (width - 1) + 0.5)
        row = int((y_high - py) / (y_high - y_low) * (height - 1) + 0.5)
        return row, col

    grid = [[("region.positive", "+") if score([x_low + (x_high - x_low) * c / (width - 1),
                                                  y_high - (y_high - y_low) * r / (height - 1)]) > 0
             else ("region.negative", "·") for c in range(width)] for r in range(height)]
    for point, target in zip(xs, ys):
        r, c = cell(*point[:2])
        right = (score(point) > 0) == (target > 0)
        mark = ("x" if target > 0 else "o") if right else ("X" if target > 0 else "O")
        grid[r][c] = ("point.positive" if target > 0 else "point.negative", mark)
    fragments = []
    for row in grid:
        for style, char in row:
            if fragments and fragments[-1][0] == style:
                fragments[-1] = (style, fragments[-1][1] + char)
            else:
                fragments.append((style, char))
        fragments.append(("", "\n"))
    return fragments


def _curve_points(losses, width, height, margin):
    log = _use_log(losses)
    values, (low, high) = _scaled(losses, log)
    span = (high - low) or 1.0
    n = max(len(values) - 1, 1)
    return [(margin + (width - 2 * margin) * i / n,
             height - margin - (height - 2 * margin) * (v - low) / span)
            for i, v in enumerate(values) if math.isfinite(v)], log, low, high


def loss_svg(losses, width=640, height=320):
    """The loss curve as an SVG document (bytes)."""
    margin = 40
    points, log, low, high = _curve_points(losses, width, height, margin)
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    top = f"{10 ** high if log else high:.4g}"
    bottom = f"{10 ** low if log else low:.4g}"
    svg = f"""<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}">
<title>loss per epoch{' (log scale)' if log else ''}</title>
<rect width="100%" height="100%" fill="white"/>
<line x1="{margin}" y1="{height - margin}" x2="{width - margin}" y2="{height - margin}" stroke="black"/>
<line x1="{margin}" y1="{margin}" x2="{margin}" y2="{height - margin}" stroke="black"/>
<polyline fill="none" stroke="#1f77b4" stroke-width="2" points="{path}"/>
<text x="4" y="{margin + 4}" font-size="12" font-family="sans-serif">{top}</text>
<text x="4" y="{height - margin}" font-size="12" font-family="sans-serif">{bottom}</text>
<text x="{width - margin}" y="{height - 12}" font-size="12" font-family="sans-serif" text-anchor="end">epoch {len(losses)}</text>
<text x="{width / 2}" y="20" font-size="14" font-family="sans-serif" text-anchor="middle">loss{' (log)' if log else ''}</text>
</svg>
"""
    return svg.encode("utf-8")


def loss_png(losses, width=640, height=320):
    """The loss curve as a PNG image (bytes): axes and the curve, drawn pixel by pixel."""
    margin = 40
    white, black, blue = (255, 255, 255), (0, 0, 0), (31, 119, 180)
    pixels = [[white] * width for _ in range(height)]

    def line(x0, y0, x1, y1, colour, thick=1):
        steps = int(max(abs(x1 - x0), abs(y1 - y0))) + 1
        for i in range(steps + 1):
            x = round(x0 + (x1 - x0) * i / steps)
            y = round(y0 + (y1 - y0) * i / steps)
            for dy in range(-(thick // 2), thick // 2 + 1):
                if 0 <= x < width and 0 <= y + dy < height:
                    pixels[y + dy][x] = colour

    line(margin, height - margin, width - margin, height - margin, black)
    line(margin, margin, margin, height - margin, black)
    points, *_ = _curve_points(losses, width, height, margin)
    for (x0, y0), (x1, y1) in zip(points, points[1:]):
        line(x0, y0, x1, y1, blue, thick=3)
    raw = b"".join(b"\x00" + bytes(c for pixel in row for c in pixel) for row in pixels)

    def chunk(kind, payload):
        return (struct.pack(">I", len(payload)) + kind + payload
                + struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 6))
            + chunk(b"IEND", b""))
