"""Where grid batches run: in this process, or on a Dask cluster.

The work unit is a batch of specifications (:func:`regiometrics.pipeline.grids.run_batch`).
:class:`InProcessExecutor` runs the batches one after the other. :class:`DaskExecutor` sends
them to a Dask cluster: a :class:`distributed.LocalCluster` of ``workers`` processes on this
machine, or an existing scheduler at ``scheduler`` (``tcp://host:8786``, e.g. one started by
dask-jobqueue on a university cluster or by dask-kubernetes). The panel and the spatial
weights are scattered to every worker once; each task carries only its batch of model specs.
Rows come back in the grid's order whatever the number of workers, and every estimate,
including a seeded wild bootstrap, depends only on its own specification, so a grid gives
the same rows in-process and on any cluster.

Dask is optional (``pip install 'regiometrics[dask]'``); without it only the in-process
executor is available.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

from regiometrics.errors import SpecError


class Executor(Protocol):
    """Runs ``fn(batch, *shared)`` for every batch and returns the outputs in batch order."""

    def map_batches(self, fn: Callable[..., Any], batches: Sequence[Any],
                    shared: Sequence[Any], *, desc: str, total: int) -> list[Any]: ...

    def close(self) -> None: ...


class InProcessExecutor:
    """Batches run here, one after the other, with a progress bar over specifications."""

    def map_batches(self, fn: Callable[..., Any], batches: Sequence[Any],
                    shared: Sequence[Any], *, desc: str, total: int) -> list[Any]:
        from tqdm import tqdm  # imported on use: a run without grids does not load it

        out = []
        with tqdm(total=total, desc=desc, unit="spec", leave=False,
                  disable=None if len(batches) > 1 else True) as bar:
            for batch in batches:
                out.append(fn(batch, *shared))
                bar.update(len(batch))
        return out

    def close(self) -> None:
        return None


class DaskExecutor:
    """Batches run on a Dask cluster (see the module notes).

    Parameters
    ----------
    workers
        Start a local cluster of this many worker processes (one thread each).
    scheduler
        Address of an existing scheduler; ``workers`` is then ignored.
    """

    def __init__(self, *, workers: int | None = None, scheduler: str | None = None) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError:  # pragma: no cover - depends on the installation
            raise SpecError(
                "--workers/--scheduler need Dask: pip install 'regiometrics[dask]' "
                "(dask[distributed]); or run without them (in-process)"
            ) from None
        self._cluster = None
        if scheduler is not None:
            try:
                self.client = Client(scheduler, timeout="10s")
            except OSError as exc:
                raise SpecError(f"--scheduler {scheduler}: cannot connect ({exc}); start the "
                                "scheduler first or check the address") from None
        else:
            if workers is None or workers < 1:
                raise SpecError(f"--workers must be a positive integer; got {workers!r}")
            self._cluster = LocalCluster(n_workers=workers, threads_per_worker=1,
                                         processes=True, dashboard_address=None)
            self.client = Client(self._cluster)

    def map_batches(self, fn: Callable[..., Any], batches: Sequence[Any],
                    shared: Sequence[Any], *, desc: str, total: int) -> list[Any]:
        from distributed import as_completed
        from tqdm import tqdm

        # a one-element list scatters the value itself (a dict would scatter its items)
        scattered = [self.client.scatter([x], broadcast=True)[0] for x in shared]
        futures = [self.client.submit(fn, batch, *scattered, pure=False) for batch in batches]
        index = {f.key: i for i, f in enumerate(futures)}
        out: list[Any] = [None] * len(futures)
        with tqdm(total=total, desc=desc, unit="spec", leave=False, disable=None) as bar:
            for future in as_completed(futures):
                i = index[future.key]
                out[i] = future.result()  # re-raises the task's error here
                bar.update(len(batches[i]))
        return out

    def close(self) -> None:
        self.client.close()
        if self._cluster is not None:
            self._cluster.close()


def make_executor(*, workers: int | None = None, scheduler: str | None = None) -> Executor:
    """In-process without ``workers``/``scheduler``; a :class:`DaskExecutor` otherwise."""
    if workers is None and scheduler is None:
        return InProcessExecutor()
    return DaskExecutor(workers=workers, scheduler=scheduler)
