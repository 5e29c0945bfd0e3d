/* SPDX-License-Identifier: MIT */
/* <stdio.h> for mbedTLS in the firmware: no files; snprintf is mapped to crypto_snprintf. */
#pragma once

#include <stddef.h>
#include <stdarg.h>
