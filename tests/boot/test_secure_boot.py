# SPDX-License-Identifier: MIT
"""Secure Boot in LoadImage (docs/secure-boot.md): with db (and dbx) given through fw_cfg, an
unsigned EFI application runs only when its Authenticode hash is in db and not in dbx, a signed
one when its signer's certificate is in db; a refusal names the image and the reason on the
console, and the boot manager moves on. With OVMF's Microsoft db, Debian's signed shim, GRUB and
kernel boot to userspace with Secure Boot on, and the unsigned shim is refused."""
import hashlib
import os
import re
import struct
import subprocess
import uuid
from pathlib import Path

import pytest

from conftest import BUILD, build_disk

TIMEOUT = 90
HELLO = BUILD / "efi-apps" / "hello.efi"
CERT_SHA256 = uuid.UUID("c1c41626-504c-4092-aca9-41f936934328")
CERT_X509 = uuid.UUID("a5c059a1-94e4-4aa7-87b5-ab155c2bf072")
# sbsign from Debian's sbsigntool, unpacked by the unit tests' fixtures (make unit-tests).
SBSIGN = BUILD / "tests" / "secure-boot" / "root" / "usr" / "bin" / "sbsign"
OWNER = uuid.UUID("11111111-2222-3333-4444-555555555555")


def authenticode_sha256(pe):
    """The image hash of the Authenticode spec, written from it independently of lib/crypto."""
    opt = struct.unpack_from("<I", pe, 0x3C)[0] + 24
    nsec, opt_size = struct.unpack_from("<H", pe, opt - 18)[0], struct.unpack_from("<H", pe, opt - 4)[0]
    headers = struct.unpack_from("<I", pe, opt + 60)[0]
    cert_dir = opt + 112 + 4 * 8
    cert_size = struct.unpack_from("<I", pe, cert_dir + 4)[0]
    h = hashlib.sha256(pe[:opt + 64] + pe[opt + 68:cert_dir] + pe[cert_dir + 8:headers])
    sections = sorted(struct.unpack_from("<II", pe, opt + opt_size + 40 * i + 16)[::-1]
                      for i in range(nsec))
    done = headers
    for ptr, raw in sections:
        if raw:
            h.update(pe[ptr:ptr + raw])
            done += raw
    h.update(pe[done:len(pe) - cert_size])
    h.update(b"\0" * (-len(pe) % 8))  # as sbsign pads, and hash-to-efi-sig-list hashes
    return h.digest()


def sha256_list(*digests):
    entries = b"".join(OWNER.bytes_le + d for d in digests)
    return CERT_SHA256.bytes_le + struct.pack("<III", 28 + len(entries), 0, 48) + entries


def x509_list(der):
    entry = OWNER.bytes_le + der
    return CERT_X509.bytes_le + struct.pack("<III", 28 + len(entry), 0, len(entry)) + entry


def boot(tmp_path, qemu, db, dbx=None, image=HELLO):
    disk = build_disk(tmp_path / "disk.img", {
        "/STRATA/STAGE1.BIN": BUILD / "stage1.bin",
        "/STRATA/RUNTIME.BIN": BUILD / "runtime.bin",
        "/EFI/BOOT/BOOTX64.EFI": image,
    })
    extra = []
    for name, data in (("db", db), ("dbx", dbx)):
        if data is not None:
            path = tmp_path / f"{name}.esl"
            path.write_bytes(data)
            extra += ["-fw_cfg", f"name=opt/strata/secure-boot/{name},file={path}"]
    run = qemu(disk, extra=extra)
    assert run.wait_for("nothing more to boot", TIMEOUT), run.log()
    assert "exception:" not in run.output, run.log()
    return run


def test_unsigned_image_not_in_db_is_refused_and_named(tmp_path, qemu):
    run = boot(tmp_path, qemu, sha256_list(hashlib.sha256(b"another image").digest()))
    out = run.output
    assert "Secure Boot on" in out, run.log()
    assert "refused" in out and "BOOTX64.EFI: unsigned, hash not in db" in out, run.log()
    assert "cannot load" in out and "EFI_ACCESS_DENIED" in out, run.log()
    assert "BOOTX64.EFI returned" not in out, run.log()


def test_unsigned_image_with_its_hash_in_db_runs(tmp_path, qemu):
    digest = authenticode_sha256(HELLO.read_bytes())
    run = boot(tmp_path, qemu, sha256_list(hashlib.sha256(b"x").digest(), digest))
    out = run.output
    assert "Secure Boot on" in out, run.log()
    assert "refused" not in out, run.log()
    assert "\\EFI\\BOOT\\BOOTX64.EFI returned EFI_SUCCESS" in out, run.log()


def test_hash_in_dbx_wins_over_db(tmp_path, qemu):
    digest = authenticode_sha256(HELLO.read_bytes())
    run = boot(tmp_path, qemu, sha256_list(digest), dbx=sha256_list(digest))
    out = run.output
    assert "BOOTX64.EFI: image hash in dbx" in out, run.log()
    assert "BOOTX64.EFI returned" not in out, run.log()


def test_without_keys_secure_boot_stays_off(tmp_path, qemu):
    disk = build_disk(tmp_path / "disk.img", {
        "/STRATA/STAGE1.BIN": BUILD / "stage1.bin",
        "/STRATA/RUNTIME.BIN": BUILD / "runtime.bin",
        "/EFI/BOOT/BOOTX64.EFI": HELLO,
    })
    run = qemu(disk)
    assert run.wait_for("nothing more to boot", TIMEOUT), run.log()
    assert "Secure Boot on" not in run.output, run.log()
    assert "\\EFI\\BOOT\\BOOTX64.EFI returned EFI_SUCCESS" in run.output, run.log()


def signed_hello(tmp_path, image=HELLO):
    """An image (hello.efi) signed by a key made here; returns the image and the certificate's DER."""
    if not SBSIGN.exists():
        pytest.skip(f"{SBSIGN} missing (make unit-tests fetches it)")
    key, crt, der = tmp_path / "db.key", tmp_path / "db.crt", tmp_path / "db.der"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256",
                    "-days", "30", "-subj", "/CN=Strata test db/", "-keyout", key, "-out", crt],
                   check=True, capture_output=True)
    subprocess.run(["openssl", "x509", "-in", crt, "-outform", "DER", "-out", der], check=True)
    signed = tmp_path / (image.stem + ".signed.efi")
    env = dict(os.environ, LD_LIBRARY_PATH=str(SBSIGN.parents[2] / "lib" / "x86_64-linux-gnu"))
    subprocess.run([SBSIGN, "--key", key, "--cert", crt, "--output", signed, image], check=True,
                   capture_output=True, env=env)
    return signed, der.read_bytes()


def test_signed_image_runs_when_its_signer_is_in_db(tmp_path, qemu):
    signed, der = signed_hello(tmp_path)
    run = boot(tmp_path, qemu, x509_list(der), image=signed)
    out = run.output
    assert "refused" not in out, run.log()
    assert "\\EFI\\BOOT\\BOOTX64.EFI returned EFI_SUCCESS" in out, run.log()


def test_signed_image_is_refused_by_another_key_or_its_cert_in_dbx(tmp_path, qemu):
    signed, der = signed_hello(tmp_path)
    run = boot(tmp_path, qemu, sha256_list(hashlib.sha256(b"x").digest()), image=signed)
    assert "BOOTX64.EFI: no signature trusted by db" in run.output, run.log()
    run.kill()  # the next boot writes the same disk image
    run = boot(tmp_path, qemu, x509_list(der), dbx=x509_list(der), image=signed)
    assert "BOOTX64.EFI: signer certificate in dbx" in run.output, run.log()
    assert "BOOTX64.EFI returned" not in run.output, run.log()


def test_malformed_db_from_fw_cfg_refuses_every_image(tmp_path, qemu):
    digest = authenticode_sha256(HELLO.read_bytes())
    run = boot(tmp_path, qemu, sha256_list(digest)[:-1])
    out = run.output
    assert "opt/strata/secure-boot/db unusable" in out, run.log()
    assert "Secure Boot on" in out, run.log()
    assert "BOOTX64.EFI: the Secure Boot keys from fw_cfg are unusable" in out, run.log()
    assert "BOOTX64.EFI returned" not in out, run.log()


OVMF_MS_VARS = "/usr/share/OVMF/OVMF_VARS_4M.ms.fd"
FIXTURES = BUILD / "tests" / "secure-boot"
SIGNED_GRUB_CFG = b"""set timeout=0
search --no-floppy --set=root --file /linux/vmlinuz
echo "STRATA-GRUB: root=$root, booting secure-boot"
linux /linux/vmlinuz console=ttyS0 panic=-1 strata.image=shim-grub
initrd /linux/initrd.img
boot
"""


def ovmf_variable(path, wanted):
    """A variable's data from an OVMF varstore (authenticated variable headers, 60 bytes)."""
    f = open(path, "rb").read()
    off = struct.unpack_from("<H", f, 0x30)[0] + 28
    found = None
    while off + 60 <= len(f) and struct.unpack_from("<H", f, off)[0] == 0x55AA:
        state = f[off + 2]
        name_size, data_size = struct.unpack_from("<II", f, off + 36)
        name = f[off + 60:off + 60 + name_size].decode("utf-16-le").rstrip("\0")
        if state == 0x3F and name == wanted:
            found = f[off + 60 + name_size:off + 60 + name_size + data_size]
        off = (off + 60 + name_size + data_size + 3) & ~3
    return found


def test_debian_shim_grub_and_kernel_boot_with_microsoft_db(tmp_path, qemu):
    """Debian's signed chain as a cloud VM has it: OVMF's Microsoft db (the 2011 CAs) lets
    LoadImage take shim, whose own check takes GRUB and the kernel; Linux sees Secure Boot on."""
    need = [FIXTURES / n for n in ("shimx64.efi.signed", "grubx64.efi.signed", "vmlinuz.signed")]
    initrd = BUILD / "images" / "initramfs.cpio.gz"
    if not all(p.exists() for p in need) or not initrd.exists():
        pytest.skip("Debian's signed binaries (make unit-tests) or the initramfs (make images) missing")
    try:
        db = ovmf_variable(OVMF_MS_VARS, "db")
    except OSError:
        db = None
    if not db:
        pytest.skip(f"no db in {OVMF_MS_VARS} (package ovmf)")
    disk = build_disk(tmp_path / "disk.img", {
        "/STRATA/STAGE1.BIN": BUILD / "stage1.bin",
        "/STRATA/RUNTIME.BIN": BUILD / "runtime.bin",
        "/EFI/BOOT/BOOTX64.EFI": need[0],
        "/EFI/BOOT/grubx64.efi": need[1],
        "/EFI/BOOT/grub.cfg": SIGNED_GRUB_CFG,
        "/EFI/debian/grub.cfg": SIGNED_GRUB_CFG,
        "/linux/vmlinuz": need[2],
        "/linux/initrd.img": initrd,
    })
    (tmp_path / "db.esl").write_bytes(db)
    run = qemu(disk, memory="512", extra=["-cpu", "max", "-fw_cfg",
                                          f"name=opt/strata/secure-boot/db,file={tmp_path / 'db.esl'}"])
    assert run.wait_for("STRATA-DONE", 300), run.log()
    out = run.output
    assert "Secure Boot on" in out and "refused" not in out, run.log()
    assert "STRATA-GRUB: root=hd0,gpt1, booting secure-boot" in out, run.log()
    assert "Secure boot enabled" in out or "UEFI Secure Boot is enabled" in out, run.log()
    assert "Kernel is locked down from EFI Secure Boot" in out, run.log()
    # Linux read db back through the runtime's GetVariable.
    assert re.search(r"strata: efivars names: .*\bdb\b", out), run.log()


def test_default_vars_file_refuses_unsigned_shim_and_boots_debians_signed_chain(tmp_path, qemu):
    """build/strata-vars-secure-boot.fd (the build's default keys, enrolled) on pflash unit 1:
    user mode from the first boot; Boot0000, an unsigned shim, is refused and Boot0001, Debian's
    shim-signed, GRUB and kernel, is tried next and reaches Linux with Secure Boot on."""
    from test_variables_flash import load_option

    need = [FIXTURES / n for n in ("shimx64.efi.signed", "grubx64.efi.signed", "vmlinuz.signed",
                                   "shimx64.efi")]
    initrd = BUILD / "images" / "initramfs.cpio.gz"
    vars_file = BUILD / "strata-vars-secure-boot.fd"
    if not all(p.exists() for p in need) or not initrd.exists() or not vars_file.exists():
        pytest.skip("Debian's signed binaries (make unit-tests) or make images' output missing")
    disk = build_disk(tmp_path / "disk.img", {
        "/STRATA/STAGE1.BIN": BUILD / "stage1.bin",
        "/STRATA/RUNTIME.BIN": BUILD / "runtime.bin",
        "/EFI/UNSIGNED/SHIMX64.EFI": need[3],
        "/EFI/BOOT/BOOTX64.EFI": need[0],
        "/EFI/BOOT/grubx64.efi": need[1],
        "/EFI/BOOT/grub.cfg": SIGNED_GRUB_CFG,
        "/EFI/debian/grub.cfg": SIGNED_GRUB_CFG,
        "/linux/vmlinuz": need[2],
        "/linux/initrd.img": initrd,
    })
    store = tmp_path / "vars.fd"
    store.write_bytes(vars_file.read_bytes())
    options = {"Boot0000": load_option("unsigned shim", "\\EFI\\UNSIGNED\\SHIMX64.EFI"),
               "Boot0001": load_option("Debian signed", "\\EFI\\BOOT\\BOOTX64.EFI"),
               "BootOrder": struct.pack("<HH", 0, 1)}
    for name, data in options.items():
        (tmp_path / name).write_bytes(data)
        subprocess.run([BUILD / "mkimage", "vars", "set", store, name, "--data-file",
                        tmp_path / name], check=True, capture_output=True)
    run = qemu(disk, memory="512", vars_store=store, extra=["-cpu", "max"])
    assert run.wait_for("STRATA-DONE", 300), run.log()
    out = run.output
    assert "user mode: PK enrolled" in out, run.log()
    assert "SHIMX64.EFI: unsigned, hash not in db" in out, run.log()
    assert "Boot0001 (Debian signed)" in out.split("SHIMX64.EFI: unsigned")[1], run.log()
    assert "STRATA-GRUB: root=hd0,gpt1, booting secure-boot" in out, run.log()
    assert "Secure boot enabled" in out or "UEFI Secure Boot is enabled" in out, run.log()


def boot_linux(tmp_path, qemu, db, payload):
    """A disk with only the payload as BOOTX64.EFI, db from fw_cfg, run to Linux userspace."""
    disk = build_disk(tmp_path / "disk.img", {
        "/STRATA/STAGE1.BIN": BUILD / "stage1.bin",
        "/STRATA/RUNTIME.BIN": BUILD / "runtime.bin",
        "/EFI/BOOT/BOOTX64.EFI": payload,
    })
    (tmp_path / "db.esl").write_bytes(db)
    run = qemu(disk, memory="512", extra=["-cpu", "max", "-fw_cfg",
                                          f"name=opt/strata/secure-boot/db,file={tmp_path / 'db.esl'}"])
    assert run.wait_for("STRATA-DONE", 300), run.log()
    return run


def test_unsigned_shim_is_refused_under_microsoft_db(tmp_path, qemu):
    db = ovmf_variable(OVMF_MS_VARS, "db") if Path(OVMF_MS_VARS).exists() else None
    if not db or not (FIXTURES / "shimx64.efi").exists():
        pytest.skip("OVMF's Microsoft db or the unsigned shim (make unit-tests) missing")
    run = boot(tmp_path, qemu, db, image=FIXTURES / "shimx64.efi")
    assert "BOOTX64.EFI: unsigned, hash not in db" in run.output, run.log()
    assert "Welcome to GRUB" not in run.output, run.log()


def test_signed_shim_refuses_an_unsigned_grub(tmp_path, qemu):
    """shim checks its second stage itself (with the Debian CA it carries), not through LoadImage."""
    grub = BUILD / "images" / "root" / "usr" / "lib" / "grub" / "x86_64-efi" / "monolithic" / "grubx64.efi"
    db = ovmf_variable(OVMF_MS_VARS, "db") if Path(OVMF_MS_VARS).exists() else None
    if not db or not grub.exists() or not (FIXTURES / "shimx64.efi.signed").exists():
        pytest.skip("OVMF's Microsoft db, GRUB (make images) or signed shim (make unit-tests) missing")
    disk = build_disk(tmp_path / "disk.img", {
        "/STRATA/STAGE1.BIN": BUILD / "stage1.bin",
        "/STRATA/RUNTIME.BIN": BUILD / "runtime.bin",
        "/EFI/BOOT/BOOTX64.EFI": FIXTURES / "shimx64.efi.signed",
        "/EFI/BOOT/grubx64.efi": grub,
    })
    (tmp_path / "db.esl").write_bytes(db)
    run = qemu(disk, extra=["-fw_cfg", f"name=opt/strata/secure-boot/db,file={tmp_path / 'db.esl'}"])
    assert run.wait_for("Verification failed: (0x1A) Security Violation", TIMEOUT), run.log()
    assert "Welcome to GRUB" not in run.output, run.log()
    assert "secure boot: ERROR: refused" not in run.output, run.log()  # shim itself was taken


def test_uki_signed_with_a_test_db_key_boots_through_systemd_stub(tmp_path, qemu):
    """The linux-uki image's UKI (systemd-stub + the unsigned cloud kernel), sbsigned here: the
    firmware checks the UKI; the stub starts its embedded kernel."""
    uki_img = BUILD / "images" / "linux-uki.img"
    if not uki_img.exists():
        pytest.skip(f"{uki_img} not built (make images)")
    uki = tmp_path / "linux.efi"
    subprocess.run(["mcopy", "-n", "-i", f"{uki_img}@@{2048 * 512}", "::/EFI/BOOT/BOOTX64.EFI", uki],
                   check=True, capture_output=True)
    signed, der = signed_hello(tmp_path, uki)
    run = boot_linux(tmp_path, qemu, x509_list(der), signed)
    out = run.output
    assert "Secure Boot on" in out and "refused" not in out, run.log()
    assert "secureboot: Secure boot enabled" in out, run.log()


def test_native_loader_refuses_a_kernel_without_pe_header(tmp_path, qemu):
    """The BLS loader's boot-protocol path has no signature to check: under Secure Boot it stops."""
    kernels = sorted((BUILD / "images" / "root" / "boot").glob("vmlinuz-*"))
    if not kernels:
        pytest.skip("no kernel under build/images (make images)")
    kernel = bytearray(kernels[-1].read_bytes())
    kernel[0:2] = b"\0\0"  # no "MZ": a bzImage built without the EFI stub, as far as we can tell
    disk = build_disk(tmp_path / "disk.img", {
        "/STRATA/STAGE1.BIN": BUILD / "stage1.bin",
        "/STRATA/RUNTIME.BIN": BUILD / "runtime.bin",
        "/linux/vmlinuz": bytes(kernel),
        "/loader/entries/plain.conf": b"title Plain\nversion 1\nlinux /linux/vmlinuz\n"
                                      b"options console=ttyS0\n",
    })
    (tmp_path / "db.esl").write_bytes(sha256_list(hashlib.sha256(b"x").digest()))
    run = qemu(disk, memory="512",
               extra=["-fw_cfg", f"name=opt/strata/secure-boot/db,file={tmp_path / 'db.esl'}"])
    assert run.wait_for("nothing more to boot", TIMEOUT), run.log()
    assert "no signature to check under Secure Boot; not started" in run.output, run.log()
    assert "Linux version" not in run.output, run.log()
