/* SPDX-License-Identifier: MIT */
/* NVMe command building and IDENTIFY parsing, apart from the registers so the host tests it. */
#include "lib/storage/nvme_cmd.h"
#include "lib/string.h"

/* IDENTIFY controller offsets (NVMe 1.4 Figure 247). */
#define IDC_SERIAL 4
#define IDC_MODEL 24
#define IDC_MDTS 77
#define IDC_NN 516
#define IDC_VWC 525
/* IDENTIFY namespace offsets (NVM command set, Figure 249). */
#define IDN_NSZE 0
#define IDN_NLBAF 25
#define IDN_FLBAS 26
#define IDN_EUI64 120
#define IDN_LBAF 128
#define FLBAS_INDEX_MASK 0x0f
#define FLBAS_INDEX_HIGH_MASK 0x60	/* NVMe 2.0: bits 6:5 are the index's bits 5:4 */
#define LBAF_COUNT 64

/* Status field (§4.6.1): SC 7:0, SCT 10:8, DNR 14. */
#define STATUS_SC(s) ((s) & 0xff)
#define STATUS_SCT(s) (((s) >> 8) & 7)
#define STATUS_DNR (1u << 14)
#define SC_NAMESPACE_WRITE_PROTECTED 0x20
#define SC_LBA_OUT_OF_RANGE 0x80
#define SC_NAMESPACE_NOT_READY 0x82

static UINT32 get32(const UINT8 *p)
{
	return (UINT32)p[0] | (UINT32)p[1] << 8 | (UINT32)p[2] << 16 | (UINT32)p[3] << 24;
}

static UINT64 get64(const UINT8 *p)
{
	return get32(p) | (UINT64)get32(p + 4) << 32;
}

/* An ASCII field padded with spaces, as a NUL-terminated string without the padding. */
static void copy_string(char *dst, const UINT8 *src, UINT32 length)
{
	UINT32 n = length;

	while (n > 0 && (src[n - 1] == ' ' || src[n - 1] == 0))
		n--;
	for (UINT32 i = 0; i < n; i++)
		dst[i] = src[i] >= 0x20 && src[i] < 0x7f ? (char)src[i] : '?';
	dst[n] = 0;
}

EFI_STATUS nvme_identify_controller_parse(const UINT8 data[NVME_IDENTIFY_SIZE],
					  UINT32 min_page_size,
					  struct nvme_controller_identity *ret)
{
	UINT8 mdts = data[IDC_MDTS];

	memset(ret, 0, sizeof(*ret));
	copy_string(ret->model, data + IDC_MODEL, NVME_MODEL_LENGTH);
	copy_string(ret->serial, data + IDC_SERIAL, NVME_SERIAL_LENGTH);
	ret->namespaces = get32(data + IDC_NN);
	ret->volatile_cache = data[IDC_VWC] & 1;
	/* 2^MDTS pages; anything past 2 GiB is as good as no limit for a UINT32 transfer. */
	if (mdts && min_page_size && mdts < 32 && ((UINT64)min_page_size << mdts) < 0x80000000ull)
		ret->max_transfer = min_page_size << mdts;
	if (!ret->namespaces)
		return EFI_VOLUME_CORRUPTED;
	return EFI_SUCCESS;
}

EFI_STATUS nvme_identify_namespace_parse(const UINT8 data[NVME_IDENTIFY_SIZE],
					 struct nvme_namespace_identity *ret)
{
	UINT8 flbas = data[IDN_FLBAS];
	UINT32 index = (flbas & FLBAS_INDEX_MASK) | (flbas & FLBAS_INDEX_HIGH_MASK) >> 1;
	const UINT8 *lbaf;
	UINT8 lbads;

	memset(ret, 0, sizeof(*ret));
	ret->blocks = get64(data + IDN_NSZE);
	if (!ret->blocks)
		return EFI_NOT_FOUND;
	if (index > data[IDN_NLBAF] || index >= LBAF_COUNT)
		return EFI_UNSUPPORTED;
	lbaf = data + IDN_LBAF + 4 * index;
	/* Metadata would need MPTR or bigger buffers than the block interface's. */
	if (lbaf[0] | lbaf[1])
		return EFI_UNSUPPORTED;
	lbads = lbaf[2];
	if (lbads < 9 || lbads > 12)
		return EFI_UNSUPPORTED;
	ret->block_size = 1u << lbads;
	memcpy(ret->eui64, data + IDN_EUI64, sizeof(ret->eui64));
	return EFI_SUCCESS;
}

UINT32 nvme_active_list_next(const UINT8 data[NVME_IDENTIFY_SIZE], UINT32 after)
{
	/* The list is increasing and ends at the first 0 (§5.15.2.2). */
	for (UINT32 i = 0; i < NVME_IDENTIFY_SIZE / 4; i++) {
		UINT32 nsid = get32(data + 4 * i);

		if (!nsid)
			break;
		if (nsid > after)
			return nsid;
	}
	return 0;
}

UINT32 nvme_prp_max_bytes(UINT64 buf)
{
	/* PRP1 to the end of its page, then one list page's entries of whole pages. */
	return NVME_PAGE_SIZE - (UINT32)(buf % NVME_PAGE_SIZE) +
	       NVME_PRP_LIST_ENTRIES * NVME_PAGE_SIZE;
}

EFI_STATUS nvme_prp_build(UINT64 buf, UINT32 bytes, UINT64 *list, UINT64 list_address,
			  UINT64 *ret_prp1, UINT64 *ret_prp2)
{
	UINT32 first = NVME_PAGE_SIZE - (UINT32)(buf % NVME_PAGE_SIZE);
	UINT64 page = buf - buf % NVME_PAGE_SIZE + NVME_PAGE_SIZE;
	UINT32 pages;

	if (buf & 3 || !bytes || bytes > nvme_prp_max_bytes(buf))
		return EFI_INVALID_PARAMETER;
	*ret_prp1 = buf;
	*ret_prp2 = 0;
	if (bytes <= first)
		return EFI_SUCCESS;
	pages = (bytes - first + NVME_PAGE_SIZE - 1) / NVME_PAGE_SIZE;
	/* Two pages need no list: PRP2 is the second page itself (§4.3). */
	if (pages == 1) {
		*ret_prp2 = page;
		return EFI_SUCCESS;
	}
	for (UINT32 i = 0; i < pages; i++)
		list[i] = page + (UINT64)i * NVME_PAGE_SIZE;
	*ret_prp2 = list_address;
	return EFI_SUCCESS;
}

void nvme_sqe_io(struct nvme_sqe *sqe, UINT8 opcode, UINT32 nsid, UINT64 lba, UINT32 count)
{
	memset(sqe, 0, sizeof(*sqe));
	sqe->opcode = opcode;
	sqe->nsid = nsid;
	if (opcode == NVME_CMD_FLUSH)
		return;
	sqe->cdw10 = (UINT32)lba;
	sqe->cdw11 = (UINT32)(lba >> 32);
	sqe->cdw12 = (count - 1) & 0xffff;	/* NLB is 0-based */
}

BOOLEAN nvme_status_retryable(UINT16 status)
{
	return status && !(status & STATUS_DNR);
}

EFI_STATUS nvme_status_to_efi(UINT16 status)
{
	if (!status)
		return EFI_SUCCESS;
	if (STATUS_SCT(status) == 0) {
		switch (STATUS_SC(status)) {
		case SC_NAMESPACE_WRITE_PROTECTED:
			return EFI_WRITE_PROTECTED;
		case SC_LBA_OUT_OF_RANGE:
			return EFI_INVALID_PARAMETER;
		case SC_NAMESPACE_NOT_READY:
			return EFI_NOT_READY;
		}
	}
	return EFI_DEVICE_ERROR;
}
