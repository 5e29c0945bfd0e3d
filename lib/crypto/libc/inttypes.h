/* SPDX-License-Identifier: MIT */
/* <inttypes.h> for mbedTLS in the firmware: the fixed-width types are enough. */
#pragma once

#include <stdint.h>
