"""`:train` — train a multilayer perceptron on a data set, with progress and a summary."""

import math
import time
from pathlib import Path

from .. import data, plots
from ..errors import CommandError
from ..hookspecs import hookimpl
from ..i18n import _
from ..nn import ACTIVATIONS, MLP
from ..registry import command, option
from ..session import Image, Outcome
from ..train import LOSSES, accuracy, fit, predict
from . import torch as beside_torch

# what works well for each kind of task, when the learner does not say
DEFAULTS = {
    "regression": dict(layers="3,2,1", activation="sigmoid", loss="sse", epochs=1000, lr=0.5),
    "classification": dict(layers="8,8,1", activation="tanh", loss="hinge", epochs=100, lr=0.2),
}
# data sets of hundreds of rows: fewer passes, a mean loss (a sum over hundreds of rows makes
# steps hundreds of times too big) and a smaller network that learns within those passes
LARGE = {"regression": dict(epochs=100, loss="mse", layers="4,1", lr=2.0),
         "classification": dict(epochs=100)}
PROGRESS_UPDATES = 20      # how many progress replies a run sends at most


def _complete_data(session, word):
    return [name for name in session.datasets if name.startswith(word)]


@command("train", aliases=("treinar", "t"), cancellable=True, complete=_complete_data, options=(
    option("data", nargs="?", default="course", help="course (default), xor, moons, circles, penguins or FILE.csv"),
    option("--target", help="the column to predict (CSV files and penguins)"),
    option("--layers", help="neurons per layer, output last, e.g. 3,2,1"),
    option("--activation", choices=tuple(ACTIVATIONS), help="activation of every neuron"),
    option("--epochs", type=int, help="passes over the data"),
    option("--lr", type=float, help="learning rate"),
    option("--loss", choices=tuple(LOSSES), help="sse, mse or hinge"),
    option("--seed", type=int, default=0, help="seed of the initial weights"),
    option("--plot", metavar="FILE", help="also write the loss curve to FILE (.svg or .png)"),
    option("--backend", choices=("valor", "torch"), default="valor",
           help="torch: train the same network in PyTorch too, and compare"),
))
def train_command(session, args, emit):
    """Train a multilayer perceptron (an MLP) with gradient descent.

    Example:
        >>> :train --epochs 200
        >>> :train moons --layers 8,8,1 --epochs 50
        >>> :train --epochs 200 --backend torch
    """
    dataset = _load(session, args)
    settings = dict(DEFAULTS[dataset.task])
    if len(dataset) > 50:
        settings.update(LARGE[dataset.task])
    settings.update({k: v for k, v in vars(args).items() if v is not None and k in settings})
    sizes = _layer_sizes(settings["layers"])
    if args.epochs is not None and args.epochs < 1:
        raise CommandError(_("--epochs must be at least 1"))
    if args.lr is not None and not (math.isfinite(args.lr) and args.lr > 0):
        raise CommandError(_("--lr must be a positive number, such as 0.1"))
    if sizes[-1] != 1:
        raise CommandError(_("the last layer must have 1 neuron: it gives the prediction"))
    output = "linear" if dataset.task == "classification" else None
    model = MLP(len(dataset.features), sizes, settings["activation"], output, seed=args.seed)
    # copied before training, so that PyTorch starts from the same weights
    torch_model = beside_torch.copy_for_training(model) if args.backend == "torch" else None
    session.namespace.update(model=model, dataset=dataset)
    _what_was_left_out(dataset, emit)
    emit.text(_("Training {model} on {data}: {n} samples, {epochs} epochs, learning rate {lr}, loss {loss}.")
              .format(model=f"MLP({len(dataset.features)}, {sizes})", data=dataset.name, n=len(dataset),
                      epochs=settings["epochs"], lr=settings["lr"], loss=settings["loss"]))
    every = max(1, settings["epochs"] // PROGRESS_UPDATES)

    def report(epoch):
        if epoch.epoch % every == 0 or epoch.epoch == epoch.epochs:
            emit.progress(epoch.epoch, epoch.epochs, _("epoch {epoch}/{epochs}  loss {loss:.6f}")
                          .format(epoch=epoch.epoch, epochs=epoch.epochs, loss=epoch.loss))

    started = time.perf_counter()
    result = fit(model, dataset.xs, dataset.ys, settings["epochs"], settings["lr"], settings["loss"],
                 on_epoch=report, should_stop=session.should_stop)
    seconds = time.perf_counter() - started
    session.namespace.update(loss=result.loss, losses=result.losses)
    if result.loss is not None and not result.loss.label:
        result.loss.label = "loss"
    _summary(dataset, model, result, seconds, emit)
    _pictures(session, dataset, model, result, args.plot, emit)
    if torch_model is not None and not result.stopped:
        if beside_torch.train_beside(session, torch_model, dataset, settings, result, seconds, emit).stopped:
            return Outcome("cancelled")
    if result.stopped:
        emit.warning(_("Stopped after {n} epochs; the model keeps what it learnt.").format(n=len(result.losses)))
        return Outcome("cancelled")
    return Outcome("ok")


def _load(session, args):
    name = args.data
    try:
        if name in session.datasets and name != "penguins":
            dataset = session.datasets[name]()
        else:
            dataset = data.load(name, args.target)
    except ValueError as error:
        raise CommandError(str(error)) from None
    if args.target and args.target != dataset.target:
        raise CommandError(_("{data} has no column {target} to predict; its target is {own}").format(
            data=name, target=repr(args.target), own=repr(dataset.target)))
    return dataset


def _what_was_left_out(dataset, emit):
    """One line on what a CSV file gave that training does not use, so nothing vanishes unsaid."""
    parts = []
    if dataset.left_out:
        parts.append(_("columns without numbers left out: {names}").format(names=", ".join(dataset.left_out)))
    if dataset.dropped:
        parts.append(_("{n} row(s) with missing values dropped").format(n=dataset.dropped))
    if parts:
        emit.text("; ".join(parts) + ".")


def _layer_sizes(text):
    try:
        sizes = [int(part) for part in str(text).replace(" ", "").split(",") if part]
    except ValueError:
        raise CommandError(_("--layers takes whole numbers separated by commas, e.g. 3,2,1")) from None
    if not sizes or min(sizes) < 1:
        raise CommandError(_("--layers takes whole numbers separated by commas, e.g. 3,2,1"))
    return sizes


def _summary(dataset, model, result, seconds, emit):
    final = result.loss.data if result.loss is not None else float("nan")
    # the progress line and the curve show each epoch's loss before its update; `loss` is
    # the trained model's, after the last update: both are named, so they cannot disagree
    emit.text(_("Final loss {loss:.6f} after {epochs} epochs ({seconds:.2f} s): the trained model's, in `loss`.")
              .format(loss=final, epochs=len(result.losses), seconds=seconds))
    if result.losses:
        emit.text(_("The last epoch began at loss {last:.6f} (the last point of the curve); "
                    "its update brought it to {loss:.6f}.").format(last=result.losses[-1], loss=final))
    predictions = predict(model, dataset.xs)
    if dataset.task == "classification":
        emit.text(_("Accuracy: {share:.0%} of {n} samples.").format(
            share=accuracy(predictions, dataset.ys), n=len(dataset)))
        return
    shown = list(zip(predictions, dataset.ys))[:10]
    rows = [[dataset.unscale(p.data), dataset.unscale(t)] for p, t in shown]
    title = _("Predictions beside targets ({target}):").format(target=dataset.target)
    if len(dataset) > len(shown):
        title += " " + _("the first {n} of {total}").format(n=len(shown), total=len(dataset))
    emit.table([_("prediction"), _("target")], rows, title)
    emit.text(_("The model is in `model` and its loss in `loss`: try :grad loss or :draw loss."))


def _pictures(session, dataset, model, result, plot_file, emit):
    """The loss curve (text for terminals, SVG for notebooks) and, for 2-D classes, the regions."""
    if len(result.losses) > 1:
        chart = "".join(text for _style, text in plots.loss_chart(result.losses, session.width - 12))
        emit.image(Image("image/svg+xml", plots.loss_svg(result.losses),
                         description=_("The loss per epoch, from {first:.4g} to {last:.4g}.").format(
                             first=result.losses[0], last=result.losses[-1])), chart.rstrip("\n"))
    if plot_file:
        suffix = Path(plot_file).suffix.lower()
        if suffix not in (".svg", ".png"):
            raise CommandError(_("--plot writes .svg or .png files, not {suffix}").format(suffix=suffix or "''"))
        picture = plots.loss_svg(result.losses) if suffix == ".svg" else plots.loss_png(result.losses)
        Path(plot_file).write_bytes(picture)
        emit.text(_("Wrote {path}").format(path=plot_file))
    if dataset.task == "classification" and len(dataset.features) == 2:
        emit.text(_("Decision regions: · the model says −1, + it says +1; points o (−1) and x (+1), "
                    "capitals where the model is wrong."))
        emit.styled(plots.decision_regions(model, dataset.xs, dataset.ys, min(session.width, 70) - 2, 18))


@hookimpl
def register_commands(registry):
    registry.add(train_command)


@hookimpl
def register_datasets(datasets):
    # the data sets valorrepl ships, added the way a plugin adds its own
    datasets.update(data.DATASETS)
