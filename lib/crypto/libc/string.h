/* SPDX-License-Identifier: MIT */
/* <string.h> for mbedTLS in the firmware: the functions lib/string.c provides. */
#pragma once

#include "lib/string.h"
