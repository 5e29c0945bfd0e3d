/* SPDX-License-Identifier: MIT */
/* NVMe 1.4 data a driver builds and parses: queue entries, PRPs, IDENTIFY pages, status codes. */
#pragma once

#include "include/efi/types.h"

/* The memory page size the driver sets in CC.MPS; PRP entries and IDENTIFY data come in these. */
#define NVME_PAGE_SIZE 4096
#define NVME_IDENTIFY_SIZE 4096
/* PRP entries in the one list page a command may use (no chained lists). */
#define NVME_PRP_LIST_ENTRIES (NVME_PAGE_SIZE / 8)
#define NVME_MODEL_LENGTH 40
#define NVME_SERIAL_LENGTH 20

/* Admin opcodes (§5) and NVM command set opcodes (§6). */
#define NVME_ADMIN_DELETE_SQ 0x00
#define NVME_ADMIN_CREATE_SQ 0x01
#define NVME_ADMIN_DELETE_CQ 0x04
#define NVME_ADMIN_CREATE_CQ 0x05
#define NVME_ADMIN_IDENTIFY 0x06
#define NVME_CMD_FLUSH 0x00
#define NVME_CMD_WRITE 0x01
#define NVME_CMD_READ 0x02

/* IDENTIFY CNS values. */
#define NVME_CNS_NAMESPACE 0x00
#define NVME_CNS_CONTROLLER 0x01
#define NVME_CNS_ACTIVE_NAMESPACES 0x02

/* A submission queue entry (§4.2). */
struct nvme_sqe {
	UINT8 opcode;
	UINT8 flags;		/* FUSE, PSDT: 0 (PRPs, not fused) */
	UINT16 cid;
	UINT32 nsid;
	UINT64 reserved;
	UINT64 mptr;
	UINT64 prp1;
	UINT64 prp2;
	UINT32 cdw10, cdw11, cdw12, cdw13, cdw14, cdw15;
};

/* A completion queue entry (§4.6); status bit 0 is the phase tag. */
struct nvme_cqe {
	UINT32 dw0;
	UINT32 dw1;
	UINT16 sq_head;
	UINT16 sq_id;
	UINT16 cid;
	UINT16 status;
};

_Static_assert(sizeof(struct nvme_sqe) == 64, "NVMe submission queue entry");
_Static_assert(sizeof(struct nvme_cqe) == 16, "NVMe completion queue entry");

struct nvme_controller_identity {
	char model[NVME_MODEL_LENGTH + 1];	/* trailing spaces removed */
	char serial[NVME_SERIAL_LENGTH + 1];
	UINT32 namespaces;			/* NN: the highest namespace ID */
	UINT32 max_transfer;			/* bytes per command from MDTS; 0: no limit */
	BOOLEAN volatile_cache;			/* VWC: writes need a FLUSH to be stable */
};

struct nvme_namespace_identity {
	UINT64 blocks;		/* NSZE */
	UINT32 block_size;	/* of the format FLBAS selects */
	UINT8 eui64[8];		/* EUI64, as OVMF puts it in the NVMe() device path node */
};

/*
 * Parse IDENTIFY controller data; min_page_size is 2^(12 + CAP.MPSMIN), MDTS's unit.
 * EFI_VOLUME_CORRUPTED if the controller names no namespace.
 */
EFI_STATUS nvme_identify_controller_parse(const UINT8 data[NVME_IDENTIFY_SIZE],
					  UINT32 min_page_size,
					  struct nvme_controller_identity *ret);
/*
 * Parse IDENTIFY namespace data. EFI_NOT_FOUND for an inactive namespace (size 0); EFI_UNSUPPORTED
 * for a format with metadata or a block size outside 512..4096.
 */
EFI_STATUS nvme_identify_namespace_parse(const UINT8 data[NVME_IDENTIFY_SIZE],
					 struct nvme_namespace_identity *ret);
/* The first NSID of an active namespace list (CNS 02h) greater than after; 0 if none. */
UINT32 nvme_active_list_next(const UINT8 data[NVME_IDENTIFY_SIZE], UINT32 after);

/*
 * PRP1/PRP2 for bytes at buf (dword-aligned, bytes > 0); entries beyond two go to list, whose
 * address the device sees as list_address. EFI_INVALID_PARAMETER for an odd buffer or a transfer
 * one list page cannot describe (see nvme_prp_max_bytes).
 */
EFI_STATUS nvme_prp_build(UINT64 buf, UINT32 bytes, UINT64 *list, UINT64 list_address,
			  UINT64 *ret_prp1, UINT64 *ret_prp2);
/* The most bytes nvme_prp_build takes at buf. */
UINT32 nvme_prp_max_bytes(UINT64 buf);
/* A READ, WRITE (count blocks at lba) or FLUSH for namespace nsid, without PRPs and CID. */
void nvme_sqe_io(struct nvme_sqe *sqe, UINT8 opcode, UINT32 nsid, UINT64 lba, UINT32 count);

/* Status field of a completion (without the phase tag): 0 on success. */
static inline UINT16 nvme_cqe_status(const struct nvme_cqe *cqe)
{
	return cqe->status >> 1;
}
/* Whether a failed command may succeed when sent again: Do Not Retry clear, not a refusal. */
BOOLEAN nvme_status_retryable(UINT16 status);
/* The EFI_STATUS a failed command's status field stands for. */
EFI_STATUS nvme_status_to_efi(UINT16 status);
