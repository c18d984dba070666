#!/bin/sh
# Writes the section 3 manual pages of the public headers, so that they say
# exactly what the headers say: one page per header, dacc_MODULE(3) for
# include/dacc/MODULE.h, made of the header's own comments and declarations
# in their order (the header's first comment is the page's NAME line and
# DESCRIPTION; a "/* ---- TITLE ---- */" comment is a subsection; every
# other comment is prose; declarations are shown as code), followed by the
# error rules every fallible function shares. Every function and type a
# page declares gets a one-line page that points to it (".so"), so that
# `man dacc_money_parse` opens dacc_money(3).
#
# The build runs this (CMakeLists.txt, target dacc_man3) into
# BUILD/man/man3, which `make install` installs; it needs only sh and awk.
# Usage: scripts/man3.sh OUTDIR VERSION HEADER...
set -eu
out=${1:?usage: man3.sh OUTDIR VERSION HEADER...}
version=${2:?usage: man3.sh OUTDIR VERSION HEADER...}
shift 2
[ $# -gt 0 ] || { echo "man3.sh: no headers given" >&2; exit 2; }

tmp=$out.tmp
rm -rf "$tmp"
mkdir -p "$tmp"
for h in "$@"; do
    base=$(basename "$h" .h)
    page=dacc_$base
    awk -v page="$page" -v header="dacc/$base.h" -v version="$version" \
        -v links="$tmp/$page.links" '
    function esc(s) {
        gsub(/\\/, "\\e", s)
        gsub(/\314\202/, "\\(ha", s)   # a combining circumflex (r-hat), which groff cannot compose
        if (s ~ /^[.\047]/) s = "\\&" s
        return s
    }
    # Prose: blank lines are paragraph breaks, "- " starts a list item,
    # lines indented further than the text around them are shown as they are.
    function prose(text,    n, i, l, lines, in_ex, in_list) {
        n = split(text, lines, "\n")
        in_ex = 0
        in_list = 0
        for (i = 1; i <= n; i++) {
            l = lines[i]
            if (l ~ /^ ?- /) {
                if (in_ex) { print ".EE"; in_ex = 0 }
                sub(/^ ?- /, "", l)
                print ".IP \\(bu 2"
                print esc(l)
                in_list = 1
                continue
            }
            if (in_list && l ~ /^  +[^ ]/) { sub(/^ +/, "", l); print esc(l); continue }
            if (l ~ /^   / || (in_ex && l ~ /^ /)) {
                if (!in_ex) { print ".PP"; print ".EX"; in_ex = 1 }
                sub(/^   /, "", l)
                print esc(l)
                continue
            }
            if (in_ex) { print ".EE"; in_ex = 0 }
            if (l ~ /^[ \t]*$/) { if (i > 1 && i < n) print ".PP"; in_list = 0; continue }
            if (in_list) { print ".PP"; in_list = 0 }
            sub(/^ +/, "", l)
            print esc(l)
        }
        if (in_ex) print ".EE"
    }
    # The text of a comment, without its delimiters and leading stars.
    function comment_text(c,    n, i, lines, t, l) {
        sub(/\n+$/, "", c)
        sub(/^[ \t]*\/\*[ \t]?/, "", c)
        sub(/[ \t]*\*\/[ \t]*$/, "", c)
        n = split(c, lines, "\n")
        t = ""
        for (i = 1; i <= n; i++) {
            l = lines[i]
            sub(/^[ \t]*\* ?/, "", l)
            t = t (i > 1 ? "\n" : "") l
        }
        return t
    }
    # A group: a comment and the declarations right after it, shown as the
    # code with the comment under it; a comment alone is prose.
    function flush_code() {
        if (code != "") {
            print ".PP"
            print ".EX"
            printf "%s", code
            print ".EE"
            if (pending != "") { print ".RS 4"; prose(pending); print ".RE" }
        } else if (pending != "") {
            print ".PP"
            prose(pending)
        }
        code = ""
        pending = ""
    }
    function emit_comment(c,    t) {
        t = comment_text(c)
        flush_code()
        if (t ~ /^-+ .* -*$/) {
            sub(/^-+ /, "", t); sub(/ -*$/, "", t)
            print ".SS " esc(t)
            return
        }
        pending = t
    }
    function note_names(d,    s, m) {
        s = d
        # a function: its name before "("; a typedef: its last word
        while (match(s, /dacc_[a-z0-9_]+[ \t]*\(/)) {
            m = substr(s, RSTART, RLENGTH); sub(/[ \t]*\($/, "", m)
            if (!(m in seen) && d !~ /^typedef[^(]*\(\*/ ) { seen[m] = 1; print m > links }
            s = substr(s, RSTART + RLENGTH)
        }
        if (d ~ /^(__extension__ )?typedef/) {
            s = d; gsub(/\/\*[^*]*\*\//, "", s); gsub(/[ \t\n;]+$/, "", s)
            if (match(s, /dacc_[a-z0-9_]+\)?[ \t]*(\([^()]*\))?$/)) {
                m = substr(s, RSTART, RLENGTH); sub(/[^a-z0-9_].*$/, "", m)
                if (!(m in seen)) { seen[m] = 1; print m > links }
            }
        }
    }
    BEGIN { state = "head"; code = ""; pending = ""; decl = ""; depth = 0; first = ""; body = 0 }
    # the header comment: NAME and DESCRIPTION
    state == "head" {
        first = first $0 "\n"
        if ($0 ~ /\*\//) {
            t = comment_text(first)
            n = index(t, "\n")
            line1 = n ? substr(t, 1, n - 1) : t
            rest = n ? substr(t, n + 1) : ""
            sub(/^dacc[ \t]*(\342\200\224|-+)[ \t]*/, "", line1)
            # a first sentence that goes on to the next line
            while (line1 !~ /[.:]$/ && rest != "" && rest !~ /^[ \t]*\n/ && rest !~ /^[ \t]*$/) {
                n = index(rest, "\n")
                l = n ? substr(rest, 1, n - 1) : rest
                rest = n ? substr(rest, n + 1) : ""
                sub(/^ +/, "", l)
                line1 = line1 " " l
            }
            sub(/\.$/, "", line1)
            print ".\\\" Generated from include/" header " by scripts/man3.sh; do not edit."
            print ".TH " toupper(page) " 3 \"\" \"dacc " version "\" \"dacc library\""
            print ".SH NAME"
            print page " \\- " esc(line1)
            print ".SH SYNOPSIS"
            print ".nf"
            print ".B #include <" header ">"
            print ".PP"
            print ".B cc app.c $(pkg\\-config \\-\\-cflags \\-\\-libs dacc)"
            print ".fi"
            print ".SH DESCRIPTION"
            prose(rest)
            print ".SH INTERFACE"
            state = "body"
        }
        next
    }
    # everything between the include guard and its #endif
    state == "body" && incomment {
        cbuf = cbuf "\n" $0
        if ($0 ~ /\*\//) { incomment = 0; emit_comment(cbuf) }
        next
    }
    state == "body" && decl == "" && /^[ \t]*\/\*/ {
        cbuf = $0
        if ($0 ~ /\*\//) emit_comment(cbuf); else incomment = 1
        next
    }
    state == "body" && decl == "" && (/^#(ifndef|endif|include|ifdef|if|else)/ || /^extern "C"/ || /^}[ \t]*$/ || /^[ \t]*$/) {
        if ($0 ~ /^[ \t]*$/) flush_code()
        next
    }
    state == "body" && decl == "" && /^#define DACC_[A-Z0-9_]*_H[ \t]*$/ { next }
    state == "body" {
        decl = decl $0 "\n"
        line = $0; gsub(/\/\*.*\*\//, "", line)
        depth += gsub(/[{(]/, "", line); depth -= gsub(/[})]/, "", line)
        if (decl ~ /^#define/ ? $0 !~ /\\$/ : (depth == 0 && $0 ~ /;[ \t]*(\/\*.*\*\/)?[ \t]*$/)) {
            if (decl !~ /^#define/) note_names(decl)
            n = split(decl, dl, "\n")
            for (i = 1; i < n; i++) code = code esc(dl[i]) "\n"
            decl = ""; depth = 0
        }
        next
    }
    END {
        flush_code()
        print ".SH ERRORS"
        print "A function that can fail returns a"
        print ".B dacc_status"
        print "(DACC_OK on success) and, when it fails, fills the caller\047s"
        print ".BR dacc_error ,"
        print "which may be NULL, with a message naming the file, line and field at fault;"
        print "the codes a function returns, and what it leaves in its outputs on failure,"
        print "are in the comment above it. Codes are only ever appended and keep their numbers:"
        print ".BR dacc_error (3)."
        print "Bad input is an error, never a crash; misuse of the interface (NULL where"
        print "a pointer is required) may abort. An object made by a"
        print ".I _new"
        print "or"
        print ".I _open"
        print "function is released by its"
        print ".I _free"
        print "function, for which NULL is a no\\-op."
        print ".SH SEE ALSO"
        print ".BR dacc_base (3),"
        print ".BR dacc_error (3),"
        print ".BR dacc (1),"
        print "and the documents in"
        print ".IR /usr/share/doc/dacc/ ."
    }
    ' "$h" >"$tmp/$page.3"
    if [ -s "$tmp/$page.links" ]; then
        while read -r name; do
            [ "$name" = "$page" ] && continue
            printf '.so man3/%s.3\n' "$page" >"$tmp/$name.3"
        done <"$tmp/$page.links"
    fi
    rm -f "$tmp/$page.links"
done
rm -rf "$out"
mv "$tmp" "$out"
