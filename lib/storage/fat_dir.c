/* SPDX-License-Identifier: MIT */
/* FAT directories: long and 8.3 names, enumeration and path lookup. */
#include "lib/endian.h"
#include "lib/storage/fat.h"
#include "lib/storage/fat_internal.h"
#include "lib/string.h"

UINT8 fat_short_name_checksum(const UINT8 *name)
{
	UINT8 sum = 0;
	int i;

	for (i = 0; i < 11; i++)
		sum = (UINT8)(((sum & 1) << 7) + (sum >> 1) + name[i]);
	return sum;
}

/* Long name being collected from the LFN entries that precede a short entry (fatgen103 §7). */
struct lfn_state {
	UINT8 expected;		/* sequence number the next LFN entry must have; 0: none pending */
	UINT8 checksum;
	BOOLEAN complete;	/* entry 1 seen: valid for the short entry that follows */
	CHAR16 name[FAT_LFN_MAX_ENTRIES * FAT_LFN_CHARS + 1];
};

static void lfn_add(struct lfn_state *lfn, const UINT8 *e)
{
	static const UINT8 char_offsets[FAT_LFN_CHARS] = {
		1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30,
	};
	UINT8 seq = e[LFN_ORDER] & 0x1f;
	int i;

	if (e[LFN_ORDER] & LFN_LAST) {
		memset(lfn, 0, sizeof(*lfn));
		lfn->expected = seq;
		lfn->checksum = e[LFN_CHECKSUM];
	}
	if (seq == 0 || seq > FAT_LFN_MAX_ENTRIES || seq != lfn->expected ||
	    e[LFN_CHECKSUM] != lfn->checksum || lfn->complete) {
		lfn->expected = 0;
		lfn->complete = FALSE;
		return;
	}
	for (i = 0; i < FAT_LFN_CHARS; i++)
		lfn->name[(seq - 1) * FAT_LFN_CHARS + i] = get_le16(e + char_offsets[i]);
	lfn->expected--;
	lfn->complete = seq == 1;
}

/* "NAME.EXT" of a short entry, honouring the NT lower-case flags. */
static void short_name(const UINT8 *e, CHAR16 ret_name[13])
{
	int i, n = 0, end;

	for (end = 8; end > 0 && e[end - 1] == ' '; end--)
		;
	for (i = 0; i < end; i++) {
		/* A first byte 0x05 stands for a real 0xe5, which would mean "deleted". */
		UINT8 c = i == 0 && e[0] == 0x05 ? DIR_DELETED : e[i];

		ret_name[n++] = e[DIR_NT_FLAGS] & NT_LOWER_BASE && c >= 'A' && c <= 'Z' ? c + 32 :
											  c;
	}
	for (end = 11; end > 8 && e[end - 1] == ' '; end--)
		;
	if (end > 8)
		ret_name[n++] = '.';
	for (i = 8; i < end; i++)
		ret_name[n++] = e[DIR_NT_FLAGS] & NT_LOWER_EXT && e[i] >= 'A' && e[i] <= 'Z' ?
					e[i] + 32 : e[i];
	ret_name[n] = 0;
}

/* Next entry, "." and ".." included (for fat_open); ret_short gets the 8.3 name. */
static EFI_STATUS dir_next_raw(const struct fat_file *dir, struct fat_dir_cursor *cursor,
			       struct fat_file *ret_entry, CHAR16 ret_short[13])
{
	struct lfn_state lfn = { 0 };
	const UINT8 *e;
	UINT32 lfn_first = 0;
	UINTN len;
	EFI_STATUS status;

	if (!(dir->attributes & FAT_ATTR_DIRECTORY))
		return EFI_INVALID_PARAMETER;
	for (;; cursor->index++) {
		status = fat_dir_entry(dir, cursor->index, &e);
		if (EFI_ERROR(status))
			return status;
		if (e[DIR_NAME] == 0)
			return EFI_NOT_FOUND;
		if (e[DIR_NAME] == DIR_DELETED) {
			lfn.expected = 0;
			lfn.complete = FALSE;
			continue;
		}
		if ((e[DIR_ATTR] & 0x3f) == FAT_ATTR_LONG_NAME) {
			if (e[LFN_ORDER] & LFN_LAST)
				lfn_first = cursor->index;
			lfn_add(&lfn, e);
			continue;
		}
		if (e[DIR_ATTR] & FAT_ATTR_VOLUME_ID) {
			lfn.complete = FALSE;
			continue;
		}
		break;
	}
	memset(ret_entry, 0, sizeof(*ret_entry));
	ret_entry->vol = dir->vol;
	ret_entry->dir_cluster = dir->first_cluster;
	ret_entry->dir_index = cursor->index++;
	ret_entry->attributes = e[DIR_ATTR];
	ret_entry->first_cluster = get_le16(e + DIR_CLUSTER_LO);
	if (dir->vol->fat_type == 32)
		ret_entry->first_cluster |= (UINT32)get_le16(e + DIR_CLUSTER_HI) << 16;
	ret_entry->create_time = get_le16(e + DIR_CREATE_TIME);
	ret_entry->create_date = get_le16(e + DIR_CREATE_DATE);
	ret_entry->access_date = get_le16(e + DIR_ACCESS_DATE);
	ret_entry->write_time = get_le16(e + DIR_WRITE_TIME);
	ret_entry->write_date = get_le16(e + DIR_WRITE_DATE);
	if (ret_entry->attributes & FAT_ATTR_DIRECTORY) {
		/* ".." of a first-level directory says 0 for the root, on FAT32 too. */
		if (ret_entry->first_cluster == 0)
			ret_entry->first_cluster = dir->vol->root_cluster;
	} else {
		ret_entry->size = get_le32(e + DIR_FILE_SIZE);
	}
	short_name(e, ret_short);

	if (lfn.complete && lfn.checksum == fat_short_name_checksum(e)) {
		for (len = 0; len < FAT_LFN_MAX_ENTRIES * FAT_LFN_CHARS && lfn.name[len]; len++)
			;
		if (len > 0 && len <= FAT_NAME_MAX) {
			memcpy(ret_entry->name, lfn.name, len * sizeof(CHAR16));
			ret_entry->lfn_count = (UINT8)(ret_entry->dir_index - lfn_first);
			return EFI_SUCCESS;
		}
	}
	memcpy(ret_entry->name, ret_short, 13 * sizeof(CHAR16));
	return EFI_SUCCESS;
}

static BOOLEAN is_dot_name(const CHAR16 *name)
{
	return name[0] == '.' && (name[1] == 0 || (name[1] == '.' && name[2] == 0));
}

EFI_STATUS fat_dir_next(const struct fat_file *dir, struct fat_dir_cursor *cursor,
			struct fat_file *ret_entry)
{
	CHAR16 short_buf[13];
	EFI_STATUS status;

	do {
		status = dir_next_raw(dir, cursor, ret_entry, short_buf);
		if (EFI_ERROR(status))
			return status;
	} while (is_dot_name(short_buf));
	return EFI_SUCCESS;
}

static CHAR16 fold(CHAR16 c)
{
	return c >= 'a' && c <= 'z' ? c - 32 : c;
}

static BOOLEAN name_equal(const CHAR16 *name, const CHAR16 *component, UINTN len)
{
	UINTN i;

	for (i = 0; i < len; i++)
		if (name[i] == 0 || fold(name[i]) != fold(component[i]))
			return FALSE;
	return name[len] == 0;
}

static BOOLEAN is_separator(CHAR16 c)
{
	return c == '\\' || c == '/';
}

/* Find the component [name, name + len) in dir; ".." is looked up like any name. */
static EFI_STATUS dir_lookup(const struct fat_file *dir, const CHAR16 *name, UINTN len,
			     struct fat_file *ret_file)
{
	struct fat_dir_cursor cursor = { 0 };
	CHAR16 short_buf[13];
	EFI_STATUS status;

	for (;;) {
		status = dir_next_raw(dir, &cursor, ret_file, short_buf);
		if (EFI_ERROR(status))
			return status;
		if (name_equal(ret_file->name, name, len) || name_equal(short_buf, name, len))
			return EFI_SUCCESS;
	}
}

/*
 * A ".." entry names the parent by its first cluster only. Find the parent's own entry in the
 * grandparent (which the parent's ".." names), so the file has the parent's name and place, as
 * EDK2's FAT driver gives it: the Shell builds a directory's full path by opening ".." up to the
 * root and reading each name. FALSE: not found, the ".." entry stays as it is.
 */
static BOOLEAN find_parent_entry(struct fat_volume *vol, struct fat_file *parent)
{
	struct fat_dir_cursor cursor = { 0 };
	struct fat_file grand, e;
	CHAR16 short_buf[13];

	if (EFI_ERROR(dir_lookup(parent, u"..", 2, &grand)))
		return FALSE;
	if (grand.first_cluster == vol->root_cluster)
		fat_open_root(vol, &grand);
	while (!EFI_ERROR(dir_next_raw(&grand, &cursor, &e, short_buf))) {
		if (e.attributes & FAT_ATTR_DIRECTORY && e.first_cluster == parent->first_cluster &&
		    !is_dot_name(short_buf)) {
			*parent = e;
			return TRUE;
		}
	}
	return FALSE;
}

EFI_STATUS fat_open(struct fat_volume *vol, const struct fat_file *dir, const CHAR16 *path,
		    struct fat_file *ret_file)
{
	struct fat_file cur, next;
	UINTN len;
	EFI_STATUS status;

	if (!dir || is_separator(path[0]))
		fat_open_root(vol, &cur);
	else
		cur = *dir;
	for (;;) {
		while (is_separator(*path))
			path++;
		if (*path == 0)
			break;
		for (len = 0; path[len] && !is_separator(path[len]); len++)
			;
		if (!(cur.attributes & FAT_ATTR_DIRECTORY))
			return EFI_NOT_FOUND;
		if (len == 1 && path[0] == '.') {
			path += len;
			continue;
		}
		/* The root has no ".." entry; it is its own parent. */
		if (len == 2 && path[0] == '.' && path[1] == '.' &&
		    cur.first_cluster == vol->root_cluster) {
			fat_open_root(vol, &cur);
			path += len;
			continue;
		}
		if (len > FAT_NAME_MAX)
			return EFI_NOT_FOUND;
		status = dir_lookup(&cur, path, len, &next);
		if (EFI_ERROR(status))
			return status;
		cur = next;
		if (cur.attributes & FAT_ATTR_DIRECTORY && cur.first_cluster == vol->root_cluster) {
			fat_open_root(vol, &cur);
		} else if (len == 2 && path[0] == '.' && path[1] == '.' &&
			   !find_parent_entry(vol, &cur)) {
			/* ".." names the parent by an entry of the child: not one to rename. */
			cur.dir_index = FAT_UNKNOWN;
		}
		path += len;
	}
	*ret_file = cur;
	return EFI_SUCCESS;
}
