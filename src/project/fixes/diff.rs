//! The unified diff `--diff` prints.
//!
//! Line matching comes from `similar` (already compiled for the tests through `insta`);
//! the lines and the hunk text are ours, because the output must show the file's bytes
//! as they are: lines end only at `\n` (a CRLF line keeps its `\r`, a stray `\r` stays
//! inside its line) and a file that is not UTF-8 is not re-encoded.

use std::ops::Range;

use similar::{capture_diff_slices, group_diff_ops, Algorithm, DiffOp, DiffTag};

/// Above this many lines (both sides), a diff that adds or removes lines is computed by
/// [`nearby`] instead of Myers, whose cost grows with lines times changes. A size, not
/// a time limit, so the output never depends on the machine.
const MYERS_MAX_LINES: usize = 20_000;

/// How far [`nearby`] looks for a line that was only moved by inserted or deleted lines.
const LOOKAHEAD: usize = 16;

/// Lines of unchanged context around each change, as `diff -u` and `git diff` print.
const CONTEXT: usize = 3;

/// The unified diff from `before` to `after` for the file at `rel_path` (relative to the
/// root, with `/`); empty when the bytes are equal.
///
/// The headers are `--- a/<rel_path>` and `+++ b/<rel_path>` with no timestamps, so two
/// runs print the same bytes. A last line without a newline is followed by
/// `\ No newline at end of file`, like `diff` and `git` do, so the patch applies.
pub fn unified_diff(rel_path: &str, before: &[u8], after: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    if before == after {
        return out;
    }
    let old = split_lines(before);
    let new = split_lines(after);
    let ops = if old.len() == new.len() {
        line_by_line(&old, &new)
    } else if old.len() + new.len() > MYERS_MAX_LINES {
        nearby(&old, &new)
    } else {
        // Myers without a deadline: a time limit would make the output depend on the
        // machine's speed.
        capture_diff_slices(Algorithm::Myers, &old, &new)
    };
    let hunks = group_diff_ops(ops, CONTEXT);
    if hunks.is_empty() {
        return out;
    }
    out.extend_from_slice(format!("--- a/{rel_path}\n+++ b/{rel_path}\n").as_bytes());
    for hunk in hunks {
        let (Some(first), Some(last)) = (hunk.first(), hunk.last()) else {
            continue;
        };
        let old_range = first.old_range().start..last.old_range().end;
        let new_range = first.new_range().start..last.new_range().end;
        out.extend_from_slice(
            format!(
                "@@ -{} +{} @@\n",
                hunk_range(&old_range),
                hunk_range(&new_range)
            )
            .as_bytes(),
        );
        for op in &hunk {
            let (tag, o, n) = op.as_tag_tuple();
            match tag {
                DiffTag::Equal => push_lines(&mut out, b' ', &old[o]),
                DiffTag::Delete => push_lines(&mut out, b'-', &old[o]),
                DiffTag::Insert => push_lines(&mut out, b'+', &new[n]),
                DiffTag::Replace => {
                    push_lines(&mut out, b'-', &old[o]);
                    push_lines(&mut out, b'+', &new[n]);
                }
            }
        }
    }
    out
}

/// The changes between two files with as many lines, pairing line i with line i.
///
/// Fixes that stay inside a line (every safe fix) keep the line count, and then this is
/// the diff a reader expects. Myers costs time in proportion to lines times changes: on
/// a contact list with 40,000 fixed phone cells that is minutes, this is milliseconds.
fn line_by_line(old: &[&[u8]], new: &[&[u8]]) -> Vec<DiffOp> {
    let mut ops = Vec::new();
    let mut start = 0;
    while start < old.len() {
        let same = old[start] == new[start];
        let len = old[start..]
            .iter()
            .zip(&new[start..])
            .take_while(|(a, b)| (a == b) == same)
            .count();
        ops.push(if same {
            DiffOp::Equal {
                old_index: start,
                new_index: start,
                len,
            }
        } else {
            DiffOp::Replace {
                old_index: start,
                old_len: len,
                new_index: start,
                new_len: len,
            }
        });
        start += len;
    }
    ops
}

/// The changes between two long files, in one pass: equal lines match; otherwise a line
/// found again within [`LOOKAHEAD`] lines on one side means lines were deleted or
/// inserted before it, and anything else is a line replaced by the line opposite.
///
/// Not always the shortest diff, but always a correct one, in time proportional to the
/// lines: fixes replace within lines and delete whole rows, which this finds.
fn nearby(old: &[&[u8]], new: &[&[u8]]) -> Vec<DiffOp> {
    let mut ops: Vec<DiffOp> = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < old.len() || j < new.len() {
        let op = if i < old.len() && j < new.len() && old[i] == new[j] {
            (DiffTag::Equal, 1, 1)
        } else if i == old.len() {
            (DiffTag::Insert, 0, new.len() - j)
        } else if j == new.len() {
            (DiffTag::Delete, old.len() - i, 0)
        } else {
            let deleted = (1..=LOOKAHEAD).find(|k| old.get(i + k) == Some(&new[j]));
            let inserted = (1..=LOOKAHEAD).find(|k| new.get(j + k) == Some(&old[i]));
            match (deleted, inserted) {
                (Some(d), Some(n)) if n < d => (DiffTag::Insert, 0, n),
                (Some(d), _) => (DiffTag::Delete, d, 0),
                (None, Some(n)) => (DiffTag::Insert, 0, n),
                (None, None) => (DiffTag::Replace, 1, 1),
            }
        };
        push_op(&mut ops, op, i, j);
        i += op.1;
        j += op.2;
    }
    ops
}

/// Appends an operation, merging it into the previous one of the same kind.
fn push_op(ops: &mut Vec<DiffOp>, (tag, o, n): (DiffTag, usize, usize), i: usize, j: usize) {
    match (ops.last_mut(), tag) {
        (Some(DiffOp::Equal { len, .. }), DiffTag::Equal) => *len += o,
        (Some(DiffOp::Delete { old_len, .. }), DiffTag::Delete) => *old_len += o,
        (Some(DiffOp::Insert { new_len, .. }), DiffTag::Insert) => *new_len += n,
        (
            Some(DiffOp::Replace {
                old_len, new_len, ..
            }),
            DiffTag::Replace,
        ) => {
            *old_len += o;
            *new_len += n;
        }
        _ => ops.push(match tag {
            DiffTag::Equal => DiffOp::Equal {
                old_index: i,
                new_index: j,
                len: o,
            },
            DiffTag::Delete => DiffOp::Delete {
                old_index: i,
                old_len: o,
                new_index: j,
            },
            DiffTag::Insert => DiffOp::Insert {
                old_index: i,
                new_index: j,
                new_len: n,
            },
            DiffTag::Replace => DiffOp::Replace {
                old_index: i,
                old_len: o,
                new_index: j,
                new_len: n,
            },
        }),
    }
}

/// Splits after each `\n`, keeping it; the last piece has none when the file does not
/// end with a newline.
fn split_lines(bytes: &[u8]) -> Vec<&[u8]> {
    bytes.split_inclusive(|&b| b == b'\n').collect()
}

/// `start,len` with 1-based start; a range of one line is just `start`, and an empty
/// range names the line before it (`0,0` for an empty file), as POSIX `diff -u` does.
fn hunk_range(range: &Range<usize>) -> String {
    let len = range.end - range.start;
    match len {
        0 => format!("{},0", range.start),
        1 => format!("{}", range.start + 1),
        _ => format!("{},{}", range.start + 1, len),
    }
}

fn push_lines(out: &mut Vec<u8>, tag: u8, lines: &[&[u8]]) {
    for line in lines {
        out.push(tag);
        out.extend_from_slice(line);
        if !line.ends_with(b"\n") {
            out.extend_from_slice(b"\n\\ No newline at end of file\n");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diff(a: &str, b: &str) -> String {
        String::from_utf8(unified_diff("x.csv", a.as_bytes(), b.as_bytes())).unwrap()
    }

    #[test]
    fn equal_bytes_give_no_diff() {
        assert_eq!(diff("a\n", "a\n"), "");
    }

    #[test]
    fn one_changed_line_with_context() {
        let a = "1\n2\n3\n4\n5\n6\n7\n8\n9\n";
        let b = "1\n2\n3\n4\nV\n6\n7\n8\n9\n";
        assert_eq!(
            diff(a, b),
            "--- a/x.csv\n+++ b/x.csv\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+V\n 6\n 7\n 8\n"
        );
    }

    #[test]
    fn missing_final_newline_is_marked() {
        assert_eq!(
            diff("a\nb", "a\nc"),
            "--- a/x.csv\n+++ b/x.csv\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file\n"
        );
    }

    #[test]
    fn adding_the_final_newline_shows_both_sides() {
        assert_eq!(
            diff("a", "a\n"),
            "--- a/x.csv\n+++ b/x.csv\n@@ -1 +1 @@\n-a\n\\ No newline at end of file\n+a\n"
        );
    }

    #[test]
    fn crlf_lines_keep_their_cr() {
        assert_eq!(
            diff("a\r\nb\r\n", "a\r\nc\r\n"),
            "--- a/x.csv\n+++ b/x.csv\n@@ -1,2 +1,2 @@\n a\r\n-b\r\n+c\r\n"
        );
    }

    #[test]
    fn empty_file_ranges() {
        assert_eq!(
            diff("", "a\n"),
            "--- a/x.csv\n+++ b/x.csv\n@@ -0,0 +1 @@\n+a\n"
        );
    }

    #[test]
    fn many_changed_lines_are_paired_line_by_line_quickly() {
        let a: String = (0..40_000).map(|i| format!("333 {i:07}\n")).collect();
        let b: String = (0..40_000).map(|i| format!("+39333{i:07}\n")).collect();
        let d = diff(&a, &b);
        assert_eq!(d.lines().filter(|l| l.starts_with('-')).count(), 40_001);
        assert!(d.starts_with("--- a/x.csv\n+++ b/x.csv\n@@ -1,40000 +1,40000 @@\n-333 0000000\n"));
    }

    /// Rebuilds the new file from the old one and the diff's operations.
    fn replay(old: &[&[u8]], new: &[&[u8]], ops: &[DiffOp]) -> Vec<u8> {
        let mut out = Vec::new();
        for op in ops {
            let (tag, o, n) = op.as_tag_tuple();
            let lines = if tag == DiffTag::Equal {
                &old[o]
            } else {
                &new[n]
            };
            lines.iter().for_each(|l| out.extend_from_slice(l));
        }
        out
    }

    #[test]
    fn long_files_with_deleted_rows_diff_in_one_pass() {
        let a: String = (0..30_000).map(|i| format!("333 {i:07}\n")).collect();
        let b: String = (0..30_000)
            .filter(|i| i % 1000 != 7)
            .map(|i| format!("+39333{i:07}\n"))
            .collect();
        let (old, new) = (split_lines(a.as_bytes()), split_lines(b.as_bytes()));
        let ops = nearby(&old, &new);
        assert_eq!(replay(&old, &new, &ops), b.as_bytes());
        let d = diff(&a, &b);
        assert_eq!(d.lines().filter(|l| l.starts_with('-')).count(), 30_001);
        assert_eq!(d.lines().filter(|l| l.starts_with('+')).count(), 29_971);
    }

    #[test]
    fn nearby_finds_a_deleted_row_between_equal_ones() {
        let old: Vec<&[u8]> = vec![b"a\n", b"dup\n", b"b\n", b"c\n"];
        let new: Vec<&[u8]> = vec![b"a\n", b"b\n", b"C\n"];
        let ops = nearby(&old, &new);
        assert_eq!(replay(&old, &new, &ops), b"a\nb\nC\n");
        assert_eq!(
            ops.iter().map(|op| op.tag()).collect::<Vec<_>>(),
            [
                DiffTag::Equal,
                DiffTag::Delete,
                DiffTag::Equal,
                DiffTag::Replace
            ]
        );
    }

    #[test]
    fn far_apart_changes_make_two_hunks() {
        let a: String = (1..=20).map(|i| format!("l{i}\n")).collect();
        let b = a.replace("l2\n", "two\n").replace("l19\n", "nineteen\n");
        let d = diff(&a, &b);
        assert_eq!(d.lines().filter(|l| l.starts_with("@@ ")).count(), 2);
    }
}
