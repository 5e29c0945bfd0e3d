# SPDX-License-Identifier: MIT
"""stage1 storage end to end: BlockIo/DiskIo handles, device paths and their text, FAT file
systems on every partition, writes, read-only disks, bridges, and the self-test's file cases."""
import os
import shutil
import subprocess

import pytest

from conftest import BUILD, ESP_START, SECTOR, build_disk
from qemu_harness import build_efi_app

BOOT_TIMEOUT = 120
DONE = "STORAGE-TEST-DONE"
APPS = BUILD / "efi-apps"

# Fixed unique partition GUIDs, so the expected HD() texts are known in advance.
GUIDS = ["4E3B4A8D-1C2F-4B5A-9E0A-123456789ABC", "0FA1B2C3-D4E5-4F60-8172-839405A6B7C8",
         "DEADBEEF-0001-4002-8003-000000000004"]
# sectors: an ESP (FAT32), a data partition (FAT16), a partition with no file system
LAYOUT = [(ESP_START, 81920, "ef00"), (83968, 16384, "0700"), (100352, 4096, "8300")]
DISK_MIB = 64
NOTE = b"a note on the FAT16 data partition\n"
SCRATCH_BLOCKS = 2048     # the writable scratch disk: 1 MiB, no partition table
READONLY_BLOCKS = 4096    # the read-only one: 2 MiB

# A gnu-efi application, built here so this one file holds the whole check: it lists every
# BlockIo handle with the DevicePathToText form of its path, reads a file from each file
# system, uses DevicePathUtilities, and writes to the scratch disks through BlockIo and DiskIo.
APP_SOURCE = r"""
#include <efi.h>
#include <efilib.h>

static EFI_GUID utils_guid = { 0x0379be4e, 0xd706, 0x437d,
			       { 0xb0, 0x37, 0xed, 0xb8, 0x2f, 0xb7, 0x72, 0xa4 } };
static EFI_DEVICE_PATH_TO_TEXT_PROTOCOL *to_text;
static EFI_DEVICE_PATH_UTILITIES_PROTOCOL *utils;

static void read_note(EFI_HANDLE h, CHAR16 *text)
{
	EFI_SIMPLE_FILE_SYSTEM_PROTOCOL *fs;
	EFI_FILE_PROTOCOL *root, *file;
	UINT8 info_buf[512];
	EFI_FILE_SYSTEM_INFO *info = (void *)info_buf;
	CHAR8 note[128];
	UINTN size = sizeof(info_buf);

	if (EFI_ERROR(BS->HandleProtocol(h, &gEfiSimpleFileSystemProtocolGuid, (void **)&fs)))
		return;
	if (EFI_ERROR(fs->OpenVolume(fs, &root)))
		return;
	if (!EFI_ERROR(root->GetInfo(root, &gEfiFileSystemInfoGuid, &size, info)))
		Print(L"STORAGE: volume %s label=%s ro=%d\n", text, info->VolumeLabel,
		      info->ReadOnly);
	if (!EFI_ERROR(root->Open(root, &file, L"\\data\\note.txt", EFI_FILE_MODE_READ, 0))) {
		size = sizeof(note) - 1;
		if (!EFI_ERROR(file->Read(file, &size, note))) {
			note[size] = 0;
			Print(L"STORAGE: note %s %a", text, note);
		}
		file->Close(file);
	}
	Print(L"STORAGE: open-write %r\n",
	      root->Open(root, &file, L"\\new.txt",
			 EFI_FILE_MODE_READ | EFI_FILE_MODE_WRITE | EFI_FILE_MODE_CREATE, 0));
	root->Close(root);
}

static void block_io2(EFI_HANDLE h, const UINT8 *expected);

static void scratch_writes(EFI_HANDLE h, EFI_BLOCK_IO *bio)
{
	EFI_DISK_IO *dio;
	UINT8 out[1024], in[1024];
	UINT32 id = bio->Media->MediaId;
	EFI_STATUS status;
	UINTN i;

	for (i = 0; i < sizeof(out); i++)
		out[i] = (UINT8)(i * 7 + 3);
	if (bio->Media->ReadOnly) {
		Print(L"STORAGE: readonly-write %r\n", bio->WriteBlocks(bio, id, 5, 512, out));
		return;
	}
	status = bio->WriteBlocks(bio, id, 5, 1024, out);
	Print(L"STORAGE: write-blocks %r\n", status);
	status = bio->ReadBlocks(bio, id, 5, 1024, in);
	Print(L"STORAGE: read-back %r same=%d\n", status, CompareMem(in, out, 1024) == 0);
	BS->HandleProtocol(h, &gEfiDiskIoProtocolGuid, (void **)&dio);
	/* Unaligned at both ends: read-modify-write of two partial blocks and one whole one. */
	status = dio->WriteDisk(dio, id, 10 * 512 + 100, 1000, out + 24);
	Print(L"STORAGE: write-disk %r\n", status);
	status = dio->ReadDisk(dio, id, 10 * 512 + 100, 1000, in);
	Print(L"STORAGE: read-disk %r same=%d\n", status, CompareMem(in, out + 24, 1000) == 0);
	Print(L"STORAGE: flush %r\n", bio->FlushBlocks(bio));
	block_io2(h, out);
}

/*
 * BlockIo2 with an event: the data of the BlockIo write, and the event signalled. The read may
 * finish after ReadBlocksEx returns (OVMF's IDE does), so the app waits for the event, at most
 * 5 s, and the token and buffer are static: a late completion never writes into a dead frame.
 */
static void block_io2(EFI_HANDLE h, const UINT8 *expected)
{
	static EFI_BLOCK_IO2_TOKEN token;
	static UINT8 in[512];
	EFI_BLOCK_IO2_PROTOCOL *bio2;
	EFI_EVENT events[2];
	EFI_STATUS status, signalled = EFI_TIMEOUT;
	UINTN index;

	if (EFI_ERROR(BS->HandleProtocol(h, &gEfiBlockIo2ProtocolGuid, (void **)&bio2)))
		return;
	BS->CreateEvent(0, 0, NULL, NULL, &token.Event);
	BS->CreateEvent(EVT_TIMER, 0, NULL, NULL, &events[1]);
	BS->SetTimer(events[1], TimerRelative, 50000000);
	events[0] = token.Event;
	token.TransactionStatus = EFI_NOT_READY;
	status = bio2->ReadBlocksEx(bio2, bio2->Media->MediaId, 5, &token, 512, in);
	if (!EFI_ERROR(status) && !EFI_ERROR(BS->WaitForEvent(2, events, &index)) && index == 0)
		signalled = EFI_SUCCESS;
	Print(L"STORAGE: read-ex %r transaction %r signalled %r same=%d\n", status,
	      token.TransactionStatus, signalled, CompareMem(in, expected, 512) == 0);
	BS->CloseEvent(events[1]);
	if (signalled == EFI_SUCCESS)
		BS->CloseEvent(token.Event);
}

static void path_utilities(EFI_HANDLE image)
{
	EFI_LOADED_IMAGE *li;
	EFI_DEVICE_PATH *dev, *node, *joined, *multi, *copy, *next;
	UINTN size = 0;

	BS->HandleProtocol(image, &LoadedImageProtocol, (void **)&li);
	dev = DevicePathFromHandle(li->DeviceHandle);
	node = utils->CreateDeviceNode(MEDIA_DEVICE_PATH, MEDIA_FILEPATH_DP, 4 + sizeof(L"a.efi"));
	CopyMem((UINT8 *)node + 4, L"a.efi", sizeof(L"a.efi"));
	joined = utils->AppendDeviceNode(dev, node);
	Print(L"STORAGE: appended %s size=%ld\n", to_text->ConvertDevicePathToText(joined, FALSE,
		FALSE), utils->GetDevicePathSize(joined) - utils->GetDevicePathSize(dev));
	Print(L"STORAGE: node %s\n", to_text->ConvertDeviceNodeToText(node, FALSE, FALSE));
	multi = utils->AppendDevicePathInstance(dev, joined);
	Print(L"STORAGE: multi=%d single=%d\n", utils->IsDevicePathMultiInstance(multi),
	      utils->IsDevicePathMultiInstance(dev));
	next = multi;
	copy = utils->GetNextDevicePathInstance(&next, &size);
	Print(L"STORAGE: first-instance same=%d size-ok=%d\n",
	      CompareMem(copy, dev, utils->GetDevicePathSize(dev)) == 0,
	      size == utils->GetDevicePathSize(dev));
	copy = utils->GetNextDevicePathInstance(&next, &size);
	Print(L"STORAGE: second-instance %s last=%d\n",
	      to_text->ConvertDevicePathToText(copy, FALSE, FALSE), next == NULL);
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	EFI_HANDLE *handles;
	UINTN count, i;

	InitializeLib(image, st);
	if (EFI_ERROR(BS->LocateProtocol(&gEfiDevicePathToTextProtocolGuid, NULL,
					 (void **)&to_text)) ||
	    EFI_ERROR(BS->LocateProtocol(&utils_guid, NULL, (void **)&utils))) {
		Print(L"STORAGE: device path protocols missing\n" "STORAGE-TEST-DONE\n");
		return EFI_NOT_FOUND;
	}
	if (EFI_ERROR(LibLocateHandle(ByProtocol, &gEfiBlockIoProtocolGuid, NULL, &count,
				      &handles)))
		count = 0;
	for (i = 0; i < count; i++) {
		EFI_DEVICE_PATH *dp = DevicePathFromHandle(handles[i]);
		CHAR16 *text = to_text->ConvertDevicePathToText(dp, FALSE, FALSE);
		EFI_BLOCK_IO *bio;
		EFI_DISK_IO *dio;
		void *fs;

		BS->HandleProtocol(handles[i], &gEfiBlockIoProtocolGuid, (void **)&bio);
		Print(L"STORAGE: blockio %s blocks=%ld bs=%d part=%d ro=%d diskio=%d fs=%d\n", text,
		      bio->Media->LastBlock + 1, bio->Media->BlockSize,
		      bio->Media->LogicalPartition, bio->Media->ReadOnly,
		      !EFI_ERROR(BS->HandleProtocol(handles[i], &gEfiDiskIoProtocolGuid,
						    (void **)&dio)),
		      !EFI_ERROR(BS->HandleProtocol(handles[i], &gEfiSimpleFileSystemProtocolGuid,
						    &fs)));
		read_note(handles[i], text);
		if (!bio->Media->LogicalPartition && (bio->Media->LastBlock + 1 == 2048 ||
						      bio->Media->LastBlock + 1 == 4096))
			scratch_writes(handles[i], bio);
	}
	path_utilities(image);
	Print(L"STORAGE-TEST-DONE\n");
	return EFI_SUCCESS;
}
"""



@pytest.fixture(scope="module")
def storage_app(tmp_path_factory):
    """The check application above, compiled and linked as mk/efi-apps.mk builds the others."""
    return build_efi_app(APP_SOURCE, tmp_path_factory.mktemp("storage-app"))


def run(*args):
    subprocess.run([str(a) for a in args], check=True, capture_output=True)


def fat_partition(image, start, sectors, mkfs_args, files):
    """Format a FAT file system of sectors at start of image and copy files into it."""
    part = image.with_suffix(f".p{start}")
    with open(part, "wb") as f:
        f.truncate(sectors * SECTOR)
    run("mkfs.fat", *mkfs_args, part)
    for dest, data in files.items():
        parts = dest.strip("/").split("/")
        for i in range(1, len(parts)):
            subprocess.run(["mmd", "-D", "s", "-i", str(part), "::/" + "/".join(parts[:i])],
                           capture_output=True)
        src = image.with_suffix(".src")
        if isinstance(data, bytes):
            src.write_bytes(data)
        else:
            shutil.copy(data, src)
        run("mcopy", "-i", part, src, "::" + dest)
    with open(image, "r+b") as f, open(part, "rb") as p:
        f.seek(start * SECTOR)
        shutil.copyfileobj(p, f)
    part.unlink()


# What the app prints for a writable scratch disk: BlockIo, DiskIo and BlockIo2 writes read back.
SCRATCH_WRITE_LINES = [
    "STORAGE: write-blocks Success",
    "STORAGE: read-back Success same=1",
    "STORAGE: write-disk Success",
    "STORAGE: read-disk Success same=1",
    "STORAGE: flush Success",
    "STORAGE: read-ex Success transaction Success signalled Success same=1",
]


def assert_scratch_written(image):
    """The host's view of the scratch disk the app wrote: both patterns where they belong."""
    pattern = bytes((i * 7 + 3) & 0xFF for i in range(1024))
    data = image.read_bytes()
    assert data[5 * SECTOR:5 * SECTOR + 1024] == pattern
    assert data[10 * SECTOR + 100:10 * SECTOR + 1100] == pattern[24:1024]
    return data


def storage_disk(tmp_path, app):
    """GPT: ESP (FAT32, Strata and the app), data (FAT16 with a note), raw (no file system)."""
    disk = tmp_path / "disk.img"
    with open(disk, "wb") as f:
        f.truncate(DISK_MIB * 1024 * 1024)
    args = []
    for n, (start, sectors, kind) in enumerate(LAYOUT, 1):
        args += [f"-n{n}:{start}:{start + sectors - 1}", f"-t{n}:{kind}", f"-u{n}:{GUIDS[n - 1]}"]
    run("sgdisk", *args, disk)
    fat_partition(disk, LAYOUT[0][0], LAYOUT[0][1], ["-F", "32", "-s", "1", "-n", "STRATA"], {
        "/STRATA/STAGE1.BIN": BUILD / "stage1.bin",
        "/STRATA/RUNTIME.BIN": BUILD / "runtime.bin",
        "/EFI/BOOT/BOOTX64.EFI": app,
    })
    fat_partition(disk, LAYOUT[1][0], LAYOUT[1][1], ["-F", "16", "-s", "1", "-n", "DATA16"],
                  {"/DATA/NOTE.TXT": NOTE})
    return disk


def scratch_disks(tmp_path):
    rw, ro = tmp_path / "scratch.img", tmp_path / "readonly.img"
    rw.write_bytes(bytes(SCRATCH_BLOCKS * SECTOR))
    ro.write_bytes(bytes(READONLY_BLOCKS * SECTOR))
    return rw, ro


def hd(n, prefix):
    """The text of partition n's path, as EDK2 prints it: upper-case hex after "0x"."""
    start, sectors, _ = LAYOUT[n - 1]
    return f"{prefix}/HD({n},GPT,{GUIDS[n - 1]},0x{start:X},0x{sectors:X})"


def boot_app(qemu, disk, **kw):
    run_ = qemu(disk, **kw)
    assert run_.wait_for(DONE, BOOT_TIMEOUT), run_.log()
    return run_


def test_handles_paths_file_systems_and_writes(tmp_path, qemu, storage_app):
    disk = storage_disk(tmp_path, storage_app)
    rw, ro = scratch_disks(tmp_path)
    extra = ["-drive", f"if=none,id=scratch,format=raw,file={rw}",
             "-device", "virtio-blk-pci,drive=scratch,addr=7",
             "-drive", f"if=none,id=ro,format=raw,readonly=on,file={ro}",
             "-device", "virtio-blk-pci,drive=ro,addr=8"]
    out = boot_app(qemu, disk, virtio="addr=6", extra=extra).output
    root = "PciRoot(0x0)/Pci(0x6,0x0)"
    blocks = DISK_MIB * 1024 * 1024 // SECTOR
    lines = [
        f"STORAGE: blockio {root} blocks={blocks} bs=512 part=0 ro=0 diskio=1 fs=0",
        f"STORAGE: blockio {hd(1, root)} blocks={LAYOUT[0][1]} bs=512 part=1 ro=0 diskio=1 fs=1",
        f"STORAGE: blockio {hd(2, root)} blocks={LAYOUT[1][1]} bs=512 part=1 ro=0 diskio=1 fs=1",
        f"STORAGE: blockio {hd(3, root)} blocks={LAYOUT[2][1]} bs=512 part=1 ro=0 diskio=1 fs=0",
        "STORAGE: blockio PciRoot(0x0)/Pci(0x7,0x0) blocks=2048 bs=512 part=0 ro=0",
        "STORAGE: blockio PciRoot(0x0)/Pci(0x8,0x0) blocks=4096 bs=512 part=0 ro=1",
        f"STORAGE: volume {hd(1, root)} label=STRATA ro=0",
        f"STORAGE: volume {hd(2, root)} label=DATA16 ro=0",
        f"STORAGE: note {hd(2, root)} {NOTE.decode().strip()}",
        "STORAGE: open-write Success",
        *SCRATCH_WRITE_LINES,
        "STORAGE: readonly-write Write Protected",
        f"STORAGE: appended {hd(1, root)}/a.efi size=16",
        "STORAGE: node a.efi",
        "STORAGE: multi=1 single=0",
        "STORAGE: first-instance same=1 size-ok=1",
        f"STORAGE: second-instance {hd(1, root)}/a.efi last=1",
    ]
    missing = [line for line in lines if line not in out]
    assert not missing, "missing:\n" + "\n".join(missing) + "\n" + run_log(out)
    assert "disk: 00:06.0: virtio-blk modern, 64 MiB, 3 partitions" in out, run_log(out)

    # What the guest wrote is on the host's file, where it wrote it.
    data = assert_scratch_written(rw)
    assert data[10 * SECTOR:10 * SECTOR + 100] == bytes(100)
    assert data[10 * SECTOR + 1100:13 * SECTOR] == bytes(3 * SECTOR - 1100)
    assert ro.read_bytes() == bytes(READONLY_BLOCKS * SECTOR)

    # Open with CREATE made \new.txt on each FAT volume, and left them consistent.
    for n in (1, 2):
        start, sectors, _ = LAYOUT[n - 1]
        part = tmp_path / f"part{n}.img"
        with open(disk, "rb") as f:
            f.seek(start * SECTOR)
            part.write_bytes(f.read(sectors * SECTOR))
        fsck = subprocess.run(["fsck.fat", "-n", str(part)], capture_output=True, text=True)
        assert fsck.returncode == 0, fsck.stdout + fsck.stderr
        listing = subprocess.run(["mdir", "-b", "-i", str(part), "::/"], capture_output=True,
                                 text=True, env={**os.environ, "MTOOLS_SKIP_CHECK": "1"})
        assert "::/new.txt" in listing.stdout.lower(), listing.stdout


def run_log(out):
    return "---- serial log ----\n" + out + "\n---- end ----"


@pytest.mark.parametrize("machine,bridges,bus,prefix", [
    ("q35", ["pcie-root-port,id=rp1,bus=pcie.0,chassis=1,addr=5"], "rp1,addr=0",
     "PciRoot(0x0)/Pci(0x5,0x0)/Pci(0x0,0x0)"),
    ("pc", ["pci-bridge,id=br1,chassis_nr=1,addr=5",
            "pci-bridge,id=br2,chassis_nr=2,bus=br1,addr=4"], "br2,addr=2",
     "PciRoot(0x0)/Pci(0x5,0x0)/Pci(0x4,0x0)/Pci(0x2,0x0)"),
], ids=["q35-root-port", "pc-nested-bridges"])
def test_device_paths_name_the_bridges(tmp_path, qemu, storage_app, machine, bridges, bus,
                                       prefix):
    disk = storage_disk(tmp_path, storage_app)
    extra = [arg for b in bridges for arg in ("-device", b)]
    out = boot_app(qemu, disk, machine=machine, extra=extra, device_bus=bus).output
    assert f"STORAGE: note {hd(2, prefix)} {NOTE.decode().strip()}" in out, run_log(out)
    assert f"STORAGE: appended {hd(1, prefix)}/a.efi" in out, run_log(out)


@pytest.mark.parametrize("machine,virtio,disk_device", [("q35", "disable-legacy=on", None),
                                                        ("pc", "disable-modern=on", None),
                                                        ("q35", "", "ide-hd,bus=ide.0"),
                                                        ("q35", "", "nvme,serial=st1"),
                                                        ("pc", "", "ide-hd,bus=ide.0,unit=0")],
                         ids=["q35-modern", "pc-legacy", "q35-ahci", "q35-nvme", "pc-ide"])
def test_selftest_file_system_and_block_io_cases_pass(tmp_path, qemu, machine, virtio,
                                                      disk_device):
    run_ = qemu(selftest_disk(tmp_path), machine=machine, virtio=virtio, memory="512",
                disk_device=disk_device)
    assert_selftest_storage_cases_pass(run_)


def selftest_disk(tmp_path):
    """The stages, the self-test as BOOTX64.EFI and the files its storage cases read."""
    pattern = bytes((i * 31 + (i >> 8)) & 0xFF for i in range(20000))
    return build_disk(tmp_path / "disk.img", {
        "/STRATA/STAGE1.BIN": BUILD / "stage1.bin",
        "/STRATA/RUNTIME.BIN": BUILD / "runtime.bin",
        "/EFI/BOOT/BOOTX64.EFI": APPS / "selftest.efi",
        "/selftest/child.efi": APPS / "selftest-child.efi",
        "/selftest/A long file name for the self-test.txt":
            b"Strata self-test: long file name fixture.\n",
        "/selftest/subdir/pattern.bin": pattern,
    })


def assert_selftest_storage_cases_pass(run_):
    """The self-test's file system, BlockIo and image loading cases, each passed."""
    assert run_.wait_for(" failed", BOOT_TIMEOUT), run_.log()
    out = run_.output
    for area in ("filesystem.", "block_io.", "images.load_from_file_path", "images.missing_file"):
        assert f"PASS {area}" in out, run_.log()
        assert f"FAIL {area}" not in out, run_.log()
