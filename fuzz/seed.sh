#!/usr/bin/env bash
# Seeds fuzz/corpus/<target>/ from the fixtures: each file in the shape its target
# reads (a selector byte first where a target picks which file the bytes replace).
# Safe to run again: files are named by their content's hash, so nothing doubles.
set -euo pipefail
cd "$(dirname "$0")"
fixtures=../fixtures
corpus=corpus

# add TARGET SELECTOR FILE: one seed, the selector byte (octal, or '' for none) then the
# file, cut to 16 KiB (the fuzzer mutates small inputs faster; tests/bounded.rs covers size);
# named by its content's hash as libFuzzer names its finds.
add() {
    local target=$1 selector=$2 file=$3 tmp
    mkdir -p "$corpus/$target"
    tmp=$(mktemp)
    if [ -n "$selector" ]; then printf "\\$selector" >"$tmp"; fi
    head -c 16384 "$file" >>"$tmp"
    mv "$tmp" "$corpus/$target/$(sha1sum "$tmp" | cut -c1-40)"
}

while IFS= read -r f; do
    add draft '' "$f"
    add finders '' "$f"
    add fix 000 "$f"
done < <(find "$fixtures" -name '*.md' | sort)

while IFS= read -r f; do
    case "$f" in
    */camplint.toml) add toml 000 "$f" ;;
    */campaigns/*) add toml 001 "$f" ;;
    */audiences/*) add toml 002 "$f" ;;
    esac
done < <(find "$fixtures" -name '*.toml' | sort)

while IFS= read -r f; do
    case "$f" in
    */consent/*)
        add csv 001 "$f"
        add fix 002 "$f"
        ;;
    *)
        add csv 000 "$f"
        add fix 001 "$f"
        ;;
    esac
done < <(find "$fixtures" -name '*.csv' | sort)

# Media: the fixtures' images, and headers of each format the sniffers know, built here
# (the fixtures hold no video).
while IFS= read -r f; do add media '' "$f"; done < <(find "$fixtures" -path '*/media/*' -type f | sort)
python3 - "$corpus/media" <<'PY'
import hashlib, os, struct, sys
out = sys.argv[1]
def box(kind, payload): return struct.pack(">I", 8 + len(payload)) + kind + payload
def save(b):
    with open(os.path.join(out, hashlib.sha1(b).hexdigest()), "wb") as f: f.write(b)
ftyp = box(b"ftyp", b"isom" + b"\0\0\2\0" + b"isomiso2avc1mp41")
mvhd = box(b"mvhd", b"\0\0\0\0" + b"\0" * 8 + struct.pack(">II", 1000, 15000) + b"\0" * 80)
tkhd = box(b"tkhd", b"\0\0\0\x07" + b"\0" * 72 + struct.pack(">II", 1280 << 16, 720 << 16))
hdlr = box(b"hdlr", b"\0" * 8 + b"vide" + b"\0" * 13)
stsd = box(b"stsd", b"\0" * 4 + struct.pack(">I", 1) + box(b"avc1", b"\0" * 78))
trak = box(b"trak", tkhd + box(b"mdia", hdlr + box(b"minf", box(b"stbl", stsd))))
save(ftyp + box(b"moov", mvhd + trak) + box(b"mdat", b"\0" * 16))
save(ftyp + box(b"mdat", b"\0" * 16) + box(b"moov", mvhd))
save(b"GIF89a" + struct.pack("<HH", 10, 10) + b"\x80\0\0" + b"\0" * 6
     + b"\x21\xff\x0bNETSCAPE2.0\x03\x01\0\0\0" + b"\x21\xf9\x04\0\x0a\0\0\0" + b"\x2c" + b"\0" * 9 + b"\x02\x02\x44\x01\0" + b";")
save(b"RIFF" + struct.pack("<I", 30) + b"WEBPVP8X" + struct.pack("<I", 10) + b"\x02\0\0\0" + (99).to_bytes(3, "little") + (49).to_bytes(3, "little"))
save(b"RIFF" + struct.pack("<I", 30) + b"WEBPVP8L" + struct.pack("<I", 5) + b"\x2f" + struct.pack("<I", 99 | (49 << 14)))
save(b"\xff\xd8\xff\xe0\0\x10JFIF\0\1\1\0\0\1\0\1\0\0\xff\xc0\0\x11\x08\x01\xe0\x02\x80\x03\x01\x22\0\x02\x11\x01\x03\x11\x01\xff\xd9")
PY

# Finders: the fixtures' drafts above, plus numbers and links written every way.
printf '%s\n' 'Chiama +39 333 123 4567, 0039 02 1234 5678, (02) 1234-5678 o 333.123.4567' \
    'https://wa.me/393331234567?text=ciao wa.me/+39 333 1234567 api.whatsapp.com/send?phone=00393331234567' \
    'https://twitter.com/messages/compose?recipient_id=12345 x.com/messages/compose?recipient_id=abc' \
    'negozio.it/saldi?x=1 www.esempio.com info@negozio.it codice BF26 -20% STOP' >"$corpus/.finders"
add finders '' "$corpus/.finders"
rm "$corpus/.finders"

# Whole projects: every fixture's text files as `%%FILE path` chunks (see src/lib.rs).
for project in "$fixtures"/*/; do
    [ -f "$project/camplint.toml" ] || continue
    packed=$(mktemp)
    first=1
    while IFS= read -r f; do
        rel=${f#"$project"}
        [ "$(wc -c <"$f")" -le 16384 ] || continue
        if [ $first = 1 ]; then printf '%%%%FILE %s\n' "$rel" >>"$packed"; first=0; else printf '\n%%%%FILE %s\n' "$rel" >>"$packed"; fi
        cat "$f" >>"$packed"
    done < <(cd "$project" && find . \( -name '*.toml' -o -name '*.md' -o -name '*.csv' \) | sed 's|^\./||' | sort | sed "s|^|$project|")
    add check '' "$packed"
    rm "$packed"
done

# The language server: a session in frames, each message after `\n%%MSG\n` (selector 1),
# and the same session framed by hand (selector 0), so both doors start from a real one.
draft=$(python3 -c 'import json,sys; print(json.dumps(open(sys.argv[1]).read()))' "$fixtures/fixable/messages/promo/annuncio.md")
session=$(mktemp)
{
    printf '%s' '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{},"rootUri":null}}'
    printf '\n%%%%MSG\n%s' '{"jsonrpc":"2.0","method":"initialized","params":{}}'
    printf '\n%%%%MSG\n%s' "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didOpen\",\"params\":{\"textDocument\":{\"uri\":\"file:///ROOT/messages/promo/annuncio.md\",\"languageId\":\"markdown\",\"version\":1,\"text\":$draft}}}"
    printf '\n%%%%MSG\n%s' '{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":"file:///ROOT/messages/promo/annuncio.md","version":2},"contentChanges":[{"range":{"start":{"line":0,"character":0},"end":{"line":0,"character":5}},"text":"Salve"}]}}'
    printf '\n%%%%MSG\n%s' '{"jsonrpc":"2.0","id":2,"method":"textDocument/hover","params":{"textDocument":{"uri":"file:///ROOT/messages/promo/annuncio.md"},"position":{"line":2,"character":20}}}'
    printf '\n%%%%MSG\n%s' '{"jsonrpc":"2.0","id":3,"method":"textDocument/codeAction","params":{"textDocument":{"uri":"file:///ROOT/messages/promo/annuncio.md"},"range":{"start":{"line":0,"character":0},"end":{"line":9,"character":0}},"context":{"diagnostics":[]}}}'
    printf '\n%%%%MSG\n%s' '{"jsonrpc":"2.0","id":4,"method":"shutdown"}'
    printf '\n%%%%MSG\n%s' '{"jsonrpc":"2.0","method":"exit"}'
} >"$session"
add lsp 001 "$session"
python3 - "$session" >"$session.raw" <<'PY'
import sys
bodies = open(sys.argv[1], "rb").read().split(b"\n%%MSG\n")
sys.stdout.buffer.write(b"".join(b"Content-Length: %d\r\n\r\n" % len(b) + b for b in bodies))
PY
add lsp 000 "$session.raw"
rm "$session" "$session.raw"

du -sh "$corpus"
