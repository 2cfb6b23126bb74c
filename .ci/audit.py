"""Audit the installed dependencies for known vulnerabilities, or say plainly that it couldn't.

pip-audit asks PyPI's vulnerability data about each installed package. Where that data can't be
reached (an offline mirror, no route out), every package comes back skipped: that is reported
as one line and is not a failure. A known vulnerability is.
"""

import json
import subprocess  # noqa: S404 -- runs pip-audit from this virtualenv, with an argument list
import sys
from pathlib import Path

PIP_AUDIT = Path(sys.executable).with_name("pip-audit")
SKIPPED = "Dependency audit skipped: the vulnerability database is unreachable from here."


def main() -> int:
    try:
        result = subprocess.run(  # noqa: S603 -- a fixed program and arguments
            [str(PIP_AUDIT), "--skip-editable", "--progress-spinner", "off", "--format", "json"],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    except subprocess.TimeoutExpired:
        print(SKIPPED)
        return 0
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:  # pip-audit stopped before it could report: no connection
        print(SKIPPED)
        return 0
    dependencies = report.get("dependencies", [])
    audited = [d for d in dependencies if "skip_reason" not in d]
    if not audited:
        print(SKIPPED)
        return 0
    vulnerable = [d for d in audited if d.get("vulns")]
    for dependency in vulnerable:
        ids = ", ".join(v["id"] for v in dependency["vulns"])
        print(f"{dependency['name']} {dependency['version']}: {ids}")
    if vulnerable:
        print(f"Dependency audit: {len(vulnerable)} packages with known vulnerabilities.")
        return 1
    print(f"Dependency audit: no known vulnerabilities in {len(audited)} packages.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
