//! Checks on a URL's host: TLD lookup and the punycode length limit on its labels.

use std::cmp::Ordering;

use super::chars::fold_case;

/// DNS limit on one label once punycode-encoded.
const MAX_LABEL_LEN: usize = 63;

pub(super) fn tld_list_contains(list: &[&str], candidate: &str) -> bool {
    list.binary_search_by(|entry| -> Ordering {
        entry.chars().cmp(candidate.chars().map(fold_case))
    })
    .is_ok()
}

/// Length of `part` after punycode encoding (RFC 3492), without building the string.
pub(super) fn punycode_len(part: &str) -> Option<usize> {
    const BASE: u32 = 36;
    const TMIN: u32 = 1;
    const TMAX: u32 = 26;
    let total = u32::try_from(part.chars().count()).ok()?;
    let basic = u32::try_from(part.chars().filter(char::is_ascii).count()).ok()?;
    let mut out = basic as usize + usize::from(basic > 0);
    let (mut n, mut delta, mut bias, mut handled) = (128u32, 0u32, 72u32, basic);
    while handled < total {
        let m = part.chars().map(u32::from).filter(|&c| c >= n).min()?;
        delta = delta.checked_add((m - n).checked_mul(handled + 1)?)?;
        n = m;
        for c in part.chars().map(u32::from) {
            if c < n {
                delta = delta.checked_add(1)?;
            }
            if c == n {
                let mut q = delta;
                let mut k = BASE;
                loop {
                    let t = if k <= bias {
                        TMIN
                    } else if k >= bias + TMAX {
                        TMAX
                    } else {
                        k - bias
                    };
                    if q < t {
                        break;
                    }
                    out += 1;
                    q = (q - t) / (BASE - t);
                    k += BASE;
                }
                out += 1;
                bias = punycode_adapt(delta, handled + 1, handled == basic);
                delta = 0;
                handled += 1;
            }
        }
        delta = delta.checked_add(1)?;
        n = n.checked_add(1)?;
    }
    Some(out)
}

fn punycode_adapt(delta: u32, points: u32, first: bool) -> u32 {
    const BASE: u32 = 36;
    const TMIN: u32 = 1;
    const TMAX: u32 = 26;
    const SKEW: u32 = 38;
    const DAMP: u32 = 700;
    let mut delta = if first { delta / DAMP } else { delta / 2 };
    delta += delta / points.max(1);
    let mut k = 0;
    while delta > ((BASE - TMIN) * TMAX) / 2 {
        delta /= BASE - TMIN;
        k += BASE;
    }
    k + (BASE - TMIN + 1) * delta / (delta + SKEW)
}

/// Whether one dot-separated label of a domain is 1..=63 characters once converted to ASCII
/// the way punycode.js's `toASCII` does (ideographic full stops split it further).
pub(super) fn label_fits(label: &str) -> bool {
    // Encoding never shortens: each character yields at least one output character.
    if label.chars().count() > MAX_LABEL_LEN {
        return false;
    }
    let mut total = 0usize;
    for (i, part) in label
        .split(['\u{3002}', '\u{FF0E}', '\u{FF61}'])
        .enumerate()
    {
        total += usize::from(i > 0);
        if part.is_ascii() {
            total += part.len();
        } else {
            match punycode_len(part) {
                Some(len) => total += "xn--".len() + len,
                None => return false,
            }
        }
    }
    (1..=MAX_LABEL_LEN).contains(&total)
}
