"""Benchmarks that never rot: every script of bench/ is run by bench/smoke.py (`make bench-smoke`, in CI),
so a bench that breaks, or a new one nobody added there, fails the build."""

import importlib.util

from django.conf import settings

BENCH = settings.BASE_DIR / "bench"
# Modules the benches import or hand to another program, not benches themselves.
NOT_BENCHES = {"__init__.py", "_setup.py", "smoke.py", "locustfile.py", "reference_wsgi.py", "day.py"}


def smoke_module():
    spec = importlib.util.spec_from_file_location("bench_smoke", BENCH / "smoke.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_bench_runs_in_the_smoke_run():
    scripts = {path.name for path in BENCH.glob("*.py")} - NOT_BENCHES
    in_smoke = [script for script, _arguments in smoke_module().benches(port=8000)]

    assert sorted(scripts - set(in_smoke)) == [], "add these benches to bench/smoke.py's benches()"
    assert len(in_smoke) == len(set(in_smoke)) and set(in_smoke) <= scripts
