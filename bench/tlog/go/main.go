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

// readProof reads a dacc-proof/v1 file or a c2sp.org/tlog-proof@v1 one;
// for the latter, cp is the checkpoint note it carries.
func readProof(path string) (kind string, a, size int64, hashes []tlog.Hash, cp []byte) {
	data, err := os.ReadFile(path)
	must(err)
	if bytes.HasPrefix(data, []byte("c2sp.org/tlog-proof@v1\n")) {
		return readTlogProof(data)
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Scan()
	kind = strings.TrimPrefix(sc.Text(), "dacc-proof/v1 ")
	sc.Scan()
	a, err = strconv.ParseInt(strings.Fields(sc.Text())[1], 10, 64)
	must(err)
	sc.Scan()
	size, err = strconv.ParseInt(strings.Fields(sc.Text())[1], 10, 64)
	must(err)
	for sc.Scan() {
		hashes = append(hashes, decodeHash(strings.TrimPrefix(sc.Text(), "hash ")))
	}
	return
}

func decodeHash(s string) tlog.Hash {
	b, err := base64.StdEncoding.DecodeString(s)
	must(err)
	if len(b) != tlog.HashSize {
		must(fmt.Errorf("hash of %d bytes", len(b)))
	}
	var h tlog.Hash
	copy(h[:], b)
	return h
}

// readTlogProof follows the layout of c2sp.org/tlog-proof: the magic line,
// an optional extra line, the index, hashes, an empty line, the checkpoint.
func readTlogProof(data []byte) (kind string, a, size int64, hashes []tlog.Hash, cp []byte) {
	head, note, ok := bytes.Cut(data, []byte("\n\n"))
	if !ok {
		must(fmt.Errorf("tlog-proof without an empty line before the checkpoint"))
	}
	lines := strings.Split(string(head), "\n")[1:]
	if strings.HasPrefix(lines[0], "extra ") {
		lines = lines[1:]
	}
	var err error
	a, err = strconv.ParseInt(strings.TrimPrefix(lines[0], "index "), 10, 64)
	must(err)
	for _, l := range lines[1:] {
		hashes = append(hashes, decodeHash(l))
	}
	cp = note
	size, err = strconv.ParseInt(strings.SplitN(string(note), "\n", 3)[1], 10, 64)
	must(err)
	return "inclusion", a, size, hashes, cp
}

func openCheckpoint(verifiers note.Verifiers, path string) tlog.Tree {
	msg, err := os.ReadFile(path)
	must(err)
	return openNote(verifiers, msg)
}

func openNote(verifiers note.Verifiers, msg []byte) tlog.Tree {
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
		_, idx, size, proof, cp := readProof(args[2])
		entry, err := os.ReadFile(args[3])
		must(err)
		if size != tree.N {
			must(fmt.Errorf("proof for size %d, checkpoint %d", size, tree.N))
		}
		if cp != nil {
			if openNote(note.VerifierList(v), cp) != tree {
				must(fmt.Errorf("the tlog-proof's checkpoint is another tree"))
			}
			fmt.Printf("go note.Open: the tlog-proof's own checkpoint verified\n")
		}
		must(tlog.CheckRecord(proof, tree.N, tree.Hash, idx, tlog.RecordHash(entry)))
		fmt.Printf("go tlog.CheckRecord: entry %d included\n", idx)
	}
	if len(args) >= 6 {
		old := openCheckpoint(note.VerifierList(v), args[4])
		_, _, _, proof, _ := readProof(args[5])
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
