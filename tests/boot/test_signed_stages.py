# SPDX-License-Identifier: MIT
"""Signed stages (docs/secure-boot.md): a stage0.rom holding a key (`mkimage rom --key`) boots only
STAGE1/RUNTIME files signed by it (`mkimage wrap --sign`, `mkimage sign`), falls back to the
backups otherwise, and halts with a message when none is signed; a ROM without a key does not
care. Keys are made by openssl during the run."""
import shutil
import subprocess
import time

import pytest
from conftest import BUILD, build_disk

HELLO = "Hello from Strata efi-apps/hello"
TIMEOUT = 300
MKIMAGE = str(BUILD / "mkimage")
SIG_SIZE = 432


def mkimage(*args):
    return subprocess.run([MKIMAGE, *map(str, args)], check=True, capture_output=True,
                          text=True).stdout


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    """A ROM with the test key, stages signed by it and by another key, and unsigned ones."""
    d = tmp_path_factory.mktemp("signed-stages")
    for name in ("test", "other"):
        subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt",
                        "rsa_keygen_bits:3072", "-out", d / f"{name}.pem"],
                       check=True, capture_output=True)
    subprocess.run(["openssl", "pkey", "-in", d / "test.pem", "-pubout", "-out",
                    d / "test.pub.pem"], check=True, capture_output=True)
    mkimage("rom", "--key", d / "test.pub.pem", BUILD / "stage0.rom", d / "signed.rom")
    # wrap --sign from the linked ELFs, as the build would; sign for an existing image.
    mkimage("wrap", "--kind", "stage1", "--sign", d / "test.pem", BUILD / "stage1.elf",
            d / "stage1.signed")
    mkimage("wrap", "--kind", "runtime", "--sign", d / "test.pem", BUILD / "runtime.elf",
            d / "runtime.signed")
    mkimage("sign", "--key", d / "other.pem", BUILD / "stage1.bin", d / "stage1.other")
    forged = bytearray((d / "stage1.signed").read_bytes())
    forged[-1] ^= 1  # the signature's last byte: the key id still matches
    (d / "stage1.forged").write_bytes(forged)
    return d


def disk(tmp_path, keys, stage1, backup=None, runtime="runtime.signed", runtime_backup=None):
    def pick(name):
        return keys / name if name.endswith((".signed", ".other", ".forged")) else BUILD / name
    files = {"/STRATA/STAGE1.BIN": pick(stage1), "/STRATA/RUNTIME.BIN": pick(runtime),
             "/EFI/BOOT/BOOTX64.EFI": BUILD / "efi-apps" / "hello.efi"}
    if backup:
        files["/STRATA/STAGE1.BAK"] = pick(backup)
    if runtime_backup:
        files["/STRATA/RUNTIME.BAK"] = pick(runtime_backup)
    return build_disk(tmp_path / "disk.img", files)


def test_mkimage_shows_the_signature_and_the_key(keys):
    key_id = mkimage("inspect", keys / "signed.rom").split()[-1]
    assert len(key_id) == 64
    assert f"signature: RSA-3072 PKCS#1 v1.5 SHA-256, key {key_id}" in \
        mkimage("inspect", keys / "stage1.signed")
    assert key_id not in mkimage("inspect", keys / "stage1.other")
    assert "signature: none" in mkimage("inspect", BUILD / "stage1.bin")
    assert "no stage signing key" in mkimage("inspect", BUILD / "stage0.rom")
    # Signing only appends the trailer: the header and body stay as the build made them.
    signed = (keys / "stage1.other").read_bytes()
    assert signed[:-SIG_SIZE] == (BUILD / "stage1.bin").read_bytes()
    assert signed[-SIG_SIZE:].startswith(b"STRASIG\x01")


@pytest.mark.parametrize("pflash", [False, True], ids=["bios", "pflash"])
def test_rom_with_a_key_boots_stages_signed_by_it(tmp_path, qemu, keys, pflash):
    run = qemu(disk(tmp_path, keys, "stage1.signed", backup="stage1.signed"),
               rom=keys / "signed.rom", pflash=pflash)
    assert run.wait_for(HELLO, TIMEOUT), run.log()
    out = run.output
    assert "Secure Boot for stages is on" in out, run.log()
    assert "\\STRATA\\STAGE1.BIN: signature verified" in out, run.log()
    assert "\\STRATA\\STAGE1.BAK: signature verified" in out, run.log()
    assert "\\STRATA\\RUNTIME.BIN: signature verified" in out, run.log()
    assert "BACKUP" not in out, run.log()
    assert "EFI runtime services will report EFI_UNSUPPORTED" not in out, run.log()


@pytest.mark.parametrize("stage1,reason", [
    ("stage1.bin", "not signed"),
    ("stage1.other", "signed by another key than the one in this ROM"),
    ("stage1.forged", "signature does not verify with the key in this ROM"),
])
def test_badly_signed_stage1_falls_back_to_the_signed_backup(tmp_path, qemu, keys, stage1,
                                                             reason):
    run = qemu(disk(tmp_path, keys, stage1, backup="stage1.signed"), rom=keys / "signed.rom")
    assert run.wait_for(HELLO, TIMEOUT), run.log()
    out = run.output
    assert f"\\STRATA\\STAGE1.BIN: {reason} (Secure Boot for stages is on)" in out, run.log()
    assert "booting the BACKUP stage1" in out, run.log()
    assert out.count("Strata stage0") == 1, run.log()


def test_unsigned_runtime_falls_back_to_the_signed_backup_runtime(tmp_path, qemu, keys):
    run = qemu(disk(tmp_path, keys, "stage1.signed", runtime="runtime.bin",
                    runtime_backup="runtime.signed"), rom=keys / "signed.rom")
    assert run.wait_for(HELLO, TIMEOUT), run.log()
    out = run.output
    assert "\\STRATA\\RUNTIME.BIN: not signed (Secure Boot for stages is on)" in out, run.log()
    assert "booting the BACKUP runtime RUNTIME.BAK" in out, run.log()


def test_unsigned_stage1_new_from_the_guest_is_refused(tmp_path, qemu, keys):
    """The in-VM update path (docs/updating.md): a STAGE1.NEW the guest wrote without the key
    is never started; the signed STAGE1.BIN boots."""
    d = build_disk(tmp_path / "disk.img", {
        "/STRATA/STAGE1.NEW": BUILD / "stage1.bin", "/STRATA/STAGE1.BIN": keys / "stage1.signed",
        "/STRATA/RUNTIME.BIN": keys / "runtime.signed",
        "/EFI/BOOT/BOOTX64.EFI": BUILD / "efi-apps" / "hello.efi"})
    run = qemu(d, rom=keys / "signed.rom")
    assert run.wait_for(HELLO, TIMEOUT), run.log()
    out = run.output
    assert "\\STRATA\\STAGE1.NEW: not signed (Secure Boot for stages is on)" in out, run.log()
    assert "STAGE1.NEW is unusable: booting STAGE1.BIN" in out, run.log()
    assert "stage1 " in out and "from STAGE1.BIN verified" in out, run.log()


def test_no_signed_stage1_halts_with_a_message_and_no_reset(tmp_path, qemu, keys):
    run = qemu(disk(tmp_path, keys, "stage1.bin", backup="stage1.other"),
               rom=keys / "signed.rom")
    assert run.wait_for("system halted", TIMEOUT), run.log()
    out = run.output
    assert "\\STRATA\\STAGE1.BIN: not signed" in out, run.log()
    assert "\\STRATA\\STAGE1.BAK: signed by another key than the one in this ROM" in out, \
        run.log()
    assert "no usable stage1" in out, run.log()
    # -no-reboot turns a reset into QEMU's exit: still running means halted, not reset.
    time.sleep(2)
    assert run.proc.poll() is None, run.log()
    assert out.count("Strata stage0") == 1, run.log()


@pytest.mark.parametrize("stage1", ["stage1.bin", "stage1.signed"])
def test_rom_without_a_key_boots_signed_and_unsigned_stages(tmp_path, qemu, keys, stage1):
    run = qemu(disk(tmp_path, keys, stage1, runtime="runtime.bin"))
    assert run.wait_for(HELLO, TIMEOUT), run.log()
    out = run.output
    assert "Secure Boot for stages" not in out, run.log()
    assert "signature" not in out, run.log()
    assert "BACKUP" not in out, run.log()


def test_debian_uki_boots_to_userspace_with_signed_stages(tmp_path, qemu, keys):
    image = BUILD / "images" / "linux-uki.img"
    if not image.exists():
        pytest.skip(f"{image} not built (make images)")
    copy = tmp_path / "uki.img"
    shutil.copy(image, copy)
    mkimage("update", copy, "--stage1", keys / "stage1.signed", "--runtime",
            keys / "runtime.signed")
    run = qemu(copy, memory="512", rom=keys / "signed.rom", extra=["-cpu", "max"])
    assert run.wait_for("STRATA-DONE", 600), run.log()
    out = run.output
    assert "\\STRATA\\STAGE1.BIN: signature verified" in out, run.log()
    assert "strata: efi: yes, 64-bit" in out, run.log()


def test_damaged_key_slot_halts_instead_of_booting_unverified(tmp_path, qemu, keys):
    rom = bytearray((keys / "signed.rom").read_bytes())
    rom[0xFE00 + 48 + 100] ^= 0x01  # a modulus byte: the slot's CRC no longer matches
    damaged = tmp_path / "damaged.rom"
    damaged.write_bytes(rom)
    inspect = subprocess.run([MKIMAGE, "inspect", str(damaged)], capture_output=True, text=True)
    assert inspect.returncode == 1 and "DAMAGED" in inspect.stdout, inspect
    run = qemu(disk(tmp_path, keys, "stage1.signed"), rom=damaged)
    assert run.wait_for("system halted", TIMEOUT), run.log()
    assert "the stage signing key in this ROM is damaged" in run.output, run.log()
    assert "entering stage1" not in run.output, run.log()
