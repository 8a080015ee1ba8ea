import struct
import xml.etree.ElementTree as ElementTree
import zlib

from valorrepl import plots
from valorrepl.data import xor
from valorrepl.nn import MLP


def text(fragments):
    return "".join(t for _style, t in fragments)


def test_loss_chart_fits_and_marks_every_column():
    losses = [1.0 / (i + 1) for i in range(500)]
    chart = text(plots.loss_chart(losses, width=40, height=8))
    lines = chart.splitlines()
    assert len(lines) == 10 and all(len(line) <= 40 + 12 for line in lines)
    assert "(log)" in chart and "epoch 500" in chart and chart.count("•") >= 40


def test_loss_svg_is_valid_xml_and_png_decodes():
    losses = [3.0, 2.0, 1.5, 1.2, 1.1]
    root = ElementTree.fromstring(plots.loss_svg(losses))
    assert root.tag.endswith("svg") and root.find("{http://www.w3.org/2000/svg}polyline") is not None
    png = plots.loss_png(losses, 100, 50)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", png[16:24])
    idat_length = struct.unpack(">I", png[33:37])[0]
    raw = zlib.decompress(png[41:41 + idat_length])
    assert (width, height) == (100, 50) and len(raw) == 50 * (1 + 100 * 3)


def test_decision_regions_mark_points_and_mistakes():
    data = xor()
    model = MLP(2, [4, 1], "tanh", "linear", seed=0)
    picture = text(plots.decision_regions(model, data.xs, data.ys, 30, 10))
    rows = picture.splitlines()
    assert len(rows) == 10 and all(len(r) == 30 for r in rows)
    assert sum(picture.count(c) for c in "oxOX") == 4


def test_train_writes_plots_and_draws_regions(run, tmp_path):
    out = run(f":train xor --epochs 40 --lr 0.1 --plot {tmp_path / 'loss.svg'}")
    assert (tmp_path / "loss.svg").read_bytes().startswith(b"<?xml")
    assert "Decision regions" in out and "epoch 40" in out
    images = [r for r in run.replies if r.kind == "image"]
    assert images and images[-1].data.mime == "image/svg+xml"
    assert "--plot writes .svg or .png" in run(f":train --epochs 2 --plot {tmp_path / 'loss.gif'}")
