/* SPDX-License-Identifier: MIT */
/* Finding virtio-mmio transports in a DSDT without an AML interpreter: QEMU's microvm writes each
 * as Device { Name(_HID, "LNRO0005") ... Name(_CRS, ResourceTemplate { Memory32Fixed(...) }) }. */
#include "lib/platform/virtio_mmio_acpi.h"
#include "lib/string.h"

#define ACPI_HEADER_SIZE 36
#define AML_STRING_PREFIX 0x0d
/* ACPI 6.4 §6.4.3.4: large item 0x86, 9 bytes: information, base, length (32-bit each). */
#define MEMORY32_FIXED 0x86
#define MEMORY32_FIXED_SIZE 12

static const UINT8 virtio_mmio_hid[] = { AML_STRING_PREFIX, 'L', 'N', 'R', 'O',
					 '0', '0', '0', '5', 0 };

static UINT32 get32(const UINT8 *p)
{
	return p[0] | (UINT32)p[1] << 8 | (UINT32)p[2] << 16 | (UINT32)p[3] << 24;
}

const void *acpi_blob_find_table(const void *blob, UINTN size, const char sig[4])
{
	const UINT8 *b = blob;

	/*
	 * QEMU aligns tables in the blob differently by machine, so every offset is tried; their
	 * checksums are still 0 there (its table loader has the firmware compute them), so the
	 * length is the one check.
	 */
	for (UINTN off = 0; b && off + ACPI_HEADER_SIZE <= size; off++) {
		UINT32 length = get32(b + off + 4);

		if (!memcmp(b + off, sig, 4) && length >= ACPI_HEADER_SIZE && length <= size - off)
			return b + off;
	}
	return NULL;
}

UINT32 acpi_virtio_mmio_bases(const void *dsdt, UINTN size, UINT64 *ret_bases, UINT32 max)
{
	const UINT8 *t = dsdt;
	UINT32 length, count = 0;

	if (!t || size < ACPI_HEADER_SIZE || memcmp(t, "DSDT", 4))
		return 0;
	length = get32(t + 4);
	if (length < ACPI_HEADER_SIZE || length > size)
		return 0;
	for (UINT32 i = ACPI_HEADER_SIZE; i + sizeof(virtio_mmio_hid) <= length && count < max;) {
		UINT32 start, end;

		if (memcmp(t + i, virtio_mmio_hid, sizeof(virtio_mmio_hid))) {
			i++;
			continue;
		}
		/* Its resources come before the next device's _HID. */
		start = i + sizeof(virtio_mmio_hid);
		for (end = start; end + sizeof(virtio_mmio_hid) <= length; end++)
			if (!memcmp(t + end, virtio_mmio_hid, sizeof(virtio_mmio_hid)))
				break;
		if (end + sizeof(virtio_mmio_hid) > length)
			end = length;
		for (UINT32 j = start; j + MEMORY32_FIXED_SIZE <= end; j++)
			if (t[j] == MEMORY32_FIXED && t[j + 1] == 9 && t[j + 2] == 0) {
				ret_bases[count++] = get32(t + j + 4);
				break;
			}
		i = end;
	}
	return count;
}
