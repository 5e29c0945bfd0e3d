// SPDX-License-Identifier: MIT
/*
 * gop-pattern: draws a known picture with every Blt operation (tests/boot/test_gop.py compares
 * QEMU's screendump with the same picture computed on the host), checks what it reads back and
 * how out-of-screen rectangles are refused, then draws it once more after its last line of text
 * (a firmware console may put its lines anywhere, even over the picture: OVMF centres its text).
 */
#include <efi.h>
#include <efilib.h>

#include "efi-apps/gop-pattern/pattern.h"

static EFI_GUID gop_guid = EFI_GRAPHICS_OUTPUT_PROTOCOL_GUID;
static EFI_GRAPHICS_OUTPUT_BLT_PIXEL source[SOURCE_H][SOURCE_W];
static EFI_GRAPHICS_OUTPUT_BLT_PIXEL readback[SOURCE_H][SOURCE_W];

/* The picture, with every Blt operation but VideoToBltBuffer. */
static void draw(EFI_GRAPHICS_OUTPUT_PROTOCOL *gop, EFI_GRAPHICS_OUTPUT_BLT_PIXEL *fill)
{
	UINTN delta = SOURCE_W * sizeof(EFI_GRAPHICS_OUTPUT_BLT_PIXEL);

	gop->Blt(gop, fill, EfiBltVideoFill, 0, 0, FILL_X, FILL_Y, FILL_W, FILL_H, 0);
	gop->Blt(gop, &source[0][0], EfiBltBufferToVideo, BLIT_SX, BLIT_SY, BLIT_X, BLIT_Y, BLIT_W,
		 BLIT_H, delta);
	gop->Blt(gop, NULL, EfiBltVideoToVideo, BLIT_X, BLIT_Y, COPY_X, COPY_Y, BLIT_W, BLIT_H, 0);
	/* Overlapping, downwards and to the right: must copy what was there before. */
	gop->Blt(gop, NULL, EfiBltVideoToVideo, COPY_X, COPY_Y, OVERLAP_X, OVERLAP_Y, BLIT_W,
		 BLIT_H, 0);
}

static void say(EFI_SYSTEM_TABLE *st, CHAR16 *text)
{
	st->ConOut->OutputString(st->ConOut, text);
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	EFI_GRAPHICS_OUTPUT_BLT_PIXEL fill = { FILL_B, FILL_G, FILL_R, 0 };
	EFI_GRAPHICS_OUTPUT_PROTOCOL *gop;
	EFI_STATUS status;
	UINTN delta = SOURCE_W * sizeof(EFI_GRAPHICS_OUTPUT_BLT_PIXEL);
	BOOLEAN same = TRUE;

	InitializeLib(image, st);
	/* The few lines printed below stay in the top rows, above the picture. */
	st->ConOut->ClearScreen(st->ConOut);
	st->ConOut->EnableCursor(st->ConOut, FALSE);
	status = st->BootServices->LocateProtocol(&gop_guid, NULL, (void **)&gop);
	if (EFI_ERROR(status)) {
		Print(L"GOP-MISSING %r\r\n", status);
		return status;
	}
	Print(L"GOP-MODE %ux%u\r\n", gop->Mode->Info->HorizontalResolution,
	      gop->Mode->Info->VerticalResolution);
	for (UINTN y = 0; y < SOURCE_H; y++)
		for (UINTN x = 0; x < SOURCE_W; x++)
			source[y][x] = (EFI_GRAPHICS_OUTPUT_BLT_PIXEL){
				SOURCE_B(x, y), SOURCE_G(x, y), SOURCE_R(x, y), 0 };

	/* A rectangle reaching past the right edge is refused whole. */
	status = gop->Blt(gop, &fill, EfiBltVideoFill, 0, 0,
			  gop->Mode->Info->HorizontalResolution - 4, 0, 8, 1, 0);
	Print(L"GOP-BOUNDS %r\r\n", status);

	draw(gop, &fill);
	gop->Blt(gop, &readback[0][0], EfiBltVideoToBltBuffer, BLIT_X, BLIT_Y, BLIT_SX, BLIT_SY,
		 BLIT_W, BLIT_H, delta);
	for (UINTN y = 0; y < BLIT_H; y++)
		for (UINTN x = 0; x < BLIT_W; x++) {
			EFI_GRAPHICS_OUTPUT_BLT_PIXEL a = readback[BLIT_SY + y][BLIT_SX + x];
			EFI_GRAPHICS_OUTPUT_BLT_PIXEL b = source[BLIT_SY + y][BLIT_SX + x];

			if (a.Red != b.Red || a.Green != b.Green || a.Blue != b.Blue)
				same = FALSE;
		}
	say(st, same ? L"GOP-READBACK-OK\r\n" : L"GOP-READBACK-DIFFERS\r\n");
	say(st, L"GOP-PATTERN-READY\r\n");
	/* Over whatever the console drew for those lines; nothing draws after it. */
	draw(gop, &fill);
	for (;;)
		st->BootServices->Stall(100000);
}
