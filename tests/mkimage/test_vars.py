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


def x509_list(cert):
    """An EFI_SIGNATURE_LIST of one EFI_CERT_X509_GUID entry (owner GUID then the DER bytes)."""
    import struct
    import uuid

    x509 = uuid.UUID("a5c059a1-94e4-4aa7-87b5-ab155c2bf072").bytes_le
    owner = uuid.UUID(GUID).bytes_le
    entry = owner + cert
    return x509 + struct.pack("<III", 28 + len(entry), 0, len(entry)) + entry


def test_enroll_stores_authenticated_keys(tmp_path):
    store, keys = tmp_path / "vars.fd", tmp_path / "keys"
    keys.mkdir()
    for i, name in enumerate(["PK", "KEK", "db"]):
        (keys / f"{name}.esl").write_bytes(x509_list(os.urandom(100 + i)))
    ok("create", store)
    ok("enroll", store, keys)
    listing = ok("list", store).decode()
    for name, size in (("PK", 100), ("KEK", 101), ("db", 102)):
        guid = "d719b2cb-3d3a-4596-a3bc-dad00e67656f" if name == "db" else \
            "8be4df61-93ca-11d2-aa0d-00e098032b8c"
        # NV|BS|RT|TIME_AUTH; the data an EFI_TIME, then the 28-byte header, owner, certificate
        assert f"{guid} {name} attrs=0x27 size={16 + 28 + 16 + size}" in listing
    data = ok("get", store, "PK")
    assert data[:16] == bytes(16) and data[16:] == (keys / "PK.esl").read_bytes()
    assert " dbx " not in listing
    # A file that is no signature list is refused, and the store is left as it was.
    (keys / "dbx.esl").write_bytes(b"not a list")
    before = store.read_bytes()
    r = vars_("enroll", store, keys)
    assert r.returncode == 1 and b"not an EFI_SIGNATURE_LIST" in r.stderr
    assert store.read_bytes() == before


def ovmf_store(variables):
    """An edk2 varstore: FV header (72 bytes), authenticated store header, 4-aligned variables."""
    import struct
    import uuid

    body = b""
    for name, state, data in variables:
        name16 = (name + "\0").encode("utf-16-le")
        guid = uuid.UUID("8be4df61-93ca-11d2-aa0d-00e098032b8c").bytes_le
        header = struct.pack("<HBBIQ16sIII", 0x55AA, state, 0, 0x27, 0, bytes(16), 0,
                             len(name16), len(data)) + guid
        body += header + name16 + data
        body += b"\xff" * (-len(body) % 4)
    store_guid = uuid.UUID("aaf32c78-947b-439a-a180-2e144ec37792").bytes_le
    fv = bytes(40) + b"_FVH" + bytes(4) + struct.pack("<H", 72) + bytes(22)
    store = store_guid + struct.pack("<IBBHI", 28 + len(body) + 64, 0x5A, 0xFE, 0, 0)
    return fv + store + body + b"\xff" * 64


def test_import_ovmf_takes_the_key_lists(tmp_path):
    lists = {n: x509_list(os.urandom(50 + i)) for i, n in enumerate(["PK", "KEK", "db"])}
    fd = tmp_path / "ovmf.fd"
    # A deleted older PK (state 0x3c) first: only the added one counts.
    fd.write_bytes(ovmf_store([("PK", 0x3C, x509_list(b"old")), ("Other", 0x3F, b"x"),
                               *((n, 0x3F, d) for n, d in lists.items())]))
    out = tmp_path / "keys"
    out.mkdir()
    ok("import-ovmf", fd, out)
    for name, data in lists.items():
        assert (out / f"{name}.esl").read_bytes() == data
    assert not (out / "dbx.esl").exists()
    # A store without db fails with the reason.
    fd.write_bytes(ovmf_store([(n, 0x3F, lists[n]) for n in ("PK", "KEK")]))
    r = vars_("import-ovmf", fd, tmp_path)
    assert r.returncode == 1 and b"no db" in r.stderr, r.stderr


def test_import_ovmf_real_ms_fd(tmp_path):
    ms = "/usr/share/OVMF/OVMF_VARS_4M.ms.fd"
    if not os.path.exists(ms):
        import pytest
        pytest.skip(f"{ms} missing (Debian's ovmf package)")
    ok("import-ovmf", ms, tmp_path)
    db = (tmp_path / "db.esl").read_bytes()
    assert b"Microsoft Corporation UEFI CA 2011" in db
    assert b"Microsoft Windows Production PCA 2011" in db
    assert b"Microsoft Corporation KEK CA 2011" in (tmp_path / "KEK.esl").read_bytes()
    store = tmp_path / "vars.fd"
    ok("create", store)
    ok("enroll", store, tmp_path)
    listing = ok("list", store).decode()
    assert all(f" {n} attrs=0x27" in listing for n in ("PK", "KEK", "db", "dbx")), listing
