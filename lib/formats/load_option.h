/* SPDX-License-Identifier: MIT */
/* EFI_LOAD_OPTION (the data of Boot####) parsed and built without allocation, host-testable. */
#pragma once

#include "include/efi/device_path.h"
#include "include/efi/types.h"

/* UEFI 2.10 §3.1.3 */
#define LOAD_OPTION_ACTIVE 0x00000001
#define LOAD_OPTION_FORCE_RECONNECT 0x00000002
#define LOAD_OPTION_HIDDEN 0x00000008
#define LOAD_OPTION_CATEGORY 0x00001f00
#define LOAD_OPTION_CATEGORY_BOOT 0x00000000
#define LOAD_OPTION_CATEGORY_APP 0x00000100

/* Attributes (4) + FilePathListLength (2): the fixed part before Description. */
#define LOAD_OPTION_HEADER_SIZE 6

/* One load option, its pointers into the parsed buffer. */
struct load_option {
	UINT32 attributes;
	const CHAR16 *description;	/* NUL-terminated, inside the buffer */
	UINTN description_chars;	/* without the NUL */
	const EFI_DEVICE_PATH_PROTOCOL *file_path;	/* the first path of FilePathList */
	UINTN file_path_list_length;	/* every path of the list, as the option says */
	const void *optional_data;	/* NULL when there is none */
	UINTN optional_data_size;
};

/*
 * Parse size bytes at buf. EFI_INVALID_PARAMETER when the description has no NUL, the file path
 * list does not fit or its first path is malformed or empty (just an end node).
 */
EFI_STATUS load_option_parse(const void *buf, UINTN size, struct load_option *ret);
/* Write an option into ret_buf (NULL: only compute); returns its size, 0 if path is malformed. */
UINTN load_option_build(UINT32 attributes, const CHAR16 *description,
			const EFI_DEVICE_PATH_PROTOCOL *path, const void *optional_data,
			UINTN optional_data_size, void *ret_buf);
/* "Boot" + 0x1a → "Boot001A" (upper-case hex, as UEFI names them) into ret_name[prefix + 5]. */
void load_option_variable_name(const CHAR16 *prefix, UINT16 number, CHAR16 *ret_name);
