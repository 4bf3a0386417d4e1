"""`python -m tests.fuzz_media`: the whole media fuzz (`make fuzz-media`); exits 1 if any case failed."""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import platform
import sys
import time
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from tests.fuzz_media.cases import DEFAULT_SEED, FAMILIES, Case, family_of, generate_cases
from tests.fuzz_media.runner import DEADLINE_S, Outcome, run_case, table

COSTLIEST_SHOWN = 8


def main() -> int:
    options = _arguments()
    started = time.monotonic()
    cases = generate_cases(options.seed, families=options.families, per_family=options.per_family)
    print(f"{len(cases)} cases (seed {options.seed}), {options.jobs} at a time, on {platform.node()} "
          f"({platform.processor() or platform.machine()}), {time.strftime('%Y-%m-%d %H:%M')}", flush=True)
    outcomes = run_all(cases, jobs=options.jobs, deadline_s=options.deadline)
    failed = [outcome for outcome in outcomes if outcome.problem is not None]
    for outcome in failed:
        print(f"FAILED {outcome.name}: {outcome.problem}")
    print("costliest cases (decoder CPU s, wall s, outcome):")
    for outcome in sorted(outcomes, key=lambda o: o.cpu_s, reverse=True)[:COSTLIEST_SHOWN]:
        print(f"  {outcome.cpu_s:6.2f} {outcome.wall_s:6.2f}  {outcome.name}: {outcome.message or outcome.verdict}")
    print(table(outcomes))
    if options.report:
        with open(options.report, "w") as report:
            report.writelines(json.dumps(dataclasses.asdict(outcome)) + "\n" for outcome in outcomes)
    print(f"{len(failed)} failed of {len(outcomes)}; {time.monotonic() - started:.0f} s in all")
    http_failed = _through_service(cases, options.through_service) if options.through_service else []
    return 1 if failed or http_failed else 0


def _through_service(cases: list[Case], per_family: int) -> list:
    """A spread of the cases through a real API and worker (both entrances), black-box."""
    from tests.fuzz_media.through_service import run_cases

    chosen = []
    for family in FAMILIES:
        members = [case for case in cases if family_of(case.name) == family]
        chosen += members[::max(1, len(members) // per_family)][:per_family]
    started = time.monotonic()
    outcomes = run_cases(chosen)
    failed = [outcome for outcome in outcomes if outcome.problem is not None]
    for outcome in failed:
        print(f"FAILED through the service ({outcome.entrance}) {outcome.name}: {outcome.problem}: {outcome.message}")
    print(f"through the service: {len(chosen)} cases x 2 entrances, {len(failed)} failed; "
          f"{time.monotonic() - started:.0f} s")
    return failed


def run_all(cases: list[Case], *, jobs: int, deadline_s: float) -> list[Outcome]:
    """Each case in a worker process, so a crash of the decoding parent is seen as that case's failure."""
    outcomes: dict[str, Outcome] = {}
    broken: list[Case] = []
    with ProcessPoolExecutor(max_workers=jobs, initializer=_quiet) as pool:
        futures = [(case, pool.submit(run_case, case, deadline_s=deadline_s)) for case in cases]
        for index, (case, future) in enumerate(futures, 1):
            outcome = _result(case, future)
            if outcome is None:
                broken.append(case)
            else:
                outcomes[case.name] = outcome
            if index % 100 == 0:
                print(f"  {index}/{len(cases)}", flush=True)
    for case in broken:  # again one at a time, to tell the case that crashed from those that fell with it
        with ProcessPoolExecutor(max_workers=1, initializer=_quiet) as pool:
            outcomes[case.name] = _result(case, pool.submit(run_case, case, deadline_s=deadline_s)) or _crashed(case)
    return [outcomes[case.name] for case in cases]


def _quiet() -> None:
    """The decoder logs every refusal with its detail; the table says what the fuzz needs."""
    logging.getLogger("soundclone.media").setLevel(logging.CRITICAL)


def _result(case: Case, future: Future) -> Outcome | None:
    try:
        return future.result()
    except BrokenProcessPool:
        return None


def _crashed(case: Case) -> Outcome:
    return Outcome(case.name, family_of(case.name), case.extension, "crashed", "", 0.0, 0.0, None,
                   "the decoding parent process crashed")


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.fuzz_media", description=__doc__)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--families", nargs="+", choices=list(FAMILIES))
    parser.add_argument("--per-family", type=int, help="only the first N cases of each family")
    parser.add_argument("--report", help="write every outcome to this file, one JSON object a line")
    parser.add_argument("--through-service", type=int, default=20, metavar="N",
                        help="also send N cases of each family through a real API and worker (0: none)")
    parser.add_argument("--deadline", type=float, default=DEADLINE_S, help="the decoder's deadline per case, s")
    return parser.parse_args()


if __name__ == "__main__":
    sys.exit(main())
