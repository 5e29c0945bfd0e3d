# SPDX-License-Identifier: MIT
"""Authenticated variables (docs/secure-boot.md): efi-apps/authvars enrols PK, KEK and db through
time-based authenticated SetVariable with .auth files made here by openssl and efitools (fixed
timestamps, as U-Boot's test_efi_secboot does), and checks wrong keys, replays, appends, missing
TIME_AUTH, read-only modes and PK deletion, first on OVMF's Secure Boot build (q35 with SMM),
then on Strata. Keys enrolled so survive a power off: the next boot from the same pflash store
is in user mode, runs an image signed by the db key and refuses an unsigned one."""
import os
import shutil
import struct
import subprocess

import pytest

from conftest import BUILD, QemuRun, accel, build_disk

TIMEOUT = 120
OVMF_TIMEOUT = 300
AUTHVARS = BUILD / "efi-apps" / "authvars.efi"
MKIMAGE = BUILD / "mkimage"
HELLO = BUILD / "efi-apps" / "hello.efi"
TOOLS = BUILD / "tests" / "secure-boot" / "root" / "usr" / "bin"
OVMF_SECBOOT = "/usr/share/OVMF/OVMF_CODE_4M.secboot.fd"
OVMF_VARS = "/usr/share/OVMF/OVMF_VARS_4M.fd"
OWNER = "11111111-2222-3333-4444-555555555555"
CASES = 29  # authvars' cases with the PK deletion at the end
EXIT_ON_ENTRY = BUILD / "efi-apps" / "exit-on-entry.efi"
VARINFO = BUILD / "efi-apps" / "varinfo.efi"
VARCOUNT = BUILD / "efi-apps" / "varcount.efi"


def forge(signed, out):
    """A copy of a signed PE with one byte of its first section's data changed (U-Boot's
    forge_image.sh changes a string): the signature no longer matches the image's hash."""
    data = bytearray(signed.read_bytes())
    pe = struct.unpack_from("<I", data, 0x3c)[0]
    sections = pe + 24 + struct.unpack_from("<H", data, pe + 20)[0]
    raw = struct.unpack_from("<I", data, sections + 20)[0]
    data[raw + 64] ^= 0xff
    out.write_bytes(data)


def make_auth_files(work):
    """Keys PK, KEK, db and a stranger's; the .auth files authvars reads, keyed by ESP path."""
    if not (TOOLS / "sign-efi-sig-list").exists():
        pytest.skip(f"{TOOLS} missing (make unit-tests fetches efitools and sbsigntool)")
    env = dict(os.environ, PATH=f"{TOOLS}:{os.environ['PATH']}",
               LD_LIBRARY_PATH=str(TOOLS.parents[1] / "lib" / "x86_64-linux-gnu"))

    def sh(cmd):
        subprocess.run(cmd, shell=True, check=True, cwd=work, env=env, capture_output=True)

    sh("for n in PK KEK db other; do openssl req -x509 -newkey rsa:2048 -nodes -sha256 "
       "-days 3650 -subj /CN=strata-$n/ -keyout $n.key -out $n.crt && "
       f"cert-to-efi-sig-list -g {OWNER} $n.crt $n.esl; done")
    sh("cat db.esl other.esl >two.esl")

    def sign(var, esl, out, signer, stamp, append=False):
        sh(f"sign-efi-sig-list {'-a ' if append else ''}-t '2026-01-0{stamp} 00:00:00' "
           f"-k {signer}.key -c {signer}.crt {var} {esl} {out}")

    sign("PK", "PK.esl", "PK.auth", "PK", 1)
    sign("KEK", "KEK.esl", "KEK.auth", "PK", 2)
    sign("KEK", "KEK.esl", "KEK-other.auth", "other", 2)
    sign("db", "db.esl", "db.auth", "KEK", 3)
    sign("db", "db.esl", "db-other.auth", "other", 3)
    sign("db", "db.esl", "db-later.auth", "KEK", 4)
    sign("db", "two.esl", "db-append.auth", "KEK", 1, append=True)
    sign("PK", "/dev/null", "PK-delete.auth", "PK", 5)
    sign("PK", "/dev/null", "PK-delete-other.auth", "other", 5)
    # LoadImage's images: signed by db's key, unsigned, forged, signed but its hash in dbx,
    # signed by "other" (in db, and its certificate in dbx), unsigned with its hash in db.
    for src, key, out in ((HELLO, "db", "signed.efi"), (EXIT_ON_ENTRY, "db", "dbx-hash.efi"),
                          (VARINFO, "other", "dbx-cert.efi")):
        sh(f"sbsign --key {key}.key --cert {key}.crt --output {out} {src}")
    shutil.copy(HELLO, work / "unsigned.efi")
    # Zero-padded to 8 bytes: EDK2 hashes an odd-sized file as it is, Strata, U-Boot and
    # hash-to-efi-sig-list as if padded (docs/secure-boot.md); the case is about db, not that.
    image = VARCOUNT.read_bytes()
    (work / "db-hash.efi").write_bytes(image + bytes(-len(image) % 8))
    forge(work / "signed.efi", work / "forged.efi")
    sh(f"hash-to-efi-sig-list {EXIT_ON_ENTRY} dbx-hash.esl && cat dbx-hash.esl other.esl >dbx.esl")
    sh("hash-to-efi-sig-list db-hash.efi db-hash.esl")
    sign("dbx", "dbx.esl", "dbx.auth", "KEK", 6)
    sign("db", "db-hash.esl", "db-hash.auth", "KEK", 6, append=True)
    names = ["PK.esl", "db.esl", "two.esl", "PK.auth", "KEK.auth", "KEK-other.auth", "db.auth",
             "db-other.auth", "db-later.auth", "db-append.auth", "PK-delete.auth",
             "PK-delete-other.auth", "dbx.auth", "db-hash.auth", "signed.efi", "unsigned.efi",
             "forged.efi", "dbx-hash.efi", "dbx-cert.efi", "db-hash.efi"]
    return {f"/authvars/{n}": work / n for n in names}, env


def check_cases(output, expected):
    fails = [line for line in output.splitlines() if line.startswith("FAIL ")]
    assert not fails, "\n".join(fails) + "\n" + output
    assert f"authvars: {expected} passed, 0 failed" in output, output


def test_authenticated_writes_on_ovmf_secure_boot(tmp_path):
    if not os.path.exists(OVMF_SECBOOT):
        pytest.skip(f"{OVMF_SECBOOT} missing (Debian package ovmf)")
    files, _ = make_auth_files(tmp_path)
    files["/EFI/BOOT/BOOTX64.EFI"] = AUTHVARS
    disk = build_disk(tmp_path / "esp.img", files)
    vars_copy = tmp_path / "vars.fd"
    shutil.copy(OVMF_VARS, vars_copy)
    # OVMF's Secure Boot build needs SMM, which this machine's KVM cannot do: TCG (notes §3.3).
    run = QemuRun(["qemu-system-x86_64", "-machine", "q35,smm=on,accel=tcg", "-m", "512",
                   "-display", "none", "-serial", "stdio", "-monitor", "none", "-no-reboot",
                   "-global", "driver=cfi.pflash01,property=secure,value=on",
                   "-drive", f"if=pflash,format=raw,unit=0,readonly=on,file={OVMF_SECBOOT}",
                   "-drive", f"if=pflash,format=raw,unit=1,file={vars_copy}",
                   "-drive", f"if=none,id=boot,format=raw,file={disk}",
                   "-device", "virtio-blk-pci,drive=boot,bootindex=1"])
    try:
        assert run.wait_for("authvars: ", OVMF_TIMEOUT) and \
            run.wait_for(" failed", OVMF_TIMEOUT), run.log()
        check_cases(run.output, CASES)
    finally:
        run.kill()


def strata_disk(tmp_path, name, files):
    return build_disk(tmp_path / name, {
        "/STRATA/STAGE1.BIN": BUILD / "stage1.bin",
        "/STRATA/RUNTIME.BIN": BUILD / "runtime.bin",
        **files,
    })


def test_authenticated_writes_on_strata(tmp_path, qemu):
    files, _ = make_auth_files(tmp_path)
    files["/EFI/BOOT/BOOTX64.EFI"] = AUTHVARS
    store = tmp_path / "vars.fd"
    shutil.copy(BUILD / "strata-vars.fd", store)
    run = qemu(strata_disk(tmp_path, "esp.img", files), vars_store=store)
    assert run.wait_for(" failed", TIMEOUT), run.log()
    check_cases(run.output, CASES)
    out = run.output
    # Strata turns Secure Boot on with PK (as U-Boot), and says why a write was refused.
    assert "authvars: SetupMode=0 SecureBoot=1" in out, run.log()
    assert "authvars: SetupMode=1 SecureBoot=0" in out, run.log()
    assert "PK enrolled: user mode" in out and "PK deleted: setup mode" in out, run.log()
    assert "SetVariable(db) refused: EFI_SECURITY_VIOLATION" in out, run.log()
    assert "exception:" not in out, run.log()


def test_enrolled_keys_survive_power_off_and_enforce(tmp_path, qemu):
    files, env = make_auth_files(tmp_path)
    files["/EFI/BOOT/BOOTX64.EFI"] = AUTHVARS
    (tmp_path / "keep").write_bytes(b"keep the keys\n")
    files["/authvars/keep"] = tmp_path / "keep"
    store = tmp_path / "vars.fd"
    shutil.copy(BUILD / "strata-vars.fd", store)
    run = qemu(strata_disk(tmp_path, "enrol.img", files), vars_store=store)
    assert run.wait_for(" failed", TIMEOUT), run.log()
    check_cases(run.output, CASES - 4)
    assert run.wait_exit(TIMEOUT) is not None, run.log()
    # The store's PK record: attributes 0x27, its EFI_TIME (2026-01-01) and then the list.
    pk = subprocess.run([MKIMAGE, "vars", "get", store, "PK"], check=True,
                        capture_output=True).stdout
    assert pk[:16] == struct.pack("<HBB", 2026, 1, 1) + bytes(12), pk[:16]
    assert pk[16:] == (tmp_path / "PK.esl").read_bytes()
    listing = subprocess.run([MKIMAGE, "vars", "list", store], check=True, capture_output=True,
                             text=True).stdout
    size = 16 + len((tmp_path / "PK.esl").read_bytes())
    assert f" PK attrs=0x27 size={size}" in listing, listing

    # hello signed by the db key (its certificate is in db now), and hello unsigned.
    signed = tmp_path / "hello.signed.efi"
    subprocess.run([TOOLS / "sbsign", "--key", tmp_path / "db.key", "--cert",
                    tmp_path / "db.crt", "--output", signed, HELLO], check=True,
                   capture_output=True, env=env)
    for image, runs in ((signed, True), (HELLO, False)):
        run = qemu(strata_disk(tmp_path, f"{image.stem}.img", {"/EFI/BOOT/BOOTX64.EFI": image}),
                   vars_store=store)
        assert run.wait_for("nothing more to boot", TIMEOUT), run.log()
        out = run.output
        assert "user mode: PK enrolled" in out, run.log()
        if runs:
            assert "\\EFI\\BOOT\\BOOTX64.EFI returned EFI_SUCCESS" in out, run.log()
            assert "refused" not in out, run.log()
        else:
            assert "BOOTX64.EFI: unsigned, hash not in db" in out, run.log()
            assert "BOOTX64.EFI returned" not in out, run.log()
        run.kill()


def test_store_enrolled_by_mkimage_boots_in_user_mode(tmp_path, qemu):
    """`mkimage vars enroll` writes the keys as stage1 stores them: the first boot is in user
    mode and runs an image signed by the db key."""
    files, env = make_auth_files(tmp_path)
    keys = tmp_path / "keys"
    keys.mkdir()
    for name in ("PK", "KEK", "db"):
        shutil.copy(tmp_path / f"{name}.esl", keys / f"{name}.esl")
    store = tmp_path / "vars.fd"
    shutil.copy(BUILD / "strata-vars.fd", store)
    subprocess.run([MKIMAGE, "vars", "enroll", store, keys], check=True, capture_output=True)
    signed = tmp_path / "hello.signed.efi"
    subprocess.run([TOOLS / "sbsign", "--key", tmp_path / "db.key", "--cert",
                    tmp_path / "db.crt", "--output", signed, HELLO], check=True,
                   capture_output=True, env=env)
    run = qemu(strata_disk(tmp_path, "signed.img", {"/EFI/BOOT/BOOTX64.EFI": signed}),
               vars_store=store)
    assert run.wait_for("nothing more to boot", TIMEOUT), run.log()
    out = run.output
    assert "user mode: PK enrolled" in out, run.log()
    assert "\\EFI\\BOOT\\BOOTX64.EFI returned EFI_SUCCESS" in out, run.log()
    assert "refused" not in out and "exception:" not in out, run.log()
    run.kill()


def test_pk_and_kek_from_fw_cfg_are_the_owners_and_read_only(tmp_path, qemu):
    """The VM owner's PK, KEK and db through fw_cfg: user mode at once, and the guest's writes
    of PK and KEK, even correctly signed by that PK, are refused."""
    files, env = make_auth_files(tmp_path)
    # Secure Boot is on from the start: authvars itself must be signed by the db key.
    signed = tmp_path / "authvars.signed.efi"
    subprocess.run([TOOLS / "sbsign", "--key", tmp_path / "db.key", "--cert",
                    tmp_path / "db.crt", "--output", signed, AUTHVARS], check=True,
                   capture_output=True, env=env)
    files["/EFI/BOOT/BOOTX64.EFI"] = signed
    store = tmp_path / "vars.fd"
    shutil.copy(BUILD / "strata-vars.fd", store)
    extra = []
    for name in ("PK", "KEK", "db"):
        extra += ["-fw_cfg", f"name=opt/strata/secure-boot/{name},file={tmp_path / (name + '.esl')}"]
    run = qemu(strata_disk(tmp_path, "esp.img", files), vars_store=store, extra=extra)
    assert run.wait_for(" failed", TIMEOUT), run.log()
    out = run.output
    assert "user mode: PK from fw_cfg" in out, run.log()
    assert "authvars: SetupMode=0 SecureBoot=1" in out, run.log()
    assert "FAIL authvars.starts_in_setup_mode" in out, run.log()
    assert "FAIL authvars.pk_enrolled: SetVariable answered (Write Protected)" in out, run.log()
    assert "FAIL authvars.kek_good: SetVariable answered (Write Protected)" in out, run.log()
    assert "FAIL authvars.db_good: SetVariable answered (Write Protected)" in out, run.log()
    # Owner's keys come first: any write of them, well formed or not, is write-protected.
    assert "FAIL authvars.pk_without_time_auth: SetVariable answered (Write Protected)" in out, \
        run.log()
    assert "PASS authvars.secure_boot_read_only" in out, run.log()
    assert "PASS authvars.setup_mode_read_only" in out, run.log()
    assert "exception:" not in out, run.log()


def test_keys_an_older_strata_stored_unauthenticated_are_dropped(tmp_path, qemu):
    """A PK written without TIME_AUTH (an older Strata took plain writes) does not make user
    mode: it is deleted at boot; an NV AuditMode left by a guest gives way to the read-only 0."""
    files, _ = make_auth_files(tmp_path)
    store = tmp_path / "vars.fd"
    shutil.copy(BUILD / "strata-vars.fd", store)
    subprocess.run([MKIMAGE, "vars", "set", store, "PK", "--data-file", tmp_path / "PK.esl"],
                   check=True, capture_output=True)
    subprocess.run([MKIMAGE, "vars", "set", store, "AuditMode", "--data", "1"], check=True,
                   capture_output=True)
    run = qemu(strata_disk(tmp_path, "hello.img", {"/EFI/BOOT/BOOTX64.EFI": HELLO}),
               vars_store=store)
    assert run.wait_for("nothing more to boot", TIMEOUT), run.log()
    out = run.output
    assert "PK was stored unauthenticated: deleted" in out, run.log()
    assert "user mode" not in out and "AuditMode not set" not in out, run.log()
    assert "\\EFI\\BOOT\\BOOTX64.EFI returned EFI_SUCCESS" in out, run.log()
    run.kill()
    listing = subprocess.run([MKIMAGE, "vars", "list", store], check=True, capture_output=True,
                             text=True).stdout
    assert " PK attrs" not in listing and "AuditMode" not in listing, listing


def test_key_writes_from_linux_are_refused_at_runtime(tmp_path, qemu):
    """After ExitBootServices the runtime answers PK/db writes, and any TIME_AUTH write, with
    EFI_WRITE_PROTECTED, which efivarfs turns into EROFS; the store gets none of them."""
    from test_variables_flash import systemd_boot_action

    disk = systemd_boot_action(tmp_path, "authwrite")
    store = tmp_path / "vars.fd"
    shutil.copy(BUILD / "strata-vars.fd", store)
    run = qemu(disk, memory="512", vars_store=store)
    assert run.wait_for("STRATA-DONE", 300), run.log()
    out = run.output
    for name in ("db", "PK", "StrataAuth"):
        assert f"strata: authwrite {name}: " in out, run.log()
        line = out.split(f"strata: authwrite {name}: ")[1].split("\n")[0]
        assert "Read-only file system" in line, run.log()
    assert "strata: efivar readback: strata-var-ok" in out, run.log()  # plain writes still work
    run.kill()
    listing = subprocess.run([MKIMAGE, "vars", "list", store], check=True, capture_output=True,
                             text=True).stdout
    assert " db " not in listing and " PK " not in listing and "StrataAuth" not in listing, \
        listing
    assert "StrataLinuxTest" in listing, listing
