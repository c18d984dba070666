#include "dacc/base.h"

#include <sodium.h>

#include "dacc_commit.h"

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

const char *dacc_commit(void)
{
    return DACC_COMMIT_STRING;
}

const char *dacc_compiler(void)
{
#if defined(__clang__)
    return "clang " __clang_version__;
#elif defined(__GNUC__)
    return "gcc " __VERSION__;
#else
    return "unknown";
#endif
}
