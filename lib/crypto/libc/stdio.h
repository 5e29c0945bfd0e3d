/* SPDX-License-Identifier: MIT */
/* <stdio.h> for mbedTLS in the firmware: no files; snprintf is lib/printf.c's. */
#pragma once

#include "lib/printf.h"
