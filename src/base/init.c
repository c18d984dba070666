#include "dacc/base.h"

#include <sodium.h>

#ifndef DACC_VERSION_STRING
#error "the build defines DACC_VERSION_STRING from the project version"
#endif

dacc_status dacc_init(void)
{
    return sodium_init() < 0 ? DACC_ERR_UNSUPPORTED : DACC_OK;
}

const char *dacc_version(void)
{
    return DACC_VERSION_STRING;
}
