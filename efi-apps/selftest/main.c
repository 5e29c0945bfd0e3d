// SPDX-License-Identifier: MIT
/* The self-test's entry: parse options, calibrate the clock, run every suite, report, shut down. */
#include "efi-apps/selftest/selftest.h"

EFI_HANDLE selftest_image;
EFI_LOADED_IMAGE *selftest_loaded_image;

/* Order matters only for reading the log: cheap table checks first, images and files last. */
static const struct selftest_suite *const suites[] = {
	&system_table_suite, &memory_suite, &memory_map_suite, &events_suite, &timers_suite,
	&protocols_suite, &open_protocol_suite, &images_suite, &filesystem_suite, &file_write_suite,
	&block_io_suite, &runtime_suite, &variables_suite, &config_tables_suite, &console_suite,
	&shell_protocols_suite, &device_paths_suite, &global_variables_suite, &boot_services_suite,
	&pci_io_suite, &memory_attributes_suite,
};

static CHAR16 load_options[256];
static CHAR16 file_options[1024];

/* Splits text in place into blank-separated words and applies each; unknown words are ignored. */
static void apply_words(CHAR16 *text, struct selftest_options *opts)
{
	CHAR16 *word;

	for (CHAR16 *p = text; *p;) {
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			*p++ = 0;
		if (!*p)
			break;
		word = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
			p++;
		if (*p)
			*p++ = 0;
		if (!StrnCmp(word, L"only=", 5))
			opts->only = word + 5;
		else if (!StrnCmp(word, L"skip=", 5) && opts->skip_count < SELFTEST_MAX_SKIP)
			opts->skip[opts->skip_count++] = word + 5;
		else if (!StrCmp(word, L"no-shutdown"))
			opts->no_shutdown = TRUE;
		else if (!StrCmp(word, L"inject-failure"))
			opts->inject_failure = TRUE;
	}
}

/*
 * LoadOptions: boot managers may pass binary optional data (OVMF passes none for the
 * removable-media path), so only an even-sized, printable UCS-2 buffer is taken as text.
 */
static void parse_load_options(struct selftest_options *opts)
{
	const CHAR16 *src = selftest_loaded_image->LoadOptions;
	UINTN n = selftest_loaded_image->LoadOptionsSize / sizeof(CHAR16);

	if (!src || selftest_loaded_image->LoadOptionsSize % sizeof(CHAR16))
		return;
	if (n >= sizeof(load_options) / sizeof(CHAR16))
		return;
	for (UINTN i = 0; i < n && src[i]; i++) {
		if (src[i] < 0x20 || src[i] > 0x7e)
			return;
		load_options[i] = src[i];
	}
	Print(L"selftest: load options \"%s\"\n", load_options);
	apply_words(load_options, opts);
}

/* \selftest\options.txt (ASCII): options for firmware whose boot path passes none, e.g. skips. */
static void parse_options_file(struct selftest_options *opts)
{
	UINT8 *text;
	UINTN size, n = 0;
	BOOLEAN comment = FALSE;

	if (EFI_ERROR(fixture_read_file(FIXTURE_OPTIONS, (void **)&text, &size)))
		return;
	/* '#' comments to the end of the line; line ends and other bytes become blanks. */
	for (UINTN i = 0; i < size && n + 1 < sizeof(file_options) / sizeof(CHAR16); i++) {
		if (text[i] == '#')
			comment = TRUE;
		else if (text[i] == '\n')
			comment = FALSE;
		if (!comment)
			file_options[n++] = text[i] > 0x20 && text[i] <= 0x7e ? text[i] : ' ';
	}
	BS->FreePool(text);
	Print(L"selftest: options file \"%s\"\n", file_options);
	apply_words(file_options, opts);
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	struct selftest_options opts = { 0 };
	UINTN passed, failed;
	EFI_STATUS status;

	InitializeLib(image, st);
	selftest_image = image;
	/* The boot manager arms a 5-minute watchdog; TCG runs of the whole suite may come close. */
	BS->SetWatchdogTimer(0, 0, 0, NULL);
	status = BS->HandleProtocol(image, &LoadedImageProtocol, (void **)&selftest_loaded_image);
	if (EFI_ERROR(status)) {
		Print(L"selftest: no LoadedImage protocol on our own handle: %r\n", status);
		return status;
	}
	parse_load_options(&opts);
	parse_options_file(&opts);
	Print(L"selftest: firmware \"%s\" revision 0x%x, UEFI %d.%d\n", st->FirmwareVendor,
	      st->FirmwareRevision, st->Hdr.Revision >> 16, st->Hdr.Revision & 0xffff);
	status = clock_calibrate();
	Print(L"selftest: clock %a%a\n", clock_source(), EFI_ERROR(status) ? " (failed)" : "");

	selftest_run_suites(suites, sizeof(suites) / sizeof(suites[0]), &opts, &passed, &failed);
	/* The boot tests parse this line: it must stay alone on its line, exactly so. */
	Print(L"%ld passed, %ld failed\n", (UINT64)passed, (UINT64)failed);

	if (opts.no_shutdown)
		return failed ? EFI_ABORTED : EFI_SUCCESS;
	RT->ResetSystem(EfiResetShutdown, EFI_SUCCESS, 0, NULL);
	Print(L"selftest: ResetSystem returned\n");
	return EFI_DEVICE_ERROR;
}
