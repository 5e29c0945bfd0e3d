/* SPDX-License-Identifier: MIT */
/* EFI_RNG_PROTOCOL (UEFI 2.10 §37.5) on RDRAND, so loaders and the kernel get seed material. */
#include "include/efi/protocol/rng.h"
#include "lib/drivers/io.h"
#include "lib/string.h"
#include "stage1/core/handles.h"
#include "stage1/stage1.h"

#define LOG_PREFIX "rng: "
#include "lib/log.h"

#define CPUID_1_ECX_RDRAND (1u << 30)
/*
 * Intel's DRNG software guide (§5.2.1) treats 10 failed tries in a row as a hardware fault, not
 * exhaustion: a bounded loop, never a spin.
 */
#define RDRAND_RETRIES 10

static const EFI_GUID rng_protocol_guid = EFI_RNG_PROTOCOL_GUID;
/*
 * The one algorithm we name: RDRAND output comes straight from the CPU's conditioned entropy
 * source and DRBG, with no processing of ours. A NULL algorithm in GetRNG means this one.
 */
static const EFI_GUID rng_algorithm_raw = EFI_RNG_ALGORITHM_RAW;

__attribute__((target("rdrnd"))) static BOOLEAN rdrand64(UINT64 *ret)
{
	unsigned long long v;

	for (int i = 0; i < RDRAND_RETRIES; i++) {
		if (__builtin_ia32_rdrand64_step(&v)) {
			*ret = v;
			return TRUE;
		}
	}
	return FALSE;
}

static EFI_STATUS EFIAPI efi_rng_get_info(EFI_RNG_PROTOCOL *This, UINTN *RNGAlgorithmListSize,
					  EFI_RNG_ALGORITHM *RNGAlgorithmList)
{
	if (!This || !RNGAlgorithmListSize)
		return EFI_INVALID_PARAMETER;
	if (*RNGAlgorithmListSize < sizeof(EFI_RNG_ALGORITHM)) {
		*RNGAlgorithmListSize = sizeof(EFI_RNG_ALGORITHM);
		return EFI_BUFFER_TOO_SMALL;
	}
	if (!RNGAlgorithmList)
		return EFI_INVALID_PARAMETER;
	*RNGAlgorithmListSize = sizeof(EFI_RNG_ALGORITHM);
	memcpy(RNGAlgorithmList, &rng_algorithm_raw, sizeof(EFI_RNG_ALGORITHM));
	return EFI_SUCCESS;
}

static EFI_STATUS EFIAPI efi_rng_get_rng(EFI_RNG_PROTOCOL *This, EFI_RNG_ALGORITHM *RNGAlgorithm,
					 UINTN RNGValueLength, UINT8 *RNGValue)
{
	UINT64 v;

	if (!This || !RNGValue || RNGValueLength == 0)
		return EFI_INVALID_PARAMETER;
	if (RNGAlgorithm && !guid_equal(RNGAlgorithm, &rng_algorithm_raw))
		return EFI_UNSUPPORTED;
	while (RNGValueLength) {
		UINTN n = RNGValueLength < sizeof(v) ? RNGValueLength : sizeof(v);

		if (!rdrand64(&v))
			return log_error_status(EFI_DEVICE_ERROR, "RDRAND failed %d times in a row",
						RDRAND_RETRIES);
		memcpy(RNGValue, &v, n);
		RNGValue += n;
		RNGValueLength -= n;
	}
	return EFI_SUCCESS;
}

static EFI_RNG_PROTOCOL rng_protocol = {
	.GetInfo = efi_rng_get_info,
	.GetRNG = efi_rng_get_rng,
};

EFI_STATUS rng_init(void)
{
	EFI_HANDLE handle = NULL;
	EFI_STATUS status;
	UINT32 a, b, c, d;
	UINT64 x, y;

	cpuid(1, 0, &a, &b, &c, &d);
	if (!(c & CPUID_1_ECX_RDRAND)) {
		/* QEMU's default CPU models lack it; -cpu host or -cpu max offer it. */
		log_info("no RDRAND on this CPU: no EFI_RNG_PROTOCOL");
		return EFI_UNSUPPORTED;
	}
	/*
	 * Some AMD parts return all ones (with success) after a resume or with broken microcode;
	 * two equal samples mean a stuck generator, better absent than predictable.
	 */
	if (!rdrand64(&x) || !rdrand64(&y) || x == y)
		return log_error_status(EFI_DEVICE_ERROR, "RDRAND present but not working");
	status = handle_install(&handle, &rng_protocol_guid, &rng_protocol);
	if (EFI_ERROR(status))
		return log_error_status(status, "installing EFI_RNG_PROTOCOL");
	log_info("EFI_RNG_PROTOCOL on RDRAND");
	return EFI_SUCCESS;
}
