/* vmsim machines [--keys] [--set KEY=VALUE]... [NAME]: presets and their anatomy. */
#include "cli/cli.h"

#include <getopt.h>
#include <string.h>

static void help(FILE *f)
{
    fprintf(f, "usage: vmsim machines                 list the machine presets\n"
               "       vmsim machines NAME [--set KEY=VALUE]...\n"
               "                                      the address-bit breakdown of NAME\n"
               "       vmsim machines --keys [NAME]   every configuration key, its meaning\n"
               "                                      and its value in NAME (default core-i7)\n");
}

int cmd_machines(int argc, char **argv)
{
    static const struct option opts[] = {
        {"keys", no_argument, NULL, 'k'},
        {"set", required_argument, NULL, 's'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    bool keys = false;
    const char *sets[64];
    int nsets = 0, ch;
    optind = 1;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":hks:", opts, NULL)) != -1) {
        switch (ch) {
        case 'k': keys = true; break;
        case 's':
            if (nsets == 64)
                return cli_usage_error("too many --set options");
            sets[nsets++] = optarg;
            break;
        case 'h': help(stdout); return 0;
        default: return cli_option_error(ch, argv, opts);
        }
    }
    if (optind + 1 < argc)
        return cli_usage_error("expected at most one machine name");
    const char *name = optind < argc ? argv[optind] : NULL;
    if (!name && !keys) {
        for (size_t i = 0; i < vms_preset_count(); i++)
            printf("%-14s %s\n", vms_preset_name(i), vms_preset_summary(i));
        return 0;
    }
    struct vms_error e = {0};
    struct vms_config *c;
    if (vms_config_create(name ? name : VMS_DEFAULT_MACHINE, &c, &e))
        return cli_fail(&e);
    for (int i = 0; i < nsets; i++)
        if (vms_config_set_kv(c, sets[i], &e)) {
            vms_config_destroy(c);
            return cli_usage_error("--set: %s", e.msg);
        }
    int rc = 0;
    if (keys) {
        printf("%-20s %-14s %s\n", "key", name ? name : VMS_DEFAULT_MACHINE, "meaning");
        for (size_t i = 0; i < vms_config_key_count(); i++) {
            char v[64];
            vms_config_get(c, vms_config_key_name(i), v, sizeof v, &e); /* a known key */
            printf("%-20s %-14s %s\n", vms_config_key_name(i), v, vms_config_key_meaning(i));
        }
    } else if (vms_config_describe(c, stdout, &e)) {
        rc = cli_fail(&e);
    }
    vms_config_destroy(c);
    return rc;
}
