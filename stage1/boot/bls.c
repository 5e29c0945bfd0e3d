/* SPDX-License-Identifier: MIT */
/* Boot Loader Specification entries on an ESP: read, put in the specification's order, booted. */
#include "include/efi/protocol/simple_file_system.h"
#include "lib/formats/bls.h"
#include "lib/string.h"
#include "stage1/boot/bls.h"
#include "stage1/boot/linux_loader.h"
#include "stage1/core/handles.h"
#include "stage1/core/memory.h"
#include "stage1/protocols/file_load.h"
#include "stage1/stage1.h"

#define LOG_PREFIX "boot: "
#include "lib/log.h"

#define ENTRIES_DIR u"\\loader\\entries"
#define LOADER_CONF u"\\loader\\loader.conf"
/* Entries beyond this many are ignored, with a message. */
#define MAX_ENTRIES 64
/* Entry file names longer than this are ignored (systemd-boot's ids are far shorter). */
#define ID_CHARS 128
#define LABEL_CHARS 160

struct entry_file {
	char id[ID_CHARS];		/* file name without ".conf", ASCII */
	char *text;			/* the file, which entry points into */
	struct bls_entry entry;
};

static const EFI_GUID fs_guid = EFI_SIMPLE_FILE_SYSTEM_PROTOCOL_GUID;

/* "name.conf" (any case) → "name" in ASCII; FALSE for other files and names too long. */
static BOOLEAN entry_id(const CHAR16 *name, char *id)
{
	UINTN n = 0;

	while (name[n])
		n++;
	if (n <= 5 || n - 5 >= ID_CHARS || name[0] == '.')
		return FALSE;
	if (name[n - 5] != '.' || (name[n - 4] | 0x20) != 'c' || (name[n - 3] | 0x20) != 'o' ||
	    (name[n - 2] | 0x20) != 'n' || (name[n - 1] | 0x20) != 'f')
		return FALSE;
	for (UINTN i = 0; i < n - 5; i++)
		id[i] = name[i] < 0x80 ? (char)name[i] : '?';
	id[n - 5] = 0;
	return TRUE;
}

/* Read and parse one entry file; FALSE (and a message) when it cannot be booted. */
static BOOLEAN entry_load(EFI_HANDLE fs, const CHAR16 *name, struct entry_file *file)
{
	CHAR16 path[sizeof(ENTRIES_DIR) / sizeof(CHAR16) + ID_CHARS + 8];
	UINTN dir = sizeof(ENTRIES_DIR) / sizeof(CHAR16) - 1, n = 0, size;
	EFI_STATUS status;

	memcpy(path, ENTRIES_DIR, dir * sizeof(CHAR16));
	path[dir++] = '\\';
	while (name[n] && dir + n + 1 < sizeof(path) / sizeof(CHAR16)) {
		path[dir + n] = name[n];
		n++;
	}
	path[dir + n] = 0;
	status = file_read_all(fs, path, (void **)&file->text, &size);
	if (EFI_ERROR(status)) {
		log_warn_status(status, "entry %ls", name);
		return FALSE;
	}
	status = bls_entry_parse(file->text, size, &file->entry);
	if (EFI_ERROR(status)) {
		log_warn_status(status, "entry %ls has no linux or efi line (or too many lines)",
				name);
		pool_free(file->text);
		file->text = NULL;
		return FALSE;
	}
	file->entry.id = file->id;
	return TRUE;
}

/* Every *.conf in \loader\entries of fs, parsed; *ret_count 0 when there is no such directory. */
static EFI_STATUS entries_read(EFI_HANDLE fs, struct entry_file *files, UINTN *ret_count)
{
	EFI_SIMPLE_FILE_SYSTEM_PROTOCOL *sfs;
	EFI_FILE_PROTOCOL *root, *dir;
	UINT64 info_buf[(SIZE_OF_EFI_FILE_INFO + 512 + 7) / 8];
	EFI_FILE_INFO *info = (EFI_FILE_INFO *)info_buf;
	UINTN count = 0, size;
	char id[ID_CHARS];
	EFI_STATUS status;

	*ret_count = 0;
	status = handle_lookup(fs, &fs_guid, (void **)&sfs);
	if (EFI_ERROR(status))
		return status;
	status = sfs->OpenVolume(sfs, &root);
	if (EFI_ERROR(status))
		return log_warn_status(status, "open the ESP for its entries");
	status = root->Open(root, &dir, ENTRIES_DIR, EFI_FILE_MODE_READ, 0);
	root->Close(root);
	if (EFI_ERROR(status))
		return EFI_NOT_FOUND;
	for (;;) {
		size = sizeof(info_buf);
		status = dir->Read(dir, &size, info);
		if (EFI_ERROR(status) || !size)
			break;
		if (info->Attribute & EFI_FILE_DIRECTORY || !entry_id(info->FileName, id))
			continue;
		if (count == MAX_ENTRIES) {
			log_warn("more than %u entries, %ls and later ones ignored", MAX_ENTRIES,
				 info->FileName);
			break;
		}
		memcpy(files[count].id, id, sizeof(id));
		if (entry_load(fs, info->FileName, &files[count]))
			count++;
	}
	dir->Close(dir);
	*ret_count = count;
	return EFI_SUCCESS;
}

/* Insertion sort: a few entries, and equal ones keep their directory order. */
static void entries_sort(struct entry_file **order, UINTN count)
{
	for (UINTN i = 1; i < count; i++) {
		struct entry_file *e = order[i];
		UINTN j = i;

		for (; j > 0 && bls_entry_compare(&e->entry, &order[j - 1]->entry) < 0; j--)
			order[j] = order[j - 1];
		order[j] = e;
	}
}

/* Whether the loader.conf pattern names id: with or without its ".conf", as systemd-boot does. */
static BOOLEAN default_matches(const char *pattern, const char *id)
{
	char with_suffix[ID_CHARS + 8];
	UINTN n = strlen(id);

	memcpy(with_suffix, id, n);
	memcpy(with_suffix + n, ".conf", 6);
	return bls_pattern_match(pattern, id) || bls_pattern_match(pattern, with_suffix);
}

/* loader.conf `default`: the first entry (in order) it names goes first. */
static void entries_apply_default(EFI_HANDLE fs, struct entry_file **order, UINTN count)
{
	const char *pattern;
	char *conf;
	UINTN size;

	if (EFI_ERROR(file_read_all(fs, LOADER_CONF, (void **)&conf, &size)))
		return;
	pattern = bls_loader_conf_default(conf, size);
	/* "@saved" and friends name EFI variables systemd-boot keeps; not ours to follow. */
	if (pattern && *pattern != '@') {
		UINTN i = 0;

		while (i < count && !default_matches(pattern, order[i]->id))
			i++;
		if (i < count) {
			struct entry_file *e = order[i];

			for (; i > 0; i--)
				order[i] = order[i - 1];
			order[0] = e;
		} else {
			log_warn("loader.conf: default %s names no entry", pattern);
		}
	}
	pool_free(conf);
}

/* An entry path as a UEFI file name in pool memory; NULL when out of memory. */
static CHAR16 *entry_path(const char *path)
{
	UINTN chars = bls_path_ucs2(path, NULL, 0);
	CHAR16 *name = pool_alloc(EfiBootServicesData, chars * sizeof(CHAR16));

	if (name)
		bls_path_ucs2(path, name, chars);
	return name;
}

/* Read path from fs into pool memory. */
static EFI_STATUS read_entry_file(EFI_HANDLE fs, const char *path, void **ret_data,
				  UINTN *ret_size)
{
	CHAR16 *name = entry_path(path);
	EFI_STATUS status;

	if (!name)
		return EFI_OUT_OF_RESOURCES;
	status = file_read_all(fs, name, ret_data, ret_size);
	pool_free(name);
	return status;
}

/* Every initrd of the entry, one after the other in one buffer, as the stub expects them. */
static EFI_STATUS read_initrds(EFI_HANDLE fs, const struct bls_entry *entry, const CHAR16 *label,
			       void **ret_data, UINTN *ret_size)
{
	void *parts[BLS_MAX_INITRDS];
	UINTN sizes[BLS_MAX_INITRDS], total = 0, n, at = 0;
	EFI_STATUS status = EFI_SUCCESS;

	for (n = 0; n < entry->initrd_count; n++) {
		status = read_entry_file(fs, entry->initrd[n], &parts[n], &sizes[n]);
		if (EFI_ERROR(status)) {
			log_warn_status(status, "%ls: initrd %s", label, entry->initrd[n]);
			break;
		}
		total += sizes[n];
	}
	if (!EFI_ERROR(status) && n == 1) {
		*ret_data = parts[0];
		*ret_size = sizes[0];
		return EFI_SUCCESS;
	}
	if (!EFI_ERROR(status)) {
		*ret_data = pool_alloc(EfiBootServicesData, total ? total : 1);
		*ret_size = total;
		if (!*ret_data)
			status = log_warn_status(EFI_OUT_OF_RESOURCES, "%ls: %llu bytes of initrds",
						 label, (UINT64)total);
	}
	for (UINTN i = 0; i < n; i++) {
		if (!EFI_ERROR(status)) {
			memcpy((UINT8 *)*ret_data + at, parts[i], sizes[i]);
			at += sizes[i];
		}
		pool_free(parts[i]);
	}
	return status;
}

/* Read what the entry names and start it; its status when it failed or returned. */
static EFI_STATUS entry_boot(EFI_HANDLE fs, const struct bls_entry *entry, const CHAR16 *label)
{
	const char *image_path = entry->kernel ? entry->kernel : entry->efi;
	struct linux_image li = { .entry = entry };
	void *initrd = NULL;
	EFI_STATUS status;
	CHAR16 *name;

	if (entry->architecture && !bls_pattern_match("x64", entry->architecture)) {
		log_info("%ls is for architecture %s, skipped", label, entry->architecture);
		return EFI_UNSUPPORTED;
	}
	status = read_entry_file(fs, image_path, &li.kernel, &li.kernel_size);
	if (EFI_ERROR(status))
		return log_warn_status(status, "%ls: kernel %s", label, image_path);
	if (entry->initrd_count) {
		status = read_initrds(fs, entry, label, &initrd, &li.initrd_size);
		if (EFI_ERROR(status))
			goto err_kernel;
		li.initrd = initrd;
	}
	name = entry_path(image_path);
	li.path = name ? file_path_on(fs, name) : NULL;
	pool_free(name);
	if (!li.path) {
		status = log_warn_status(EFI_OUT_OF_RESOURCES, "%ls: device path", label);
		goto err_initrd;
	}
	status = linux_boot(&li, label);
	pool_free(li.path);
err_initrd:
	pool_free(initrd);
err_kernel:
	pool_free(li.kernel);
	return status;
}

/* "entry <id> (<title>)" for the log. */
static void entry_label(const struct entry_file *e, CHAR16 *label)
{
	static const char prefix[] = "entry ";
	UINTN n = 0;

	for (const char *s = prefix; *s; s++)
		label[n++] = (CHAR16)*s;
	for (const char *s = e->id; *s && n < LABEL_CHARS - 4; s++)
		label[n++] = (CHAR16)*s;
	if (e->entry.title && *e->entry.title) {
		label[n++] = ' ';
		label[n++] = '(';
		for (const char *s = e->entry.title; *s && n < LABEL_CHARS - 2; s++)
			label[n++] = (UINT8)*s < 0x80 ? (CHAR16)*s : '?';
		label[n++] = ')';
	}
	label[n] = 0;
}

EFI_STATUS bls_boot_entries(EFI_HANDLE fs)
{
	struct entry_file *files = pool_zalloc(MAX_ENTRIES * sizeof(*files));
	struct entry_file *order[MAX_ENTRIES];
	CHAR16 label[LABEL_CHARS];
	UINTN count = 0;
	EFI_STATUS status;

	if (!files)
		return log_warn_status(EFI_OUT_OF_RESOURCES, "Boot Loader Specification entries");
	status = entries_read(fs, files, &count);
	if (EFI_ERROR(status) || !count) {
		log_info("no \\EFI\\BOOT\\BOOTX64.EFI and no Boot Loader Specification entries "
			 "on the boot ESP");
		pool_free(files);
		return EFI_NOT_FOUND;
	}
	for (UINTN i = 0; i < count; i++)
		order[i] = &files[i];
	entries_sort(order, count);
	entries_apply_default(fs, order, count);
	log_info("no \\EFI\\BOOT\\BOOTX64.EFI on the boot ESP: %llu Boot Loader Specification "
		 "entries, %s first", (UINT64)count, order[0]->id);
	/* A kernel that returns, or one that cannot start, hands over to the next entry. */
	for (UINTN i = 0; i < count; i++) {
		entry_label(order[i], label);
		status = entry_boot(fs, &order[i]->entry, label);
	}
	for (UINTN i = 0; i < count; i++)
		pool_free(files[i].text);
	pool_free(files);
	return status;
}
