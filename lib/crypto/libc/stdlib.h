/* SPDX-License-Identifier: MIT */
/* <stdlib.h> for mbedTLS in the firmware: empty, memory comes through crypto_calloc/crypto_free. */
#pragma once

#include <stddef.h>
