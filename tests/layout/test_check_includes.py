# SPDX-License-Identifier: MIT
"""The layout checker itself: each rule refuses what it should (make layout-check then runs it on the tree)."""
import pathlib
import subprocess
import sys

import pytest

HERE = pathlib.Path(__file__).resolve().parent
CHECKER = HERE / "check_includes.py"
RUNTIME_ALLOW = "lib/string.h lib/crc32.h"


def run(root, allow=RUNTIME_ALLOW):
    return subprocess.run([sys.executable, str(CHECKER), "--root", str(root), "--runtime-allow",
                           allow], capture_output=True, text=True)


def tree(tmp_path, files):
    """A small tree: every included header exists, so only the rule under test can fail."""
    for name in ["lib/string.h", "lib/crc32.h", "lib/log.h", "lib/drivers/pci.h",
                 "lib/storage/gpt.h", "include/efi/types.h", "stage1/boot/bls.h",
                 "stage1/core/memory.h", "stage1/protocols/disk.h", "stage0/stage0.h",
                 "runtime/runtime.h"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("#pragma once\n")
    for name, included in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("".join(f'#include "{i}"\n' for i in included))
    return tmp_path


def test_allowed_includes_pass(tmp_path):
    result = run(tree(tmp_path, {
        "lib/storage/fat.c": ["lib/storage/gpt.h", "lib/string.h"],
        "lib/drivers/ahci.c": ["lib/drivers/pci.h", "lib/storage/gpt.h", "lib/log.h"],
        "stage1/boot/x.c": ["stage1/core/memory.h", "stage1/protocols/disk.h", "lib/drivers/pci.h"],
        "stage1/core/y.c": ["stage1/protocols/disk.h"],
        "runtime/z.c": ["runtime/runtime.h", "include/efi/types.h", "lib/crc32.h"],
    }))
    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize("name,included,why", [
    ("lib/storage/fat.c", "stage1/core/memory.h", "includes no stage"),
    ("lib/string.c", "runtime/runtime.h", "includes no stage"),
    ("lib/storage/fat.c", "lib/drivers/pci.h", "host-testable"),
    ("lib/formats/pe.c", "lib/drivers/pci.h", "host-testable"),
    ("lib/crypto/pkcs7.c", "lib/drivers/pci.h", "host-testable"),
    ("stage0/main.c", "stage1/core/memory.h", "stage0 hands over"),
    ("runtime/z.c", "lib/log.h", "allow-listed"),
    ("runtime/z.c", "stage1/core/memory.h", "allow-listed"),
    ("stage1/core/y.c", "stage1/boot/bls.h", "does not know what boots"),
    ("stage1/protocols/d.c", "stage1/boot/bls.h", "do not know what boots"),
    ("stage1/main.c", "runtime/runtime.h", "runtime_abi.h"),
    ("include/efi/x.h", "lib/string.h", "specification types"),
    ("stage1/core/y.c", "memory.h", "no such file"),
])
def test_each_rule_refuses_its_include(tmp_path, name, included, why):
    result = run(tree(tmp_path, {name: [included]}))
    assert result.returncode == 1
    assert f"{name}:1: includes {included}" in result.stdout
    assert why in result.stdout
