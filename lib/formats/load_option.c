/* SPDX-License-Identifier: MIT */
/* EFI_LOAD_OPTION parsing and building (UEFI 2.10 §3.1.3): every field bounded by the buffer. */
#include "lib/endian.h"
#include "lib/formats/device_path.h"
#include "lib/formats/load_option.h"
#include "lib/string.h"

/* Little-endian reads byte by byte: a variable's data need not be aligned. */
EFI_STATUS load_option_parse(const void *buf, UINTN size, struct load_option *ret)
{
	const UINT8 *p = buf;
	UINTN desc_end, path_len, path_size, chars = 0;

	if (!buf || !ret || size < LOAD_OPTION_HEADER_SIZE + sizeof(CHAR16))
		return EFI_INVALID_PARAMETER;
	for (desc_end = LOAD_OPTION_HEADER_SIZE; desc_end + 1 < size; desc_end += 2, chars++) {
		if (!get_le16(p + desc_end))
			break;
	}
	if (desc_end + 1 >= size)
		return EFI_INVALID_PARAMETER;
	desc_end += sizeof(CHAR16);
	path_len = get_le16(p + 4);
	/* The list holds at least one path of one node plus its end node. */
	if (path_len < 2 * END_DEVICE_PATH_LENGTH || path_len > size - desc_end)
		return EFI_INVALID_PARAMETER;
	path_size = device_path_size_bounded(p + desc_end, path_len);
	if (path_size <= END_DEVICE_PATH_LENGTH)
		return EFI_INVALID_PARAMETER;

	ret->attributes = get_le32(p);
	ret->description = (const CHAR16 *)(p + LOAD_OPTION_HEADER_SIZE);
	ret->description_chars = chars;
	ret->file_path = (const EFI_DEVICE_PATH_PROTOCOL *)(p + desc_end);
	ret->file_path_list_length = path_len;
	ret->optional_data_size = size - desc_end - path_len;
	ret->optional_data = ret->optional_data_size ? p + desc_end + path_len : NULL;
	return EFI_SUCCESS;
}

UINTN load_option_build(UINT32 attributes, const CHAR16 *description,
			const EFI_DEVICE_PATH_PROTOCOL *path, const void *optional_data,
			UINTN optional_data_size, void *ret_buf)
{
	UINTN chars = 0, path_size = device_path_size(path), desc_size, size;
	UINT8 *out = ret_buf;

	if (!path_size || path_size > 0xffff)
		return 0;
	while (description && description[chars])
		chars++;
	desc_size = (chars + 1) * sizeof(CHAR16);
	size = LOAD_OPTION_HEADER_SIZE + desc_size + path_size + optional_data_size;
	if (!out)
		return size;
	for (int i = 0; i < 4; i++)
		out[i] = (UINT8)(attributes >> (8 * i));
	out[4] = (UINT8)path_size;
	out[5] = (UINT8)(path_size >> 8);
	for (UINTN i = 0; i < chars; i++) {
		out[LOAD_OPTION_HEADER_SIZE + 2 * i] = (UINT8)description[i];
		out[LOAD_OPTION_HEADER_SIZE + 2 * i + 1] = (UINT8)(description[i] >> 8);
	}
	out[LOAD_OPTION_HEADER_SIZE + 2 * chars] = 0;
	out[LOAD_OPTION_HEADER_SIZE + 2 * chars + 1] = 0;
	memcpy(out + LOAD_OPTION_HEADER_SIZE + desc_size, path, path_size);
	if (optional_data_size)
		memcpy(out + LOAD_OPTION_HEADER_SIZE + desc_size + path_size, optional_data,
		       optional_data_size);
	return size;
}

void load_option_variable_name(const CHAR16 *prefix, UINT16 number, CHAR16 *ret_name)
{
	static const char hex[] = "0123456789ABCDEF";
	UINTN n = 0;

	while (prefix[n]) {
		ret_name[n] = prefix[n];
		n++;
	}
	for (int shift = 12; shift >= 0; shift -= 4)
		ret_name[n++] = (CHAR16)hex[(number >> shift) & 0xf];
	ret_name[n] = 0;
}
