"""Data sets to train on: the course's samples, toy 2-D problems, penguins, and any CSV file.

Every loader returns a Dataset of plain floats; generators take a seed and never touch the
global random state, so the same call gives the same points on every machine.
"""

import csv
import math
import random
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Dataset", "DataFormatError", "course", "xor", "moons", "circles", "penguins",
           "load_csv", "DATASETS", "load"]

MISSING = {"", "na", "nan", "null", "none", "?"}
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

    target defaults to the last column, features to every other numeric column. Rows with a
    missing value (empty, NA, nan…) in a chosen column are dropped. With scale, each column is
    min-max scaled to [0, 1], as the course does; the Dataset keeps the ranges to undo it.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise DataFormatError(f"{path}: not a UTF-8 text file ({error.reason})") from None
    rows = list(csv.reader(text.splitlines()))
    if not rows or not any(rows[0]):
        raise DataFormatError(f"{path}:1: the file is empty; the first line should name the columns")
    header = [name.strip() for name in rows[0]]
    target = target or header[-1]
    if features is None:
        features = [name for name in header if name != target and _numeric_column(rows, header.index(name))]
    for name in [*features, target]:
        if name not in header:
            raise DataFormatError(f"{path}:1: no column named {name!r}; the columns are {', '.join(header)}")
    wanted = [header.index(name) for name in [*features, target]]
    table = []
    for line_number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise DataFormatError(f"{path}:{line_number}: expected {len(header)} fields, found {len(row)}")
        cells = [row[i].strip() for i in wanted]
        if any(cell.lower() in MISSING for cell in cells):
            continue
        values = []
        for i, cell in zip(wanted, cells):
            try:
                values.append(float(cell))
            except ValueError:
                raise DataFormatError(f"{path}:{line_number}:{i + 1}: {cell!r} in column "
                                      f"{header[i]!r} is not a number") from None
        table.append(values)
    if not table:
        raise DataFormatError(f"{path}: no complete rows of numbers to learn from")
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
                   list(features), target, scales=scales)


def _numeric_column(rows, index):
    cells = [row[index].strip() for row in rows[1:] if index < len(row)]
    present = [c for c in cells if c.lower() not in MISSING]
    try:
        [float(c) for c in present]
    except ValueError:
        return False
    return bool(present)


DATASETS = {"course": course, "xor": xor, "moons": moons, "circles": circles, "penguins": penguins}


def load(name, target=None):
    """A data set by name (course, xor, moons, circles, penguins) or a CSV file's path."""
    if name in DATASETS:
        return DATASETS[name](target=target) if name == "penguins" and target else DATASETS[name]()
    if Path(name).suffix.lower() == ".csv" or Path(name).exists():
        if not Path(name).exists():
            raise FileNotFoundError(f"no such file: {name}")
        return load_csv(name, target)
    raise ValueError(f"unknown data set {name!r}; choose one of {', '.join(DATASETS)} or a .csv file")
