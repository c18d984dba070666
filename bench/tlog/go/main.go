// The Go reference side of bench/tlog, built from Debian's
// golang-golang-x-mod-dev (golang.org/x/mod/sumdb/note and sumdb/tlog):
//
//	tlogref hash N                         time tree hashing of N leaves
//	tlogref verify VKEY CHECKPOINT [PROOF ENTRY [OLD CONSPROOF]]
//	                                       check dacc's files with Go's code
package main

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

type memHashes []tlog.Hash

func (m *memHashes) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		out[i] = (*m)[x]
	}
	return out, nil
}

func hashBench(n int64) {
	start := time.Now()
	var stored memHashes
	for i := int64(0); i < n; i++ {
		var data [8]byte
		for b := 0; b < 8; b++ {
			data[b] = byte(i >> (8 * b))
		}
		hs, err := tlog.StoredHashes(i, data[:], &stored)
		if err != nil {
			panic(err)
		}
		stored = append(stored, hs...)
	}
	root, err := tlog.TreeHash(n, &stored)
	if err != nil {
		panic(err)
	}
	fmt.Printf("seconds=%.3f root=%s\n", time.Since(start).Seconds(),
		base64.StdEncoding.EncodeToString(root[:]))
}

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "tlogref:", err)
		os.Exit(1)
	}
}

func readProof(path string) (kind string, a, size int64, hashes []tlog.Hash) {
	f, err := os.Open(path)
	must(err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Scan()
	kind = strings.TrimPrefix(sc.Text(), "dacc-proof/v1 ")
	sc.Scan()
	a, err = strconv.ParseInt(strings.Fields(sc.Text())[1], 10, 64)
	must(err)
	sc.Scan()
	size, err = strconv.ParseInt(strings.Fields(sc.Text())[1], 10, 64)
	must(err)
	for sc.Scan() {
		b, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(sc.Text(), "hash "))
		must(err)
		var h tlog.Hash
		copy(h[:], b)
		hashes = append(hashes, h)
	}
	return
}

func openCheckpoint(verifiers note.Verifiers, path string) tlog.Tree {
	msg, err := os.ReadFile(path)
	must(err)
	n, err := note.Open(msg, verifiers)
	must(err)
	lines := strings.SplitN(n.Text, "\n", 4)
	size, err := strconv.ParseInt(lines[1], 10, 64)
	must(err)
	b, err := base64.StdEncoding.DecodeString(lines[2])
	must(err)
	var t tlog.Tree
	t.N = size
	copy(t.Hash[:], b)
	fmt.Printf("go note.Open: checkpoint of %s verified, size %d\n", lines[0], size)
	return t
}

func verify(args []string) {
	vkey, err := os.ReadFile(args[0])
	must(err)
	v, err := note.NewVerifier(string(bytes.TrimSpace(vkey)))
	must(err)
	tree := openCheckpoint(note.VerifierList(v), args[1])
	if len(args) >= 4 {
		_, idx, size, proof := readProof(args[2])
		entry, err := os.ReadFile(args[3])
		must(err)
		if size != tree.N {
			must(fmt.Errorf("proof for size %d, checkpoint %d", size, tree.N))
		}
		must(tlog.CheckRecord(proof, tree.N, tree.Hash, idx, tlog.RecordHash(entry)))
		fmt.Printf("go tlog.CheckRecord: entry %d included\n", idx)
	}
	if len(args) >= 6 {
		old := openCheckpoint(note.VerifierList(v), args[4])
		_, _, _, proof := readProof(args[5])
		must(tlog.CheckTree(proof, tree.N, tree.Hash, old.N, old.Hash))
		fmt.Printf("go tlog.CheckTree: %d is consistent with %d\n", tree.N, old.N)
	}
}

func main() {
	if len(os.Args) == 3 && os.Args[1] == "hash" {
		n, err := strconv.ParseInt(os.Args[2], 10, 64)
		must(err)
		hashBench(n)
		return
	}
	if len(os.Args) >= 4 && os.Args[1] == "verify" {
		verify(os.Args[2:])
		return
	}
	fmt.Fprintln(os.Stderr, "usage: tlogref hash N | verify VKEY CHECKPOINT [PROOF ENTRY [OLD CONSPROOF]]")
	os.Exit(2)
}
