/* Fuzz target for the ELF64 parser (src/kernel/elf.c): any bytes must give a parse or an
 * error message, never a crash, leak or undefined behaviour. */
#include "kernel/elf.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct elf_file f;
    struct vms_error e;
    if (elf_parse(data, size, "fuzz", &f, &e) == 0) {
        /* the parse is self-consistent */
        if (f.phnum == 0 || !f.ph || f.total_size > UINT64_C(0x7ffffffff000))
            __builtin_trap();
        /* the interpreter path ends at its first NUL; it may be empty ("\0\0" passes
         * load_elf_binary's checks, as here, and fails only when opened) */
        if (f.interp && strlen(f.interp) >= 4096)
            __builtin_trap();
        elf_file_fini(&f);
    } else if (!memchr(e.msg, '\0', sizeof e.msg) || strncmp(e.msg, "fuzz: ", 6) != 0) {
        __builtin_trap();
    }
    return 0;
}
