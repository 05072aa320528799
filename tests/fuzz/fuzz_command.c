/* SPDX-License-Identifier: ISC */
/* fuzz_command.c - libFuzzer target: the client's command-line parser stays inside its input. */
#include <stddef.h>
#include <stdint.h>

#include "command.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *line = (const char *)data;
	struct command cmd;

	command_parse(line, size, &cmd);
	/* The argument is a view into the line, never past its end. */
	if (cmd.arg.len > 0 && (cmd.arg.p < line || cmd.arg.p + cmd.arg.len > line + size))
		__builtin_trap();
	if ((unsigned)cmd.kind > CMD_MISSING_ARG)
		__builtin_trap();
	return 0;
}
