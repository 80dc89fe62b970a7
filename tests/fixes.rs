//! The fix engine on its own: byte-exact application, passes, diff and safe writing.

use std::fs;
use std::path::Path;

use camplint::project::fixes::{
    apply_edits, fix_until_stable, read_for_fix, unified_diff, write_atomic, Convergence, Edit,
    FixMode, RejectReason, WriteError, DEFAULT_MAX_PASSES,
};

/// Lints like a phone rule would: every `333 1234567` becomes `+393331234567`.
fn phone_fixes(bytes: &[u8]) -> Vec<Edit> {
    let needle = b"333 1234567";
    bytes
        .windows(needle.len())
        .enumerate()
        .filter(|(_, w)| *w == needle)
        .map(|(i, _)| Edit::safe(i..i + needle.len(), "+393331234567"))
        .collect()
}

fn fix(bytes: &[u8]) -> Vec<u8> {
    fix_until_stable(bytes, FixMode::SafeOnly, DEFAULT_MAX_PASSES, phone_fixes).output
}

fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Applying, passes and diff: bytes in, bytes out.
mod fixes_bytes {
    use super::*;

    #[test]
    fn bom_and_crlf_survive_an_edit_in_the_middle() {
        let input = b"\xEF\xBB\xBFphone,name\r\n333 1234567,Mario\r\n+393330000000,Anna\r\n";
        let expected = b"\xEF\xBB\xBFphone,name\r\n+393331234567,Mario\r\n+393330000000,Anna\r\n";
        assert_eq!(fix(input), expected.to_vec());
    }

    #[test]
    fn an_edit_inside_a_quoted_csv_cell_keeps_the_quoting() {
        let input = b"name,phone\n\"Rossi, Mario\",\"333 1234567\"\n\"Bianchi \"\"Gigi\"\"\",\"+39 02 1234\"\n";
        let expected =
        b"name,phone\n\"Rossi, Mario\",\"+393331234567\"\n\"Bianchi \"\"Gigi\"\"\",\"+39 02 1234\"\n";
        assert_eq!(fix(input), expected.to_vec());
    }

    #[test]
    fn a_missing_final_newline_stays_missing() {
        assert_eq!(fix(b"phone\n333 1234567"), b"phone\n+393331234567".to_vec());
        assert_eq!(
            fix(b"phone\r\n333 1234567\r\n"),
            b"phone\r\n+393331234567\r\n".to_vec()
        );
    }

    #[test]
    fn overlapping_edits_apply_in_a_fixed_order_and_the_rest_next_pass() {
        let input = b"Hello World";
        let a = Edit::safe(0..5, "Ciao");
        let b = Edit::safe(3..8, "XX");
        let one = apply_edits(input, &[a.clone(), b.clone()]);
        let two = apply_edits(input, &[b.clone(), a.clone()]);
        assert_eq!(one, two);
        assert_eq!(one.output, b"Ciao World".to_vec());
        assert_eq!(one.deferred, vec![b]);

        // The lint re-run on the new bytes finds what the deferred fix was about.
        let lint = |bytes: &[u8]| {
            let mut edits = Vec::new();
            if bytes.starts_with(b"Hello") {
                edits.push(Edit::safe(0..5, "Ciao"));
            }
            if let Some(i) = bytes.windows(5).position(|w| w == b"World") {
                edits.push(Edit::safe(i..i + 5, "Mondo"));
            }
            if let Some(i) = bytes.windows(2).position(|w| w == b"o ") {
                edits.push(Edit::safe(i..i + 2, "o, "));
            }
            edits
        };
        let run = fix_until_stable(input, FixMode::SafeOnly, DEFAULT_MAX_PASSES, lint);
        assert_eq!(run.output, b"Ciao, Mondo".to_vec());
        assert_eq!(run.convergence, Convergence::Settled);
        assert_eq!(run.passes.len(), 2);
        assert_eq!(run.passes[0].deferred, 1);
    }

    #[test]
    fn fixing_twice_changes_nothing_the_second_time() {
        let input = b"\xEF\xBB\xBFa\r\n333 1234567\r\nb 333 1234567";
        let first = fix_until_stable(input, FixMode::SafeOnly, DEFAULT_MAX_PASSES, phone_fixes);
        assert!(first.changed());
        let second = fix_until_stable(
            &first.output,
            FixMode::SafeOnly,
            DEFAULT_MAX_PASSES,
            phone_fixes,
        );
        assert!(!second.changed());
        assert!(second.passes.is_empty());
        assert_eq!(second.output, first.output);
        assert!(unified_diff("a.csv", &first.output, &second.output).is_empty());
    }

    #[test]
    fn edits_that_cut_a_character_are_rejected() {
        let input = "Caffè 333 1234567".as_bytes();
        // `è` starts at byte 4 and takes two bytes.
        let r = apply_edits(input, &[Edit::safe(5..6, "e")]);
        assert_eq!(r.output, input.to_vec());
        assert_eq!(r.rejected[0].reason, RejectReason::NotCharBoundary);
    }

    #[test]
    fn the_diff_shows_crlf_and_bom_faithfully() {
        let before = b"\xEF\xBB\xBFphone\r\n333 1234567\r\n";
        let after = fix(before);
        let diff = unified_diff("audiences/vip.csv", before, &after);
        assert_eq!(
        diff,
        b"--- a/audiences/vip.csv\n+++ b/audiences/vip.csv\n@@ -1,2 +1,2 @@\n \xEF\xBB\xBFphone\r\n-333 1234567\r\n++393331234567\r\n"
            .to_vec()
    );
        assert_eq!(diff, unified_diff("audiences/vip.csv", before, &after));
    }
}

/// Reading and writing files on disk.
mod fixes_write {
    use super::*;

    #[cfg(unix)]
    fn mode(path: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        fs::metadata(path).unwrap().permissions().mode() & 0o7777
    }

    #[cfg(unix)]
    fn set_mode(path: &Path, mode: u32) {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
    }

    #[test]
    fn read_fix_write_round_trip() {
        let root = tempfile::tempdir().unwrap();
        fs::create_dir(root.path().join("audiences")).unwrap();
        let file = root.path().join("audiences/vip.csv");
        fs::write(&file, b"\xEF\xBB\xBFphone\r\n333 1234567").unwrap();

        let (bytes, snapshot) = read_for_fix(root.path(), Path::new("audiences/vip.csv")).unwrap();
        let fixed = fix(&bytes);
        write_atomic(
            root.path(),
            Path::new("audiences/vip.csv"),
            &snapshot,
            &fixed,
        )
        .unwrap();

        assert_eq!(
            fs::read(&file).unwrap(),
            b"\xEF\xBB\xBFphone\r\n+393331234567"
        );
        assert_eq!(entries(&root.path().join("audiences")), vec!["vip.csv"]);
    }

    #[cfg(unix)]
    #[test]
    fn permissions_are_kept_after_a_write() {
        let root = tempfile::tempdir().unwrap();
        let file = root.path().join("vip.csv");
        fs::write(&file, "333 1234567\n").unwrap();
        set_mode(&file, 0o640);
        let (bytes, snapshot) = read_for_fix(root.path(), Path::new("vip.csv")).unwrap();
        write_atomic(root.path(), Path::new("vip.csv"), &snapshot, &fix(&bytes)).unwrap();
        assert_eq!(fs::read(&file).unwrap(), b"+393331234567\n");
        assert_eq!(mode(&file), 0o640);
    }

    #[cfg(unix)]
    #[test]
    fn a_read_only_file_is_not_written() {
        let root = tempfile::tempdir().unwrap();
        let file = root.path().join("vip.csv");
        fs::write(&file, "333 1234567\n").unwrap();
        let (bytes, snapshot) = read_for_fix(root.path(), Path::new("vip.csv")).unwrap();
        set_mode(&file, 0o444);

        let err =
            write_atomic(root.path(), Path::new("vip.csv"), &snapshot, &fix(&bytes)).unwrap_err();
        assert!(matches!(err, WriteError::ReadOnly { .. }), "{err:?}");
        assert_eq!(fs::read(&file).unwrap(), b"333 1234567\n");
        assert_eq!(mode(&file), 0o444);
        assert_eq!(entries(root.path()), vec!["vip.csv"]);
        // Refused at read time too, before any fix is computed.
        assert!(matches!(
            read_for_fix(root.path(), Path::new("vip.csv")),
            Err(WriteError::ReadOnly { .. })
        ));
    }

    #[test]
    fn a_file_changed_after_reading_is_not_written() {
        let root = tempfile::tempdir().unwrap();
        let file = root.path().join("vip.csv");
        fs::write(&file, "333 1234567\n").unwrap();
        let (bytes, snapshot) = read_for_fix(root.path(), Path::new("vip.csv")).unwrap();
        // Same length, other bytes: only the content tells.
        fs::write(&file, "333 7654321\n").unwrap();

        let err =
            write_atomic(root.path(), Path::new("vip.csv"), &snapshot, &fix(&bytes)).unwrap_err();
        assert!(matches!(err, WriteError::Changed { .. }), "{err:?}");
        assert_eq!(fs::read(&file).unwrap(), b"333 7654321\n");
        assert_eq!(entries(root.path()), vec!["vip.csv"]);
    }

    #[test]
    fn a_file_deleted_after_reading_is_not_recreated() {
        let root = tempfile::tempdir().unwrap();
        let file = root.path().join("vip.csv");
        fs::write(&file, "333 1234567\n").unwrap();
        let (bytes, snapshot) = read_for_fix(root.path(), Path::new("vip.csv")).unwrap();
        fs::remove_file(&file).unwrap();
        assert!(write_atomic(root.path(), Path::new("vip.csv"), &snapshot, &fix(&bytes)).is_err());
        assert!(entries(root.path()).is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn a_symlinked_file_is_not_written() {
        let root = tempfile::tempdir().unwrap();
        let real = root.path().join("real.csv");
        fs::write(&real, "333 1234567\n").unwrap();
        std::os::unix::fs::symlink(&real, root.path().join("vip.csv")).unwrap();
        let (bytes, snapshot) = read_for_fix(root.path(), Path::new("real.csv")).unwrap();

        let err =
            write_atomic(root.path(), Path::new("vip.csv"), &snapshot, &fix(&bytes)).unwrap_err();
        assert!(matches!(err, WriteError::Symlink { .. }), "{err:?}");
        assert!(fs::symlink_metadata(root.path().join("vip.csv"))
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(fs::read(&real).unwrap(), b"333 1234567\n");
        assert_eq!(entries(root.path()), vec!["real.csv", "vip.csv"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_file_under_a_symlinked_folder_is_not_written() {
        let root = tempfile::tempdir().unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        fs::write(elsewhere.path().join("vip.csv"), "333 1234567\n").unwrap();
        std::os::unix::fs::symlink(elsewhere.path(), root.path().join("audiences")).unwrap();

        let err = read_for_fix(root.path(), Path::new("audiences/vip.csv")).unwrap_err();
        match &err {
            WriteError::Symlink { path, link } => {
                assert_eq!(path, "audiences/vip.csv");
                assert_eq!(link, "audiences");
            }
            other => panic!("{other:?}"),
        }
        assert!(err.to_string().contains("symlink"));
    }

    #[cfg(unix)]
    #[test]
    fn a_hard_linked_file_is_not_written() {
        let root = tempfile::tempdir().unwrap();
        let file = root.path().join("vip.csv");
        fs::write(&file, "333 1234567\n").unwrap();
        fs::hard_link(&file, root.path().join("copy.csv")).unwrap();
        assert!(matches!(
            read_for_fix(root.path(), Path::new("vip.csv")),
            Err(WriteError::HardLink { .. })
        ));
    }

    #[test]
    fn a_file_outside_the_root_is_not_written() {
        let root = tempfile::tempdir().unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        let outside = elsewhere.path().join("vip.csv");
        fs::write(&outside, "333 1234567\n").unwrap();
        let (_, snapshot) = read_for_fix(elsewhere.path(), Path::new("vip.csv")).unwrap();

        for path in [outside.as_path(), Path::new("../vip.csv")] {
            let err = write_atomic(root.path(), path, &snapshot, b"x").unwrap_err();
            assert!(matches!(err, WriteError::OutsideRoot { .. }), "{err:?}");
        }
        assert_eq!(fs::read(&outside).unwrap(), b"333 1234567\n");
    }

    #[test]
    fn errors_speak_plainly_and_say_what_to_do() {
        use miette::Diagnostic;
        let err = WriteError::Changed {
            path: "consent/ledger.csv".into(),
        };
        assert!(err.to_string().contains("changed on disk"));
        let help = err.help().unwrap().to_string();
        assert!(help.contains("run `camplint check --fix` again"), "{help}");
    }
}

/// Random edit sets against the invariants.
mod fixes_random {
    use super::*;

    /// xorshift64*: tiny, deterministic, good enough to shake out edge cases.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    #[test]
    fn random_edit_sets_touch_nothing_outside_accepted_spans() {
        let input =
            "\u{FEFF}phone,name\r\n\"+39 333 1234567\",\"Rossi, Mario\"\r\nè€😀,x\n333 1234567"
                .as_bytes();
        let replacements = ["", "x", "+39", "é", "\r\n", "\"q\"", "😀"];
        let mut rng = Rng(0x5EED_CAFE_F00D_0001);
        for _ in 0..2000 {
            let count = rng.below(8);
            let mut edits = Vec::new();
            for _ in 0..count {
                // Some spans reach past the end or cut characters: they must be rejected.
                let start = rng.below(input.len() + 2);
                let end = (start + rng.below(6)).min(input.len() + 1);
                let text = replacements[rng.below(replacements.len())];
                edits.push(Edit::safe(start..end, text));
                if rng.below(5) == 0 {
                    edits.push(edits[rng.below(edits.len())].clone());
                }
            }
            let r = apply_edits(input, &edits);

            // The order the edits were found in does not matter.
            let mut reversed = edits.clone();
            reversed.reverse();
            assert_eq!(apply_edits(input, &reversed), r);

            // Every edit is accounted for exactly once.
            assert_eq!(
                r.applied.len() + r.deferred.len() + r.rejected.len() + r.duplicates,
                edits.len()
            );

            // Accepted spans are in order and apart.
            for pair in r.applied.windows(2) {
                assert!(pair[0].span.end < pair[1].span.start, "{pair:?}");
            }

            // Walking the output: every byte between accepted spans is the input's.
            let mut out_pos = 0;
            let mut in_pos = 0;
            for edit in &r.applied {
                let gap = &input[in_pos..edit.span.start];
                assert_eq!(&r.output[out_pos..out_pos + gap.len()], gap);
                out_pos += gap.len();
                let rep = edit.replacement.as_bytes();
                assert_eq!(&r.output[out_pos..out_pos + rep.len()], rep);
                out_pos += rep.len();
                in_pos = edit.span.end;
            }
            assert_eq!(&r.output[out_pos..], &input[in_pos..]);

            // Valid UTF-8 in, valid UTF-8 out.
            assert!(std::str::from_utf8(&r.output).is_ok());
        }
    }
}
