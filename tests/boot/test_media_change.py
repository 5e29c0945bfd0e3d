# SPDX-License-Identifier: MIT
"""Removable media in stage1: an empty CD drive (AHCI ATAPI, IDE ATAPI, virtio-scsi scsi-cd) is a
BlockIo handle with MediaPresent FALSE whose reads give EFI_NO_MEDIA; a medium inserted through
QMP while the app runs is noticed on the next ReadBlocks: EFI_MEDIA_CHANGED once, a new MediaId,
2048-byte blocks and the ISO's LastBlock, then reads of the new medium, whose El Torito image
becomes a CDROM() child; another medium swapped in is EFI_MEDIA_CHANGED again with its own
size and no child of the old one; an ejected medium makes the next read EFI_NO_MEDIA."""
import pytest

from keys_typing import qmp_commands
from qemu_harness import build_efi_app
from test_stage1_storage import run_log, storage_disk
from test_partitions import APPS, hybrid_iso
from test_virtio_scsi import iso

# Finds the removable whole-disk BlockIo, reads it empty, then polls until a medium comes.
APP_SOURCE = r"""
#include <efi.h>
#include <efilib.h>

static EFI_BLOCK_IO *find_drive(void)
{
	EFI_HANDLE *handles;
	UINTN count;
	EFI_BLOCK_IO *found = NULL;

	if (EFI_ERROR(LibLocateHandle(ByProtocol, &BlockIoProtocol, NULL, &count, &handles)))
		return NULL;
	for (UINTN i = 0; i < count; i++) {
		EFI_BLOCK_IO *bio;

		if (EFI_ERROR(BS->HandleProtocol(handles[i], &BlockIoProtocol, (void **)&bio)))
			continue;
		if (bio->Media->RemovableMedia && !bio->Media->LogicalPartition) {
			Print(L"MEDIA: drive %s\n", DevicePathToStr(DevicePathFromHandle(handles[i])));
			found = bio;
		}
	}
	return found;
}

/* Handles whose path has a CDROM() node: the El Torito images of the medium in the drive. */
static UINTN cd_children(void)
{
	EFI_HANDLE *handles;
	UINTN count, n = 0;

	if (EFI_ERROR(LibLocateHandle(ByProtocol, &BlockIoProtocol, NULL, &count, &handles)))
		return 0;
	for (UINTN i = 0; i < count; i++) {
		EFI_DEVICE_PATH *p = DevicePathFromHandle(handles[i]);

		for (; p && !IsDevicePathEnd(p); p = NextDevicePathNode(p))
			if (DevicePathType(p) == MEDIA_DEVICE_PATH &&
			    DevicePathSubType(p) == MEDIA_CDROM_DP)
				n++;
	}
	return n;
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	static UINT8 block[2048] __attribute__((aligned(16)));
	EFI_BLOCK_IO *bio;
	EFI_BLOCK_IO_MEDIA *m;
	UINT32 old;
	EFI_STATUS status = EFI_NO_MEDIA;

	InitializeLib(image, st);
	bio = find_drive();
	if (!bio) {
		Print(L"MEDIA: no removable drive\nMEDIA-DONE\n");
		return EFI_SUCCESS;
	}
	m = bio->Media;
	old = m->MediaId;
	Print(L"MEDIA: children before=%d\n", cd_children());
	Print(L"MEDIA: empty present=%d bs=%d read=%r\n", m->MediaPresent, m->BlockSize,
	      bio->ReadBlocks(bio, old, 0, 2048, block));
	Print(L"MEDIA-READY\n");
	for (UINTN i = 0; i < 2400 && status == EFI_NO_MEDIA; i++) {
		BS->Stall(50000);
		status = bio->ReadBlocks(bio, old, 16, 2048, block);
	}
	Print(L"MEDIA: first=%r changed=%d present=%d bs=%d last=%ld\n", status,
	      m->MediaId != old, m->MediaPresent, m->BlockSize, m->LastBlock);
	Print(L"MEDIA: again=%r\n", bio->ReadBlocks(bio, m->MediaId, 16, 2048, block));
	Print(L"MEDIA: pvd=%c%c%c%c%c\n", block[1], block[2], block[3], block[4], block[5]);
	Print(L"MEDIA: children after=%d\n", cd_children());
	Print(L"MEDIA-INSERTED\n");
	/* Now another medium replaces it: a read says so once (after no medium, on ATAPI). */
	status = EFI_SUCCESS;
	for (UINTN i = 0; i < 2400 && status != EFI_MEDIA_CHANGED; i++) {
		BS->Stall(50000);
		status = bio->ReadBlocks(bio, m->MediaId, 16, 2048, block);
	}
	Print(L"MEDIA: swapped=%r present=%d last=%ld children=%d\n", status, m->MediaPresent,
	      m->LastBlock, cd_children());
	Print(L"MEDIA-SWAPPED\n");
	/* Now the medium is ejected: the next read must say so. */
	old = m->MediaId;
	status = EFI_SUCCESS;
	for (UINTN i = 0; i < 2400 && status == EFI_SUCCESS; i++) {
		BS->Stall(50000);
		status = bio->ReadBlocks(bio, m->MediaId, 16, 2048, block);
	}
	Print(L"MEDIA: removed=%r changed=%d present=%d\n", status, m->MediaId != old,
	      m->MediaPresent);
	Print(L"MEDIA: children removed=%d\n", cd_children());
	Print(L"MEDIA-DONE\n");
	return EFI_SUCCESS;
}
"""

# machine, the drive's device (its QOM id is cd0), and its path node
DRIVES = {
    "ahci": ("q35", ["-device", "ide-cd,id=cd0,drive=cd,bus=ide.2"], "Sata(0x2,0xFFFF,0x0)"),
    "ide": ("pc", ["-device", "ide-cd,id=cd0,drive=cd,bus=ide.1,unit=1"],
            "Ata(Secondary,Slave)"),
    "virtio-scsi": ("q35", ["-device", "virtio-scsi-pci,id=hba",
                            "-device", "scsi-cd,id=cd0,drive=cd,bus=hba.0,scsi-id=2,lun=0"],
                    "Scsi(2,0)"),
}


@pytest.fixture(scope="module")
def media_app(tmp_path_factory):
    return build_efi_app(APP_SOURCE, tmp_path_factory.mktemp("media-app"))


def media(tmp_path):
    """A hybrid ISO with an El Torito image, and a plain ISO of another size to swap in."""
    cd = hybrid_iso(tmp_path, APPS / "hello.efi")
    (tmp_path / "other").mkdir()
    other = iso(tmp_path / "other", blocks_of_data=500)
    assert other.stat().st_size != cd.stat().st_size
    return cd, other


def change_media(run_, qmp, cd, other, timeout):
    """Wait for the app on the empty drive; insert cd, swap in other, eject: its output."""
    assert run_.wait_for("MEDIA-READY", timeout), run_.log()
    assert "MEDIA: empty present=0 bs=2048 read=No Media" in run_.output, run_log(run_.output)
    for command, marker in (("blockdev-change-medium", "MEDIA-INSERTED"),
                            ("blockdev-change-medium", "MEDIA-SWAPPED"), ("eject", "MEDIA-DONE")):
        arguments = {"id": "cd0", "force": True} if command == "eject" else {
            "id": "cd0", "format": "raw",
            "filename": str(cd if marker == "MEDIA-INSERTED" else other)}
        qmp_commands(qmp, [{"execute": command, "arguments": arguments}])
        assert run_.wait_for(marker, timeout), run_.log()
    return run_.output


def assert_changes_seen(out, cd, other):
    blocks, other_blocks = cd.stat().st_size // 2048, other.stat().st_size // 2048
    assert (f"MEDIA: first=Media changed changed=1 present=1 bs=2048 last={blocks - 1}"
            in out), run_log(out)
    assert "MEDIA: again=Success" in out, run_log(out)
    assert "MEDIA: pvd=CD001" in out, run_log(out)
    assert f"MEDIA: swapped=Media changed present=1 last={other_blocks - 1}" in out, run_log(out)
    assert "MEDIA: removed=No Media changed=1 present=0" in out, run_log(out)


@pytest.mark.parametrize("kind", list(DRIVES))
def test_empty_drive_then_inserted_medium(tmp_path, qemu, media_app, kind):
    machine, device, node = DRIVES[kind]
    disk = storage_disk(tmp_path, media_app)
    cd, other = media(tmp_path)
    qmp = tmp_path / "qmp.sock"
    extra = ["-qmp", f"unix:{qmp},server=on,wait=off",
             "-drive", "if=none,id=cd,media=cdrom"] + device
    if machine == "pc":
        extra += ["-nodefaults", "-vga", "none"]  # no default CD drive of its own
    run_ = qemu(disk, machine=machine, extra=extra, memory="512")
    out = change_media(run_, qmp, cd, other, 240)
    assert f"/{node}\n" in out.replace("\r", ""), run_log(out)
    assert_changes_seen(out, cd, other)
    # The inserted medium's El Torito image became a CDROM() child; there was none before, and
    # none is left once a plain ISO replaced it or the drive is empty.
    assert "MEDIA: children before=0" in out, run_log(out)
    assert "MEDIA: children after=1" in out, run_log(out)
    assert "children=0\n" in out.replace("\r", ""), run_log(out)
    assert "MEDIA: children removed=0" in out, run_log(out)


def test_ovmf_reports_the_empty_drive_and_the_change_as_strata_does(tmp_path, media_app):
    """The reference: OVMF (AtaAtapiPassThru, ScsiBus, ScsiDisk) runs the same app on an empty
    AHCI CD drive with the same QMP insertion, swap and eject, and prints the same lines (a
    bootindex makes OVMF connect the drive)."""
    import shutil

    from qemu_harness import OVMF_CODE, OVMF_VARS, QemuRun, ovmf_command
    if not OVMF_CODE.exists():
        pytest.skip(f"{OVMF_CODE} missing (Debian package ovmf)")
    disk = storage_disk(tmp_path, media_app)
    cd, other = media(tmp_path)
    qmp = tmp_path / "qmp.sock"
    vars_copy = tmp_path / "vars.fd"
    shutil.copy(OVMF_VARS, vars_copy)
    run_ = QemuRun(ovmf_command(disk, vars_copy) + [
        "-qmp", f"unix:{qmp},server=on,wait=off", "-drive", "if=none,id=cd,media=cdrom",
        "-device", "ide-cd,id=cd0,drive=cd,bus=ide.2,bootindex=2"])
    try:
        out = change_media(run_, qmp, cd, other, 300)
    finally:
        run_.kill()
    assert_changes_seen(out, cd, other)
