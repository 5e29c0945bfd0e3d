/* SPDX-License-Identifier: MIT */
/* The boot manager: boot options in order, then the removable media path, then BLS entries. */
#pragma once

/* Try every boot option; never returns (halts with a message when all fail). */
__attribute__((noreturn)) void boot_manager_run(void);
