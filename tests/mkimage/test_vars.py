# SPDX-License-Identifier: MIT
"""mkimage vars: a store file made and changed on the host with the firmware's own store code."""
import os
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MKIMAGE = os.environ.get("MKIMAGE", os.path.join(ROOT, "build", "mkimage"))
GUID = "3f0b3e1c-7a54-4b1e-9d2c-5354524154a2"


def vars_(*args):
    return subprocess.run([MKIMAGE, "vars", *map(str, args)], capture_output=True)


def ok(*args):
    r = vars_(*args)
    assert r.returncode == 0, r.stderr.decode()
    return r.stdout


def test_create_set_get_list_delete(tmp_path):
    store = tmp_path / "vars.fd"
    ok("create", store)
    assert store.stat().st_size == 1024 * 1024
    (tmp_path / "order.bin").write_bytes(b"\x01\x00")
    ok("set", store, "BootOrder", "--data-file", tmp_path / "order.bin")
    ok("set", store, "Mine", "--guid", GUID, "--attrs", "3", "--data", "abc")
    ok("set", store, "Mine", "--guid", GUID, "--attrs", "3", "--data", "def", "--append")
    assert ok("get", store, "Mine", "--guid", GUID) == b"abcdef"
    listing = ok("list", store).decode()
    assert f"{GUID} Mine attrs=0x3 size=6" in listing
    assert "8be4df61-93ca-11d2-aa0d-00e098032b8c BootOrder attrs=0x7 size=2" in listing
    ok("delete", store, "Mine", "--guid", GUID)
    assert vars_("get", store, "Mine", "--guid", GUID).returncode == 1
    assert b"verified" in ok("verify", store)


def test_large_variable_and_reclaim(tmp_path):
    store = tmp_path / "vars.fd"
    ok("create", store, "--size", "128K")
    big = tmp_path / "dbx.bin"
    for i in range(6):
        big.write_bytes(bytes([i]) * 40000)  # each write needs a reclaim once the bank is full
        ok("set", store, "dbx", "--data-file", big)
    assert ok("get", store, "dbx") == bytes([5]) * 40000
    assert "generation 1," not in ok("list", store).decode()


def test_blank_and_damaged_files(tmp_path):
    store = tmp_path / "vars.fd"
    store.write_bytes(b"\x00" * (128 * 1024))
    ok("set", store, "A", "--data", "1")  # a blank file is formatted first
    data = bytearray(store.read_bytes())
    data[32 + 40 + 4] ^= 0x01  # the only record's data (after its header and name "A")
    store.write_bytes(bytes(data))
    r = vars_("verify", store)
    assert r.returncode == 1 and b"DAMAGED" in r.stdout
    assert vars_("create", tmp_path / "x.fd", "--size", "5000").returncode != 0
    (tmp_path / "odd.fd").write_bytes(b"\xff" * 5000)
    assert vars_("list", tmp_path / "odd.fd").returncode != 0
