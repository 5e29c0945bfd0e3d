/* SPDX-License-Identifier: MIT */
/* The boot menu on ConOut (screen and serial), driven by ConIn (PS/2 keyboard and serial). */
#include "include/efi/protocol/simple_text_in.h"
#include "include/efi/protocol/simple_text_out.h"
#include "include/efi/runtime_services.h"
#include "lib/formats/load_option.h"
#include "lib/string.h"
#include "stage1/boot/boot_manager.h"
#include "stage1/boot/boot_menu.h"
#include "stage1/core/events.h"
#include "stage1/core/memory.h"
#include "stage1/core/system_table.h"

#define LOG_PREFIX "boot: "
#include "lib/log.h"

#define MAX_ENTRIES	  16
#define DESCRIPTION_CHARS 60

struct menu_entry {
	UINT16 number;
	CHAR16 text[DESCRIPTION_CHARS + 12]; /* "Boot0001  description" */
};

static BOOLEAN is_hotkey(const EFI_INPUT_KEY *key)
{
	return key->ScanCode == SCAN_ESC || key->ScanCode == SCAN_F12;
}

/* Whether Esc or F12 comes within seconds (0: among the keys typed already). */
static BOOLEAN hotkey_within(UINT16 seconds)
{
	EFI_SIMPLE_TEXT_INPUT_PROTOCOL *in = efi_st->ConIn;
	UINT64 end = time_now_100ns() + (UINT64)seconds * 10000000;
	EFI_INPUT_KEY key;

	do {
		while (!EFI_ERROR(in->ReadKeyStroke(in, &key)))
			if (is_hotkey(&key))
				return TRUE;
	} while (time_now_100ns() < end);
	return FALSE;
}

/* The active options of BootOrder, with their descriptions. */
static UINTN collect_entries(struct menu_entry *entries)
{
	UINT16 *order;
	UINTN size, count = 0;

	if (EFI_ERROR(boot_variable_read(u"BootOrder", (void **)&order, &size)))
		return 0;
	for (UINTN i = 0; i < size / 2 && count < MAX_ENTRIES; i++) {
		struct load_option option;
		CHAR16 name[9];
		void *data;
		UINTN data_size, n;
		struct menu_entry *e = &entries[count];

		load_option_variable_name(u"Boot", order[i], name);
		if (EFI_ERROR(boot_variable_read(name, &data, &data_size)))
			continue;
		if (!EFI_ERROR(load_option_parse(data, data_size, &option)) &&
		    (option.attributes & LOAD_OPTION_ACTIVE)) {
			memcpy(e->text, name, 8 * sizeof(CHAR16));
			e->text[8] = e->text[9] = ' ';
			n = option.description_chars < DESCRIPTION_CHARS ? option.description_chars
									 : DESCRIPTION_CHARS;
			memcpy(e->text + 10, option.description, n * sizeof(CHAR16));
			e->text[10 + n] = 0;
			e->number = order[i];
			count++;
		}
		pool_free(data);
	}
	pool_free(order);
	return count;
}

static void draw(const struct menu_entry *entries, UINTN count, UINTN selected)
{
	EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL *out = efi_st->ConOut;

	out->SetAttribute(out, EFI_TEXT_ATTR(EFI_LIGHTGRAY, EFI_BLACK));
	out->ClearScreen(out);
	out->OutputString(
		out, u"Strata boot menu: Up and Down choose, Enter boots, Esc goes on\r\n\r\n");
	for (UINTN i = 0; i <= count; i++) {
		out->SetAttribute(out, i == selected ? EFI_TEXT_ATTR(EFI_BLACK, EFI_LIGHTGRAY)
						     : EFI_TEXT_ATTR(EFI_LIGHTGRAY, EFI_BLACK));
		out->OutputString(out, i == selected ? u"> " : u"  ");
		out->OutputString(out,
				  i < count ? (CHAR16 *)entries[i].text : u"the usual boot order");
		out->SetAttribute(out, EFI_TEXT_ATTR(EFI_LIGHTGRAY, EFI_BLACK));
		out->OutputString(out, u"\r\n");
	}
}

/* Up, Down and Enter over the entries; the chosen index, count for "the usual boot order". */
static UINTN choose(const struct menu_entry *entries, UINTN count)
{
	EFI_SIMPLE_TEXT_INPUT_PROTOCOL *in = efi_st->ConIn;
	UINTN selected = 0, index;
	EFI_INPUT_KEY key;

	for (;;) {
		draw(entries, count, selected);
		do {
			efi_wait_for_event(1, &in->WaitForKey, &index);
		} while (EFI_ERROR(in->ReadKeyStroke(in, &key)));
		if (key.ScanCode == SCAN_UP && selected > 0)
			selected--;
		else if (key.ScanCode == SCAN_DOWN && selected < count)
			selected++;
		else if (key.ScanCode == SCAN_ESC)
			return count;
		else if (key.UnicodeChar == CHAR_CARRIAGE_RETURN)
			return selected;
	}
}

void boot_menu_offer(void)
{
	static const EFI_GUID global = EFI_GLOBAL_VARIABLE;
	struct menu_entry *entries;
	UINT16 *timeout, seconds = 0;
	UINTN size, count, chosen;
	EFI_STATUS status;

	if (!efi_st->ConIn)
		return;
	if (!EFI_ERROR(boot_variable_read(u"Timeout", (void **)&timeout, &size))) {
		/* 0xffff means "wait for a key"; a menu that never boots alone is not offered. */
		if (size == 2 && *timeout != 0xffff)
			seconds = *timeout;
		pool_free(timeout);
	}
	log_info("Esc or F12: boot menu");
	if (!hotkey_within(seconds))
		return;
	entries = pool_zalloc(MAX_ENTRIES * sizeof(*entries));
	if (!entries) {
		log_warn("no memory for the boot menu");
		return;
	}
	count = collect_entries(entries);
	chosen = choose(entries, count);
	efi_st->ConOut->ClearScreen(efi_st->ConOut);
	if (chosen < count) {
		status = efi_st->RuntimeServices->SetVariable(
			u"BootNext", (EFI_GUID *)&global,
			EFI_VARIABLE_NON_VOLATILE | EFI_VARIABLE_BOOTSERVICE_ACCESS |
				EFI_VARIABLE_RUNTIME_ACCESS,
			sizeof(UINT16), &entries[chosen].number);
		if (EFI_ERROR(status))
			log_warn_status(status, "boot menu: setting BootNext");
		else
			log_info("boot menu: Boot%04X chosen", entries[chosen].number);
	} else {
		log_info("boot menu: the usual boot order");
	}
	pool_free(entries);
}
