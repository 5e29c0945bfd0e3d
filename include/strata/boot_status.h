/* SPDX-License-Identifier: MIT */
/* The StrataBootStatus variable: what stage1 tells the OS about the safe-update logic's last boot. */
#pragma once

/*
 * Volatile, BootService and Runtime access: an ASCII line (no NUL) of space-separated key=value
 * words, for example "copy=STAGE1.BAK try=1 passed=STAGE1.BIN watchdog=i6300esb update=none
 * runtime=RUNTIME.BIN runtime_update=none".
 * docs/updating.md lists the keys and values.
 */
#define STRATA_BOOT_STATUS_GUID \
	{ 0x17abc55e, 0xd24c, 0x4101, { 0xb2, 0x4e, 0x36, 0x4a, 0x7c, 0x7d, 0x77, 0x7c } }
#define STRATA_BOOT_STATUS_NAME u"StrataBootStatus"
