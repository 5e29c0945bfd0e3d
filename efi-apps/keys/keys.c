// SPDX-License-Identifier: MIT
/*
 * keys: prints every key ConIn's SimpleTextInputEx delivers (scan code, character, shift and toggle
 * state) and a line when a RegisterKeyNotify callback for F12 ran, for tests/boot/test_keyboard.py
 * to type at through QMP send-key.
 */
#include <efi.h>
#include <efilib.h>

static EFI_GUID in_ex_guid = EFI_SIMPLE_TEXT_INPUT_EX_PROTOCOL_GUID;
static volatile UINTN f12_notified;

static EFI_STATUS EFIAPI on_f12(EFI_KEY_DATA *key)
{
	f12_notified++;
	return EFI_SUCCESS;
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	EFI_SIMPLE_TEXT_INPUT_EX_PROTOCOL *in;
	EFI_KEY_DATA f12 = { { SCAN_F12, 0 }, { 0, 0 } };
	EFI_KEY_TOGGLE_STATE toggle = EFI_TOGGLE_STATE_VALID;
	UINTN seen = 0;
	VOID *notify;
	EFI_STATUS status;

	InitializeLib(image, st);
	status = st->BootServices->HandleProtocol(st->ConsoleInHandle, &in_ex_guid, (void **)&in);
	if (EFI_ERROR(status)) {
		Print(L"KEYS-NO-INPUT-EX %r\r\n", status);
		return status;
	}
	in->Reset(in, FALSE);
	/* Caps Lock off and reported as set by us: a known start whatever the firmware had. */
	Print(L"KEYS-SETSTATE %r\r\n", in->SetState(in, &toggle));
	Print(L"KEYS-NOTIFY %r\r\n", in->RegisterKeyNotify(in, &f12, on_f12, &notify));
	Print(L"KEYS-READY\r\n");
	for (;;) {
		EFI_KEY_DATA key;
		UINTN index;

		st->BootServices->WaitForEvent(1, &in->WaitForKeyEx, &index);
		status = in->ReadKeyStrokeEx(in, &key);
		if (status == EFI_NOT_READY)
			continue;
		if (EFI_ERROR(status)) {
			Print(L"KEYS-ERROR %r\r\n", status);
			continue;
		}
		/* Modifier-only reports (EFI 2.3.1 partial keys) carry no key: not printed. */
		if (!key.Key.ScanCode && !key.Key.UnicodeChar)
			continue;
		Print(L"KEY %d scan=%x char=%x shift=%x toggle=%x\r\n", ++seen, key.Key.ScanCode,
		      key.Key.UnicodeChar, key.KeyState.KeyShiftState, key.KeyState.KeyToggleState);
		if (f12_notified) {
			Print(L"KEYS-NOTIFIED F12 %d\r\n", f12_notified);
			f12_notified = 0;
		}
	}
}
