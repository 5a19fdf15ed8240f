"""The ``regiometrics`` command: thin over :mod:`regiometrics.pipeline`.

Commands::

    regiometrics run SPEC --out DIR    fit every model, write results.json and tables
    regiometrics validate SPEC         check the spec file (and that its data load)
    regiometrics describe SPEC         describe the panel the spec reads
    regiometrics replicate [ID --out DIR [--data FOLDER]]
                                       list the seed-paper replications, or run one
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import warnings
from pathlib import Path

from regiometrics import __version__
from regiometrics.errors import RegiometricsError


def _own_warnings(caught: list[warnings.WarningMessage]) -> list[str]:
    """Messages of the warnings regiometrics itself raised (omitted regressors, islands,
    implausible elasticities ...), once each and in order; library chatter is left out."""
    package = Path(__file__).resolve().parent
    seen: list[str] = []
    for w in caught:
        ours = w.category.__module__.startswith("regiometrics") or package in Path(
            w.filename).resolve().parents
        if ours and issubclass(w.category, UserWarning) and str(w.message) not in seen:
            seen.append(str(w.message))
    return seen


def _run(args: argparse.Namespace) -> int:
    from regiometrics.pipeline import run_study

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        written = run_study(args.spec, args.out, command=["regiometrics", *args.argv],
                            workers=args.workers, scheduler=args.scheduler)
    for message in _own_warnings(caught):
        print(f"note: {message}", file=sys.stderr)
    for path in written:
        print(path)
    return 0


def _validate(args: argparse.Namespace) -> int:
    from regiometrics.pipeline import prepare
    from regiometrics.spec.loader import load_spec

    spec = load_spec(args.spec)
    try:
        panel = prepare(spec, Path(args.spec).parent).panel  # indices, measures, weights, Moran
        for model in spec.models:
            panel.require(model.required_columns(), where=f"models.{model.id}")
    except RegiometricsError as exc:
        raise type(exc)(f"{args.spec}: {exc}") from None
    print(f"{args.spec}: OK ({len(spec.models)} models, {len(spec.tables)} tables, "
          f"{len(spec.figures)} figures)")
    return 0


def _describe(args: argparse.Namespace) -> int:
    from regiometrics.pipeline import load_panel
    from regiometrics.spec.loader import load_spec

    spec = load_spec(args.spec)
    try:
        panel = load_panel(spec, Path(args.spec).parent)
    except RegiometricsError as exc:
        raise type(exc)(f"{args.spec}: {exc}") from None
    frame = panel.frame
    print(f"data: {spec.data.path}  rows: {len(frame)}")
    print(f"entity: {panel.entity} ({panel.n_entities} entities)")
    if panel.time:
        times = sorted(frame[panel.time].unique())
        print(f"time: {panel.time} ({panel.n_periods} periods, {times[0]}-{times[-1]})")
        print(f"balanced: {'yes' if panel.is_balanced else 'no'}")
    numeric = frame.select_dtypes("number").drop(columns=[panel.time] if panel.time else [])
    with warnings.catch_warnings():  # inf or huge cells: the summary shows inf/nan as is
        warnings.simplefilter("ignore", RuntimeWarning)
        summary = numeric.describe().T[["count", "mean", "std", "min", "max"]]
    print(summary.to_string(float_format=lambda v: f"{v:.4g}"))
    return 0


def _replicate(args: argparse.Namespace) -> int:
    from regiometrics.errors import SpecError
    from regiometrics.pipeline.replicate import list_papers, replicate

    if args.paper is None:
        for paper in list_papers():
            print(f"{paper.id}  {paper.title}")
        return 0
    if args.out is None:
        raise SpecError(f"replicate {args.paper}: give the output folder, e.g. "
                        f"regiometrics replicate {args.paper} --out out/{args.paper}")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        done = replicate(args.paper, args.out, data_dir=args.data,
                         command=["regiometrics", *args.argv])
    for message in _own_warnings(caught):
        print(f"note: {message}", file=sys.stderr)
    for path in done.written:
        print(path)
    checked = len(done.layouts) + len(done.figures)
    print(f"layout: {checked - done.n_differences} of {checked} printed tables and figures "
          f"match (details in {Path(args.out) / 'layout_check.md'})", file=sys.stderr)
    for report in done.layouts:
        for diff in report.differences:
            print(f"layout {report.table}: {diff}", file=sys.stderr)
    return 1 if args.strict and done.n_differences else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="regiometrics", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"regiometrics {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    p_run = sub.add_parser("run", help="run a spec file and write results and tables")
    p_run.add_argument("spec")
    p_run.add_argument("--out", required=True, help="output folder")
    p_run.add_argument("--workers", type=int, default=None,
                       help="run specification grids on a local Dask cluster of N processes")
    p_run.add_argument("--scheduler", default=None,
                       help="run specification grids on the Dask scheduler at ADDRESS")
    p_run.set_defaults(func=_run)
    p_val = sub.add_parser("validate", help="check a spec file and its data")
    p_val.add_argument("spec")
    p_val.set_defaults(func=_validate)
    p_desc = sub.add_parser("describe", help="describe the panel a spec reads")
    p_desc.add_argument("spec")
    p_desc.set_defaults(func=_describe)
    p_rep = sub.add_parser("replicate", help="list the seed-paper replications, or run one")
    p_rep.add_argument("paper", nargs="?", help="paper id (e.g. 003-digital-trade) or number")
    p_rep.add_argument("--out", help="output folder")
    p_rep.add_argument("--data", help="folder with your own input files (default: synthetic)")
    p_rep.add_argument("--strict", action="store_true",
                       help="exit with status 1 when a table's layout differs from the printed")
    p_rep.set_defaults(func=_replicate)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point; user errors print one clear message and exit with status 2."""
    args = build_parser().parse_args(argv)
    args.argv = list(sys.argv[1:] if argv is None else argv)  # recorded in manifest.json
    try:
        code = int(args.func(args))
        sys.stdout.flush()  # inside the try: a reader that has gone shows up here
        return code
    except RegiometricsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `regiometrics describe X | head`: the reader has gone
        _silence_stdout()
        return 141  # what a shell reports for a command ended by SIGPIPE (128 + 13)


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the flush at exit does not fail a second time."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (AttributeError, OSError, ValueError):  # stdout is not a real file (tests)
        pass


def entry() -> None:
    """The ``regiometrics`` console command: :func:`main`, then the process exits.

    Before it does, :func:`gc.freeze` takes every object alive at that point out of the
    cyclic garbage collector's view. At exit CPython runs full collections over all of them
    (what numpy, pandas, scipy, pydantic and the run created: about 0.2 s, a sixth of a
    whole ``regiometrics run``) only to free memory the ending process hands back anyway.
    atexit handlers, stream flushing and module teardown still run as usual. Only this
    process-level entry does it; :func:`main` itself (called by tests and by Python code)
    leaves the collector alone.
    """
    code = main()
    gc.freeze()
    raise SystemExit(code)


if __name__ == "__main__":
    entry()
