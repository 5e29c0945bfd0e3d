/* SPDX-License-Identifier: MIT */
/* A text console drawn on a graphics output with the built-in font. */
#pragma once

#include "include/efi/protocol/graphics_output.h"
#include "include/efi/protocol/simple_text_out.h"

/* Start the text console on screen in its largest mode (cleared); its SimpleTextOutput. */
EFI_STATUS text_gop_init(EFI_GRAPHICS_OUTPUT_PROTOCOL *screen,
			 EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL **ret_out);
