/* SPDX-License-Identifier: MIT */
/* AHCI HBA and port bring-up, polled ATA DMA and ATAPI PACKET commands on one slot, with recovery. */
#include "lib/container_of.h"
#include "lib/drivers/ahci.h"
#include "lib/drivers/io.h"
#include "lib/drivers/retry.h"
#include "lib/drivers/timer.h"
#include "lib/string.h"

#define LOG_PREFIX "ahci: "
#include "lib/log.h"

#define AHCI_CLASS 0x010601	/* mass storage, SATA, AHCI 1.0 programming interface */
#define AHCI_ABAR_INDEX 5

/* Generic host control (AHCI 1.3.1 §3.1). */
#define HBA_CAP 0x00
#define HBA_GHC 0x04
#define HBA_PI 0x0c
#define CAP_NP_MASK 0x1f
#define CAP_SSS (1u << 27)	/* staggered spin-up: PxCMD.SUD is writable */
#define GHC_HR (1u << 0)
#define GHC_AE (1u << 31)

/* Port registers (§3.3), 0x80 bytes a port from 0x100. */
#define PORT_BASE(p) (0x100 + (p) * 0x80)
#define PX_CLB 0x00
#define PX_CLBU 0x04
#define PX_FB 0x08
#define PX_FBU 0x0c
#define PX_IS 0x10
#define PX_IE 0x14
#define PX_CMD 0x18
#define PX_TFD 0x20
#define PX_SIG 0x24
#define PX_SSTS 0x28
#define PX_SCTL 0x2c
#define PX_SERR 0x30
#define PX_CI 0x38
#define CMD_ST (1u << 0)
#define CMD_SUD (1u << 1)
#define CMD_POD (1u << 2)
#define CMD_FRE (1u << 4)
#define CMD_FR (1u << 14)
#define CMD_CR (1u << 15)
#define IS_TFES (1u << 30)	/* task file error */
#define IS_FATAL 0x78000000u	/* host bus fatal/data error, interface fatal error, and TFES */
#define TFD_ERR 0x01
#define TFD_DRQ 0x08
#define TFD_BSY 0x80
#define SSTS_DET_MASK 0xf
#define SSTS_DET_PRESENT 3	/* device present, phy communication established */
#define SCTL_DET_MASK 0xf
#define SCTL_DET_COMRESET 1

#define SIG_ATA 0x00000101
#define SIG_ATAPI 0xeb140101

/* Port memory (see AHCI_PORT_MEMORY): the list wants 1 KiB, the FIS area 256 B, the table 128 B. */
#define MEM_COMMAND_LIST 0x0000
#define MEM_RECEIVED_FIS 0x0400
#define MEM_COMMAND_TABLE 0x0800
#define MEM_BOUNCE 0x1000
#define TABLE_PRDT 0x80
#define PRDT_ENTRIES 8
#define PRD_MAX_BYTES (512u * 1024)
/* 8 entries of 512 KiB: 4 MiB per command, well above the 1 MiB a streaming read wants. */
#define MAX_TRANSFER (PRDT_ENTRIES * PRD_MAX_BYTES)

#define HEADER_CFL_H2D 5	/* command FIS length in dwords */
#define HEADER_ATAPI (1u << 5)
#define HEADER_WRITE (1u << 6)
#define TABLE_ACMD 0x40		/* the ATAPI command (CDB) in the command table */
#define ATAPI_CDB_SIZE 12
#define ATA_PACKET 0xa0
#define PACKET_DMA 0x01		/* features: data by DMA */
#define FIS_TYPE_H2D 0x27
#define FIS_COMMAND 0x80
#define DEVICE_LBA 0x40

#define ATA_IDENTIFY 0xec
#define ATA_READ_DMA 0xc8
#define ATA_WRITE_DMA 0xca
#define ATA_READ_DMA_EXT 0x25
#define ATA_WRITE_DMA_EXT 0x35
#define ATA_FLUSH_CACHE 0xe7
#define ATA_FLUSH_CACHE_EXT 0xea

#define HBA_RESET_MS 1000
#define PORT_STOP_MS 500
#define PORT_READY_MS 1000
#define LINK_UP_MS 100
#define COMMAND_MS 5000
#define FLUSH_MS 30000
/* A failed or timed-out command is retried after a port recovery this many more times. */
#define RETRIES 2

struct command_header {
	UINT32 flags;	/* CFL, A, W, P, R, B, C, PMP; PRDTL in bits 31:16 */
	UINT32 prdbc;	/* bytes transferred, written by the HBA */
	UINT64 ctba;
	UINT32 reserved[4];
};

struct prd {
	UINT64 dba;
	UINT32 reserved;
	UINT32 dbc;	/* byte count - 1; bit 31 interrupt on completion */
};

_Static_assert(sizeof(struct command_header) == 32, "AHCI command header");
_Static_assert(sizeof(struct prd) == 16, "AHCI PRD entry");

BOOLEAN ahci_match(struct pci_address a)
{
	return pci_class_is(a, AHCI_CLASS);
}

static UINT32 port_read(struct ahci_disk *d, UINT32 reg)
{
	return mmio_read32(d->regs + reg);
}

static void port_write(struct ahci_disk *d, UINT32 reg, UINT32 v)
{
	mmio_write32(d->regs + reg, v);
}

/* Wait until (reg & mask) == value; FALSE on timeout. */
static BOOLEAN port_wait(struct ahci_disk *d, UINT32 reg, UINT32 mask, UINT32 value, UINT32 ms)
{
	UINT64 deadline = timer_deadline(ms);

	while ((port_read(d, reg) & mask) != value) {
		if (timer_expired(deadline))
			return FALSE;
		cpu_relax();
	}
	return TRUE;
}

EFI_STATUS ahci_hba_init(struct ahci_hba *hba, struct pci_address a)
{
	struct pci_bar bar;
	UINT64 deadline;

	pci_get_bar(a, AHCI_ABAR_INDEX, &bar);
	if (!bar.size || bar.io || !bar.base)
		return log_error_status(EFI_UNSUPPORTED, "%02x:%02x.%x: no ABAR", a.bus, a.device,
					a.function);
	pci_write16(a, PCI_COMMAND,
		    pci_read16(a, PCI_COMMAND) | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	*hba = (struct ahci_hba){ .pci = a, .abar = bar.base };

	/* A reset leaves no port running on memory an earlier stage owned (AHCI 1.3.1 §10.4.3). */
	mmio_write32(hba->abar + HBA_GHC, GHC_AE);
	mmio_write32(hba->abar + HBA_GHC, GHC_AE | GHC_HR);
	deadline = timer_deadline(HBA_RESET_MS);
	while (mmio_read32(hba->abar + HBA_GHC) & GHC_HR) {
		if (timer_expired(deadline))
			return log_error_status(EFI_TIMEOUT, "%02x:%02x.%x: HBA reset", a.bus,
						a.device, a.function);
		cpu_relax();
	}
	mmio_write32(hba->abar + HBA_GHC, GHC_AE);
	hba->cap = mmio_read32(hba->abar + HBA_CAP);
	hba->ports_implemented = mmio_read32(hba->abar + HBA_PI);
	if (!hba->ports_implemented) {
		UINT32 n = (hba->cap & CAP_NP_MASK) + 1;

		hba->ports_implemented = n >= 32 ? 0xffffffffu : (1u << n) - 1;
	}
	return EFI_SUCCESS;
}

enum ahci_device_kind ahci_port_probe(struct ahci_hba *hba, UINT8 port)
{
	UINT64 regs = hba->abar + PORT_BASE(port);
	UINT32 sig;

	if (port >= AHCI_MAX_PORTS || !(hba->ports_implemented & (1u << port)))
		return AHCI_DEVICE_NONE;
	if ((mmio_read32(regs + PX_SSTS) & SSTS_DET_MASK) != SSTS_DET_PRESENT)
		return AHCI_DEVICE_NONE;
	sig = mmio_read32(regs + PX_SIG);
	if (sig == SIG_ATAPI)
		return AHCI_DEVICE_ATAPI;
	/* All ones: the device's first FIS has not arrived yet; IDENTIFY will tell. */
	return sig == SIG_ATA || sig == 0xffffffff ? AHCI_DEVICE_ATA : AHCI_DEVICE_OTHER;
}

/* Clear ST, then FRE, and wait for the HBA to confirm each (§10.1.2). */
static EFI_STATUS port_stop(struct ahci_disk *d)
{
	UINT32 cmd = port_read(d, PX_CMD);

	if (cmd & (CMD_ST | CMD_CR)) {
		port_write(d, PX_CMD, cmd & ~CMD_ST);
		if (!port_wait(d, PX_CMD, CMD_CR, 0, PORT_STOP_MS))
			return EFI_TIMEOUT;
	}
	cmd = port_read(d, PX_CMD);
	if (cmd & (CMD_FRE | CMD_FR)) {
		port_write(d, PX_CMD, cmd & ~CMD_FRE);
		if (!port_wait(d, PX_CMD, CMD_FR, 0, PORT_STOP_MS))
			return EFI_TIMEOUT;
	}
	return EFI_SUCCESS;
}

/* COMRESET (§10.4.2): the device drops whatever it was doing and reports its signature again. */
static void port_comreset(struct ahci_disk *d)
{
	UINT32 sctl = port_read(d, PX_SCTL) & ~SCTL_DET_MASK;

	port_write(d, PX_SCTL, sctl | SCTL_DET_COMRESET);
	timer_delay_ms(1);
	port_write(d, PX_SCTL, sctl);
	port_wait(d, PX_SSTS, SSTS_DET_MASK, SSTS_DET_PRESENT, LINK_UP_MS);
	port_write(d, PX_SERR, 0xffffffff);
}

/* Receive FISes, wait for the device to be idle, and start command processing. */
static EFI_STATUS port_start(struct ahci_disk *d)
{
	port_write(d, PX_SERR, 0xffffffff);
	port_write(d, PX_IS, 0xffffffff);
	port_write(d, PX_CMD, port_read(d, PX_CMD) | CMD_FRE | CMD_SUD | CMD_POD);
	if (!port_wait(d, PX_TFD, TFD_BSY | TFD_DRQ, 0, PORT_READY_MS)) {
		port_comreset(d);
		if (!port_wait(d, PX_TFD, TFD_BSY | TFD_DRQ, 0, PORT_READY_MS))
			return EFI_TIMEOUT;
	}
	port_write(d, PX_IS, 0xffffffff);
	port_write(d, PX_CMD, port_read(d, PX_CMD) | CMD_ST);
	return EFI_SUCCESS;
}

/*
 * After an error or a timeout: stopping the port clears PxCI and ends the HBA's DMA for the
 * command (§6.2.2), so nothing it still had in flight can land in a later request's buffer.
 * A device still busy gets a COMRESET.
 */
static EFI_STATUS port_recover(struct ahci_disk *d)
{
	EFI_STATUS status = port_stop(d);

	if (EFI_ERROR(status) || (port_read(d, PX_TFD) & (TFD_BSY | TFD_DRQ)))
		port_comreset(d);
	status = port_start(d);
	if (EFI_ERROR(status))
		log_error_status(status, "port %u: no recovery after a failed command", d->port);
	return status;
}

/* The H2D register FIS for an ATA command with a 48- or 28-bit LBA and a sector count. */
static void build_fis(UINT8 *fis, UINT8 command, UINT64 lba, UINT32 count, BOOLEAN lba48)
{
	memset(fis, 0, 64);
	fis[0] = FIS_TYPE_H2D;
	fis[1] = FIS_COMMAND;
	fis[2] = command;
	fis[4] = (UINT8)lba;
	fis[5] = (UINT8)(lba >> 8);
	fis[6] = (UINT8)(lba >> 16);
	fis[7] = DEVICE_LBA | (lba48 ? 0 : (UINT8)(lba >> 24 & 0xf));
	if (lba48) {
		fis[8] = (UINT8)(lba >> 24);
		fis[9] = (UINT8)(lba >> 32);
		fis[10] = (UINT8)(lba >> 40);
	}
	fis[12] = (UINT8)count;
	fis[13] = (UINT8)(count >> 8);
}

/* Issue the FIS in the command table on slot 0 with bytes of data at buf; one attempt. */
static EFI_STATUS port_issue(struct ahci_disk *d, UINT8 *buf, UINT32 bytes, BOOLEAN write,
			     UINT32 header_flags, UINT32 timeout_ms)
{
	struct command_header *header = (struct command_header *)(d->memory + MEM_COMMAND_LIST);
	UINT8 *table = d->memory + MEM_COMMAND_TABLE;
	struct prd *prdt = (struct prd *)(table + TABLE_PRDT);
	UINT32 entries = 0;
	UINT64 deadline;

	for (UINT32 done = 0; done < bytes; entries++) {
		UINT32 n = bytes - done < PRD_MAX_BYTES ? bytes - done : PRD_MAX_BYTES;

		prdt[entries] = (struct prd){ .dba = (UINTN)buf + done, .dbc = n - 1 };
		done += n;
	}
	*header = (struct command_header){
		.flags = HEADER_CFL_H2D | header_flags | (write ? HEADER_WRITE : 0) | entries << 16,
		.ctba = (UINTN)table,
	};
	port_write(d, PX_IS, 0xffffffff);
	port_write(d, PX_CI, 1);
	deadline = timer_deadline(timeout_ms);
	for (;;) {
		if (port_read(d, PX_IS) & IS_FATAL)
			return EFI_DEVICE_ERROR;
		if (!(port_read(d, PX_CI) & 1))
			break;
		if (timer_expired(deadline))
			return EFI_TIMEOUT;
		cpu_relax();
	}
	if (port_read(d, PX_TFD) & (TFD_ERR | TFD_BSY | TFD_DRQ))
		return EFI_DEVICE_ERROR;
	return EFI_SUCCESS;
}

/* An ATA command for retry_bounded. */
struct ata_try {
	struct ahci_disk *d;
	UINT8 *buf;
	UINT64 lba;
	UINT32 count, bytes, timeout_ms;
	UINT8 command;
	BOOLEAN write;
};

static EFI_STATUS ata_try_once(void *ctx, UINT32 attempt)
{
	struct ata_try *a = ctx;
	EFI_STATUS status;

	build_fis(a->d->memory + MEM_COMMAND_TABLE, a->command, a->lba, a->count, a->d->id.lba48);
	status = port_issue(a->d, a->buf, a->bytes, a->write, 0, a->timeout_ms);
	if (EFI_ERROR(status))
		log_debug("port %u: command %02x at %llu: %s (TFD %08x), attempt %u", a->d->port,
			  a->command, a->lba, efi_status_name(status), port_read(a->d, PX_TFD),
			  attempt + 1);
	return status;
}

static EFI_STATUS ata_recover(void *ctx)
{
	return port_recover(((struct ata_try *)ctx)->d);
}

/* One ATA command, retried after a port recovery when it fails or times out. */
static EFI_STATUS ahci_command(struct ahci_disk *d, UINT8 command, UINT64 lba, UINT32 count,
			       UINT8 *buf, UINT32 bytes, BOOLEAN write, UINT32 timeout_ms)
{
	struct ata_try a = { .d = d, .buf = buf, .lba = lba, .count = count, .bytes = bytes,
			     .timeout_ms = timeout_ms, .command = command, .write = write };
	EFI_STATUS status = retry_bounded(RETRIES, ata_try_once, ata_recover, &a);

	if (!EFI_ERROR(status))
		return EFI_SUCCESS;
	return log_error_status(status, "port %u: command %02x of %u sectors at %llu", d->port,
				command, count, lba);
}

/* One READ or WRITE DMA (EXT) of n sectors at lba. */
static EFI_STATUS dma_command(void *ctx, EFI_LBA lba, UINT32 n, UINT8 *data, BOOLEAN write)
{
	struct ahci_disk *d = ctx;
	UINT8 command = d->id.lba48 ? (write ? ATA_WRITE_DMA_EXT : ATA_READ_DMA_EXT)
				    : (write ? ATA_WRITE_DMA : ATA_READ_DMA);

	return ahci_command(d, command, lba, n, data, n * d->block.block_size, write, COMMAND_MS);
}

/* Blocks [lba, lba + count) in commands of max_blocks; a buffer the HBA cannot take (odd
 * address) goes a block at a time through the bounce block. */
static EFI_STATUS ahci_transfer(struct ahci_disk *d, EFI_LBA lba, UINTN count, UINT8 *buf,
				BOOLEAN write)
{
	struct block_split split = {
		.block_size = d->block.block_size,
		.max_blocks = d->max_blocks,
		.direct = ((UINTN)buf & 1) == 0,
		.bounce = d->memory + MEM_BOUNCE,
	};

	return block_transfer_split(&split, lba, count, buf, write, dma_command, d);
}

static EFI_STATUS ahci_disk_read(struct block_device *dev, EFI_LBA lba, UINTN count, void *buf)
{
	return ahci_transfer((struct ahci_disk *)dev, lba, count, buf, FALSE);
}

EFI_STATUS ahci_disk_write(struct ahci_disk *disk, EFI_LBA lba, UINTN count, const void *buf)
{
	if (lba >= disk->block.block_count || count > disk->block.block_count - lba)
		return EFI_INVALID_PARAMETER;
	/* The HBA only reads the buffer of a write. */
	return ahci_transfer(disk, lba, count, (UINT8 *)buf, TRUE);
}

EFI_STATUS ahci_disk_flush(struct ahci_disk *disk)
{
	if (!disk->id.flush)
		return EFI_SUCCESS;
	return ahci_command(disk, disk->id.lba48 ? ATA_FLUSH_CACHE_EXT : ATA_FLUSH_CACHE, 0, 0,
			    NULL, 0, FALSE, FLUSH_MS);
}

/*
 * The block interface's write is stable when it returns (lib/storage/block.h): the disk's write
 * cache is flushed after each one, so the FAT writer's ordering holds across a power cut.
 */
static EFI_STATUS ahci_block_write(struct block_device *dev, EFI_LBA lba, UINTN count,
				   const void *buf)
{
	struct ahci_disk *disk = (struct ahci_disk *)dev;
	EFI_STATUS status = ahci_disk_write(disk, lba, count, buf);

	return EFI_ERROR(status) ? status : ahci_disk_flush(disk);
}

/* Point the port at its memory and start it; the device's signature is in PxSIG after. */
static EFI_STATUS port_setup(struct ahci_disk *disk, struct ahci_hba *hba, UINT8 port,
			     void *memory)
{
	UINT64 base = (UINTN)memory;
	EFI_STATUS status;

	*disk = (struct ahci_disk){
		.hba = hba, .regs = hba->abar + PORT_BASE(port), .port = port, .memory = memory
	};
	memset(memory, 0, AHCI_PORT_MEMORY);
	status = port_stop(disk);
	if (EFI_ERROR(status))
		return log_error_status(status, "port %u: does not stop", port);
	port_write(disk, PX_IE, 0);
	port_write(disk, PX_CLB, (UINT32)(base + MEM_COMMAND_LIST));
	port_write(disk, PX_CLBU, (UINT32)((base + MEM_COMMAND_LIST) >> 32));
	port_write(disk, PX_FB, (UINT32)(base + MEM_RECEIVED_FIS));
	port_write(disk, PX_FBU, (UINT32)((base + MEM_RECEIVED_FIS) >> 32));
	status = port_start(disk);
	if (EFI_ERROR(status)) {
		log_error_status(status, "port %u: device stays busy", port);
		port_stop(disk);
	}
	return status;
}

EFI_STATUS ahci_disk_init(struct ahci_disk *disk, struct ahci_hba *hba, UINT8 port, void *memory)
{
	UINT32 per_command;
	EFI_STATUS status;

	status = port_setup(disk, hba, port, memory);
	if (EFI_ERROR(status))
		return status;
	/*
	 * After an HBA reset the probe saw all ones; the device's first FIS, which port_start
	 * waited for, has set the real signature by now. IDENTIFY DEVICE would only be aborted
	 * by a packet device: that one is ahci_atapi_init's.
	 */
	if (port_read(disk, PX_SIG) == SIG_ATAPI) {
		status = EFI_UNSUPPORTED;
		goto err_stop;
	}
	/* IDENTIFY goes through the 28-bit form of the FIS: lba48 is still FALSE here. */
	status = ahci_command(disk, ATA_IDENTIFY, 0, 0, memory + MEM_BOUNCE, ATA_IDENTIFY_WORDS * 2,
			      FALSE, COMMAND_MS);
	if (EFI_ERROR(status))
		goto err_stop;
	status = ata_identify_parse(memory + MEM_BOUNCE, &disk->id);
	if (EFI_ERROR(status)) {
		log_error_status(status, "port %u: unusable IDENTIFY data", port);
		goto err_stop;
	}
	disk->block.read = ahci_disk_read;
	disk->block.write = ahci_block_write;
	disk->block.block_size = disk->id.sector_size;
	disk->block.block_count = disk->id.sectors;
	per_command = MAX_TRANSFER / disk->id.sector_size;
	/* A 16-bit sector count with 48-bit commands, 8 bits (0 is 256) with 28-bit ones. */
	disk->max_blocks = disk->id.lba48 ? (per_command < 65535 ? per_command : 65535)
					  : (per_command < 255 ? per_command : 255);
	log_debug("port %u: %s, %llu sectors of %u%s", port, disk->id.model, disk->id.sectors,
		  disk->id.sector_size, disk->id.lba48 ? ", 48-bit" : "");
	return EFI_SUCCESS;

err_stop:
	port_stop(disk);
	return status;
}

void ahci_disk_shutdown(struct ahci_disk *disk)
{
	if (EFI_ERROR(port_stop(disk)))
		log_warn("port %u: does not stop", disk->port);
}

/*
 * One CDB as a PACKET command (SATA 3.3 §11.5, ATA8-ACS PACKET): the CDB in the table's ATAPI
 * area, data by DMA. An ATAPI device ends a CHECK CONDITION with ERR in the task file and the
 * HBA stopped (TFES): the port is restarted and the status reported, the sense left to REQUEST
 * SENSE. A timeout or bus error stops the port too, so no late data lands in req->data.
 */
static EFI_STATUS atapi_execute(struct scsi_transport *t, UINT16 target, UINT16 lun,
				struct scsi_request *req)
{
	struct ahci_atapi *atapi = container_of(t, struct ahci_atapi, transport);
	struct ahci_disk *d = &atapi->port;
	UINT8 *table = d->memory + MEM_COMMAND_TABLE;
	volatile struct command_header *header =
		(volatile struct command_header *)(d->memory + MEM_COMMAND_LIST);
	UINT32 limit = req->length < 0xfffe ? req->length : 0xfffe;
	EFI_STATUS status;

	if (target || lun)
		return EFI_NOT_FOUND;
	if (req->cdb.length > ATAPI_CDB_SIZE || (req->length & 1))
		return EFI_INVALID_PARAMETER;
	/* The byte count limit goes where an ATA command has LBA 15:8 and 23:16. */
	build_fis(table, ATA_PACKET, (UINT64)limit << 8, 0, FALSE);
	table[3] = req->length ? PACKET_DMA : 0;
	table[7] = 0;
	memset(table + TABLE_ACMD, 0, 16);
	memcpy(table + TABLE_ACMD, req->cdb.bytes, req->cdb.length);
	status = port_issue(d, req->data, req->length, req->write, HEADER_ATAPI, req->timeout_ms);
	if (!EFI_ERROR(status)) {
		req->status = SCSI_STATUS_GOOD;
		req->transferred = header->prdbc;
		return EFI_SUCCESS;
	}
	if (status == EFI_DEVICE_ERROR &&
	    (port_read(d, PX_TFD) & (TFD_ERR | TFD_BSY | TFD_DRQ)) == TFD_ERR) {
		req->status = SCSI_STATUS_CHECK_CONDITION;
		status = EFI_SUCCESS;
	} else {
		log_debug("port %u: packet %02x: %s (TFD %08x)", d->port, req->cdb.bytes[0],
			  efi_status_name(status), port_read(d, PX_TFD));
	}
	if (EFI_ERROR(port_recover(d)))
		return EFI_DEVICE_ERROR;
	return status;
}

EFI_STATUS ahci_atapi_init(struct ahci_atapi *atapi, struct ahci_hba *hba, UINT8 port,
			   void *memory)
{
	EFI_STATUS status;

	status = port_setup(&atapi->port, hba, port, memory);
	if (EFI_ERROR(status))
		return status;
	if (port_read(&atapi->port, PX_SIG) != SIG_ATAPI) {
		status = EFI_UNSUPPORTED;
		goto err_stop;
	}
	atapi->transport = (struct scsi_transport){
		.execute = atapi_execute, .delay_ms = timer_delay_ms, .max_transfer = MAX_TRANSFER,
		.max_cdb = ATAPI_CDB_SIZE, .align = 2, .bounce = atapi->port.memory + MEM_BOUNCE,
	};
	status = scsi_disk_init(&atapi->disk, &atapi->transport, 0, 0);
	if (status == EFI_NO_MEDIA)	/* the port keeps running for the medium to come */
		return status;
	if (EFI_ERROR(status))
		goto err_stop;
	log_debug("port %u: ATAPI %s %s, %llu blocks of %u", port, atapi->disk.inquiry.vendor,
		  atapi->disk.inquiry.product, atapi->disk.block.block_count,
		  atapi->disk.block.block_size);
	return EFI_SUCCESS;

err_stop:
	port_stop(&atapi->port);
	return status;
}
