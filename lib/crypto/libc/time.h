/* SPDX-License-Identifier: MIT */
/* <time.h> for mbedTLS in the firmware: empty, MBEDTLS_HAVE_TIME is off. */
#pragma once
