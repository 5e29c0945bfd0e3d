/* SPDX-License-Identifier: MIT */
/* FAT writing, directory entries: long names, Windows-style 8.3 aliases, growing directories. */
#include "lib/endian.h"
#include "lib/storage/fat_internal.h"
#include "lib/storage/fat_write.h"
#include "lib/string.h"

/* Numeric tails tried before giving up on a basis name (Windows goes to ~999999 with hashes). */
#define ALIAS_MAX_TAIL 99999

static BOOLEAN is_long_char_invalid(CHAR16 c)
{
	return c < 0x20 || c == '"' || c == '*' || c == '/' || c == ':' || c == '<' || c == '>' ||
	       c == '?' || c == '\\' || c == '|' || c == 0x7f;
}

BOOLEAN fat_name_valid(const CHAR16 *name)
{
	UINTN len = 0;

	for (; name[len]; len++)
		if (is_long_char_invalid(name[len]))
			return FALSE;
	if (len == 0 || len > FAT_NAME_MAX)
		return FALSE;
	/* Windows drops trailing dots and spaces; a name of nothing else is no name. */
	while (len > 0 && (name[len - 1] == '.' || name[len - 1] == ' '))
		len--;
	return len > 0;
}

/* Characters a short name may hold besides A-Z and 0-9 (fatgen103 §6.1). */
static BOOLEAN is_short_char(CHAR16 c)
{
	static const char extra[] = "$%'-_@~`!(){}^#&";

	if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return TRUE;
	for (const char *p = extra; *p; p++)
		if (c == (CHAR16)*p)
			return TRUE;
	return FALSE;
}

static CHAR16 upper(CHAR16 c)
{
	return c >= 'a' && c <= 'z' ? c - 32 : c;
}

/*
 * The basis name (fatgen103 §7, "Basis-Name Generation"): upper case, invalid characters as
 * '_', spaces and leading or inner periods dropped, 8 + 3 characters kept. ret_lossy says the
 * long name cannot be told back from it (a numeric tail is needed); ret_flags are the NT case
 * bits when the name is a plain 8.3 one in lower case; ret_exact that it is 8.3 as it stands.
 */
static void basis_name(const CHAR16 *name, UINTN len, UINT8 ret_short[11], UINT8 *ret_flags,
		       BOOLEAN *ret_lossy, BOOLEAN *ret_exact)
{
	UINTN dot = len, i, n;
	BOOLEAN lossy = FALSE, lower[2] = { FALSE, FALSE }, upper_seen[2] = { FALSE, FALSE };

	memset(ret_short, ' ', 11);
	for (i = 0; i < len; i++)
		if (name[i] == '.')
			dot = i;
	/* A leading period does not start an extension (".profile" has a base only). */
	for (i = 0; i < len && name[i] == '.'; i++)
		;
	if (dot < i)
		dot = len;
	if (i > 0)
		lossy = TRUE;
	for (n = 0; i < len; i++) {
		BOOLEAN ext = i > dot;
		CHAR16 c = name[i];

		if (i == dot)
			continue;
		if (c == ' ' || c == '.') {
			lossy = TRUE;
			continue;
		}
		if (c >= 'a' && c <= 'z')
			lower[ext] = TRUE;
		if (c >= 'A' && c <= 'Z')
			upper_seen[ext] = TRUE;
		c = upper(c);
		if (!is_short_char(c)) {
			c = '_';
			lossy = TRUE;
		}
		if (ext) {
			if (n < 8)
				n = 8;
			if (n >= 11) {
				lossy = TRUE;
				continue;
			}
		} else if (n >= 8) {
			lossy = TRUE;
			continue;
		}
		ret_short[n++] = (UINT8)c;
	}
	if (ret_short[0] == ' ') {
		ret_short[0] = '_';
		lossy = TRUE;
	}
	/* 0xe5 would read as "deleted" (it cannot occur here, all bytes are ASCII). */
	*ret_lossy = lossy;
	*ret_flags = 0;
	*ret_exact = !lossy;
	if (lower[0] && upper_seen[0])
		*ret_exact = FALSE;
	else if (lower[0])
		*ret_flags |= NT_LOWER_BASE;
	if (lower[1] && upper_seen[1])
		*ret_exact = FALSE;
	else if (lower[1])
		*ret_flags |= NT_LOWER_EXT;
}

/* Whether an entry of dir has the 11-byte short name. */
static EFI_STATUS short_name_taken(const struct fat_file *dir, const UINT8 name[11],
				   BOOLEAN *ret_taken)
{
	const UINT8 *e;
	EFI_STATUS status;

	*ret_taken = FALSE;
	for (UINT32 i = 0;; i++) {
		status = fat_dir_entry(dir, i, &e);
		if (status == EFI_NOT_FOUND)
			return EFI_SUCCESS;
		if (EFI_ERROR(status))
			return status;
		if (e[DIR_NAME] == 0)
			return EFI_SUCCESS;
		if (e[DIR_NAME] == DIR_DELETED || (e[DIR_ATTR] & 0x3f) == FAT_ATTR_LONG_NAME)
			continue;
		if (!memcmp(e, name, 11)) {
			*ret_taken = TRUE;
			return EFI_SUCCESS;
		}
	}
}

/* "NAME~N": the basis cut so the tail fits in 8 characters, the first N not taken in dir. */
static EFI_STATUS numeric_tail(const struct fat_file *dir, UINT8 name[11])
{
	UINT8 base[8], digits[8];
	UINTN base_len, ndigits, i;
	BOOLEAN taken;
	EFI_STATUS status;

	memcpy(base, name, 8);
	for (base_len = 8; base_len > 0 && base[base_len - 1] == ' '; base_len--)
		;
	for (UINT32 tail = 1; tail <= ALIAS_MAX_TAIL; tail++) {
		ndigits = 0;
		for (UINT32 t = tail; t; t /= 10)
			digits[ndigits++] = (UINT8)('0' + t % 10);
		i = base_len < 7 - ndigits ? base_len : 7 - ndigits;
		memset(name, ' ', 8);
		memcpy(name, base, i);
		name[i++] = '~';
		while (ndigits)
			name[i++] = digits[--ndigits];
		status = short_name_taken(dir, name, &taken);
		if (EFI_ERROR(status))
			return status;
		if (!taken)
			return EFI_SUCCESS;
	}
	return EFI_ACCESS_DENIED;
}

/* Whether entry index of dir is free; *ret_end says it is the end mark (all after it are free). */
static EFI_STATUS entry_free(const struct fat_file *dir, UINT32 index, BOOLEAN *ret_free,
			     BOOLEAN *ret_end)
{
	const UINT8 *e;
	EFI_STATUS status;

	status = fat_dir_entry(dir, index, &e);
	if (EFI_ERROR(status))
		return status;
	*ret_end = e[DIR_NAME] == 0;
	*ret_free = *ret_end || e[DIR_NAME] == DIR_DELETED;
	return EFI_SUCCESS;
}

/* Add a zeroed cluster at the end of directory dir; the fixed root cannot grow. */
static EFI_STATUS dir_grow(const struct fat_file *dir)
{
	struct fat_volume *vol = dir->vol;
	struct fat_chain chain;
	UINT32 c;
	EFI_STATUS status;

	if (dir->first_cluster == 0)
		return EFI_VOLUME_FULL;
	fat_chain_start(&chain, dir->first_cluster);
	while ((status = fat_chain_step(vol, &chain)) == EFI_SUCCESS)
		;
	if (status != EFI_END_OF_FILE)
		return status;
	if ((UINT64)(chain.index + 2) * vol->cluster_size / FAT_DIRENT_SIZE > FAT_DIR_MAX_ENTRIES)
		return EFI_VOLUME_FULL;
	status = fat_alloc_chain(vol, 1, &c);
	if (EFI_ERROR(status))
		return status;
	/* Zeros on the disk before the link: the cluster reads as "end of directory" at once. */
	vol->dir_cache_lba = FAT_NO_LBA;
	memset(vol->dir_cache, 0, vol->bytes_per_sector);
	for (UINT32 s = 0; s < vol->sectors_per_cluster; s++) {
		status = fat_write_blocks(vol, fat_cluster_lba(vol, c) + s, 1, vol->dir_cache);
		if (EFI_ERROR(status))
			return status;
	}
	status = fat_table_writeback(vol);
	if (EFI_ERROR(status))
		return status;
	status = fat_set_raw(vol, chain.cluster, c);
	if (EFI_ERROR(status))
		return status;
	return fat_table_writeback(vol);
}

/*
 * The first index of count free consecutive entries in dir, growing it if need be. A run that
 * fits in a sector stays within one, so the entries of a name are written at once: a cut cannot
 * leave part of a long name (only names over 195 characters on 512-byte sectors span two).
 */
static EFI_STATUS find_slots(const struct fat_file *dir, UINT32 count, UINT32 *ret_index)
{
	UINT32 per_sector = dir->vol->bytes_per_sector / FAT_DIRENT_SIZE, run = 0, i;
	UINT32 end_at = FAT_UNKNOWN;
	BOOLEAN is_free, end;
	EFI_STATUS status;

	for (i = 0;; i++) {
		status = entry_free(dir, i, &is_free, &end);
		if (status == EFI_NOT_FOUND) {
			/* Past the last cluster: grow, then the free run continues into it. */
			status = dir_grow(dir);
			if (EFI_ERROR(status))
				return status;
			i--;
			continue;
		}
		if (EFI_ERROR(status))
			return status;
		if (end && end_at == FAT_UNKNOWN)
			end_at = i;
		if (i % per_sector == 0 && count <= per_sector)
			run = 0;
		run = is_free ? run + 1 : 0;
		if (run == count)
			break;
	}
	*ret_index = i + 1 - count;
	/* End marks skipped over would hide the new entries from readers: mark them deleted. */
	for (i = end_at; i < *ret_index; i++) {
		UINT64 lba;
		UINT8 *e;

		status = fat_dir_locate(dir, i, &lba, &e);
		if (EFI_ERROR(status))
			return status;
		e[DIR_NAME] = DIR_DELETED;
		if (i + 1 != *ret_index && (i + 1) % per_sector != 0)
			continue;
		status = fat_write_blocks(dir->vol, lba, 1, dir->vol->dir_cache);
		if (EFI_ERROR(status))
			return status;
	}
	return EFI_SUCCESS;
}

/* Long-name entry seq (1-based, last flagged) holding name's characters from (seq-1)*13. */
static void lfn_entry(UINT8 e[32], const CHAR16 *name, UINTN len, UINT8 seq, BOOLEAN last,
		      UINT8 checksum)
{
	static const UINT8 offsets[FAT_LFN_CHARS] = {
		1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30
	};

	memset(e, 0, 32);
	e[LFN_ORDER] = (UINT8)(seq | (last ? LFN_LAST : 0));
	e[LFN_ATTR] = FAT_ATTR_LONG_NAME;
	e[LFN_CHECKSUM] = checksum;
	for (UINTN i = 0; i < FAT_LFN_CHARS; i++) {
		UINTN at = (UINTN)(seq - 1) * FAT_LFN_CHARS + i;
		/* After the name one NUL, then 0xffff padding (fatgen103 §7). */
		UINT16 c = at < len ? name[at] : at == len ? 0 : 0xffff;

		e[offsets[i]] = (UINT8)c;
		e[offsets[i] + 1] = (UINT8)(c >> 8);
	}
}

/* Write entry index of dir from e (through the sector cache). */
static EFI_STATUS put_entry(const struct fat_file *dir, UINT32 index, const UINT8 e[32])
{
	UINT64 lba;
	UINT8 *slot;
	EFI_STATUS status;

	status = fat_dir_locate(dir, index, &lba, &slot);
	if (EFI_ERROR(status))
		return status;
	memcpy(slot, e, 32);
	return fat_write_blocks(dir->vol, lba, 1, dir->vol->dir_cache);
}

/*
 * Entries [index, index + count) of dir, a sector a write, the short entry's (the last) first:
 * alone it is a valid file, while long-name parts without it would be orphans.
 */
static EFI_STATUS put_entries(const struct fat_file *dir, UINT32 index, UINT32 count,
			      UINT8 entries[][32])
{
	UINT32 per_sector = dir->vol->bytes_per_sector / FAT_DIRENT_SIZE;
	UINT32 end = index + count, start;
	UINT64 lba;
	UINT8 *slot;
	EFI_STATUS status;

	while (end > index) {
		start = (end - 1) - (end - 1) % per_sector;
		if (start < index)
			start = index;
		for (UINT32 i = start; i < end; i++) {
			status = fat_dir_locate(dir, i, &lba, &slot);
			if (EFI_ERROR(status))
				return status;
			memcpy(slot, entries[i - index], 32);
		}
		status = fat_write_blocks(dir->vol, lba, 1, dir->vol->dir_cache);
		if (EFI_ERROR(status))
			return status;
		end = start;
	}
	return EFI_SUCCESS;
}

EFI_STATUS fat_dirent_add(const struct fat_file *dir, const CHAR16 *name, const UINT8 raw[32],
			  struct fat_file *ret_file)
{
	struct fat_volume *vol = dir->vol;
	UINT8 e[32], entries[FAT_LFN_MAX_ENTRIES + 1][32], flags, checksum;
	UINT32 index = 0, count;
	UINTN len = 0;
	BOOLEAN lossy, exact, taken;
	EFI_STATUS status;

	while (name[len])
		len++;
	while (len > 0 && (name[len - 1] == '.' || name[len - 1] == ' '))
		len--;
	memcpy(e, raw, 32);
	basis_name(name, len, e, &flags, &lossy, &exact);
	status = short_name_taken(dir, e, &taken);
	if (EFI_ERROR(status))
		return status;
	if (lossy || taken) {
		status = numeric_tail(dir, e);
		if (EFI_ERROR(status))
			return status;
		exact = FALSE;
	}
	e[DIR_NT_FLAGS] = exact ? flags : 0;
	count = exact ? 0 : (UINT32)((len + FAT_LFN_CHARS - 1) / FAT_LFN_CHARS);
	status = find_slots(dir, count + 1, &index);
	if (EFI_ERROR(status))
		return status;
	checksum = fat_short_name_checksum(e);
	for (UINT32 i = 0; i < count; i++)
		lfn_entry(entries[i], name, len, (UINT8)(count - i), i == 0, checksum);
	memcpy(entries[count], e, 32);
	status = put_entries(dir, index, count + 1, entries);
	if (EFI_ERROR(status))
		return status;
	memset(ret_file, 0, sizeof(*ret_file));
	ret_file->vol = vol;
	ret_file->dir_cluster = dir->first_cluster;
	ret_file->dir_index = index + count;
	ret_file->lfn_count = (UINT8)count;
	ret_file->attributes = e[DIR_ATTR];
	ret_file->first_cluster =
		get_le16(e + DIR_CLUSTER_LO) | (UINT32)get_le16(e + DIR_CLUSTER_HI) << 16;
	if (ret_file->attributes & FAT_ATTR_DIRECTORY)
		ret_file->size = 0;
	else
		ret_file->size = get_le32(e + DIR_FILE_SIZE);
	ret_file->create_time = get_le16(e + DIR_CREATE_TIME);
	ret_file->create_date = get_le16(e + DIR_CREATE_DATE);
	ret_file->access_date = get_le16(e + DIR_ACCESS_DATE);
	ret_file->write_time = get_le16(e + DIR_WRITE_TIME);
	ret_file->write_date = get_le16(e + DIR_WRITE_DATE);
	memcpy(ret_file->name, name, len * sizeof(CHAR16));
	ret_file->name[len] = 0;
	return EFI_SUCCESS;
}

static void parent_of(const struct fat_file *file, struct fat_file *ret_dir)
{
	memset(ret_dir, 0, sizeof(*ret_dir));
	ret_dir->vol = file->vol;
	ret_dir->first_cluster = file->dir_cluster;
	ret_dir->attributes = FAT_ATTR_DIRECTORY;
}

EFI_STATUS fat_dirent_remove(const struct fat_file *file)
{
	struct fat_file dir;
	UINT32 per_sector = file->vol->bytes_per_sector / FAT_DIRENT_SIZE;
	UINT64 lba;
	UINT8 *e;
	EFI_STATUS status;

	if (file->dir_index == FAT_UNKNOWN)
		return EFI_ACCESS_DENIED;
	parent_of(file, &dir);
	/* Sector by sector in entry order, so the short entry's sector is written last. */
	for (UINT32 i = file->dir_index - file->lfn_count; i <= file->dir_index; i++) {
		status = fat_dir_locate(&dir, i, &lba, &e);
		if (EFI_ERROR(status))
			return status;
		e[DIR_NAME] = DIR_DELETED;
		if (i != file->dir_index && (i + 1) % per_sector != 0)
			continue;
		status = fat_write_blocks(file->vol, lba, 1, file->vol->dir_cache);
		if (EFI_ERROR(status))
			return status;
	}
	return EFI_SUCCESS;
}

EFI_STATUS fat_dirent_read(const struct fat_file *file, UINT8 ret_raw[32])
{
	struct fat_file dir;
	UINT64 lba;
	UINT8 *e;
	EFI_STATUS status;

	if (file->dir_index == FAT_UNKNOWN)
		return EFI_ACCESS_DENIED;
	parent_of(file, &dir);
	status = fat_dir_locate(&dir, file->dir_index, &lba, &e);
	if (EFI_ERROR(status))
		return status;
	memcpy(ret_raw, e, 32);
	return EFI_SUCCESS;
}

EFI_STATUS fat_dirent_write(const struct fat_file *file, const UINT8 raw[32])
{
	struct fat_file dir;

	if (file->dir_index == FAT_UNKNOWN)
		return EFI_ACCESS_DENIED;
	parent_of(file, &dir);
	return put_entry(&dir, file->dir_index, raw);
}
