"""`make bench`: run every benchmarks/bench_*.py in its own process (fresh database each)."""

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

if __name__ == "__main__":
    only = sys.argv[1:]
    failures = 0
    for script in sorted(HERE.glob("bench_*.py")):
        if only and not any(o in script.stem for o in only):
            continue
        print(f"== {script.stem}", flush=True)
        result = subprocess.run([sys.executable, str(script)], env=os.environ.copy(), check=False)  # noqa: S603
        failures += result.returncode != 0
    for script in sorted(HERE.glob("*_eval.py")):
        if only and not any(o in script.stem for o in only):
            continue
        print(f"== {script.stem}", flush=True)
        failures += subprocess.run([sys.executable, str(script)], check=False).returncode != 0  # noqa: S603
    sys.exit(1 if failures else 0)
