"""``mercato clock``: the sandbox's clock. ``show`` tells the time every component reads;
``advance`` moves it forward and runs, step by step, what falls due on the way."""

from __future__ import annotations

import datetime as dt

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from mercato.cli.context import console, fail, reported, settings_of
from mercato.clock import sandbox_clock_of
from mercato.timeline import Walked

app = typer.Typer(help="The sandbox's clock: show it, move it forward.", no_args_is_help=True)

_WALL_CLOCK = (
    "this installation runs on the wall clock, which nothing moves; "
    "set MERCATO_CLOCK=sandbox (`mercato demo` does) to use the sandbox's clock"
)


@app.command()
def show(ctx: typer.Context) -> None:
    """The time every component of the sandbox reads, and how far ahead of the wall it is."""
    clock = sandbox_clock_of(settings_of(ctx))
    if clock is None:
        now = dt.datetime.now(dt.UTC)
        console.print(f"{now:%Y-%m-%d %H:%M:%S} UTC (the wall clock)")
        return
    console.print(
        f"{clock.now():%Y-%m-%d %H:%M:%S} UTC, {_span(clock.offset())} ahead of the wall clock"
    )


@app.command()
def advance(
    ctx: typer.Context,
    days: int = typer.Option(0, min=0, help="Days to move forward."),
    hours: int = typer.Option(0, min=0, help="Hours to move forward."),
    minutes: int = typer.Option(0, min=0, help="Minutes to move forward."),
) -> None:
    """Move the sandbox's clock forward, an hour at a time, running at each step what fell
    due: the outbox's jobs (webhooks, messages owed to the issuer), the housekeeping, the
    issuing bank's expired holds, and the settlement to come."""
    from mercato.cli.sandbox import timeline_of

    settings = settings_of(ctx)
    clock = sandbox_clock_of(settings)
    if clock is None:
        raise fail(_WALL_CLOCK)
    delta = dt.timedelta(days=days, hours=hours, minutes=minutes)
    if delta <= dt.timedelta(0):
        raise fail("say how far: --days, --hours or --minutes")
    with (
        reported(),
        Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            TextColumn("{task.fields[now]}"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        ) as progress,
    ):
        try:
            timeline = timeline_of(settings, clock)
            with timeline as walking:
                hours_total = max(1, -(-delta // walking.step))
                task = progress.add_task("advancing", total=hours_total, now="")

                def stepped(walked: Walked) -> None:
                    reads = f"{walked.ended:%Y-%m-%d %H:%M}"
                    progress.update(task, completed=walked.steps, now=reads)

                walked = walking.advance(delta, on_step=stepped)
        except RuntimeError as error:
            raise fail(str(error)) from None
    console.print(
        f"The clock reads {walked.ended:%Y-%m-%d %H:%M:%S} UTC "
        f"({_span(clock.offset())} ahead of the wall clock)."
    )
    did = [f"{n} {name}" for name, n in sorted(walked.done.items()) if n]
    console.print(
        f"On the way: {walked.jobs} background jobs"
        + (f"; {', '.join(did)}" if did else "; nothing else fell due")
        + "."
    )


def _span(offset: dt.timedelta) -> str:
    days, rest = divmod(int(offset.total_seconds()), 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes = rest // 60
    return f"{days} d {hours} h {minutes} min"
