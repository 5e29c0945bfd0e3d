/* SPDX-License-Identifier: MIT */
/* libFuzzer target: any CMOS bytes decode to a record whose rules stay in bounds and re-encode. */
#include <stdint.h>
#include <string.h>

#include "lib/formats/boot_record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	UINT8 raw[BOOT_RECORD_SIZE] = { 0 }, again[BOOT_RECORD_SIZE];
	struct boot_record r, back;

	memcpy(raw, data, size < sizeof(raw) ? size : sizeof(raw));
	boot_record_decode(raw, &r);
	if (r.current != BOOT_COPY_NONE && r.current >= BOOT_COPY_COUNT)
		__builtin_trap();
	/* A decoded record survives a round trip unchanged. */
	boot_record_encode(&r, again);
	boot_record_decode(again, &back);
	if (back.current != r.current || back.trial != r.trial || back.passed != r.passed)
		__builtin_trap();
	/* The rules on whatever was read: a copy from the input's tail, marked good or promoted. */
	UINT32 copy = size > BOOT_RECORD_SIZE ? data[BOOT_RECORD_SIZE] % BOOT_COPY_COUNT : 0;
	if (boot_record_consider(&r, copy, 0x12345678) == BOOT_RECORD_TRY)
		boot_record_start(&r, copy, TRUE);
	boot_record_mark_good(&r);
	boot_record_promote(&r);
	boot_record_encode(&r, again);
	(void)boot_record_copy_name(r.current);
	return 0;
}
