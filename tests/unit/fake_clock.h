/* SPDX-License-Identifier: MIT */
/* A fake millisecond clock for host tests of polling drivers, and a log that prints nothing. */
#pragma once

#include "include/efi/types.h"

/* Milliseconds since the test began; every poll of a deadline is one. */
extern UINT64 fake_clock_ms;
/* Called on every poll, after the clock moved: where a fake device does its work. */
extern void (*fake_clock_tick)(void);
