/* SPDX-License-Identifier: MIT */
/* Device paths (UEFI 2.10 §10): size, append, instances and prefixes, no allocation. */
#include "lib/formats/device_path.h"
#include "lib/string.h"

void device_path_set_node(EFI_DEVICE_PATH_PROTOCOL *node, UINT8 type, UINT8 subtype, UINTN length)
{
	node->Type = type;
	node->SubType = subtype;
	node->Length[0] = (UINT8)length;
	node->Length[1] = (UINT8)(length >> 8);
}

UINTN device_path_size_bounded(const void *buf, UINTN max_size)
{
	const UINT8 *p = buf;
	UINTN size = 0, len;

	if (!buf)
		return 0;
	for (;;) {
		const EFI_DEVICE_PATH_PROTOCOL *node = (const void *)(p + size);

		if (max_size - size < END_DEVICE_PATH_LENGTH)
			return 0;
		len = device_path_node_length(node);
		if (len < END_DEVICE_PATH_LENGTH || len > max_size - size)
			return 0;
		size += len;
		if (device_path_is_end(node))
			return len == END_DEVICE_PATH_LENGTH ? size : 0;
	}
}

UINTN device_path_size(const EFI_DEVICE_PATH_PROTOCOL *path)
{
	return device_path_size_bounded(path, DEVICE_PATH_MAX_SIZE);
}

BOOLEAN device_path_is_multi_instance(const EFI_DEVICE_PATH_PROTOCOL *path)
{
	if (!device_path_size(path))
		return FALSE;
	for (; !device_path_is_end(path); path = device_path_next(path))
		if (device_path_is_end_any(path))
			return TRUE;
	return FALSE;
}

static void set_end(void *at, UINT8 subtype)
{
	device_path_set_node(at, END_DEVICE_PATH_TYPE, subtype, END_DEVICE_PATH_LENGTH);
}

UINTN device_path_append(const EFI_DEVICE_PATH_PROTOCOL *a, const EFI_DEVICE_PATH_PROTOCOL *b,
			 void *ret_buf)
{
	UINTN size_a = a ? device_path_size(a) : END_DEVICE_PATH_LENGTH;
	UINTN size_b = b ? device_path_size(b) : END_DEVICE_PATH_LENGTH;
	UINTN body_a = size_a - END_DEVICE_PATH_LENGTH;

	if (!size_a || !size_b)
		return 0;
	if (ret_buf) {
		if (a)
			memcpy(ret_buf, a, body_a);
		if (b)
			memcpy((UINT8 *)ret_buf + body_a, b, size_b);
		else
			set_end((UINT8 *)ret_buf + body_a, END_ENTIRE_DEVICE_PATH_SUBTYPE);
	}
	return body_a + size_b;
}

UINTN device_path_append_node(const EFI_DEVICE_PATH_PROTOCOL *path,
			      const EFI_DEVICE_PATH_PROTOCOL *node, void *ret_buf)
{
	UINTN size = path ? device_path_size(path) : END_DEVICE_PATH_LENGTH;
	UINTN body = size - END_DEVICE_PATH_LENGTH;
	UINTN node_len = node ? device_path_node_length(node) : 0;

	if (!size || (node && node_len < END_DEVICE_PATH_LENGTH))
		return 0;
	if (ret_buf) {
		if (path)
			memcpy(ret_buf, path, body);
		if (node)
			memcpy((UINT8 *)ret_buf + body, node, node_len);
		set_end((UINT8 *)ret_buf + body + node_len, END_ENTIRE_DEVICE_PATH_SUBTYPE);
	}
	return body + node_len + END_DEVICE_PATH_LENGTH;
}

UINTN device_path_append_instance(const EFI_DEVICE_PATH_PROTOCOL *path,
				  const EFI_DEVICE_PATH_PROTOCOL *instance, void *ret_buf)
{
	UINTN size = path ? device_path_size(path) : 0;
	UINTN size_instance = instance ? device_path_size(instance) : 0;

	if (!size_instance || (path && !size))
		return 0;
	if (ret_buf) {
		if (path) {
			memcpy(ret_buf, path, size);
			/* The path's own end node now separates the two instances. */
			set_end((UINT8 *)ret_buf + size - END_DEVICE_PATH_LENGTH,
				END_INSTANCE_DEVICE_PATH_SUBTYPE);
		}
		memcpy((UINT8 *)ret_buf + size, instance, size_instance);
	}
	return size + size_instance;
}

UINTN device_path_next_instance(const EFI_DEVICE_PATH_PROTOCOL *path, void *ret_buf,
				const EFI_DEVICE_PATH_PROTOCOL **ret_next)
{
	const EFI_DEVICE_PATH_PROTOCOL *node = path;
	UINTN body;

	*ret_next = NULL;
	if (!device_path_size(path))
		return 0;
	while (!device_path_is_end_any(node))
		node = device_path_next(node);
	body = (UINTN)((const UINT8 *)node - (const UINT8 *)path);
	if (!device_path_is_end(node))
		*ret_next = device_path_next(node);
	if (ret_buf) {
		memcpy(ret_buf, path, body);
		set_end((UINT8 *)ret_buf + body, END_ENTIRE_DEVICE_PATH_SUBTYPE);
	}
	return body + END_DEVICE_PATH_LENGTH;
}

UINTN device_path_file_node(const CHAR16 *name, void *ret_buf)
{
	UINTN chars = 0, size;

	while (name[chars])
		chars++;
	size = sizeof(FILEPATH_DEVICE_PATH) + (chars + 1) * sizeof(CHAR16);
	if (size > 0xffff)
		return 0;
	if (ret_buf) {
		device_path_set_node(ret_buf, MEDIA_DEVICE_PATH, MEDIA_FILEPATH_DP, size);
		memcpy((UINT8 *)ret_buf + sizeof(FILEPATH_DEVICE_PATH), name,
		       (chars + 1) * sizeof(CHAR16));
		set_end((UINT8 *)ret_buf + size, END_ENTIRE_DEVICE_PATH_SUBTYPE);
	}
	return size + END_DEVICE_PATH_LENGTH;
}

const EFI_DEVICE_PATH_PROTOCOL *device_path_skip_prefix(const EFI_DEVICE_PATH_PROTOCOL *prefix,
							 const EFI_DEVICE_PATH_PROTOCOL *path)
{
	if (!device_path_size(prefix) || !device_path_size(path))
		return NULL;
	for (; !device_path_is_end_any(prefix); prefix = device_path_next(prefix)) {
		UINTN len = device_path_node_length(prefix);

		if (device_path_is_end_any(path) || device_path_node_length(path) != len ||
		    memcmp(prefix, path, len) != 0)
			return NULL;
		path = device_path_next(path);
	}
	return path;
}
