/* SPDX-License-Identifier: MIT */
/* The serial console (ConOut's serial half) and ConIn: serial VT100 keys and the PS/2 keyboard. */
#include "include/efi/device_path.h"
#include "include/efi/protocol/simple_text_in.h"
#include "include/efi/protocol/simple_text_out.h"
#include "lib/drivers/ps2.h"
#include "lib/drivers/serial.h"
#include "lib/formats/ps2_keymap.h"
#include "lib/string.h"
#include "stage1/core/events.h"
#include "stage1/core/handles.h"
#include "stage1/core/memory.h"
#include "stage1/core/system_table.h"
#include "stage1/protocols/console.h"
#include "stage1/protocols/console_splitter.h"

#define LOG_PREFIX "console: "
#include "lib/log.h"

#define KEY_QUEUE 32
#define ESC_TIMEOUT_US 20000	/* a lone ESC byte is the Esc key once this passes */
#define MAX_KEY_NOTIFY 8

/* VenHw(Strata console), so ConIn/ConOut have a device path as loaders expect. */
#define STRATA_CONSOLE_GUID \
	{ 0x1c9e2f4a, 0x8f2b, 0x4a8e, { 0x9b, 0x57, 0x53, 0x54, 0x52, 0x41, 0x54, 0x41 } }

static UINT16 port;
/* The terminal's size: 80x25, or the screen's text mode when ConOut also draws there. */
static UINTN columns = 80, rows = 25;
static SIMPLE_TEXT_OUTPUT_MODE mode;
static EFI_KEY_DATA keys[KEY_QUEUE];
static struct ps2_keymap keymap;
static BOOLEAN keyboard;	/* a PS/2 keyboard answered */
static UINTN key_head, key_count;

static struct {
	EFI_KEY_DATA key;
	EFI_KEY_NOTIFY_FUNCTION fn;
} key_notifies[MAX_KEY_NOTIFY];

static void put_bytes(const char *s, UINTN n)
{
	if (port)
		serial_write(port, s, n);
}

static void put_str(const char *s)
{
	put_bytes(s, strlen(s));
}

/* ---- output ---- */

static void put_utf8(CHAR16 c)
{
	char b[3];

	if (c < 0x80) {
		b[0] = (char)c;
		put_bytes(b, 1);
	} else if (c < 0x800) {
		b[0] = (char)(0xc0 | c >> 6);
		b[1] = (char)(0x80 | (c & 0x3f));
		put_bytes(b, 2);
	} else {
		b[0] = (char)(0xe0 | c >> 12);
		b[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		b[2] = (char)(0x80 | (c & 0x3f));
		put_bytes(b, 3);
	}
}

static EFI_STATUS EFIAPI text_output_string(EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL *This, CHAR16 *String)
{
	if (!String)
		return EFI_INVALID_PARAMETER;
	for (; *String; String++) {
		CHAR16 c = *String;

		switch (c) {
		case CHAR_LINEFEED:
			/* Serial terminals want CR LF; EFI text already sends both, so no translation. */
			put_bytes("\n", 1);
			if (mode.CursorRow < (INT32)rows - 1)
				mode.CursorRow++;
			break;
		case CHAR_CARRIAGE_RETURN:
			put_bytes("\r", 1);
			mode.CursorColumn = 0;
			break;
		case CHAR_BACKSPACE:
			if (mode.CursorColumn > 0) {
				put_bytes("\b", 1);
				mode.CursorColumn--;
			}
			break;
		default:
			put_utf8(c);
			if (++mode.CursorColumn >= (INT32)columns) {
				mode.CursorColumn = 0;
				if (mode.CursorRow < (INT32)rows - 1)
					mode.CursorRow++;
			}
		}
	}
	return EFI_SUCCESS;
}

static EFI_STATUS EFIAPI text_test_string(EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL *This, CHAR16 *String)
{
	return String ? EFI_SUCCESS : EFI_INVALID_PARAMETER;
}

static EFI_STATUS EFIAPI text_query_mode(EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL *This, UINTN ModeNumber,
					 UINTN *Columns, UINTN *Rows)
{
	if (!Columns || !Rows)
		return EFI_INVALID_PARAMETER;
	if (ModeNumber >= (UINTN)mode.MaxMode)
		return EFI_UNSUPPORTED;
	*Columns = columns;
	*Rows = rows;
	return EFI_SUCCESS;
}

static EFI_STATUS EFIAPI text_clear_screen(EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL *This)
{
	put_str("\x1b[2J\x1b[H");
	mode.CursorColumn = 0;
	mode.CursorRow = 0;
	return EFI_SUCCESS;
}

static EFI_STATUS EFIAPI text_set_mode(EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL *This, UINTN ModeNumber)
{
	if (ModeNumber >= (UINTN)mode.MaxMode)
		return EFI_UNSUPPORTED;
	mode.Mode = (INT32)ModeNumber;
	return text_clear_screen(This);
}

static EFI_STATUS EFIAPI text_set_attribute(EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL *This, UINTN Attribute)
{
	/* EFI colours are BGR-ordered bit sets (blue 1, green 2, red 4); ANSI's are RGB (red 1). */
	static const char ansi[8] = { '0', '4', '2', '6', '1', '5', '3', '7' };
	char seq[16] = "\x1b[0;3x;4xm";

	if (Attribute & ~0x7full)
		return EFI_UNSUPPORTED;
	seq[5] = ansi[Attribute & 7];
	seq[8] = ansi[(Attribute >> 4) & 7];
	put_str(seq);
	if (Attribute & EFI_BRIGHT)
		put_str("\x1b[1m");
	mode.Attribute = (INT32)Attribute;
	return EFI_SUCCESS;
}

/* n (1..999) in decimal at s; the number of digits. */
static int put_decimal(char *s, UINTN n)
{
	int digits = n >= 100 ? 3 : n >= 10 ? 2 : 1;

	for (int i = digits - 1; i >= 0; i--, n /= 10)
		s[i] = (char)('0' + n % 10);
	return digits;
}

static EFI_STATUS EFIAPI text_set_cursor_position(EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL *This,
						  UINTN Column, UINTN Row)
{
	char seq[24];
	int n = 0;

	if (Column >= columns || Row >= rows)
		return EFI_UNSUPPORTED;
	/* Hand-made to keep printf out of the hot path of full-screen menus. */
	seq[n++] = '\x1b';
	seq[n++] = '[';
	n += put_decimal(seq + n, Row + 1);
	seq[n++] = ';';
	n += put_decimal(seq + n, Column + 1);
	seq[n++] = 'H';
	put_bytes(seq, n);
	mode.CursorColumn = (INT32)Column;
	mode.CursorRow = (INT32)Row;
	return EFI_SUCCESS;
}

static EFI_STATUS EFIAPI text_enable_cursor(EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL *This, BOOLEAN Visible)
{
	put_str(Visible ? "\x1b[?25h" : "\x1b[?25l");
	mode.CursorVisible = Visible;
	return EFI_SUCCESS;
}

static EFI_STATUS EFIAPI text_reset(EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL *This,
				    BOOLEAN ExtendedVerification)
{
	text_set_attribute(This, EFI_TEXT_ATTR(EFI_LIGHTGRAY, EFI_BLACK));
	return text_clear_screen(This);
}

static EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL serial_out = {
	.Reset = text_reset,
	.OutputString = text_output_string,
	.TestString = text_test_string,
	.QueryMode = text_query_mode,
	.SetMode = text_set_mode,
	.SetAttribute = text_set_attribute,
	.ClearScreen = text_clear_screen,
	.SetCursorPosition = text_set_cursor_position,
	.EnableCursor = text_enable_cursor,
	.Mode = &mode,
};

/* ---- input ---- */

static int read_byte_within(UINTN microseconds)
{
	UINT64 end = time_now_100ns() + microseconds * 10;
	int c;

	while ((c = serial_getc(port)) < 0 && time_now_100ns() < end)
		;
	return c;
}

static void queue_key_data(const EFI_KEY_DATA *key)
{
	if (key_count == KEY_QUEUE)
		return;
	keys[(key_head + key_count++) % KEY_QUEUE] = *key;
}

/* A key from the serial line, which carries no modifier state: "valid, none pressed". */
static void queue_key(UINT16 scan, CHAR16 unicode)
{
	EFI_KEY_DATA key = { { scan, unicode }, { EFI_SHIFT_STATE_VALID, EFI_TOGGLE_STATE_VALID } };

	queue_key_data(&key);
}

/* VT100/xterm: ESC [ A..D, ESC [ H/F, ESC [ n ~, ESC O P..S. */
static void decode_escape(void)
{
	static const UINT16 tilde_keys[] = {
		[1] = SCAN_HOME, [2] = SCAN_INSERT, [3] = SCAN_DELETE, [4] = SCAN_END,
		[5] = SCAN_PAGE_UP, [6] = SCAN_PAGE_DOWN, [11] = SCAN_F1, [12] = SCAN_F2,
		[13] = SCAN_F3, [14] = SCAN_F4, [15] = SCAN_F5, [17] = SCAN_F6, [18] = SCAN_F7,
		[19] = SCAN_F8, [20] = SCAN_F9, [21] = SCAN_F10, [23] = SCAN_F11, [24] = SCAN_F12,
	};
	int c = read_byte_within(ESC_TIMEOUT_US), n = 0;

	if (c < 0) {
		queue_key(SCAN_ESC, 0);
		return;
	}
	if (c == 'O') {
		c = read_byte_within(ESC_TIMEOUT_US);
		if (c >= 'P' && c <= 'S')
			queue_key((UINT16)(SCAN_F1 + (c - 'P')), 0);
		return;
	}
	if (c != '[') {
		queue_key(SCAN_ESC, 0);
		return;
	}
	c = read_byte_within(ESC_TIMEOUT_US);
	switch (c) {
	case 'A': queue_key(SCAN_UP, 0); return;
	case 'B': queue_key(SCAN_DOWN, 0); return;
	case 'C': queue_key(SCAN_RIGHT, 0); return;
	case 'D': queue_key(SCAN_LEFT, 0); return;
	case 'H': queue_key(SCAN_HOME, 0); return;
	case 'F': queue_key(SCAN_END, 0); return;
	}
	while (c >= '0' && c <= '9' && n < 100) {
		n = n * 10 + (c - '0');
		c = read_byte_within(ESC_TIMEOUT_US);
	}
	if (c == '~' && n < (int)(sizeof(tilde_keys) / sizeof(tilde_keys[0])) && tilde_keys[n])
		queue_key(tilde_keys[n], 0);
}

static void decode_utf8(int first)
{
	int extra = first >= 0xf0 ? 3 : first >= 0xe0 ? 2 : 1;
	UINT32 c = (UINT32)first & (0x3f >> extra);

	for (int i = 0; i < extra; i++) {
		int b = read_byte_within(ESC_TIMEOUT_US);

		if (b < 0 || (b & 0xc0) != 0x80)
			return;
		c = c << 6 | (b & 0x3f);
	}
	if (c < 0x10000)
		queue_key(SCAN_NULL, (CHAR16)c);
}

static void run_key_notifies(const EFI_KEY_DATA *key)
{
	for (UINTN i = 0; i < MAX_KEY_NOTIFY; i++) {
		EFI_KEY_DATA data = *key;
		const EFI_KEY_DATA *want = &key_notifies[i].key;

		if (!key_notifies[i].fn || want->Key.ScanCode != key->Key.ScanCode ||
		    want->Key.UnicodeChar != key->Key.UnicodeChar)
			continue;
		/* A registration with a valid shift state matches that state only (as EDK2). */
		if ((want->KeyState.KeyShiftState & EFI_SHIFT_STATE_VALID) &&
		    want->KeyState.KeyShiftState != key->KeyState.KeyShiftState)
			continue;
		key_notifies[i].fn(&data);
	}
}

/* Move whatever the keyboard and the UART hold into the key queue. */
static void poll_input(void)
{
	EFI_KEY_DATA key;
	int c;

	while (keyboard && key_count < KEY_QUEUE && (c = ps2_read()) >= 0) {
		if (ps2_keymap_feed(&keymap, (UINT8)c, &key)) {
			queue_key_data(&key);
			run_key_notifies(&key);
		}
	}
	if (!port)
		return;
	while (key_count < KEY_QUEUE && (c = serial_getc(port)) >= 0) {
		UINTN before = key_count;

		if (c == 0x1b)
			decode_escape();
		else if (c == 0x7f || c == 0x08)
			queue_key(SCAN_NULL, CHAR_BACKSPACE);
		else if (c == '\n' || c == '\r')
			queue_key(SCAN_NULL, CHAR_CARRIAGE_RETURN);
		else if (c >= 0xc0)
			decode_utf8(c);
		else if (c < 0x80)
			queue_key(SCAN_NULL, (CHAR16)c);
		if (key_count > before)
			run_key_notifies(&keys[(key_head + key_count - 1) % KEY_QUEUE]);
	}
}

/* At TPL_NOTIFY, as WaitForKey's notify: the escape decoder and the queue are one. */
static EFI_STATUS read_key(EFI_KEY_DATA *key)
{
	EFI_STATUS status = EFI_NOT_READY;
	EFI_TPL old;

	if (!key)
		return EFI_INVALID_PARAMETER;
	old = efi_raise_tpl(TPL_NOTIFY);
	poll_input();
	if (key_count) {
		*key = keys[key_head];
		key_head = (key_head + 1) % KEY_QUEUE;
		key_count--;
		status = EFI_SUCCESS;
	}
	efi_restore_tpl(old);
	return status;
}

static EFI_STATUS EFIAPI text_in_reset(EFI_SIMPLE_TEXT_INPUT_PROTOCOL *This,
				       BOOLEAN ExtendedVerification)
{
	EFI_TPL old = efi_raise_tpl(TPL_NOTIFY);

	poll_input();
	key_count = 0;
	efi_restore_tpl(old);
	return EFI_SUCCESS;
}

static EFI_STATUS EFIAPI text_in_read_key(EFI_SIMPLE_TEXT_INPUT_PROTOCOL *This, EFI_INPUT_KEY *Key)
{
	EFI_KEY_DATA data;
	EFI_STATUS status;

	if (!Key)
		return EFI_INVALID_PARAMETER;
	status = read_key(&data);
	if (EFI_ERROR(status))
		return status;
	/* As EDK2's keyboard drivers: without the Ex protocol, Ctrl+letter is its control code. */
	if ((data.KeyState.KeyShiftState &
	     (EFI_LEFT_CONTROL_PRESSED | EFI_RIGHT_CONTROL_PRESSED)) &&
	    ((data.Key.UnicodeChar >= 'a' && data.Key.UnicodeChar <= 'z') ||
	     (data.Key.UnicodeChar >= 'A' && data.Key.UnicodeChar <= 'Z')))
		data.Key.UnicodeChar = (CHAR16)((data.Key.UnicodeChar & 0x1f));
	*Key = data.Key;
	return EFI_SUCCESS;
}

static EFI_SIMPLE_TEXT_INPUT_PROTOCOL text_in = {
	.Reset = text_in_reset,
	.ReadKeyStroke = text_in_read_key,
};

static EFI_STATUS EFIAPI text_in_ex_reset(EFI_SIMPLE_TEXT_INPUT_EX_PROTOCOL *This,
					  BOOLEAN ExtendedVerification)
{
	return text_in_reset(&text_in, ExtendedVerification);
}

static EFI_STATUS EFIAPI text_in_ex_read_key(EFI_SIMPLE_TEXT_INPUT_EX_PROTOCOL *This,
					     EFI_KEY_DATA *KeyData)
{
	EFI_STATUS status;

	if (!KeyData)
		return EFI_INVALID_PARAMETER;
	status = read_key(KeyData);
	if (EFI_ERROR(status)) {
		KeyData->KeyState.KeyShiftState = EFI_SHIFT_STATE_VALID | keymap.shift_state;
		KeyData->KeyState.KeyToggleState = EFI_TOGGLE_STATE_VALID | keymap.toggle_state;
	}
	return status;
}

static EFI_STATUS EFIAPI text_in_ex_set_state(EFI_SIMPLE_TEXT_INPUT_EX_PROTOCOL *This,
					      EFI_KEY_TOGGLE_STATE *KeyToggleState)
{
	if (!KeyToggleState)
		return EFI_INVALID_PARAMETER;
	if (!(*KeyToggleState & EFI_TOGGLE_STATE_VALID))
		return EFI_UNSUPPORTED;
	keymap.toggle_state = *KeyToggleState &
			      (EFI_SCROLL_LOCK_ACTIVE | EFI_NUM_LOCK_ACTIVE | EFI_CAPS_LOCK_ACTIVE);
	/* The LEDs follow when there is a keyboard; the state counts for serial keys either way. */
	if (keyboard)
		ps2_set_leds(ps2_keymap_leds(&keymap));
	return EFI_SUCCESS;
}

static EFI_STATUS EFIAPI text_in_ex_register(EFI_SIMPLE_TEXT_INPUT_EX_PROTOCOL *This,
					     EFI_KEY_DATA *KeyData, EFI_KEY_NOTIFY_FUNCTION Fn,
					     VOID **NotifyHandle)
{
	if (!KeyData || !Fn || !NotifyHandle)
		return EFI_INVALID_PARAMETER;
	for (UINTN i = 0; i < MAX_KEY_NOTIFY; i++) {
		if (!key_notifies[i].fn) {
			key_notifies[i].key = *KeyData;
			key_notifies[i].fn = Fn;
			*NotifyHandle = &key_notifies[i];
			return EFI_SUCCESS;
		}
	}
	return EFI_OUT_OF_RESOURCES;
}

static EFI_STATUS EFIAPI text_in_ex_unregister(EFI_SIMPLE_TEXT_INPUT_EX_PROTOCOL *This,
					       VOID *NotificationHandle)
{
	for (UINTN i = 0; i < MAX_KEY_NOTIFY; i++) {
		if (NotificationHandle == &key_notifies[i] && key_notifies[i].fn) {
			key_notifies[i].fn = NULL;
			return EFI_SUCCESS;
		}
	}
	return EFI_INVALID_PARAMETER;
}

static EFI_SIMPLE_TEXT_INPUT_EX_PROTOCOL text_in_ex = {
	.Reset = text_in_ex_reset,
	.ReadKeyStrokeEx = text_in_ex_read_key,
	.SetState = text_in_ex_set_state,
	.RegisterKeyNotify = text_in_ex_register,
	.UnregisterKeyNotify = text_in_ex_unregister,
};

/* WaitForKey's notify-wait function: signal the event once a key is waiting. */
static VOID EFIAPI wait_for_key_notify(EFI_EVENT Event, VOID *Context)
{
	poll_input();
	if (key_count)
		efi_signal_event(Event);
}

static struct {
	VENDOR_DEVICE_PATH vendor;
	EFI_DEVICE_PATH_PROTOCOL end;
} __attribute__((packed)) console_path = {
	{ { HARDWARE_DEVICE_PATH, HW_VENDOR_DP, { sizeof(VENDOR_DEVICE_PATH), 0 } },
	  STRATA_CONSOLE_GUID },
	{ END_DEVICE_PATH_TYPE, END_ENTIRE_DEVICE_PATH_SUBTYPE, { 4, 0 } },
};

void console_serial_resize(UINTN new_columns, UINTN new_rows)
{
	columns = new_columns;
	rows = new_rows;
}

void console_publish_variables(void)
{
	/* UEFI 2.10 §3.3: ConIn/ConOut/ErrOut name the consoles in use, *Dev the ones present. */
	static const struct {
		CHAR16 *name;
		UINT32 attributes;
	} vars[] = {
		{ u"ConIn", EFI_VARIABLE_NON_VOLATILE | EFI_VARIABLE_BOOTSERVICE_ACCESS |
				    EFI_VARIABLE_RUNTIME_ACCESS },
		{ u"ConOut", EFI_VARIABLE_NON_VOLATILE | EFI_VARIABLE_BOOTSERVICE_ACCESS |
				     EFI_VARIABLE_RUNTIME_ACCESS },
		{ u"ErrOut", EFI_VARIABLE_NON_VOLATILE | EFI_VARIABLE_BOOTSERVICE_ACCESS |
				     EFI_VARIABLE_RUNTIME_ACCESS },
		{ u"ConInDev", EFI_VARIABLE_BOOTSERVICE_ACCESS | EFI_VARIABLE_RUNTIME_ACCESS },
		{ u"ConOutDev", EFI_VARIABLE_BOOTSERVICE_ACCESS | EFI_VARIABLE_RUNTIME_ACCESS },
		{ u"ErrOutDev", EFI_VARIABLE_BOOTSERVICE_ACCESS | EFI_VARIABLE_RUNTIME_ACCESS },
	};
	static EFI_GUID global = EFI_GLOBAL_VARIABLE;
	EFI_RUNTIME_SERVICES *rt = efi_st->RuntimeServices;

	for (UINTN i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
		EFI_STATUS status = rt->SetVariable(vars[i].name, &global, vars[i].attributes,
						    sizeof(console_path), &console_path);

		/* Without a runtime blob every variable service is EFI_UNSUPPORTED: nothing to say. */
		if (EFI_ERROR(status) && status != EFI_UNSUPPORTED)
			log_warn_status(status, "setting %ls", vars[i].name);
	}
}

EFI_STATUS console_init(UINT16 serial_port)
{
	static const EFI_GUID out_guid = EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL_GUID;
	static const EFI_GUID in_guid = EFI_SIMPLE_TEXT_INPUT_PROTOCOL_GUID;
	static const EFI_GUID in_ex_guid = EFI_SIMPLE_TEXT_INPUT_EX_PROTOCOL_GUID;
	static const EFI_GUID dp_guid = EFI_DEVICE_PATH_PROTOCOL_GUID;
	EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL *con_out;
	EFI_HANDLE handle = NULL;
	EFI_STATUS status;

	port = serial_port;
	keyboard = !EFI_ERROR(ps2_init());
	if (keyboard)
		log_info("PS/2 keyboard on the i8042");
	mode = (SIMPLE_TEXT_OUTPUT_MODE){ .MaxMode = 1,
					  .Attribute = EFI_TEXT_ATTR(EFI_LIGHTGRAY, EFI_BLACK),
					  .CursorVisible = TRUE };
	status = event_create(EVT_NOTIFY_WAIT, TPL_NOTIFY, wait_for_key_notify, NULL, NULL,
			      &text_in.WaitForKey);
	if (EFI_ERROR(status))
		return status;
	text_in_ex.WaitForKeyEx = text_in.WaitForKey;
	/* ConOut is the splitter over this terminal; the screen joins it once a GOP exists. */
	con_out = console_splitter_init(&serial_out);
	status = efi_install_multiple_protocol_interfaces(&handle, &dp_guid, &console_path,
							  &out_guid, con_out, &in_guid, &text_in,
							  &in_ex_guid, &text_in_ex, NULL);
	if (EFI_ERROR(status))
		return log_error_status(status, "installing console protocols");
	efi_st->ConsoleInHandle = handle;
	efi_st->ConIn = &text_in;
	efi_st->ConsoleOutHandle = handle;
	efi_st->ConOut = con_out;
	efi_st->StandardErrorHandle = handle;
	efi_st->StdErr = con_out;
	table_header_update_crc(&efi_st->Hdr, sizeof(*efi_st));
	return EFI_SUCCESS;
}
