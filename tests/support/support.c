#define _XOPEN_SOURCE 700 /* nftw */
#include "support.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dacc/file.h"

static char *slurp_fd(int fd, size_t *len)
{
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    cr_assert_not_null(buf);
    lseek(fd, 0, SEEK_SET);
    ssize_t got;
    while ((got = read(fd, buf + n, cap - n - 1)) > 0) {
        n += (size_t)got;
        if (cap - n < 2) {
            cap *= 2;
            buf = realloc(buf, cap);
            cr_assert_not_null(buf);
        }
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

static int temp_fd(void)
{
    char name[] = "/tmp/dacc-test-XXXXXX";
    int fd = mkstemp(name);
    cr_assert(fd >= 0, "mkstemp: %s", strerror(errno));
    unlink(name);
    return fd;
}

void run_dacc(run_result *r, const char *stdin_text, const char *const *args)
{
    const run_opts none = { NULL, 0 };
    run_dacc_with(r, stdin_text, &none, args);
}

void run_result_free(run_result *r)
{
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}

char *make_temp_dir(void)
{
    char tmpl[] = "/tmp/dacc-test-dir-XXXXXX";
    char *d = mkdtemp(tmpl);
    cr_assert_not_null(d, "mkdtemp: %s", strerror(errno));
    return strdup(d);
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

void remove_tree(const char *dir)
{
    if (dir != NULL)
        nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

char *path_join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    cr_assert_not_null(p);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

void write_text(const char *path, const char *text)
{
    FILE *fp = fopen(path, "wb");
    cr_assert_not_null(fp, "%s: %s", path, strerror(errno));
    size_t len = strlen(text);
    cr_assert_eq(fwrite(text, 1, len, fp), len);
    cr_assert_eq(fclose(fp), 0);
}

char *read_text(const char *path, size_t *len)
{
    char *data;
    size_t n;
    if (dacc_file_read(path, 0, &data, &n, NULL) != DACC_OK)
        return NULL;
    if (len != NULL)
        *len = n;
    return data;
}

void run_dacc_with(run_result *r, const char *stdin_text, const run_opts *o,
                   const char *const *args)
{
    size_t n = 0;
    while (args[n] != NULL)
        n++;
    char **argv = calloc(n + 2, sizeof *argv);
    cr_assert_not_null(argv);
    argv[0] = (char *)DACC_EXE;
    for (size_t i = 0; i < n; i++)
        argv[i + 1] = (char *)args[i];
    int in = temp_fd(), out = temp_fd(), err = temp_fd();
    if (stdin_text != NULL) {
        size_t len = strlen(stdin_text);
        cr_assert_eq(write(in, stdin_text, len), (ssize_t)len);
        lseek(in, 0, SEEK_SET);
    }
    int sink = o->stdout_path ? open(o->stdout_path, O_WRONLY | O_CLOEXEC) : out;
    cr_assert(sink >= 0, "%s: %s", o->stdout_path, strerror(errno));
    pid_t pid = fork();
    cr_assert(pid >= 0, "fork: %s", strerror(errno));
    if (pid == 0) {
        if (o->fsize_limit) {
            struct rlimit rl = { o->fsize_limit, o->fsize_limit };
            signal(SIGXFSZ, SIG_IGN);
            setrlimit(RLIMIT_FSIZE, &rl);
        }
        dup2(in, 0);
        dup2(sink, 1);
        dup2(err, 2);
        execv(DACC_EXE, argv);
        _exit(127);
    }
    int ws;
    cr_assert_eq(waitpid(pid, &ws, 0), pid);
    r->status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
    r->out = slurp_fd(out, &r->out_len);
    r->err = slurp_fd(err, &r->err_len);
    if (sink != out)
        close(sink);
    close(in);
    close(out);
    close(err);
    free(argv);
}

/* ---- a small XML well-formedness check ---- */

static int xml_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ':' ||
           c == '_' || c == '-' || c == '.';
}

/* Past one entity at p ("&amp;", "&#39;", "&#x1F;"), or NULL. */
static const char *xml_entity(const char *p)
{
    static const char *const named[] = { "&amp;", "&lt;", "&gt;", "&quot;", "&apos;" };
    for (size_t i = 0; i < 5; i++)
        if (strncmp(p, named[i], strlen(named[i])) == 0)
            return p + strlen(named[i]);
    if (p[1] != '#')
        return NULL;
    const char *q = p + 2 + (p[2] == 'x');
    const char *digits = p[2] == 'x' ? "0123456789abcdefABCDEF" : "0123456789";
    size_t n = strspn(q, digits);
    return n > 0 && q[n] == ';' ? q + n + 1 : NULL;
}

static const char *xml_text(const char *p, char stop, const char **why)
{
    while (*p && *p != stop && *p != '<') {
        if (*p != '&') {
            p++;
        } else if ((p = xml_entity(p)) == NULL) {
            *why = "a bare '&'";
            return NULL;
        }
    }
    return p;
}

/* Past the tag at p ('<'); its name into name, *kind 1 open, 2 close, 3 empty. */
static const char *xml_tag(const char *p, char *name, size_t cap, int *kind, const char **why)
{
    p++;
    *kind = *p == '/' ? 2 : 1;
    p += *kind == 2;
    size_t n = 0;
    while (xml_name_char(p[n]))
        n++;
    if (n == 0 || n >= cap) {
        *why = "a tag without a name";
        return NULL;
    }
    memcpy(name, p, n);
    name[n] = '\0';
    p += n;
    for (;;) {
        p += strspn(p, " \t\n");
        if (*p == '>')
            return p + 1;
        if (p[0] == '/' && p[1] == '>' && *kind == 1) {
            *kind = 3;
            return p + 2;
        }
        size_t a = 0;
        while (xml_name_char(p[a]))
            a++;
        if (a == 0 || *kind == 2 || p[a] != '=' || (p[a + 1] != '"' && p[a + 1] != '\'')) {
            *why = "an attribute that is not name=\"value\"";
            return NULL;
        }
        char q = p[a + 1];
        p = xml_text(p + a + 2, q, why);
        if (p == NULL || *p != q) {
            *why = p == NULL ? *why : "'<' or the end inside an attribute";
            return NULL;
        }
        p++;
    }
}

const char *xml_check(const char *doc)
{
    static char why_at[160];
    char stack[64][64];
    size_t depth = 0, roots = 0;
    const char *p = doc, *why = NULL;
    while (p != NULL && *p) {
        if (*p != '<') {
            const char *q = xml_text(p, '\0', &why);
            if (q != NULL && depth == 0 && strspn(p, " \t\n") < (size_t)(q - p))
                why = "text outside the root", q = NULL;
            p = q;
        } else if (strncmp(p, "<!--", 4) == 0 || strncmp(p, "<?", 2) == 0) {
            const char *end = strstr(p, p[1] == '!' ? "-->" : "?>");
            p = end ? end + (p[1] == '!' ? 3 : 2) : NULL;
            why = end ? why : "an unclosed comment";
        } else {
            char name[64];
            int kind;
            p = xml_tag(p, name, sizeof name, &kind, &why);
            if (p == NULL)
                break;
            if (kind == 2 && (depth == 0 || strcmp(stack[depth - 1], name) != 0))
                why = "a closing tag that does not match", p = NULL;
            else if (kind == 2)
                depth--;
            else if (depth == 0 && roots++ > 0)
                why = "a second root element", p = NULL;
            else if (kind == 1 && depth == 64)
                why = "nested too deep", p = NULL;
            else if (kind == 1)
                snprintf(stack[depth++], sizeof stack[0], "%s", name);
        }
    }
    if (p != NULL && depth > 0)
        why = "an element left open", p = NULL;
    if (p != NULL && roots == 0)
        why = "no element", p = NULL;
    if (p != NULL)
        return NULL;
    snprintf(why_at, sizeof why_at, "%s", why ? why : "malformed");
    return why_at;
}
