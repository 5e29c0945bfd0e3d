/* SPDX-License-Identifier: MIT */
/* A NOR flash in memory: programs only clear bits, erases set blocks to 0xff, power may fail. */
#include <string.h>

#include "tests/unit/fake_flash.h"

static struct fake_flash *of(struct flash_device *dev)
{
	return (struct fake_flash *)dev;
}

static EFI_STATUS fake_read(struct flash_device *dev, UINT32 offset, void *buf, UINT32 size)
{
	if (offset > dev->size || size > dev->size - offset)
		return EFI_INVALID_PARAMETER;
	memcpy(buf, of(dev)->mem + offset, size);
	return EFI_SUCCESS;
}

/* Count one step; TRUE if the power goes during it. */
static bool step_cut(struct fake_flash *f)
{
	f->steps++;
	if (f->cut_at && f->steps == f->cut_at) {
		f->dead = true;
		return true;
	}
	return false;
}

static void program_bytes(struct fake_flash *f, UINT32 offset, const UINT8 *p, UINT32 n)
{
	for (UINT32 i = 0; i < n; i++) {
		UINT8 old = f->mem[offset + i];

		f->bit_sets += __builtin_popcount((UINT8)(~old & p[i]));
		f->mem[offset + i] = old & p[i];
	}
}

static EFI_STATUS fake_program(struct flash_device *dev, UINT32 offset, const void *buf,
			       UINT32 size)
{
	struct fake_flash *f = of(dev);

	if (f->dead)
		return EFI_DEVICE_ERROR;
	if (offset > dev->size || size > dev->size - offset)
		return EFI_INVALID_PARAMETER;
	if (step_cut(f)) {
		if (f->cut == FAKE_FLASH_CUT_HALF)
			program_bytes(f, offset, buf, size / 2);
		else if (f->cut == FAKE_FLASH_CUT_ALL_BUT_ONE && size)
			program_bytes(f, offset, buf, size - 1);
		return EFI_DEVICE_ERROR;
	}
	program_bytes(f, offset, buf, size);
	return EFI_SUCCESS;
}

static EFI_STATUS fake_erase(struct flash_device *dev, UINT32 offset)
{
	struct fake_flash *f = of(dev);

	if (f->dead)
		return EFI_DEVICE_ERROR;
	if (offset % dev->block_size || offset >= dev->size)
		return EFI_INVALID_PARAMETER;
	if (step_cut(f)) {
		if (f->cut == FAKE_FLASH_CUT_HALF)
			memset(f->mem + offset, 0xff, dev->block_size / 2);
		else if (f->cut == FAKE_FLASH_CUT_ALL_BUT_ONE)
			memset(f->mem + offset, 0xff, dev->block_size);
		return EFI_DEVICE_ERROR;
	}
	memset(f->mem + offset, 0xff, dev->block_size);
	return EFI_SUCCESS;
}

void fake_flash_init(struct fake_flash *f, UINT8 *mem, UINT32 size, UINT32 block_size)
{
	memset(f, 0, sizeof(*f));
	f->dev = (struct flash_device){ fake_read, fake_program, fake_erase, block_size, size };
	f->mem = mem;
}

void fake_flash_cut_after(struct fake_flash *f, unsigned after, enum fake_flash_cut cut)
{
	f->cut_at = f->steps + after + 1;
	f->cut = cut;
}
