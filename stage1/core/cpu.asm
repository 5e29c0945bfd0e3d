; SPDX-License-Identifier: MIT
; Context save/restore for StartImage/Exit, and the switch to stage1's own stack.
BITS 64
default rel
section .text

global cpu_context_save, cpu_context_restore, cpu_switch_stack, cpu_enter_linux

; UINTN cpu_context_save(struct cpu_context *ctx)  -- rdi = ctx
cpu_context_save:
	mov [rdi + 0], rbx
	mov [rdi + 8], rbp
	mov [rdi + 16], r12
	mov [rdi + 24], r13
	mov [rdi + 32], r14
	mov [rdi + 40], r15
	lea rdx, [rsp + 8]		; the caller's rsp after our return
	mov [rdi + 48], rdx
	mov rdx, [rsp]			; our return address
	mov [rdi + 56], rdx
	xor eax, eax
	ret

; void cpu_context_restore(struct cpu_context *ctx, UINTN value)  -- rdi, rsi
cpu_context_restore:
	mov rbx, [rdi + 0]
	mov rbp, [rdi + 8]
	mov r12, [rdi + 16]
	mov r13, [rdi + 24]
	mov r14, [rdi + 32]
	mov r15, [rdi + 40]
	mov rsp, [rdi + 48]
	mov rax, rsi
	test rax, rax
	jnz .nonzero
	inc rax
.nonzero:
	jmp [rdi + 56]

; void cpu_switch_stack(void *top, void (*fn)(void *), void *arg)  -- rdi, rsi, rdx
cpu_switch_stack:
	mov rsp, rdi
	xor ebp, ebp
	mov rdi, rdx
	call rsi
.halt:
	cli
	hlt
	jmp .halt

; void cpu_enter_linux(const struct cpu_gdtr *gdtr, UINT64 entry, void *boot_params)
;   -- rdi, rsi, rdx
cpu_enter_linux:
	cli
	lgdt [rdi]
	mov eax, 0x18
	mov ds, eax
	mov es, eax
	mov ss, eax
	mov fs, eax
	mov gs, eax
	mov rcx, rsi
	mov rsi, rdx
	push 0x10			; reload CS with a far return
	lea rax, [rel .reloaded]
	push rax
	o64 retf
.reloaded:
	jmp rcx

section .note.GNU-stack noalloc noexec nowrite progbits
