/* SPDX-License-Identifier: MIT */
/* Raw disk images: protective MBR and both GPTs (lib/storage/gpt.c) around one ESP; finding it again. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/sha256.h"
#include "lib/storage/gpt.h"
#include "mkimage/mkimage.h"

#define ENTRY_COUNT 128
#define COPY_CHUNK (1u << 20)

static const EFI_GUID esp_type = GPT_ESP_TYPE_GUID;

/* A disk image file as the block device lib/storage/gpt.c reads through. */
struct file_disk {
	struct block_device dev;
	int fd;
};

static EFI_STATUS file_disk_read(struct block_device *dev, EFI_LBA lba, UINTN count, void *buf)
{
	struct file_disk *disk = (struct file_disk *)dev;
	size_t size = count * dev->block_size;
	ssize_t n = pread(disk->fd, buf, size, (off_t)(lba * dev->block_size));

	return n == (ssize_t)size ? EFI_SUCCESS : EFI_DEVICE_ERROR;
}

uint64_t disk_esp_size(uint64_t disk_size)
{
	struct gpt_layout layout = { .block_size = DISK_BLOCK_SIZE, .entry_count = ENTRY_COUNT };
	uint64_t blocks = disk_size / DISK_BLOCK_SIZE;
	/* From 1 MiB to the last usable block, just before the backup entry array. */
	uint64_t reserved = DISK_ESP_FIRST_LBA + 2 + gpt_entry_blocks(&layout);

	return blocks > reserved ? (blocks - reserved + 1) * DISK_BLOCK_SIZE : 0;
}

/* A version 4 style GUID from the seed, so the same name gives the same disk. */
void disk_guid_from_seed(const char *what, const char *seed, EFI_GUID *ret)
{
	uint8_t digest[SHA256_DIGEST_SIZE];
	struct sha256 ctx;

	sha256_init(&ctx);
	sha256_update(&ctx, what, strlen(what) + 1);
	sha256_update(&ctx, seed, strlen(seed));
	sha256_final(&ctx, digest);
	digest[7] = (digest[7] & 0x0f) | 0x40; /* version 4 (Data3's high nibble) */
	digest[8] = (digest[8] & 0x3f) | 0x80; /* RFC 4122 variant */
	memcpy(ret, digest, sizeof(*ret));
}

static int pwrite_all(int fd, const char *path, const void *data, size_t size, uint64_t offset)
{
	const uint8_t *p = data;

	while (size) {
		ssize_t n = pwrite(fd, p, size, (off_t)offset);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return mk_error("%s: write: %s", path, strerror(errno));
		p += n;
		size -= (size_t)n;
		offset += (uint64_t)n;
	}
	return 0;
}

static int is_zero(const uint8_t *p, size_t size)
{
	return size == 0 || (p[0] == 0 && memcmp(p, p + 1, size - 1) == 0);
}

/* Copy the ESP image into the disk, skipping zero chunks so the image stays sparse. */
static int copy_esp(int out, const char *path, const char *esp_path, uint64_t offset, uint64_t size)
{
	uint8_t *buf = malloc(COPY_CHUNK);
	uint64_t done = 0;
	int in, r = -1;

	if (!buf)
		return mk_error("out of memory");
	in = open(esp_path, O_RDONLY | O_CLOEXEC);
	if (in < 0) {
		mk_error("%s: %s", esp_path, strerror(errno));
		goto err_free;
	}
	while (done < size) {
		size_t chunk = size - done < COPY_CHUNK ? (size_t)(size - done) : COPY_CHUNK;
		ssize_t n = pread(in, buf, chunk, (off_t)done);

		if (n != (ssize_t)chunk) {
			mk_error("%s: short read", esp_path);
			goto err_close;
		}
		if (!is_zero(buf, chunk) && pwrite_all(out, path, buf, chunk, offset + done) < 0)
			goto err_close;
		done += chunk;
	}
	r = 0;
err_close:
	close(in);
err_free:
	free(buf);
	return r;
}

int disk_write(const char *path, uint64_t disk_size, const char *seed, const char *esp_path)
{
	struct gpt_layout layout = { .block_size = DISK_BLOCK_SIZE,
				     .block_count = disk_size / DISK_BLOCK_SIZE,
				     .entry_count = ENTRY_COUNT };
	uint8_t mbr[DISK_BLOCK_SIZE], primary[DISK_BLOCK_SIZE], backup[DISK_BLOCK_SIZE];
	uint64_t esp_size = disk_esp_size(disk_size), entry_blocks = gpt_entry_blocks(&layout);
	static struct gpt_entry entries[ENTRY_COUNT];
	struct gpt_entry esp = { 0 };
	EFI_GUID guid;
	const char *name = "EFI system partition";
	int fd;

	disk_guid_from_seed("strata disk", seed, &layout.disk_guid);
	esp.partition_type_guid = esp_type;
	disk_guid_from_seed("strata esp", seed, &guid);
	esp.unique_partition_guid = guid;
	esp.starting_lba = DISK_ESP_FIRST_LBA;
	esp.ending_lba = DISK_ESP_FIRST_LBA + esp_size / DISK_BLOCK_SIZE - 1;
	for (int i = 0; name[i]; i++)
		esp.partition_name[i] = (CHAR16)name[i];
	if (gpt_build(&layout, &esp, 1, mbr, primary, backup, entries) != EFI_SUCCESS)
		return mk_error("%s: cannot lay out a GPT on %llu bytes", path,
				(unsigned long long)disk_size);

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return mk_error("%s: %s", path, strerror(errno));
	if (ftruncate(fd, (off_t)disk_size) < 0) {
		mk_error("%s: cannot size to %llu bytes: %s", path, (unsigned long long)disk_size,
			 strerror(errno));
		goto err_close;
	}
	if (pwrite_all(fd, path, mbr, sizeof(mbr), 0) < 0 ||
	    pwrite_all(fd, path, primary, sizeof(primary), DISK_BLOCK_SIZE) < 0 ||
	    pwrite_all(fd, path, entries, sizeof(entries), 2 * DISK_BLOCK_SIZE) < 0 ||
	    pwrite_all(fd, path, entries, sizeof(entries),
		       (layout.block_count - 1 - entry_blocks) * DISK_BLOCK_SIZE) < 0 ||
	    pwrite_all(fd, path, backup, sizeof(backup),
		       (layout.block_count - 1) * DISK_BLOCK_SIZE) < 0)
		goto err_close;
	if (copy_esp(fd, path, esp_path, (uint64_t)DISK_ESP_FIRST_LBA * DISK_BLOCK_SIZE, esp_size) <
	    0)
		goto err_close;
	if (close(fd) < 0)
		return mk_error("%s: close: %s", path, strerror(errno));
	return 0;

err_close:
	close(fd);
	return -1;
}

void disk_guid_text(EFI_GUID guid, char ret_text[37])
{
	const EFI_GUID *g = &guid;

	snprintf(ret_text, 37, "%08X-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X", g->Data1,
		 g->Data2, g->Data3, g->Data4[0], g->Data4[1], g->Data4[2], g->Data4[3],
		 g->Data4[4], g->Data4[5], g->Data4[6], g->Data4[7]);
}

static void print_table(struct file_disk *disk, const struct gpt_disk *gpt, uint8_t *scratch)
{
	const struct gpt_header *h = &gpt->header;
	char guid[37];

	printf("disk: %llu blocks of %u bytes (%llu MiB), GPT read from the %s header\n",
	       (unsigned long long)disk->dev.block_count, disk->dev.block_size,
	       (unsigned long long)(disk->dev.block_count * disk->dev.block_size >> 20),
	       gpt->used_backup ? "BACKUP (primary damaged)" : "primary");
	disk_guid_text(h->disk_guid, guid);
	printf("disk guid: %s\n", guid);
	printf("usable blocks: %llu..%llu, %u entries of %u bytes\n",
	       (unsigned long long)h->first_usable_lba, (unsigned long long)h->last_usable_lba,
	       h->number_of_partition_entries, h->size_of_partition_entry);
	printf("  #  first       last           size     type  name\n");
	for (uint32_t i = 1; i <= h->number_of_partition_entries; i++) {
		struct gpt_partition p;
		char name[GPT_NAME_LENGTH + 1];
		int is_esp;

		if (gpt_get_partition(&disk->dev, gpt, i, scratch, &p) != EFI_SUCCESS)
			continue;
		for (int j = 0; j <= GPT_NAME_LENGTH; j++)
			name[j] = p.name[j] < 0x80 ? (char)p.name[j] : '?';
		is_esp = memcmp(&p.type_guid, &esp_type, sizeof(esp_type)) == 0;
		printf("  %-2u %-11llu %-11llu %7llu KiB %-5s %s\n", p.number,
		       (unsigned long long)p.first_lba, (unsigned long long)p.last_lba,
		       (unsigned long long)((p.last_lba - p.first_lba + 1) * disk->dev.block_size >>
					    10),
		       is_esp ? "ESP" : "other", name);
	}
}

static const char *gpt_status_text(EFI_STATUS status)
{
	switch (status) {
	case EFI_NOT_FOUND:
		return "no GPT found (not a disk image made by mkimage?)";
	case EFI_CRC_ERROR:
		return "GPT damaged: CRC mismatch in both the primary and the backup";
	case EFI_VOLUME_CORRUPTED:
		return "GPT damaged: out-of-range fields in both the primary and the backup";
	case EFI_INVALID_PARAMETER:
		return "too small to be a GPT disk";
	default:
		return "cannot read the GPT";
	}
}

int disk_find_esp(const char *path, int verbose, uint64_t *ret_offset, uint64_t *ret_size)
{
	static uint8_t scratch[BLOCK_MAX_SIZE];
	struct file_disk disk = { .dev.read = file_disk_read, .dev.block_size = DISK_BLOCK_SIZE };
	struct gpt_partition esp;
	struct gpt_disk gpt;
	EFI_STATUS status;
	struct stat st;
	int r = -1;

	disk.fd = open(path, O_RDONLY | O_CLOEXEC);
	if (disk.fd < 0)
		return mk_error("%s: %s", path, strerror(errno));
	if (fstat(disk.fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		mk_error("%s: not a regular file", path);
		goto out;
	}
	disk.dev.block_count = (uint64_t)st.st_size / DISK_BLOCK_SIZE;
	status = gpt_read(&disk.dev, scratch, &gpt);
	if (EFI_ERROR(status)) {
		mk_error("%s: %s", path, gpt_status_text(status));
		goto out;
	}
	if (gpt.used_backup)
		fprintf(stderr, "mkimage: %s: warning: primary GPT damaged, using the backup\n",
			path);
	if (verbose)
		print_table(&disk, &gpt, scratch);
	if (gpt_find_partition(&disk.dev, &gpt, &esp_type, scratch, &esp) != EFI_SUCCESS) {
		mk_error("%s: no EFI system partition in the GPT", path);
		goto out;
	}
	*ret_offset = esp.first_lba * DISK_BLOCK_SIZE;
	*ret_size = (esp.last_lba - esp.first_lba + 1) * DISK_BLOCK_SIZE;
	r = 0;
out:
	close(disk.fd);
	return r;
}
