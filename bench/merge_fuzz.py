"""The long run of the merge's state machine (tests/store/merge_machine.py): two auditors edit
copies of one review at random and exchange them; after each exchange nothing acknowledged is
lost, a second import changes nothing and A+B = B+A; ``kvtui check`` passes at the end.

    python bench/merge_fuzz.py [--examples 300] [--steps 25] [--seed N]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hypothesis import HealthCheck, Phase, seed, settings

from tests.report.demo_file import demo_copy
from tests.store import merge_machine


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=300)
    parser.add_argument("--steps", type=int, default=25)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--shrink", action="store_true",
                        help="shrink a failure (slow: every step opens real stores)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        path, review_id = demo_copy(Path(name))
        merge_machine.setup(path, review_id)
        machine = merge_machine.TwoAuditors
        machine.checks_left = args.examples
        phases = [Phase.generate, Phase.shrink] if args.shrink else [Phase.generate]
        machine.TestCase.settings = settings(
            max_examples=args.examples, stateful_step_count=args.steps, deadline=None,
            phases=phases, suppress_health_check=list(HealthCheck))
        test = machine.TestCase()
        if args.seed is not None:
            seed(args.seed)(test.runTest)
        started = time.perf_counter()
        test.runTest()
        print(f"{args.examples} runs of up to {args.steps} steps: no change lost, A+B = B+A, "
              f"re-import a no-op, kvtui check ok ({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
