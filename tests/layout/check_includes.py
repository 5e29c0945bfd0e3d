#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Which part of the tree may include which: the layout rules of the README, checked on #include lines.

    check_includes.py [--root DIR] [--runtime-allow 'lib/a.h lib/b.h ...']

Every quoted #include in the firmware's folders must name a file from the tree root, and no
include may cross a boundary in RULES. Prints one line per offence and exits 1 if there is any.
"""
import argparse
import os
import re
import sys

# The folders whose sources are checked, and the roots an include may start from.
CHECKED = ("include", "lib", "stage0", "stage1", "runtime")
INCLUDE_RE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')

# (who: prefix of the including file, what it may not include: prefixes, why).
RULES = [
    ("lib/", ("stage0/", "stage1/", "runtime/"), "lib/ is shared by every part and includes no stage"),
    ("include/", ("lib/", "stage0/", "stage1/", "runtime/"), "include/ holds only specification types and contracts"),
    ("stage0/", ("stage1/", "runtime/"), "stage0 hands over to stage1 through include/strata only"),
    ("lib/storage/", ("lib/drivers/",), "partition tables and file systems stay host-testable"),
    ("lib/formats/", ("lib/drivers/",), "what loaders parse stays host-testable"),
    ("lib/platform/", ("lib/drivers/",), "QEMU's table formats stay host-testable"),
    ("lib/crypto/", ("lib/drivers/",), "signature checks stay host-testable"),
    ("stage1/core/", ("stage1/boot/",), "the boot-services core does not know what boots"),
    ("stage1/protocols/", ("stage1/boot/",), "protocols do not know what boots"),
    ("stage1/platform/", ("stage1/boot/", "stage1/protocols/"), "platform tables need only the core"),
    ("stage1/", ("stage0/", "runtime/"), "stage1 reaches the runtime through include/strata/runtime_abi.h"),
]


def includes(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        for number, line in enumerate(f, 1):
            match = INCLUDE_RE.match(line)
            if match:
                yield number, match.group(1)


def check(root, runtime_allow):
    problems = []
    for top in CHECKED:
        for folder, _, names in os.walk(os.path.join(root, top)):
            for name in sorted(names):
                if not name.endswith((".c", ".h")):
                    continue
                path = os.path.relpath(os.path.join(folder, name), root)
                for number, target in includes(os.path.join(root, path)):
                    where = f"{path}:{number}: includes {target}"
                    if not os.path.isfile(os.path.join(root, target)):
                        problems.append(f"{where}: no such file from the tree root")
                        continue
                    for who, banned, why in RULES:
                        if path.startswith(who) and target.startswith(banned):
                            problems.append(f"{where}: {why}")
                    if path.startswith("runtime/") and not (
                        target.startswith(("runtime/", "include/")) or target in runtime_allow
                    ):
                        problems.append(
                            f"{where}: runtime code may include only runtime/, include/ and "
                            f"its allow-listed lib/ headers ({' '.join(sorted(runtime_allow))})"
                        )
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=".")
    parser.add_argument("--runtime-allow", default="", help="lib/ headers runtime/ may include")
    args = parser.parse_args()
    problems = check(args.root, set(args.runtime_allow.split()))
    for line in problems:
        print(line)
    if problems:
        print(f"layout: {len(problems)} include(s) break the layout rules (README, Architecture)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
