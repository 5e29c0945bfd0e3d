# SPDX-License-Identifier: MIT
"""Reads the self-test's serial log and its list of required cases (for OVMF and Strata runs)."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REQUIRED = ROOT / "efi-apps" / "selftest" / "required.txt"

# Case lines may follow console escape codes on the same line, so they are matched anywhere.
CASE_RE = re.compile(r"(PASS|FAIL|SKIP) ([a-z0-9_]+\.[a-z0-9_]+)(?:: (.*))?$", re.M)
TALLY_RE = re.compile(r"^(\d+) passed, (\d+) failed$", re.M)


class SelftestResult:
    """PASS/FAIL/SKIP per case and the final tally (None when the tally line never came)."""

    def __init__(self, log):
        self.passed = {}
        self.failed = {}
        self.skipped = {}
        verdicts = {"PASS": self.passed, "FAIL": self.failed, "SKIP": self.skipped}
        for verdict, name, reason in CASE_RE.findall(log):
            verdicts[verdict][name] = reason
        tally = TALLY_RE.findall(log)
        self.tally = tuple(int(n) for n in tally[-1]) if tally else None

    def cases(self):
        return set(self.passed) | set(self.failed)


def required_cases(path=REQUIRED):
    """Case names listed in required.txt, in order, comments and blank lines dropped."""
    names = []
    for line in Path(path).read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            names.append(line)
    return names
