"""Data sets to train on: the course's samples, toy 2-D problems, penguins, and any CSV file.

Every loader returns a Dataset of plain floats; generators take a seed and never touch the
global random state, so the same call gives the same points on every machine.
"""

import csv
import math
import random
from dataclasses import dataclass, field
from pathlib import Path

from .i18n import _

__all__ = ["Dataset", "DataFormatError", "course", "xor", "moons", "circles", "penguins",
           "load_csv", "DATASETS", "load"]

MISSING = {"", "na", "n/a", "null", "none", "?"}   # "nan" written out is an error: see _number
PENGUINS_CSV = Path(__file__).with_name("datasets") / "penguins.csv"


class DataFormatError(ValueError):
    """A data file that cannot be read as numbers; the message names file, line and column."""


@dataclass
class Dataset:
    name: str
    xs: list                      # one list of floats per sample
    ys: list                      # one float per sample
    features: list                # a name per input column
    target: str
    task: str = "regression"      # or "classification" (targets −1 / +1)
    scales: dict = field(default_factory=dict)   # column → (min, max) before min-max scaling
    left_out: list = field(default_factory=list)  # columns of a CSV file with no numbers (names, …)
    dropped: int = 0              # rows of a CSV file left out for a missing value

    def __len__(self):
        return len(self.xs)

    def __repr__(self):
        return (f"Dataset({self.name!r}: {len(self)} samples, {len(self.features)} features "
                f"→ {self.target!r}, {self.task})")

    def unscale(self, value, column=None):
        """A scaled value back in the column's own units (the target's by default)."""
        low, high = self.scales.get(column or self.target, (0.0, 1.0))
        return low + value * ((high - low) or 1.0)   # the span load_csv divided by


def course():
    """The course's 4 samples of 3 process parameters, and the outputs to learn."""
    xs = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
    ys = [1.0, 0.0, 0.2, 0.5]
    return Dataset("course", xs, ys, ["x1", "x2", "x3"], "y")


def xor():
    """The four corners of the square; +1 where exactly one input is 1."""
    xs = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
    ys = [-1.0, 1.0, 1.0, -1.0]
    return Dataset("xor", xs, ys, ["x1", "x2"], "class", "classification")


def moons(n=100, noise=0.1, seed=0):
    """Two interleaving half circles (labels −1 and +1), with Gaussian noise."""
    rng = random.Random(seed)
    outer, inner = n // 2 + n % 2, n // 2
    xs, ys = [], []
    for i in range(outer):
        t = math.pi * i / max(outer - 1, 1)
        xs.append([math.cos(t), math.sin(t)])
        ys.append(-1.0)
    for i in range(inner):
        t = math.pi * i / max(inner - 1, 1)
        xs.append([1.0 - math.cos(t), 0.5 - math.sin(t)])
        ys.append(1.0)
    xs = [[a + rng.gauss(0, noise), b + rng.gauss(0, noise)] for a, b in xs]
    return Dataset("moons", xs, ys, ["x1", "x2"], "class", "classification")


def circles(n=100, noise=0.05, factor=0.5, seed=0):
    """A small circle (+1) inside a large one (−1)."""
    rng = random.Random(seed)
    xs, ys = [], []
    for i in range(n):
        inside = i % 2 == 1
        t = 2 * math.pi * (i // 2) / max(n // 2, 1)
        radius = factor if inside else 1.0
        xs.append([radius * math.cos(t) + rng.gauss(0, noise), radius * math.sin(t) + rng.gauss(0, noise)])
        ys.append(1.0 if inside else -1.0)
    return Dataset("circles", xs, ys, ["x1", "x2"], "class", "classification")


def penguins(target="body_mass_g", features=None):
    """Palmer penguins measurements (344 penguins, CC-0), rows with missing values dropped."""
    features = features or [c for c in ("bill_length_mm", "bill_depth_mm", "flipper_length_mm",
                                        "body_mass_g") if c != target]
    dataset = load_csv(PENGUINS_CSV, target, features)
    dataset.name = "penguins"
    return dataset


def load_csv(path, target=None, features=None, scale=True):
    """Read numeric columns of a CSV file with a header row.

    target defaults to the last column, features to every other column of numbers; a column
    with no numbers at all (species names…) is left out, one with numbers and a stray word is
    a DataFormatError naming file, line and column. Rows with a missing value (empty, NA, ?…)
    in a chosen column are dropped. With scale, each column is min-max scaled to [0, 1], as
    the course does; the Dataset keeps the ranges to undo it.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise DataFormatError(_("{path}: not a UTF-8 text file ({reason})").format(
            path=path, reason=error.reason)) from None
    rows = list(csv.reader(text.splitlines()))
    if not rows or not any(rows[0]):
        raise DataFormatError(_("{path}:1: the file is empty; the first line should name the columns")
                              .format(path=path))
    header = [name.strip() for name in rows[0]]
    target = target or header[-1]
    for name in [*(features or []), target]:
        if name not in header:
            raise DataFormatError(_("{path}:1: no column named {name}; the columns are {columns}").format(
                path=path, name=repr(name), columns=", ".join(header)))
    left_out = []
    if features is None:
        features = [name for name in header if name != target]
        left_out = [name for name in features if not _has_numbers(path, rows, header.index(name))]
        features = [name for name in features if name not in left_out]
    wanted = [header.index(name) for name in [*features, target]]
    table, dropped = [], 0
    for line_number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise DataFormatError(_("{path}:{line}: expected {n} fields, found {found}").format(
                path=path, line=line_number, n=len(header), found=len(row)))
        cells = [row[i].strip() for i in wanted]
        if any(cell.lower() in MISSING for cell in cells):
            dropped += 1
            continue
        table.append([_number(cell, path, line_number, i, header[i]) for i, cell in zip(wanted, cells)])
    if not table:
        raise DataFormatError(_("{path}: no complete rows of numbers to learn from").format(path=path))
    columns = [*features, target]
    scales = {}
    if scale:
        for j, name in enumerate(columns):
            low, high = min(r[j] for r in table), max(r[j] for r in table)
            scales[name] = (low, high)
            span = (high - low) or 1.0
            for r in table:
                r[j] = (r[j] - low) / span
    return Dataset(path.stem, [r[:-1] for r in table], [r[-1] for r in table],
                   list(features), target, scales=scales, left_out=left_out, dropped=dropped)


def _number(cell, path, line, index, column):
    """A cell as a finite float, or a DataFormatError saying where it is (file:line:column)."""
    try:
        value = float(cell)
    except ValueError:
        raise DataFormatError(_("{path}:{line}:{column}: {cell} in column {name} is not a number").format(
            path=path, line=line, column=index + 1, cell=repr(cell), name=repr(column))) from None
    if not math.isfinite(value):
        raise DataFormatError(_("{path}:{line}:{column}: {cell} in column {name} is not a finite number")
                              .format(path=path, line=line, column=index + 1, cell=repr(cell), name=repr(column)))
    return value


def _has_numbers(path, rows, index):
    """False for a column with no numbers (names, species): it is left out. A column of numbers
    with a stray word in it is a mistake in the file, and raises where the word is."""
    cells = [(line, row[index].strip()) for line, row in enumerate(rows[1:], start=2) if index < len(row)]
    present = [(line, cell) for line, cell in cells if cell.lower() not in MISSING]
    numbers = [cell for _line, cell in present if _is_float(cell)]
    if not numbers:
        return False
    for line, cell in present:
        _number(cell, path, line, index, rows[0][index].strip())
    return True


def _is_float(text):
    try:
        float(text)
    except ValueError:
        return False
    return True


DATASETS = {"course": course, "xor": xor, "moons": moons, "circles": circles, "penguins": penguins}


def load(name, target=None):
    """A data set by name (course, xor, moons, circles, penguins) or a CSV file's path."""
    if name in DATASETS:
        return DATASETS[name](target=target) if name == "penguins" and target else DATASETS[name]()
    if Path(name).suffix.lower() == ".csv" or Path(name).exists():
        if not Path(name).exists():
            raise FileNotFoundError(2, _("No such file or directory"), name)
        return load_csv(name, target)
    raise ValueError(_("unknown data set {name}; choose one of {names} or a .csv file").format(
        name=repr(name), names=", ".join(DATASETS)))
