// SPDX-License-Identifier: MIT
/* Block I/O of the boot partition and its disk: media fields, error codes, and raw FAT32 reads
 * that must agree byte for byte with what the file system returns. */
#include "efi-apps/selftest/selftest.h"

static EFI_BLOCK_IO *part;
static UINT8 *block, *raw, *via_file;
static UINTN via_file_size;

static EFI_STATUS setup(void)
{
	EFI_STATUS status;

	block = raw = via_file = NULL;
	status = BS->HandleProtocol(selftest_loaded_image->DeviceHandle, &BlockIoProtocol,
				    (void **)&part);
	if (EFI_ERROR(status))
		return selftest_fail(__FILE__, __LINE__, L"no BlockIo on the boot volume: %r",
				     status);
	status = BS->AllocatePool(EfiLoaderData, 64 * 1024, (void **)&block);
	if (EFI_ERROR(status))
		return status;
	return BS->AllocatePool(EfiLoaderData, FIXTURE_PATTERN_SIZE + 64 * 1024, (void **)&raw);
}

static void teardown(void)
{
	if (block)
		BS->FreePool(block);
	if (raw)
		BS->FreePool(raw);
	if (via_file)
		BS->FreePool(via_file);
	block = raw = via_file = NULL;
}

static EFI_STATUS media_and_errors(void)
{
	EFI_BLOCK_IO_MEDIA *m = part->Media;
	UINT32 bs;

	CHECK(part->Revision >= 0x00010000, "Revision 0x%lx", part->Revision);
	CHECK(m->MediaPresent, "MediaPresent is FALSE");
	CHECK(m->LogicalPartition, "the boot volume's BlockIo is not a partition");
	bs = m->BlockSize;
	CHECK(bs >= 512 && bs <= 4096 && !(bs & (bs - 1)), "BlockSize %d", bs);
	CHECK(m->LastBlock > 1000, "LastBlock %ld", m->LastBlock);
	CHECK_OK(part->ReadBlocks(part, m->MediaId, 0, bs, block));
	CHECK_OK(part->ReadBlocks(part, m->MediaId, m->LastBlock, bs, block));
	/* UEFI 2.10 §13.9 ReadBlocks error codes. */
	CHECK_STATUS(part->ReadBlocks(part, m->MediaId, 0, bs + 1, block), EFI_BAD_BUFFER_SIZE);
	CHECK_STATUS(part->ReadBlocks(part, m->MediaId, m->LastBlock + 1, bs, block),
		     EFI_INVALID_PARAMETER);
	CHECK_STATUS(part->ReadBlocks(part, m->MediaId, m->LastBlock, 2 * bs, block),
		     EFI_INVALID_PARAMETER);
	/*
	 * A wrong MediaId should be EFI_MEDIA_CHANGED, but EDK2's partition and virtio-blk drivers
	 * never compare it (fixed media), so the reference cannot judge it: not checked.
	 */
	CHECK_OK(part->ReadBlocks(part, m->MediaId, 0, 0, block));
	return EFI_SUCCESS;
}

/* Reads size bytes at byte offset of the partition through whole blocks. */
static EFI_STATUS read_bytes(UINT64 offset, UINTN size, void *out)
{
	UINT32 bs = part->Media->BlockSize;
	UINT64 first = offset / bs, last = (offset + size - 1) / bs;
	UINTN n = (UINTN)(last - first + 1) * bs;
	EFI_STATUS status;

	if (n > 64 * 1024)
		return EFI_BAD_BUFFER_SIZE;
	status = part->ReadBlocks(part, part->Media->MediaId, first, n, block);
	if (EFI_ERROR(status))
		return status;
	CopyMem(out, block + offset % bs, size);
	return EFI_SUCCESS;
}

/* The few FAT32 boot-sector fields the walk needs (Microsoft FAT spec, "BPB"). */
static struct {
	UINT32 bytes_per_sector, sectors_per_cluster, cluster_bytes;
	UINT64 fat_offset, data_offset;
	UINT32 root_cluster;
} fat;

static UINT16 le16(const UINT8 *p)
{
	return (UINT16)(p[0] | p[1] << 8);
}

static UINT32 le32(const UINT8 *p)
{
	return (UINT32)p[0] | (UINT32)p[1] << 8 | (UINT32)p[2] << 16 | (UINT32)p[3] << 24;
}

static EFI_STATUS parse_bpb(void)
{
	UINT8 bpb[512];
	UINT32 reserved, fats, fat_size;

	CHECK_OK(read_bytes(0, sizeof(bpb), bpb));
	CHECK(bpb[510] == 0x55 && bpb[511] == 0xaa, "no boot signature in partition block 0");
	CHECK(le16(bpb + 22) == 0 && le16(bpb + 17) == 0, "the fixture volume is not FAT32");
	fat.bytes_per_sector = le16(bpb + 11);
	fat.sectors_per_cluster = bpb[13];
	reserved = le16(bpb + 14);
	fats = bpb[16];
	fat_size = le32(bpb + 36);
	fat.root_cluster = le32(bpb + 44);
	CHECK(fat.bytes_per_sector >= 512 && fat.sectors_per_cluster && fats && fat_size,
	      "implausible BPB");
	fat.cluster_bytes = fat.bytes_per_sector * fat.sectors_per_cluster;
	CHECK(fat.cluster_bytes <= 32 * 1024, "cluster of %d bytes", fat.cluster_bytes);
	fat.fat_offset = (UINT64)reserved * fat.bytes_per_sector;
	fat.data_offset = fat.fat_offset + (UINT64)fats * fat_size * fat.bytes_per_sector;
	return EFI_SUCCESS;
}

static EFI_STATUS next_cluster(UINT32 cluster, UINT32 *ret_next)
{
	UINT8 e[4];
	EFI_STATUS status = read_bytes(fat.fat_offset + (UINT64)cluster * 4, 4, e);

	*ret_next = le32(e) & 0x0fffffff;
	return status;
}

static UINT64 cluster_offset(UINT32 cluster)
{
	return fat.data_offset + (UINT64)(cluster - 2) * fat.cluster_bytes;
}

/* Finds a short (8.3, space-padded) name in a directory's cluster chain. */
static EFI_STATUS find_entry(UINT32 dir_cluster, const char name[11], UINT32 *ret_cluster,
			     UINT32 *ret_size)
{
	UINT8 ent[32];
	EFI_STATUS status;

	for (UINTN guard = 0; dir_cluster >= 2 && dir_cluster < 0x0ffffff8 && guard < 64; guard++) {
		for (UINT32 off = 0; off < fat.cluster_bytes; off += 32) {
			status = read_bytes(cluster_offset(dir_cluster) + off, 32, ent);
			if (EFI_ERROR(status))
				return status;
			if (ent[0] == 0)
				return EFI_NOT_FOUND;
			if (ent[0] == 0xe5 || ent[11] == 0x0f || CompareMem(ent, (void *)name, 11))
				continue;
			*ret_cluster = (UINT32)le16(ent + 20) << 16 | le16(ent + 26);
			*ret_size = le32(ent + 28);
			return EFI_SUCCESS;
		}
		status = next_cluster(dir_cluster, &dir_cluster);
		if (EFI_ERROR(status))
			return status;
	}
	return EFI_NOT_FOUND;
}

static EFI_STATUS raw_matches_file(void)
{
	UINT32 cluster, size, got = 0;

	CHECK_OK(fixture_read_file(FIXTURE_PATTERN, (void **)&via_file, &via_file_size));
	CHECK_OK(parse_bpb());
	CHECK_OK(find_entry(fat.root_cluster, "SELFTEST   ", &cluster, &size));
	CHECK_OK(find_entry(cluster, "SUBDIR     ", &cluster, &size));
	CHECK_OK(find_entry(cluster, "PATTERN BIN", &cluster, &size));
	CHECK(size == via_file_size, "directory entry says %d bytes, file read gave %ld", size,
	      (INT64)via_file_size);
	while (got < size) {
		UINT32 n = size - got < fat.cluster_bytes ? size - got : fat.cluster_bytes;

		CHECK(cluster >= 2 && cluster < 0x0ffffff8, "chain ends early at byte %d", got);
		CHECK_OK(read_bytes(cluster_offset(cluster), n, raw + got));
		got += n;
		CHECK_OK(next_cluster(cluster, &cluster));
	}
	for (UINT32 i = 0; i < size; i++)
		CHECK(raw[i] == via_file[i], "byte %d: BlockIo 0x%x, file 0x%x", i, raw[i],
		      via_file[i]);
	return EFI_SUCCESS;
}

/* The disk under the partition: a whole-disk BlockIo whose device path is our path's prefix. */
static EFI_STATUS disk_agrees_with_partition(void)
{
	EFI_DEVICE_PATH *dp = DevicePathFromHandle(selftest_loaded_image->DeviceHandle);
	EFI_DEVICE_PATH *node;
	EFI_HANDLE disk_handle;
	EFI_BLOCK_IO *disk;
	HARDDRIVE_DEVICE_PATH *hd = NULL;
	UINT8 *a, *b;

	CHECK(dp, "boot volume has no device path");
	for (node = dp; !IsDevicePathEnd(node); node = NextDevicePathNode(node))
		if (DevicePathType(node) == MEDIA_DEVICE_PATH &&
		    DevicePathSubType(node) == MEDIA_HARDDRIVE_DP)
			hd = (HARDDRIVE_DEVICE_PATH *)node;
	CHECK(hd, "boot volume's device path has no HardDrive node");
	CHECK(hd->MBRType == MBR_TYPE_EFI_PARTITION_TABLE_HEADER, "partition is not GPT");
	CHECK(hd->PartitionSize == part->Media->LastBlock + 1, "HD node size %ld, LastBlock %ld",
	      hd->PartitionSize, part->Media->LastBlock);
	/* Match the path up to the HardDrive node to find the disk's handle. */
	EFI_DEVICE_PATH *disk_path = DuplicateDevicePath(dp);
	CHECK(disk_path, "DuplicateDevicePath failed");
	EFI_DEVICE_PATH *p = (EFI_DEVICE_PATH *)((UINT8 *)disk_path + ((UINT8 *)hd - (UINT8 *)dp));
	SetDevicePathEndNode(p);
	node = disk_path;
	EFI_STATUS status = BS->LocateDevicePath(&BlockIoProtocol, &node, &disk_handle);
	BOOLEAN whole = !EFI_ERROR(status) && IsDevicePathEnd(node);
	FreePool(disk_path);
	CHECK(whole, "no BlockIo on the disk's exact path: %r", status);
	CHECK_OK(BS->HandleProtocol(disk_handle, &BlockIoProtocol, (void **)&disk));
	CHECK(!disk->Media->LogicalPartition, "disk BlockIo claims to be a partition");
	CHECK(disk->Media->BlockSize == part->Media->BlockSize, "block sizes differ");
	CHECK(disk->Media->LastBlock > part->Media->LastBlock, "disk not larger than partition");
	/* GPT header at LBA 1 (UEFI 2.10 §5.3.2), then the partition's first blocks both ways. */
	a = block;
	b = block + 32 * 1024;
	CHECK_OK(disk->ReadBlocks(disk, disk->Media->MediaId, 1, disk->Media->BlockSize, a));
	CHECK(!CompareMem(a, "EFI PART", 8), "no GPT signature at disk LBA 1");
	UINTN n = 8 * disk->Media->BlockSize;
	CHECK_OK(disk->ReadBlocks(disk, disk->Media->MediaId, hd->PartitionStart, n, a));
	CHECK_OK(part->ReadBlocks(part, part->Media->MediaId, 0, n, b));
	CHECK(!CompareMem(a, b, n), "disk LBA %ld differs from partition LBA 0",
	      hd->PartitionStart);
	return EFI_SUCCESS;
}

/* EFI_PARTITION_INFO_PROTOCOL (UEFI 2.10 §13.18); gnu-efi has no header for it. */
#define PARTITION_INFO_GUID \
	{ 0x8cf2f62c, 0xbc9b, 0x4821, { 0x80, 0x8d, 0xec, 0x9e, 0xc4, 0x21, 0xa1, 0xa0 } }
#define PARTITION_TYPE_GPT 0x02

struct partition_info {
	UINT32 Revision;
	UINT32 Type;
	UINT8 System;
	UINT8 Reserved[7];
	struct {
		EFI_GUID PartitionTypeGUID;
		EFI_GUID UniquePartitionGUID;
		EFI_LBA StartingLBA;
		EFI_LBA EndingLBA;
		UINT64 Attributes;
		CHAR16 PartitionName[36];
	} __attribute__((packed)) Gpt;
} __attribute__((packed));

/* The boot partition's PartitionInfo: the GPT entry its HD() node and BlockIo describe. */
static EFI_STATUS partition_info(void)
{
	static EFI_GUID info_guid = PARTITION_INFO_GUID;
	static EFI_GUID esp_guid = { 0xc12a7328, 0xf81f, 0x11d2,
				     { 0xba, 0x4b, 0x00, 0xa0, 0xc9, 0x3e, 0xc9, 0x3b } };
	EFI_DEVICE_PATH *dp = DevicePathFromHandle(selftest_loaded_image->DeviceHandle);
	HARDDRIVE_DEVICE_PATH *hd = NULL;
	struct partition_info *info;

	_Static_assert(sizeof(struct partition_info) == 144, "PartitionInfo layout");
	CHECK(dp, "boot volume has no device path");
	for (EFI_DEVICE_PATH *n = dp; !IsDevicePathEnd(n); n = NextDevicePathNode(n))
		if (DevicePathType(n) == MEDIA_DEVICE_PATH &&
		    DevicePathSubType(n) == MEDIA_HARDDRIVE_DP)
			hd = (HARDDRIVE_DEVICE_PATH *)n;
	CHECK(hd, "boot volume's device path has no HardDrive node");
	CHECK_OK(BS->HandleProtocol(selftest_loaded_image->DeviceHandle, &info_guid,
				    (void **)&info));
	CHECK(info->Revision == 0x1000, "Revision 0x%x", info->Revision);
	CHECK(info->Type == PARTITION_TYPE_GPT, "Type %d on a GPT disk", info->Type);
	CHECK(info->System == 1, "the ESP's System is %d", info->System);
	CHECK(!CompareMem(&info->Gpt.PartitionTypeGUID, &esp_guid, sizeof(EFI_GUID)),
	      "type GUID is not the ESP's");
	CHECK(!CompareMem(&info->Gpt.UniquePartitionGUID, hd->Signature, sizeof(EFI_GUID)),
	      "unique GUID differs from the HD() signature");
	CHECK(info->Gpt.StartingLBA == hd->PartitionStart, "StartingLBA %ld, HD() start %ld",
	      info->Gpt.StartingLBA, hd->PartitionStart);
	CHECK(info->Gpt.EndingLBA - info->Gpt.StartingLBA == part->Media->LastBlock,
	      "entry spans %ld blocks, LastBlock %ld",
	      info->Gpt.EndingLBA - info->Gpt.StartingLBA + 1, part->Media->LastBlock);
	return EFI_SUCCESS;
}

SELFTEST_SUITE(block_io,
	       { "block_io.media_and_errors", setup, media_and_errors, teardown },
	       { "block_io.raw_fat_matches_file", setup, raw_matches_file, teardown },
	       { "block_io.disk_agrees_with_partition", setup, disk_agrees_with_partition,
		 teardown },
	       { "block_io.partition_info", setup, partition_info, teardown });
