/* SPDX-License-Identifier: MIT */
/* Device path walking, building and text conversion without allocation, testable on the host. */
#pragma once

#include "include/efi/device_path.h"
#include "include/efi/types.h"

/* No path Strata builds or accepts is longer; also stops walks of unterminated garbage. */
#define DEVICE_PATH_MAX_SIZE (1024u * 1024)

/* Bytes of one node, from its (unaligned) header. */
static inline UINTN device_path_node_length(const EFI_DEVICE_PATH_PROTOCOL *node)
{
	return (UINTN)node->Length[0] | (UINTN)node->Length[1] << 8;
}

/* The node after node. */
static inline const EFI_DEVICE_PATH_PROTOCOL *device_path_next(const EFI_DEVICE_PATH_PROTOCOL *node)
{
	const UINT8 *p = (const UINT8 *)node;

	return (const EFI_DEVICE_PATH_PROTOCOL *)(p + device_path_node_length(node));
}

/* Whether node ends the whole path (not just an instance). */
static inline BOOLEAN device_path_is_end(const EFI_DEVICE_PATH_PROTOCOL *node)
{
	return node->Type == END_DEVICE_PATH_TYPE &&
	       node->SubType == END_ENTIRE_DEVICE_PATH_SUBTYPE;
}

/* Whether node ends the path or one instance of it. */
static inline BOOLEAN device_path_is_end_any(const EFI_DEVICE_PATH_PROTOCOL *node)
{
	return node->Type == END_DEVICE_PATH_TYPE;
}

/* Fill a node header. */
void device_path_set_node(EFI_DEVICE_PATH_PROTOCOL *node, UINT8 type, UINT8 subtype, UINTN length);
/* Size of the path in the first max_size bytes of buf, end node included; 0 if malformed. */
UINTN device_path_size_bounded(const void *buf, UINTN max_size);
/* Size of path including its end node; 0 for NULL or a malformed path. */
UINTN device_path_size(const EFI_DEVICE_PATH_PROTOCOL *path);
/* Whether an end-of-instance node comes before the end of path. */
BOOLEAN device_path_is_multi_instance(const EFI_DEVICE_PATH_PROTOCOL *path);

/*
 * Builders: each writes into ret_buf (NULL: only compute) and returns the bytes of the result,
 * 0 when an input is malformed. The result always ends with an end-of-path node.
 */
/* a's nodes then b's (UEFI AppendDevicePath: NULL inputs count as empty paths). */
UINTN device_path_append(const EFI_DEVICE_PATH_PROTOCOL *a, const EFI_DEVICE_PATH_PROTOCOL *b,
			 void *ret_buf);
/* path (NULL: empty) followed by the one node (NULL: nothing). */
UINTN device_path_append_node(const EFI_DEVICE_PATH_PROTOCOL *path,
			      const EFI_DEVICE_PATH_PROTOCOL *node, void *ret_buf);
/* path, an end-of-instance node, then instance; 0 if instance is NULL. */
UINTN device_path_append_instance(const EFI_DEVICE_PATH_PROTOCOL *path,
				  const EFI_DEVICE_PATH_PROTOCOL *instance, void *ret_buf);
/* The first instance of path as a path of its own; *ret_next: the next instance or NULL. */
UINTN device_path_next_instance(const EFI_DEVICE_PATH_PROTOCOL *path, void *ret_buf,
				const EFI_DEVICE_PATH_PROTOCOL **ret_next);
/* A file path node holding name, then an end node: a path of its own, or a node to append. */
UINTN device_path_file_node(const CHAR16 *name, void *ret_buf);

/* The rest of path after the nodes of prefix (up to its first end node); NULL if they differ. */
const EFI_DEVICE_PATH_PROTOCOL *device_path_skip_prefix(const EFI_DEVICE_PATH_PROTOCOL *prefix,
							 const EFI_DEVICE_PATH_PROTOCOL *path);
/*
 * Join the file path nodes that make up path into one name, with one '\' between components,
 * into buf (buf_chars CHAR16s, NUL included); *ret_chars gets the characters needed, NUL
 * included. EFI_NOT_FOUND if another kind of node comes first, EFI_BUFFER_TOO_SMALL.
 */
EFI_STATUS device_path_file_name(const EFI_DEVICE_PATH_PROTOCOL *path, CHAR16 *buf, UINTN buf_chars,
				 UINTN *ret_chars);

/* Flags of the text forms: ToText's DisplayOnly (TRUE works too) and AllowShortcuts. */
#define DEVICE_PATH_TEXT_DISPLAY_ONLY 1
#define DEVICE_PATH_TEXT_SHORTCUTS 2

/*
 * Text forms as UEFI 2.10 §10.6 and EDK2 write them ("PciRoot(0x0)/Pci(0x3,0x0)/HD(1,GPT,...)").
 * Write at most buf_chars CHAR16s, always NUL-terminated if buf_chars > 0; return the length
 * of the whole text without the NUL, so a caller can size a buffer with a first call.
 */
UINTN device_path_node_to_text(const EFI_DEVICE_PATH_PROTOCOL *node, UINT8 flags, CHAR16 *buf,
			       UINTN buf_chars);
UINTN device_path_to_text(const EFI_DEVICE_PATH_PROTOCOL *path, UINT8 flags, CHAR16 *buf,
			  UINTN buf_chars);

/*
 * The binary form of text as EDK2's DevicePathFromText parses it (UEFI 2.10 §10.6.3): nodes
 * split at '/', instances at ',', a text no node name matches is a file path node. With
 * node_only the whole text is one node, without an end node. Writes at most buf_size bytes into
 * ret_buf (NULL: only compute) and returns the bytes of the whole result; 0 for an empty text or
 * a node longer than a device path node can be.
 */
UINTN device_path_from_text(const CHAR16 *text, BOOLEAN node_only, void *ret_buf, UINTN buf_size);
