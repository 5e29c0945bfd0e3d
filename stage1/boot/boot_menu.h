/* SPDX-License-Identifier: MIT */
/* The boot menu: Esc or F12 at boot lists the boot options, and the one chosen boots next. */
#pragma once

/* Name the hotkey, wait the Timeout variable's seconds for it (none: only keys typed already),
 * and on Esc or F12 let the user pick a Boot#### option, which becomes BootNext. */
void boot_menu_offer(void);
