/* SPDX-License-Identifier: MIT */
/* container_of: from a pointer to a member (an embedded protocol) back to its private object. */
#pragma once

#define container_of(ptr, type, member) ((type *)((char *)(ptr) - __builtin_offsetof(type, member)))
