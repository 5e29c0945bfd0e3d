/* SPDX-License-Identifier: MIT */
/* mkimage helpers: error messages, whole-file reads, atomic writes, running the disk tools. */
#define _GNU_SOURCE /* asprintf, nftw */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mkimage/mkimage.h"
#include "lib/stage_image.h"

int mk_error(const char *fmt, ...)
{
	va_list ap;

	fputs("mkimage: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

int mk_read_file(const char *path, size_t max_size, uint8_t **ret_data, size_t *ret_size)
{
	struct stat st;
	uint8_t *data;
	size_t done = 0;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return mk_error("%s: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0) {
		mk_error("%s: %s", path, strerror(errno));
		goto err_close;
	}
	if (!S_ISREG(st.st_mode)) {
		mk_error("%s: not a regular file", path);
		goto err_close;
	}
	if ((uint64_t)st.st_size > max_size) {
		mk_error("%s: too large (%lld bytes, at most %zu)", path, (long long)st.st_size,
			 max_size);
		goto err_close;
	}
	/* One spare byte so an empty file still gets a non-NULL buffer. */
	data = malloc((size_t)st.st_size + 1);
	if (!data) {
		mk_error("%s: out of memory", path);
		goto err_close;
	}
	while (done < (size_t)st.st_size) {
		ssize_t n = read(fd, data + done, (size_t)st.st_size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			mk_error("%s: read: %s", path, n < 0 ? strerror(errno) : "file shrank");
			goto err_free;
		}
		done += (size_t)n;
	}
	close(fd);
	*ret_data = data;
	*ret_size = done;
	return 0;

err_free:
	free(data);
err_close:
	close(fd);
	return -1;
}

int mk_temp_beside(const char *final_path, char **ret_temp_path)
{
	char *temp;
	int fd;

	if (asprintf(&temp, "%s.tmp-XXXXXX", final_path) < 0)
		return mk_error("out of memory");
	fd = mkstemp(temp);
	if (fd < 0) {
		mk_error("%s: cannot create temporary file: %s", temp, strerror(errno));
		free(temp);
		return -1;
	}
	/* mkstemp makes 0600; an image is an ordinary output file. */
	fchmod(fd, 0644);
	close(fd);
	*ret_temp_path = temp;
	return 0;
}

static int write_all(int fd, const char *path, const void *data, size_t size)
{
	const uint8_t *p = data;

	while (size) {
		ssize_t n = write(fd, p, size);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return mk_error("%s: write: %s", path, strerror(errno));
		p += n;
		size -= (size_t)n;
	}
	return 0;
}

int mk_write_file_atomic(const char *path, const void *data, size_t size)
{
	char *temp;
	int fd;

	if (mk_temp_beside(path, &temp) < 0)
		return -1;
	fd = open(temp, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0) {
		mk_error("%s: %s", temp, strerror(errno));
		goto err_unlink;
	}
	if (write_all(fd, temp, data, size) < 0)
		goto err_close;
	if (close(fd) < 0) {
		mk_error("%s: close: %s", temp, strerror(errno));
		goto err_unlink;
	}
	if (rename(temp, path) < 0) {
		mk_error("%s: rename: %s", path, strerror(errno));
		goto err_unlink;
	}
	free(temp);
	return 0;

err_close:
	close(fd);
err_unlink:
	unlink(temp);
	free(temp);
	return -1;
}

static int run(const char *const argv[], int quiet)
{
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return mk_error("fork: %s", strerror(errno));
	if (pid == 0) {
		if (quiet) {
			int null = open("/dev/null", O_WRONLY);

			if (null >= 0)
				dup2(null, STDOUT_FILENO);
		}
		/* execvp's prototype predates const; the strings are not modified. */
		execvp(argv[0], (char *const *)argv);
		fprintf(stderr, "mkimage: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return mk_error("waitpid: %s", strerror(errno));
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return mk_error("%s: not found or could not run (is it installed?)", argv[0]);
	return mk_error("%s failed (%s %d)", argv[0], WIFEXITED(status) ? "exit" : "signal",
			WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
}

int mk_run(const char *const argv[])
{
	return run(argv, 0);
}

int mk_run_quiet(const char *const argv[])
{
	return run(argv, 1);
}

int mk_temp_dir(char **ret_path)
{
	const char *base = getenv("TMPDIR");
	char *path;

	if (asprintf(&path, "%s/mkimage-XXXXXX", base && *base ? base : "/tmp") < 0)
		return mk_error("out of memory");
	if (!mkdtemp(path)) {
		mk_error("%s: cannot create temporary directory: %s", path, strerror(errno));
		free(path);
		return -1;
	}
	*ret_path = path;
	return 0;
}

static int remove_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	remove(path);
	return 0;
}

void mk_remove_tree(const char *path)
{
	nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

int mk_check_stage_buffer(const char *what, const void *data, size_t size, uint32_t kind,
			  struct stage_image_header *ret_header)
{
	struct stage_image_header h;
	EFI_STATUS status;

	status = stage_image_check_header(data, size, kind, &h);
	switch (status) {
	case EFI_SUCCESS:
		break;
	case EFI_NOT_FOUND:
		return mk_error("%s: not a stage image (no STRATA magic)", what);
	case EFI_INCOMPATIBLE_VERSION:
		return mk_error("%s: unsupported stage image format version", what);
	case EFI_CRC_ERROR:
		return mk_error("%s: stage image header CRC mismatch", what);
	case EFI_LOAD_ERROR:
		return mk_error("%s: stage image is not of kind %s", what, stage_image_kind_name(kind));
	default:
		return mk_error("%s: stage image sizes out of range or file truncated", what);
	}
	if (stage_image_verify_body(&h, (const uint8_t *)data + sizeof(h)) != EFI_SUCCESS)
		return mk_error("%s: stage image body does not match its SHA-256", what);
	if (ret_header)
		*ret_header = h;
	return 0;
}

int mk_check_stage_file(const char *path, uint32_t kind, struct stage_image_header *ret_header)
{
	uint8_t *data;
	size_t size;
	int r;

	if (mk_read_file(path, STAGE_IMAGE_MAX_BODY + sizeof(struct stage_image_header), &data,
			 &size) < 0)
		return -1;
	r = mk_check_stage_buffer(path, data, size, kind, ret_header);
	free(data);
	return r;
}
