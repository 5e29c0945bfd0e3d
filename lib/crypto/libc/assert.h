/* SPDX-License-Identifier: MIT */
/* <assert.h> for mbedTLS in the firmware: only static assertions are used with our config. */
#pragma once

#define assert(x) ((void)0)
