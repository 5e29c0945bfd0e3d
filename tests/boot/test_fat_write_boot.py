# SPDX-License-Identifier: MIT
"""Boot loaders that write the ESP: systemd-boot refreshes its random seed, GRUB's save_env."""
import subprocess

from conftest import shipped_image
from qemu_harness import SECTOR, partition_range

TIMEOUT = 300
ESP = "@@1M"  # mkimage puts the ESP at 1 MiB


def put(disk, tmp_path, dest, data):
    src = tmp_path / dest.replace("/", "_")
    src.write_bytes(data)
    subprocess.run(["mmd", "-D", "s", "-i", f"{disk}{ESP}", "::/" + dest.rsplit("/", 1)[0]],
                   capture_output=True)  # the folder may exist already
    subprocess.run(["mcopy", "-o", "-i", f"{disk}{ESP}", str(src), f"::/{dest}"], check=True)


def get(disk, path):
    return subprocess.run(["mtype", "-i", f"{disk}{ESP}", f"::/{path}"], check=True,
                          capture_output=True).stdout


def esp_fsck(disk, tmp_path):
    """fsck.fat -n on a copy of the ESP (partition 1)."""
    first, last = partition_range(disk, 1)
    esp = tmp_path / "esp.img"
    with open(disk, "rb") as f:
        f.seek(first * SECTOR)
        esp.write_bytes(f.read((last - first + 1) * SECTOR))
    return subprocess.run(["fsck.fat", "-n", str(esp)], capture_output=True, text=True)


def test_systemd_boot_refreshes_its_random_seed(qemu, tmp_path):
    disk = shipped_image("systemd-boot", tmp_path)
    seed = bytes(range(32))
    put(disk, tmp_path, "loader/random-seed", seed)
    # systemd 252 refreshes the seed without a LoaderSystemToken only in "always" mode.
    put(disk, tmp_path, "loader/loader.conf",
        b"timeout 0\ndefault strata-1.conf\nrandom-seed-mode always\n")
    run = qemu(disk, memory="512", extra=["-cpu", "max"])
    assert run.wait_for("STRATA-ENTRY-1", TIMEOUT), run.log()
    run.kill()
    new = get(disk, "loader/random-seed")
    assert len(new) == len(seed), new
    assert new != seed, "systemd-boot left /loader/random-seed as it was\n" + run.log()
    check = esp_fsck(disk, tmp_path)
    assert check.returncode == 0, check.stdout + check.stderr


# Boot 1 finds no strata_boot in \grub\grubenv, saves strata_boot=1 and reboots; boot 2 loads it.
GRUB_CFG = b"""load_env -f ($root)/grub/grubenv
echo "STRATA-GRUBENV: boot=[$strata_boot]"
if [ "$strata_boot" = "" ]; then
  set strata_boot=1
  save_env -f ($root)/grub/grubenv strata_boot
  echo "STRATA-GRUBENV: saved"
  reboot
fi
"""


def grubenv(variables=""):
    """An environment block as grub-editenv makes it: a 1024-byte file padded with '#'."""
    block = ("# GRUB Environment Block\n" + variables).encode()
    return block + b"#" * (1024 - len(block))


def test_grub_save_env_survives_a_reboot(qemu, tmp_path):
    disk = shipped_image("grub", tmp_path)
    put(disk, tmp_path, "grub/grubenv", grubenv())
    put(disk, tmp_path, "grub/strata.cfg", GRUB_CFG)
    run = qemu(disk, memory="512", extra=["-cpu", "max"], reboot=True)
    assert run.wait_for("STRATA-GRUBENV: boot=[1]", TIMEOUT), run.log()
    out = run.output
    assert "STRATA-GRUBENV: boot=[]" in out and "STRATA-GRUBENV: saved" in out, run.log()
    assert out.count("Strata stage0") >= 2, run.log()
    run.kill()
    env = get(disk, "grub/grubenv")
    assert len(env) == 1024 and b"\nstrata_boot=1\n" in env, env
    check = esp_fsck(disk, tmp_path)
    assert check.returncode == 0, check.stdout + check.stderr
