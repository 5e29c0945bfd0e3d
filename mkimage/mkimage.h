/* SPDX-License-Identifier: MIT */
/* Declarations shared by mkimage's commands: error reporting, files, and each command's entry. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "include/strata/stage_image.h"

/* Print "mkimage: <message>" to stderr and return -1, so a failure is reported where it is found. */
int mk_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Read a whole file into a malloc'd buffer; refuses files larger than max_size. */
int mk_read_file(const char *path, size_t max_size, uint8_t **ret_data, size_t *ret_size);
/* Create a temporary file beside final_path (same file system, so rename is atomic). */
int mk_temp_beside(const char *final_path, char **ret_temp_path);
/* Write data to a temporary file beside path, then rename it over path. */
int mk_write_file_atomic(const char *path, const void *data, size_t size);
/* Run a command (argv[0] found on PATH), stdout/stderr passed through; -1 unless it exits 0. */
int mk_run(const char *const argv[]);
/* Run a command with its stdout discarded (tools that chatter on success). */
int mk_run_quiet(const char *const argv[]);
/* Create a private temporary directory; the caller removes it with mk_remove_tree. */
int mk_temp_dir(char **ret_path);
/* Remove a directory made by mk_temp_dir and everything in it. */
void mk_remove_tree(const char *path);

/* A stage file read from disk and fully checked (header, kind, digest). */
int mk_check_stage_file(const char *path, uint32_t kind, struct stage_image_header *ret_header);
/* Check a stage image held in memory; message names what is wrong, prefixed with what. */
int mk_check_stage_buffer(const char *what, const void *data, size_t size, uint32_t kind,
			  struct stage_image_header *ret_header);

/* The flat memory image of a position-independent ELF, as the stage image body wants it. */
struct elf_image {
	uint8_t *body;		/* malloc'd, body_size bytes */
	uint64_t body_size;
	uint64_t memory_size;
	uint64_t entry_offset;
	uint64_t rela_offset;
	uint64_t rela_size;
};

/* Load and check an ELF (ET_DYN, x86-64, only RELATIVE relocations) into a flat image. */
int elf_image_load(const char *path, struct elf_image *ret_image);
/* Free what elf_image_load allocated. */
void elf_image_free(struct elf_image *image);

/* Subcommands; argv[0] is the subcommand name. Return the process exit status. */
int cmd_wrap(int argc, char **argv);
int cmd_create(int argc, char **argv);
int cmd_update(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
