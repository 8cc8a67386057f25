"""The floors of the house (docs/architecture.md), kept by import-linter's contracts in pyproject.toml:
purna (the ground) < employees < ceremonies < benefits < portal (the roof). An app imports only the floors
below it, purna imports no app, and no app imports another app's views. Imports inside functions count
as much as those at the top of a module; migrations (which refer to apps by label) are not checked, nor
are the tests.

The contracts are run on the project itself, then on a small fabricated project with the same contracts:
once clean, where they must pass, and once with one violation of each kind, each of which they must name.
"""

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

from django.conf import settings

LINT_IMPORTS = "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"


def lint_imports(project: Path) -> subprocess.CompletedProcess:
    """Run lint-imports in `project` with the contracts of its pyproject.toml (no cache left behind)."""
    env = {**os.environ, "PYTHONPATH": str(project), "COLUMNS": "250", "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-c", LINT_IMPORTS, "--no-cache", "--no-logo"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_project_keeps_its_floors():
    result = lint_imports(Path(settings.BASE_DIR))

    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 2 kept, 0 broken." in result.stdout


# --- The checker catches what it must, and only that ---------------------------------------------------

# What every floor may do: import the floors below it, its own views (from its urls), at the top of a
# module or inside a function; a migration may name any app.
CLEAN = {
    "purna/__init__.py": "",
    "purna/formatting.py": "import datetime\n",
    "purna/views.py": "from purna import formatting\n",
    "purna/notifications/__init__.py": "",
    "purna/notifications/views.py": "from purna import formatting\n",
    "purna/migrations/__init__.py": "",
    "purna/migrations/0001_initial.py": "import employees.models\n",
    "employees/__init__.py": "",
    "employees/models.py": "from purna import formatting\n",
    "employees/selectors.py": "from employees import models\nfrom purna import formatting\n",
    "employees/views.py": "from employees import selectors\n",
    "employees/urls.py": "from employees import views\n",
    "employees/migrations/__init__.py": "",
    "employees/migrations/0002_links.py": "import benefits.models\nimport portal.views\n",
    "ceremonies/__init__.py": "",
    "ceremonies/models.py": "from employees import models\n",
    "ceremonies/services.py": "def certificate_file():\n    from ceremonies import models\n",
    "ceremonies/views/__init__.py": "",
    "ceremonies/views/certificates.py": "from ceremonies import services\n",
    "ceremonies/urls.py": "from ceremonies.views import certificates\n",
    "benefits/__init__.py": "",
    "benefits/models.py": "from ceremonies import models\nfrom employees import selectors\n",
    "benefits/services.py": "from benefits import models\n",
    "benefits/views.py": "from benefits import services\n",
    "portal/__init__.py": "",
    "portal/dashboard.py": "from benefits import services\nfrom employees import selectors\n",
    "portal/views.py": "from ceremonies.services import certificate_file\n\n\ndef home():\n    import benefits.models\n",
    "portal/urls.py": "from portal import dashboard, views\n",
}

# One violation of each kind, and the import (importer -> imported) the report must name.
VIOLATIONS = {
    "purna/numbering.py": ("from employees import models\n", "purna.numbering -> employees.models"),
    "purna/notifications/rendering.py": (
        "def site_url():\n    from portal import urls\n",
        "purna.notifications.rendering -> portal.urls",
    ),
    "employees/scope.py": ("from ceremonies import models\n", "employees.scope -> ceremonies.models"),
    "ceremonies/rules.py": ("import benefits.services\n", "ceremonies.rules -> benefits.services"),
    "benefits/selectors.py": (
        "def card():\n    from portal import dashboard\n",
        "benefits.selectors -> portal.dashboard",
    ),
    "portal/services.py": ("from benefits.views import services\n", "portal.services -> benefits.views"),
    "benefits/documents.py": (
        "from ceremonies.views.certificates import services\n",
        "benefits.documents -> ceremonies.views.certificates",
    ),
    "ceremonies/selectors.py": ("from employees import views\n", "ceremonies.selectors -> employees.views"),
    "employees/notifications.py": (
        "from purna.notifications.views import formatting\n",
        "employees.notifications -> purna.notifications.views",
    ),
}


def fabricate(root: Path, files: dict[str, str]) -> Path:
    shutil.copy(Path(settings.BASE_DIR) / "pyproject.toml", root / "pyproject.toml")
    for name, source in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source))
    return root


def test_the_contracts_keep_a_clean_project(tmp_path):
    result = lint_imports(fabricate(tmp_path, CLEAN))

    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 2 kept, 0 broken." in result.stdout


def test_the_contracts_name_each_violation(tmp_path):
    files = dict(CLEAN)
    files.update({name: source for name, (source, _import) in VIOLATIONS.items()})

    result = lint_imports(fabricate(tmp_path, files))

    assert result.returncode == 1, result.stdout + result.stderr
    assert "Contracts: 0 kept, 2 broken." in result.stdout
    missed = [expected for _source, expected in VIOLATIONS.values() if expected not in result.stdout]
    assert not missed, f"not reported: {missed}\n{result.stdout}"


def test_each_violation_alone_breaks_a_contract(tmp_path):
    """Each kind of violation fails the check by itself (not only alongside the others)."""
    broken = []
    for name, (source, _expected) in VIOLATIONS.items():
        project = tmp_path / name.replace("/", "_").removesuffix(".py")
        project.mkdir()
        if lint_imports(fabricate(project, {**CLEAN, name: source})).returncode != 1:
            broken.append(name)

    assert not broken, f"violations the contracts let through: {broken}"
