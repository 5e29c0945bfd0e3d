/* SPDX-License-Identifier: MIT */
/* ConOut over the serial terminal and the text console on the screen. */
#pragma once

#include "include/efi/protocol/simple_text_out.h"

/* From now on keep the log's lines for the screen, to draw once it exists. */
void console_splitter_keep_log(void);
/* The splitter over serial alone, for ConOut and StdErr. */
EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL *console_splitter_init(EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL *serial);
/* Add a text console on the first GOP to the splitter; boot lines logged so far are drawn. */
EFI_STATUS console_splitter_add_screen(void);
