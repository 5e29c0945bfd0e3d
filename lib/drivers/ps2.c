/* SPDX-License-Identifier: MIT */
/* The i8042 PS/2 controller (ports 0x60/0x64) and its keyboard, polled rather than on IRQ 1. */
#include "lib/drivers/io.h"
#include "lib/drivers/ps2.h"

#define LOG_PREFIX "ps2: "
#include "lib/log.h"

#define PS2_DATA		  0x60
#define PS2_STATUS		  0x64 /* read: status; write: controller command */
#define STATUS_OUTPUT_FULL	  0x01
#define STATUS_INPUT_FULL	  0x02
#define STATUS_AUX_DATA		  0x20 /* the waiting byte is the mouse's */
#define CMD_READ_CONFIG		  0x20
#define CMD_WRITE_CONFIG	  0x60
#define CMD_ENABLE_KEYBOARD	  0xae
#define CONFIG_KEYBOARD_IRQ	  0x01
#define CONFIG_KEYBOARD_CLOCK_OFF 0x10
#define CONFIG_TRANSLATE	  0x40
#define KBD_SET_LEDS		  0xed
#define KBD_ENABLE_SCANNING	  0xf4
#define KBD_ACK			  0xfa
/* Polls of the status port before a wait gives up: milliseconds on real hardware or TCG. */
#define POLLS			  100000

static BOOLEAN present;

static BOOLEAN wait_input_empty(void)
{
	for (UINTN i = 0; i < POLLS; i++) {
		if (!(inb(PS2_STATUS) & STATUS_INPUT_FULL))
			return TRUE;
	}
	return FALSE;
}

static int read_within_polls(void)
{
	for (UINTN i = 0; i < POLLS; i++) {
		if (inb(PS2_STATUS) & STATUS_OUTPUT_FULL)
			return inb(PS2_DATA);
	}
	return -1;
}

static EFI_STATUS command(UINT8 cmd)
{
	if (!wait_input_empty())
		return EFI_TIMEOUT;
	outb(PS2_STATUS, cmd);
	return EFI_SUCCESS;
}

static EFI_STATUS write_data(UINT8 byte)
{
	if (!wait_input_empty())
		return EFI_TIMEOUT;
	outb(PS2_DATA, byte);
	return EFI_SUCCESS;
}

/* A byte to the keyboard itself, and its acknowledgement. */
static EFI_STATUS keyboard_send(UINT8 byte)
{
	EFI_STATUS status = write_data(byte);

	if (EFI_ERROR(status))
		return status;
	return read_within_polls() == KBD_ACK ? EFI_SUCCESS : EFI_DEVICE_ERROR;
}

EFI_STATUS ps2_init(void)
{
	EFI_STATUS status;
	int config;

	/* No controller decodes the port: reads float to 0xff. */
	if (inb(PS2_STATUS) == 0xff)
		return EFI_NOT_FOUND;
	while (inb(PS2_STATUS) & STATUS_OUTPUT_FULL)
		inb(PS2_DATA);
	status = command(CMD_READ_CONFIG);
	if (EFI_ERROR(status))
		return log_warn_status(status, "controller does not take commands");
	config = read_within_polls();
	if (config < 0)
		return log_warn_status(EFI_DEVICE_ERROR, "no configuration byte");
	/* Translation gives set 1 whatever set the keyboard speaks; polled, so no IRQ 1. */
	config = (config | CONFIG_TRANSLATE) & ~(CONFIG_KEYBOARD_IRQ | CONFIG_KEYBOARD_CLOCK_OFF);
	status = command(CMD_WRITE_CONFIG);
	if (!EFI_ERROR(status))
		status = write_data((UINT8)config);
	if (!EFI_ERROR(status))
		status = command(CMD_ENABLE_KEYBOARD);
	if (EFI_ERROR(status))
		return log_warn_status(status, "configuring the controller");
	status = keyboard_send(KBD_ENABLE_SCANNING);
	if (EFI_ERROR(status))
		return log_warn_status(status, "no keyboard answers");
	present = TRUE;
	return EFI_SUCCESS;
}

int ps2_read(void)
{
	UINT8 s;

	if (!present)
		return -1;
	while ((s = inb(PS2_STATUS)) & STATUS_OUTPUT_FULL) {
		UINT8 byte = inb(PS2_DATA);

		if (!(s & STATUS_AUX_DATA))
			return byte;
	}
	return -1;
}

EFI_STATUS ps2_set_leds(UINT8 leds)
{
	EFI_STATUS status;

	if (!present)
		return EFI_NOT_FOUND;
	status = keyboard_send(KBD_SET_LEDS);
	return EFI_ERROR(status) ? status : keyboard_send(leds & 7);
}
