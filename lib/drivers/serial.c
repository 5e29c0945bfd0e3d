/* SPDX-License-Identifier: MIT */
/* 16550 UART driver, polled. */
#include "lib/drivers/io.h"
#include "lib/drivers/serial.h"

enum {
	UART_DATA = 0, UART_IER = 1, UART_FCR = 2, UART_LCR = 3, UART_MCR = 4, UART_LSR = 5,
	UART_SCR = 7,
};
#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY 0x20

BOOLEAN serial_init(UINT16 port)
{
	/* The scratch register round trip tells a UART from an empty port (which reads 0xff). */
	outb(port + UART_SCR, 0x5a);
	if (inb(port + UART_SCR) != 0x5a)
		return FALSE;
	outb(port + UART_IER, 0x00);
	outb(port + UART_LCR, 0x80);	/* DLAB: divisor latch follows */
	outb(port + UART_DATA, 1);	/* 115200 baud = 115200 / 1 */
	outb(port + UART_IER, 0);
	outb(port + UART_LCR, 0x03);	/* 8N1 */
	outb(port + UART_FCR, 0x07);	/* FIFOs on and cleared */
	outb(port + UART_MCR, 0x03);	/* DTR, RTS */
	return TRUE;
}

static void serial_putc(UINT16 port, char c)
{
	/* Bounded wait: a wedged UART must not hang the boot, it only loses output. */
	for (int spins = 0; spins < 100000 && !(inb(port + UART_LSR) & LSR_THR_EMPTY); spins++)
		;
	outb(port + UART_DATA, (UINT8)c);
}

void serial_write(UINT16 port, const char *s, UINTN size)
{
	for (UINTN i = 0; i < size; i++) {
		if (s[i] == '\n')
			serial_putc(port, '\r');
		serial_putc(port, s[i]);
	}
}

int serial_getc(UINT16 port)
{
	if (!(inb(port + UART_LSR) & LSR_DATA_READY))
		return -1;
	return inb(port + UART_DATA);
}
