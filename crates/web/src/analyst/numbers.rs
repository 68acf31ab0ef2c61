//! Numbers as the page's language writes them: digits grouped by thousands ("11,418" in
//! English, "11.418" in Dutch) and the decimal sign of the language ("0.02", "0,02").
//! Pure: no database, no HTTP.

use crate::i18n::Lang;

/// The thousands separator and the decimal sign of `lang`.
fn signs(lang: Lang) -> (char, char) {
    match lang {
        Lang::En => (',', '.'),
        Lang::Nl => ('.', ','),
    }
}

/// `digits` (ASCII digits only) grouped by thousands with `sep`.
fn grouped(digits: &str, sep: char) -> String {
    let n = digits.len();
    let mut out = String::with_capacity(n + n / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (n - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

/// `x` with `places` decimals in the style of `lang`; "–" for a value that is not a
/// number.
pub(crate) fn decimal(lang: Lang, x: f64, places: usize) -> String {
    if !x.is_finite() {
        return "–".to_owned();
    }
    let (sep, point) = signs(lang);
    let plain = format!("{:.*}", places, x.abs());
    let (whole, fraction) = plain.split_once('.').unwrap_or((plain.as_str(), ""));
    // A value that rounds to zero is written without a sign.
    let negative = x < 0.0 && plain.chars().any(|c| c.is_ascii_digit() && c != '0');
    let mut out = String::new();
    if negative {
        out.push('−');
    }
    out.push_str(&grouped(whole, sep));
    if !fraction.is_empty() {
        out.push(point);
        out.push_str(fraction);
    }
    out
}

/// `x` rounded to a whole number in the style of `lang`.
pub(crate) fn whole(lang: Lang, x: f64) -> String {
    decimal(lang, x, 0)
}

/// A count in the style of `lang`.
pub(crate) fn count(lang: Lang, n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let sign = if n < 0 { "−" } else { "" };
    format!("{sign}{}", grouped(&digits, signs(lang).0))
}

/// A probability: three decimals, or "< 0.001" below that.
pub(crate) fn probability(lang: Lang, p: f64) -> String {
    if p.is_finite() && p < 0.001 {
        format!("< {}", decimal(lang, 0.001, 3))
    } else {
        decimal(lang, p, 3)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_as_each_language_writes_them() {
        for (lang, x, places, want) in [
            (Lang::En, 11_418.4, 0, "11,418"),
            (Lang::Nl, 11_418.4, 0, "11.418"),
            (Lang::En, 1_234_567.25, 1, "1,234,567.2"),
            (Lang::Nl, 1_234_567.25, 1, "1.234.567,2"),
            (Lang::En, 999.6, 0, "1,000"),
            (Lang::En, 12.0, 0, "12"),
            (Lang::Nl, -3_456.78, 2, "−3.456,78"),
            (Lang::En, -0.01, 1, "0.0"),
            (Lang::En, f64::NAN, 1, "–"),
        ] {
            assert_eq!(decimal(lang, x, places), want, "{lang:?} {x}");
        }
        assert_eq!(count(Lang::En, 2740), "2,740");
        assert_eq!(count(Lang::Nl, 2740), "2.740");
        assert_eq!(count(Lang::Nl, 905), "905");
        assert_eq!(count(Lang::En, -1000), "−1,000");
        assert_eq!(whole(Lang::Nl, 100_000.0), "100.000");
        assert_eq!(probability(Lang::Nl, 0.0213), "0,021");
        assert_eq!(probability(Lang::En, 0.00001), "< 0.001");
    }
}
