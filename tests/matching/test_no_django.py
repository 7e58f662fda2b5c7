"""The engine is plain Python + numpy/scipy: importing it pulls in no Django."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MODULES = ["jobs.matching"] + [
    f"jobs.matching.{path.stem}"
    for path in sorted((ROOT / "jobs" / "matching").glob("*.py"))
    if path.stem != "__init__"
]


def test_matching_engine_imports_without_django():
    code = (
        f"import {', '.join(MODULES)}; import sys; "
        "loaded = [m for m in sys.modules if m.split('.')[0] == 'django']; "
        "assert not loaded, loaded"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, env={"PATH": ""})
