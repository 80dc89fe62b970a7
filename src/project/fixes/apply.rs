//! Applying one pass of edits to one file's bytes.

use super::Edit;

/// Why an edit was not applied and will not be retried as it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RejectReason {
    /// The span ends before it starts.
    Reversed,
    /// The span reaches past the end of the file.
    OutOfBounds,
    /// The file is UTF-8 text and the span would cut a character in two.
    NotCharBoundary,
}

/// An edit that was refused, with the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    /// The edit as it was given.
    pub edit: Edit,
    /// Why it was refused.
    pub reason: RejectReason,
}

/// The result of one pass over one file.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Applied {
    /// The new bytes.
    pub output: Vec<u8>,
    /// The edits applied, sorted, spans over the input bytes, never overlapping.
    pub applied: Vec<Edit>,
    /// Edits that overlapped an applied one: the lint of the next pass decides again.
    pub deferred: Vec<Edit>,
    /// Edits that can never apply as given (bad span).
    pub rejected: Vec<Rejected>,
    /// How many exact copies of another edit (same span and text) were dropped.
    pub duplicates: usize,
}

/// Applies the edits that do not conflict; returns the rest as deferred or rejected.
///
/// Edits are taken in [`Edit::sort_key`] order, so the result does not depend on the
/// order they were found in. An edit is accepted only when it starts strictly after
/// the previous accepted one ends: edits that overlap *or touch* are deferred, because
/// two fixes written against the same spot cannot know how the other changes it (two
/// insertions at one offset would otherwise be ordered by their text, not by meaning).
/// A second pass re-lints the new bytes and fixes what is still wrong.
pub fn apply_edits(input: &[u8], edits: &[Edit]) -> Applied {
    // Char boundaries matter only for text: a file that is not UTF-8 gets no string
    // semantics to protect, but its bytes are still copied untouched.
    let text = std::str::from_utf8(input).ok();
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));

    let mut out = Applied::default();
    let mut last: Option<&Edit> = None;
    for edit in sorted {
        if let Some(prev) = last {
            if prev.span == edit.span && prev.replacement == edit.replacement {
                out.duplicates += 1;
                continue;
            }
        }
        last = Some(edit);
        if let Some(reason) = check_span(input.len(), text, edit) {
            out.rejected.push(Rejected {
                edit: edit.clone(),
                reason,
            });
            continue;
        }
        let conflicts = out
            .applied
            .last()
            .is_some_and(|prev| edit.span.start <= prev.span.end);
        if conflicts {
            out.deferred.push(edit.clone());
        } else {
            out.applied.push(edit.clone());
        }
    }

    let added: usize = out.applied.iter().map(|e| e.replacement.len()).sum();
    let mut output = Vec::with_capacity(input.len() + added);
    let mut copied_to = 0;
    for edit in &out.applied {
        output.extend_from_slice(&input[copied_to..edit.span.start]);
        output.extend_from_slice(edit.replacement.as_bytes());
        copied_to = edit.span.end;
    }
    output.extend_from_slice(&input[copied_to..]);
    out.output = output;
    out
}

fn check_span(len: usize, text: Option<&str>, edit: &Edit) -> Option<RejectReason> {
    let span = &edit.span;
    if span.start > span.end {
        return Some(RejectReason::Reversed);
    }
    if span.end > len {
        return Some(RejectReason::OutOfBounds);
    }
    if let Some(text) = text {
        if !text.is_char_boundary(span.start) || !text.is_char_boundary(span.end) {
            return Some(RejectReason::NotCharBoundary);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_edits_copies_the_bytes() {
        let input = b"\xEF\xBB\xBFa,b\r\n";
        assert_eq!(apply_edits(input, &[]).output, input);
    }

    #[test]
    fn edits_apply_in_span_order_whatever_order_given() {
        let a = Edit::safe(0..1, "X");
        let b = Edit::safe(4..5, "Y");
        let one = apply_edits(b"a,b,c", &[b.clone(), a.clone()]);
        let two = apply_edits(b"a,b,c", &[a, b]);
        assert_eq!(one, two);
        assert_eq!(one.output, b"X,b,Y");
    }

    #[test]
    fn touching_edits_are_deferred() {
        let r = apply_edits(b"abcdef", &[Edit::safe(2..4, "X"), Edit::safe(4..6, "Y")]);
        assert_eq!(r.output, b"abXef");
        assert_eq!(r.deferred, vec![Edit::safe(4..6, "Y")]);
    }

    #[test]
    fn two_insertions_at_one_offset_are_not_both_applied() {
        let r = apply_edits(b"ab", &[Edit::safe(1..1, "2"), Edit::safe(1..1, "1")]);
        assert_eq!(r.output, b"a1b");
        assert_eq!(r.deferred, vec![Edit::safe(1..1, "2")]);
    }

    #[test]
    fn identical_edits_apply_once() {
        let e = Edit::safe(1..2, "Z");
        let mut u = e.clone();
        u.applicability = crate::project::fixes::Applicability::Unsafe;
        let r = apply_edits(b"abc", &[e.clone(), e.clone(), u]);
        assert_eq!(r.output, b"aZc");
        assert_eq!(r.duplicates, 2);
        assert!(r.deferred.is_empty());
    }

    #[test]
    fn bad_spans_are_rejected_not_panicking() {
        #[allow(clippy::reversed_empty_ranges)]
        let reversed = Edit::safe(2..1, "");
        let edits = [
            reversed,
            Edit::safe(3..9, ""),
            // `è` is two bytes: 1..2 cuts it.
            Edit::safe(1..2, "e"),
        ];
        let r = apply_edits("cè!".as_bytes(), &edits);
        assert_eq!(r.output, "cè!".as_bytes());
        let reasons: Vec<_> = r.rejected.iter().map(|x| x.reason).collect();
        assert_eq!(
            reasons,
            vec![
                RejectReason::NotCharBoundary,
                RejectReason::Reversed,
                RejectReason::OutOfBounds
            ]
        );
    }

    #[test]
    fn non_utf8_bytes_take_byte_spans() {
        let r = apply_edits(b"\xFF\xFEab", &[Edit::safe(1..2, "x")]);
        assert_eq!(r.output, b"\xFFxab");
    }
}
