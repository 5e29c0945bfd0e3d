/* SPDX-License-Identifier: MIT */
/* A struct flash_device over memory that can lose power after any step, for tests and fuzzers. */
#pragma once

#include <stdbool.h>

#include "lib/storage/flash.h"

/* How the step the power is cut at ends. */
enum fake_flash_cut {
	FAKE_FLASH_CUT_BEFORE,	/* nothing of it happens */
	FAKE_FLASH_CUT_HALF,	/* a program writes half its bytes, an erase half its block */
	FAKE_FLASH_CUT_ALL_BUT_ONE, /* a program writes all but its last byte; an erase all */
};

struct fake_flash {
	struct flash_device dev;	/* hand &flash->dev to the code under test */
	UINT8 *mem;			/* the device bytes, not owned */
	unsigned steps;			/* program and erase calls so far */
	unsigned cut_at;		/* the step (1-based) the power goes at; 0: never */
	enum fake_flash_cut cut;
	bool dead;			/* the power is gone: program and erase fail */
	unsigned bit_sets;		/* bits a program tried to turn from 0 to 1 (NOR cannot) */
};

/* A device of size bytes (whole blocks) over mem. */
void fake_flash_init(struct fake_flash *f, UINT8 *mem, UINT32 size, UINT32 block_size);
/* Cut the power at the step after the next `after` ones (0: the very next), ending it as cut. */
void fake_flash_cut_after(struct fake_flash *f, unsigned after, enum fake_flash_cut cut);
